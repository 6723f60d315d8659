// Runs the project's external commands (cdktf, terraform): bounded, in their own process group, with
// their output collected, and with umask 077, so that what they write (Terraform state holding a
// generated private key, outputs files with sensitive values) is readable by the user only.
import { spawn } from "node:child_process";
import { PROJECT_ROOT } from "./terraform-env";

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

/** `sh -c` program that sets the umask, then becomes the command ("$0") with its arguments ("$@"). */
const PRIVATE_UMASK = 'umask 077 && exec "$0" "$@"';

/** Runs a command (bounded: the group is stopped at the timeout). Never rejects on a non-zero exit. */
export function run(command: string, args: string[], { env, cwd = PROJECT_ROOT, timeoutMs = 20 * 60_000, onOutput }: RunOptions): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", PRIVATE_UMASK, command, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
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

/**
 * Runs a command on this process's terminal (stdin, stdout and stderr inherited: cdktf can ask for
 * approval, and `$(...)` captures what terraform prints), with the same umask. Resolves to its exit code.
 */
export function runAttached(command: string, args: string[], { env, cwd = PROJECT_ROOT }: Pick<RunOptions, "env" | "cwd">): Promise<number> {
  // Ctrl-C reaches the command too (same process group): wait for it to stop (terraform then releases its
  // state lock) instead of exiting under it.
  const waitForChild = () => {};
  process.on("SIGINT", waitForChild);
  return new Promise<number>((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", PRIVATE_UMASK, command, ...args], { cwd, env, stdio: "inherit" });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  }).finally(() => process.off("SIGINT", waitForChild));
}

/** Last lines of a long output, for an error message. */
export function tail(text: string, lines = 40): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
