// What `npm run local`, `npm run local:destroy` and the end-to-end tests share: the local configuration
// (a key pair imported instead of generated), the environment that points the stacks at the emulator,
// and cdktf deploy/destroy runs with the offline Terraform CLI configuration.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT, terraformEnv } from "./terraform-env";

/** The state bucket the local target creates on the emulator. */
export const LOCAL_STATE_BUCKET = "openclaw-local-state";
/** Everything of the local target lives here (gitignored): emulator record, configs, key, synth output, bootstrap state. */
export const LOCAL_DIR = path.join(PROJECT_ROOT, ".cache", "local");
const CDKTF_BIN = path.join(PROJECT_ROOT, "node_modules", ".bin", "cdktf");

/** A raw configuration as written in a JSON file (validated later by the app). */
export type RawConfig = Record<string, unknown> & {
  stackName?: string;
  keyPair?: { mode?: string; name?: string; publicKey?: string };
};

/** OpenSSH wire-format string: uint32 length, then the bytes. */
function sshString(buffer: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(buffer.length);
  return Buffer.concat([length, buffer]);
}

/** An SSH mpint from an unsigned big-endian integer (a leading zero byte when the top bit is set). */
function sshMpint(buffer: Buffer): Buffer {
  let bytes = buffer;
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return sshString(bytes);
}

/**
 * An RSA 2048 key pair made at run time (what keyPair "generate" makes with the tls provider): the public
 * key in OpenSSH format, the private key as PKCS#1 PEM, which ssh reads.
 */
export function generateSshKeyPair(comment = "openclaw-local"): { publicKey: string; privateKeyPem: string } {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" });
  const blob = Buffer.concat([
    sshString(Buffer.from("ssh-rsa")),
    sshMpint(Buffer.from(jwk.e!, "base64url")),
    sshMpint(Buffer.from(jwk.n!, "base64url")),
  ]);
  return {
    publicKey: `ssh-rsa ${blob.toString("base64")} ${comment}`,
    privateKeyPem: privateKey.export({ format: "pem", type: "pkcs1" }).toString(),
  };
}

/**
 * The configuration the local target deploys: `base` (a user config, or {} for the defaults) with a
 * generated key pair switched to an imported one, since the tls provider that "generate" needs is not in
 * the offline mirror. Returns the config and a note for each change.
 */
export function localConfig(base: RawConfig, publicKey: string): { config: RawConfig; notes: string[] } {
  const config = structuredClone(base);
  const notes: string[] = [];
  const mode = config.keyPair?.mode ?? "generate";
  if (mode === "generate") {
    config.keyPair = { mode: "import", publicKey, ...(config.keyPair?.name ? { name: config.keyPair.name } : {}) };
    notes.push(
      'keyPair "generate" needs the hashicorp/tls provider, which is not in the offline mirror: ' +
        "the local target imports an RSA key pair generated at run time instead",
    );
  }
  return { config, notes };
}

export interface LocalEnvOptions {
  readonly endpoint: string;
  /** The configuration file the app reads (OPENCLAW_CONFIG). */
  readonly configFile: string;
  readonly stateBucket?: string;
  readonly base?: NodeJS.ProcessEnv;
}

/** Environment of every cdktf/terraform run against the emulator. */
export function localEnv({ endpoint, configFile, stateBucket = LOCAL_STATE_BUCKET, base = process.env }: LocalEnvOptions): NodeJS.ProcessEnv {
  const env = terraformEnv(base);
  for (const name of ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"]) delete env[name];
  return {
    ...env,
    OPENCLAW_CONFIG: configFile,
    OPENCLAW_STATE_BUCKET: stateBucket,
    OPENCLAW_LOCAL_ENDPOINT: endpoint,
    // Never real credentials towards the emulator (the stacks set the same for the provider and backend).
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_EC2_METADATA_DISABLED: "true",
    CI: env.CI ?? "1", // cdktf: plain line output, no interactive UI
    FORCE_COLOR: "0",
  };
}

export interface RunResult {
  readonly code: number;
  readonly output: string;
  readonly seconds: number;
}

export interface RunOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  /** Gets every chunk of output; default: echo to this process's stdout. */
  readonly onOutput?: (text: string) => void;
}

/** Runs a command in its own process group (bounded: the group is stopped at the timeout). Never rejects on a non-zero exit. */
export function run(command: string, args: string[], { env, cwd = PROJECT_ROOT, timeoutMs = 20 * 60_000, onOutput }: RunOptions): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (onOutput) onOutput(text);
      else process.stdout.write(text);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        /* gone */
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      output += `\n[${command} ${args[0]} timed out after ${timeoutMs / 1000} s: stopped]\n`;
      kill("SIGTERM");
      killTimer = setTimeout(() => kill("SIGKILL"), 10_000);
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      resolve({ code: code ?? (signal ? 128 : 1), output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** The cdktf CLI of the project. */
export function runCdktf(args: string[], options: RunOptions): Promise<RunResult> {
  return run(CDKTF_BIN, args, options);
}

/** terraform itself, in a stack's folder. */
export function runTerraform(args: string[], options: RunOptions & { cwd: string }): Promise<RunResult> {
  return run("terraform", args, { onOutput: () => {}, timeoutMs: 10 * 60_000, ...options });
}

/** A stack's synthesized folder. */
export function stackDir(outdir: string, stack: string): string {
  return path.join(outdir, "stacks", stack);
}

/** Last lines of a long output, for an error message. */
export function tail(text: string, lines = 40): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/**
 * Makes sure the stack's folder has a provider lock file before cdktf runs there. Without one, cdktf runs
 * `terraform providers lock -platform=linux_amd64` after init, which asks the public registry (that command
 * ignores the CLI configuration's mirror) and fails offline. `terraform init -backend=false` writes the
 * lock file from the mirror, and needs no state bucket yet.
 */
export async function ensureLockFile(stack: string, { env, outdir }: { env: NodeJS.ProcessEnv; outdir: string }): Promise<void> {
  const dir = stackDir(outdir, stack);
  if (fs.existsSync(path.join(dir, ".terraform.lock.hcl"))) return;
  const synth = await runCdktf(["synth", "--output", outdir], { env, onOutput: () => {} });
  if (synth.code !== 0) throw new Error(`cdktf synth failed (exit ${synth.code}):\n${tail(synth.output)}`);
  const init = await runTerraform(["init", "-backend=false", "-input=false", "-no-color"], { env, cwd: dir });
  if (init.code !== 0) throw new Error(`terraform init -backend=false in ${dir} failed:\n${tail(init.output)}`);
}

export interface StackRunOptions extends Omit<RunOptions, "env"> {
  readonly env: NodeJS.ProcessEnv;
  /** cdktf output folder (--output). */
  readonly outdir: string;
}

/** `cdktf deploy <stack> --auto-approve`, the outputs written to `outputsFile` when given. */
export async function deployStack(stack: string, { outputsFile, ...options }: StackRunOptions & { outputsFile?: string }): Promise<RunResult> {
  await ensureLockFile(stack, options);
  const args = ["deploy", stack, "--auto-approve", "--output", options.outdir];
  if (outputsFile) args.push("--outputs-file", outputsFile, "--outputs-file-include-sensitive-outputs");
  return runCdktf(args, options);
}

/** `cdktf destroy <stack> --auto-approve`. */
export async function destroyStack(stack: string, options: StackRunOptions): Promise<RunResult> {
  await ensureLockFile(stack, options);
  return runCdktf(["destroy", stack, "--auto-approve", "--output", options.outdir], options);
}

/** One stack's outputs from a cdktf --outputs-file ({ <stack>: { <output>: value } }). */
export function readOutputs(outputsFile: string, stack: string): Record<string, unknown> {
  const all = JSON.parse(fs.readFileSync(outputsFile, "utf8")) as Record<string, Record<string, unknown>>;
  return all[stack] ?? {};
}

/** Counts the managed resource instances in a Terraform state document. */
export function countStateResources(state: { resources?: { mode: string; instances: unknown[] }[] }): number {
  return (state.resources ?? []).filter((resource) => resource.mode === "managed").reduce((sum, resource) => sum + resource.instances.length, 0);
}
