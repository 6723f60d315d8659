/**
 * How the scripts end (scripts/lib/cli.ts), through the commands users type: a bad configuration is its
 * message once on stderr, exit 1, no stack trace, and nothing written; only a bug shows a stack.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../../scripts/lib/terraform-env";

jest.setTimeout(120_000);

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runIn(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, timeout: 100_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const npm = (args: string[], env?: NodeJS.ProcessEnv) => runIn("npm", ["run", ...args], env);

const occurrences = (text: string, part: string) => text.split(part).length - 1;

/** Every path below `dir` with its size and mtime (empty when it does not exist). */
function snapshot(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((entry) => {
      const stat = fs.lstatSync(path.join(dir, entry));
      return `${entry} ${stat.size} ${stat.mtimeMs}`;
    })
    .sort();
}

let scratch: string;
const badConfigs: Record<string, { text: string; message: RegExp }> = {};

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-cli-"));
  const write = (name: string, text: string, message: RegExp) => {
    const file = path.join(scratch, name);
    fs.writeFileSync(file, text);
    badConfigs[file] = { text, message };
  };
  write("bad-field.json", JSON.stringify({ stackName: "cli-bad-config", gateway: { port: 0 } }), /gateway\.port: must be between 1 and 65535 \(got 0\)/);
  write("bad-syntax.json", '{ "stackName": "cli-bad-config",, }', /not valid JSON/);
});

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function expectConfigErrorOnce(ran: Ran, file: string): void {
  expect(ran.code).toBe(1);
  expect(occurrences(ran.stderr, "Invalid OpenClaw configuration")).toBe(1);
  expect(ran.stderr).toMatch(badConfigs[file].message);
  expect(ran.stderr).not.toMatch(/^\s{4}at /m);
  expect(ran.stdout).not.toMatch(/Invalid OpenClaw configuration/);
}

describe.each(["bad-field.json", "bad-syntax.json"])("a bad configuration (%s)", (name) => {
  const file = () => path.join(scratch, name);

  test("npm run local -- --config: rejected before anything is written (no key, no stack folder, no emulator)", async () => {
    const localDir = path.join(PROJECT_ROOT, ".cache", "local");
    const before = snapshot(localDir);
    const ran = await npm(["local", "--", "--config", file()]);
    expectConfigErrorOnce(ran, file());
    expect(ran.stdout).not.toMatch(/Emulator:/);
    expect(fs.existsSync(path.join(localDir, "cli-bad-config"))).toBe(false);
    expect(snapshot(localDir)).toEqual(before);
  });

  test("npm run render -- <dir> --config: rejected, no render folder", async () => {
    const out = path.join(scratch, `rendered-${name}`);
    const ran = await npm(["render", "--", out, "--config", file()]);
    expectConfigErrorOnce(ran, file());
    expect(fs.existsSync(out)).toBe(false);
  });

  test("npm run verify (config from env OPENCLAW_CONFIG): rejected before it reads any output", async () => {
    const ran = await npm(["verify"], { OPENCLAW_CONFIG: file() });
    expectConfigErrorOnce(ran, file());
    expect(ran.stdout).not.toMatch(/Verifying/);
  });
});

test("npm run local with an unknown argument: the usage once, exit 1, no stack", async () => {
  const ran = await npm(["local", "--", "bogus"]);
  expect(ran.code).toBe(1);
  expect(occurrences(ran.stderr, "unknown argument bogus")).toBe(1);
  expect(ran.stderr).toMatch(/usage: npm run local/);
  expect(ran.stderr).not.toMatch(/^\s{4}at /m);
});

describe("runCli", () => {
  const script = (body: string) => {
    const file = path.join(scratch, `cli-${Math.random().toString(36).slice(2)}.ts`);
    fs.writeFileSync(file, `import { Failure, runCli } from ${JSON.stringify(path.join(PROJECT_ROOT, "scripts", "lib", "cli"))};\n${body}\n`);
    return runIn(process.execPath, ["--import", "tsx", file]);
  };

  test("a Failure (also from an async main): its message once, exit 1, no stack", async () => {
    const ran = await script('runCli(async () => { await Promise.resolve(); throw new Failure("the deploy failed"); });');
    expect(ran.code).toBe(1);
    expect(ran.stderr.trim()).toBe("the deploy failed");
  });

  test("an unexpected error: its stack, exit 1", async () => {
    const ran = await script('runCli(() => { throw new TypeError("a bug"); });');
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/^TypeError: a bug\n\s{4}at /m);
  });

  test("a main that succeeds: exit 0, nothing on stderr", async () => {
    const ran = await script('runCli(() => { console.log("done"); });');
    expect(ran).toEqual({ code: 0, stdout: "done\n", stderr: "" });
  });
});
