// The project's cdktf and terraform runs, for any target (real AWS or the local emulator): synth with a
// provider lock file made offline, deploy, destroy, plan, and reading what they leave (outputs, state).
// The environment (credentials, endpoints, the offline CLI configuration) is the caller's.
import fs from "node:fs";
import path from "node:path";
import { Failure } from "./cli";
import { run, tail, type RunOptions, type RunResult } from "./process";
import { PROJECT_ROOT } from "./terraform-env";

/** The cdktf CLI of the project. */
export const CDKTF_BIN = path.join(PROJECT_ROOT, "node_modules", ".bin", "cdktf");

/** The cdktf CLI, its output collected. */
export function runCdktf(args: string[], options: RunOptions): Promise<RunResult> {
  return run(CDKTF_BIN, args, options);
}

/** terraform itself, in a stack's folder (quiet unless `onOutput` is given). */
export function runTerraform(args: string[], options: RunOptions & { cwd: string }): Promise<RunResult> {
  return run("terraform", args, { onOutput: () => {}, timeoutMs: 10 * 60_000, ...options });
}

/** A stack's synthesized folder. */
export function stackDir(outdir: string, stack: string): string {
  return path.join(outdir, "stacks", stack);
}

export interface StackRunOptions extends Omit<RunOptions, "env" | "cwd"> {
  readonly env: NodeJS.ProcessEnv;
  /** cdktf output folder (--output). */
  readonly outdir: string;
}

/**
 * Makes sure the stack's folder has a provider lock file before cdktf runs there. Without one, cdktf runs
 * `terraform providers lock -platform=linux_amd64` after init, which asks the public registry (that command
 * ignores the CLI configuration's mirror) and fails offline. `terraform init -backend=false` writes the
 * lock file from the mirror, and needs no state bucket yet.
 */
export async function ensureLockFile(stack: string, { env, outdir }: StackRunOptions): Promise<void> {
  const dir = stackDir(outdir, stack);
  if (fs.existsSync(path.join(dir, ".terraform.lock.hcl"))) return;
  const synth = await runCdktf(["synth", "--output", outdir], { env, onOutput: () => {} });
  if (synth.code !== 0) throw new Failure(`${tail(synth.output)}\n\ncdktf synth failed (exit ${synth.code})`);
  const init = await runTerraform(["init", "-backend=false", "-input=false", "-no-color"], { env, cwd: dir });
  if (init.code !== 0) {
    const offline = /could not connect to registry\.terraform\.io/.test(init.output)
      ? "\nThe Terraform registry is out of reach: offline, point TF_CLI_CONFIG_FILE at a provider mirror (README, Deploy to a real AWS account: Offline)."
      : "";
    throw new Failure(`${tail(init.output)}\n\nterraform init -backend=false in ${dir} failed (exit ${init.code})${offline}`);
  }
}

/** `cdktf deploy <stack> --auto-approve`, the outputs (sensitive ones too) written to `outputsFile` when given. */
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

/** `terraform plan -detailed-exitcode` in a deployed stack's folder: 0 = no changes, 2 = changes, 1 = error. */
export function planStack(stack: string, { env, outdir }: StackRunOptions, extra: string[] = []): Promise<RunResult> {
  return runTerraform(["plan", "-detailed-exitcode", "-input=false", "-no-color", ...extra], { env, cwd: stackDir(outdir, stack) });
}

/** One stack's outputs from a cdktf --outputs-file ({ <stack>: { <output>: value } }). */
export function readOutputs(outputsFile: string, stack: string): Record<string, unknown> {
  const all = JSON.parse(fs.readFileSync(outputsFile, "utf8")) as Record<string, Record<string, unknown>>;
  return all[stack] ?? {};
}

/** A Terraform state document (the parts the project reads). */
export interface TerraformState {
  serial: number;
  resources: { mode: string; type: string; name: string; instances: { attributes: Record<string, unknown> }[] }[];
}

/** Counts the managed resource instances in a Terraform state document. */
export function countStateResources(state: Pick<TerraformState, "resources">): number {
  return (state.resources ?? []).filter((resource) => resource.mode === "managed").reduce((sum, resource) => sum + resource.instances.length, 0);
}
