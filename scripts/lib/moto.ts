// moto_server, a local AWS API, on a free loopback port: started detached in its own process group (so it
// outlives `npm run local` and is stopped as a whole), stopped by its PID. Only ever 127.0.0.1.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export const LOOPBACK = "127.0.0.1";

export interface Moto {
  readonly pid: number;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly logFile?: string;
}

/** A TCP port nothing listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether moto answers at `endpoint` (its dashboard page: cheap, unlike /moto-api/data.json). */
export async function motoAnswers(endpoint: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(new URL("/moto-api/", endpoint), { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether `pid` is (still) a moto_server, so that a recorded PID the system has since given to another
 * program is never signalled. Where /proc does not exist, a live recorded PID is trusted.
 */
export function isMotoProcess(pid: number): boolean {
  if (!fs.existsSync("/proc/self")) return pidAlive(pid);
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("moto_server");
  } catch {
    return false;
  }
}

export interface StartOptions {
  /** Port to listen on; a free one when not given. */
  readonly port?: number;
  /** File the server's output is appended to. */
  readonly logFile?: string;
  readonly command?: string;
  readonly readyTimeoutMs?: number;
}

/**
 * Starts `moto_server -H 127.0.0.1 -p <port>` with the AWS managed IAM policies loaded, and waits
 * (bounded) until it answers.
 */
export async function startMoto({ port, logFile, command = "moto_server", readyTimeoutMs = 180_000 }: StartOptions = {}): Promise<Moto> {
  const chosenPort = port ?? (await freePort());
  let out: "ignore" | number = "ignore";
  if (logFile) {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    out = fs.openSync(logFile, "a");
  }
  const child = spawn(command, ["-H", LOOPBACK, "-p", String(chosenPort)], {
    // Without it, attaching CloudWatchAgentServerPolicy / AmazonSSMManagedInstanceCore fails with 404.
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: "true" },
    detached: true,
    stdio: ["ignore", out, out],
  });
  if (typeof out === "number") fs.closeSync(out);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  child.on("exit", (code, signal) => (exit = { code, signal }));
  let spawnError: NodeJS.ErrnoException | undefined;
  child.on("error", (error) => (spawnError = error));
  child.unref();

  const endpoint = `http://${LOOPBACK}:${chosenPort}`;
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    await sleep(250);
    if (spawnError) {
      throw new Error(
        spawnError.code === "ENOENT"
          ? `${command} not found on PATH: install moto with its server extra (pip install "moto[server]")`
          : `could not start ${command}: ${spawnError.message}`,
      );
    }
    if (exit) {
      throw new Error(`${command} exited (${exit.code ?? exit.signal}) before answering${logFile ? `; see ${logFile}` : ""}`);
    }
    if (await motoAnswers(endpoint)) return { pid: child.pid!, port: chosenPort, endpoint, logFile };
  }
  if (child.pid) await stopMoto(child.pid);
  throw new Error(`${command} did not answer at ${endpoint} within ${readyTimeoutMs / 1000} s${logFile ? `; see ${logFile}` : ""}`);
}

/** Stops the emulator's process group (SIGTERM, then SIGKILL after `graceMs`). Returns whether it was running. */
export async function stopMoto(pid: number, { graceMs = 10_000 } = {}): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 1 || !pidAlive(pid) || !isMotoProcess(pid)) return false;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name); // the group: moto_server and anything it forked
    } catch {
      try {
        process.kill(pid, name);
      } catch {
        /* already gone */
      }
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return true;
    await sleep(100);
  }
  signal("SIGKILL");
  const killDeadline = Date.now() + 5000;
  while (Date.now() < killDeadline && pidAlive(pid)) await sleep(100);
  return true;
}
