// The project's cdktf and terraform runs, for any target (real AWS or the local emulator): deploy, destroy
// and plan, offline too, and reading what they leave (outputs, state).
// The environment (credentials, endpoints, the offline CLI configuration) is the caller's.
import fs from "node:fs";
import path from "node:path";
import { run, type RunOptions, type RunResult } from "./process";
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
 * Added to every cdktf deploy, destroy and diff of the project: otherwise, when a stack's folder has no
 * provider lock file yet, cdktf runs `terraform providers lock` after init, which asks the public registry
 * (that command ignores the CLI configuration's mirror) and fails offline. The `terraform init` cdktf runs
 * writes the lock file itself, from the registry's checksums online and from the mirror offline.
 */
export const SKIP_PROVIDER_LOCK = "--skip-provider-lock";

/**
 * After a failed run in a synthesized stack's folder: when Terraform's init installed no provider there
 * (offline, the registry is out of reach, or the mirror lacks the provider), the fix; otherwise nothing.
 */
export function providerInstallHint(dir: string, env: NodeJS.ProcessEnv): string | undefined {
  if (!fs.existsSync(path.join(dir, "cdk.tf.json")) || fs.existsSync(path.join(dir, ".terraform", "providers"))) return undefined;
  const config = env.TF_CLI_CONFIG_FILE ? `TF_CLI_CONFIG_FILE (${env.TF_CLI_CONFIG_FILE}) names no mirror holding it` : "TF_CLI_CONFIG_FILE is not set";
  return [
    `Terraform installed no provider in ${dir}: ${config}, and the Terraform registry is out of reach or refused it.`,
    "Offline, point Terraform at a provider mirror, in every new shell (README, Deploy to a real AWS account: Offline):",
    '  export TF_CLI_CONFIG_FILE="$PWD/.cache/terraform/cli.tfrc"',
    "  node --import tsx scripts/lib/terraform-env.ts",
  ].join("\n");
}

/** `cdktf deploy <stack> --auto-approve`, the outputs (sensitive ones too) written to `outputsFile` when given. */
export function deployStack(stack: string, { outputsFile, ...options }: StackRunOptions & { outputsFile?: string }): Promise<RunResult> {
  const args = ["deploy", stack, "--auto-approve", SKIP_PROVIDER_LOCK, "--output", options.outdir];
  if (outputsFile) args.push("--outputs-file", outputsFile, "--outputs-file-include-sensitive-outputs");
  return runCdktf(args, options);
}

/** `cdktf destroy <stack> --auto-approve`. */
export function destroyStack(stack: string, options: StackRunOptions): Promise<RunResult> {
  return runCdktf(["destroy", stack, "--auto-approve", SKIP_PROVIDER_LOCK, "--output", options.outdir], options);
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
