/** Shared by the host tests: rendering to disk, the real OpenClaw toolchain, processes. */
import { execFileSync, spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { RenderedHost } from "../../src/host/render";

export { PROJECT_ROOT } from "../../src/project-root";
import { PROJECT_ROOT } from "../../src/project-root";

export interface Toolchain {
  dir: string;
  nodeVersion: string;
  openclawVersion: string;
  nodeBin: string;
  node: string;
  /** The npm project OpenClaw's locked tree is installed in (package.json, package-lock.json, node_modules), as on the hosts. */
  project: string;
  /** sha256 of that lock: the install marker the hosts write. */
  lockSha256: string;
  openclaw: string;
  /** The installed `openclaw` package directory (holds openclaw.mjs). */
  packageDir: string;
  path: string;
}

let toolchainCache: Toolchain | undefined;

/** Installs (once, into the user's cache) and returns the real Node 24 + OpenClaw. */
export function toolchain(): Toolchain {
  if (!toolchainCache) {
    const out = execFileSync(process.execPath, [path.join(PROJECT_ROOT, "scripts", "openclaw-toolchain.mjs")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      timeout: 15 * 60_000,
    });
    toolchainCache = JSON.parse(out) as Toolchain;
  }
  return toolchainCache;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `openclaw-aws-${prefix}-`));
}

/** Writes a rendered host like `npm run render` does: <root>/<path on the host>. */
export function writeRendered(root: string, rendered: RenderedHost): void {
  for (const file of rendered.files) {
    const target = path.join(root, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content);
    fs.chmodSync(target, parseInt(file.mode, 8));
  }
  fs.writeFileSync(path.join(root, "user-data.yaml"), rendered.userData);
}

export function fileContent(rendered: RenderedHost, hostPath: string): string {
  const file = rendered.files.find((f) => f.path === hostPath);
  if (!file) throw new Error(`rendered host has no ${hostPath}`);
  return file.content;
}

export function run(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; timeout?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    encoding: "utf8",
    env: options.env ?? process.env,
    input: options.input,
    cwd: options.cwd,
    timeout: options.timeout ?? 120_000,
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs).unref());
  }
}

/** A process started in its own process group, with its output kept for diagnostics. */
export interface Started {
  readonly name: string;
  readonly child: ChildProcess;
  output(): string;
  exited(): Promise<number | null>;
}

const started = new Set<Started>();

export function startProcess(name: string, command: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): Started {
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const handle: Started = { name, child, output: () => out, exited: () => exit };
  started.add(handle);
  void exit.then(() => started.delete(handle));
  return handle;
}

/** Resolves with the promise's value, or "timeout" after `ms` (the timer never keeps jest alive). */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((r) => {
    timer = setTimeout(() => r("timeout"), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** PIDs of every descendant of `pid` (from /proc), so children that left the group are stopped too. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* exited meanwhile */
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function kill(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch {
    /* already gone */
  }
}

/** Stops one started process: its process group and every descendant, SIGTERM then SIGKILL after `graceMs`. */
export async function stopProcess(handle: Started, graceMs = 10_000): Promise<void> {
  const pid = handle.child.pid;
  if (pid === undefined || handle.child.exitCode !== null || handle.child.signalCode !== null) {
    started.delete(handle);
    return;
  }
  const family = descendants(pid);
  kill(-pid, "SIGTERM");
  for (const child of family) kill(child, "SIGTERM");
  if ((await withTimeout(handle.exited(), graceMs)) === "timeout") {
    kill(-pid, "SIGKILL");
    await handle.exited();
  }
  // Whatever outlived the leader: the rest of the group, and descendants in other groups.
  kill(-pid, "SIGKILL");
  for (const child of family) kill(child, "SIGKILL");
  started.delete(handle);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((h) => stopProcess(h)));
}
