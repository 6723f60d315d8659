// The deploy guide's commands (README "Deploy to a real AWS account"), for the stack the configuration
// names, whatever its stackName: the configuration is openclaw.config.json or the file env OPENCLAW_CONFIG
// names, as for cdktf itself.
//
//   npm run bootstrap                                   # creates the state bucket (state.bucket), once per bucket
//   npm run diff                                        # cdktf diff <stack>
//   npm run deploy [-- --auto-approve]                  # cdktf deploy <stack>
//   npm run destroy -- --keep-data|--delete-data [--auto-approve]
//   npm run terraform -- <args>                         # terraform <args> in cdktf.out/stacks/<stack>, after a synth
//
// Each prints the cdktf or terraform command it runs, and runs it on this terminal; cdktf runs with
// --skip-provider-lock (its `terraform providers lock` ignores a provider mirror: Terraform's init writes
// the lock file). When a command fails while the state is locked, the lock is named with the command that
// releases it.
import fs from "node:fs";
import path from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { DEFAULT_CONFIG_FILE, loadConfig, readConfigFile } from "../src/config/load";
import { deploymentNames } from "../src/config/names";
import type { OpenClawConfig } from "../src/config/schema";
import { CDKTF_BIN, providerInstallHint, runCdktf, runTerraform, SKIP_PROVIDER_LOCK, stackDir } from "./lib/cdktf";
import { Failure, runCli } from "./lib/cli";
import { importCommand, leftovers, resourcesToKeep, type ShownState } from "./lib/destroy-plan";
import { runAttached, tail } from "./lib/process";
import { bucketStatus, lockHint, readLock, stateBucketClient, stateLocation, type StateLocation } from "./lib/state-bucket";
import { PROJECT_ROOT } from "./lib/terraform-env";

const USAGE = [
  "usage: npm run bootstrap",
  "       npm run diff",
  "       npm run deploy [-- --auto-approve]",
  "       npm run destroy -- --keep-data|--delete-data [--auto-approve]",
  "       npm run terraform -- <terraform arguments>",
].join("\n");

/** Where cdktf writes the stacks (its default). */
const OUTDIR = path.join(PROJECT_ROOT, "cdktf.out");

/** Progress goes to stderr: `$(npm run --silent terraform -- output -raw <name>)` captures only terraform's answer. */
const log = (line: string) => console.error(line);

/** The environment of every cdktf and terraform run: the caller's, without telemetry, plain output when not on a terminal. */
function commandEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE ?? "1" };
  if (!process.stdout.isTTY && env.CI === undefined) env.CI = "1"; // cdktf: lines instead of an animated screen
  return env;
}

/** The configuration file the app reads (as main.ts finds it), if there is one. */
function configFile(): string | undefined {
  const file = path.resolve(PROJECT_ROOT, process.env.OPENCLAW_CONFIG ?? DEFAULT_CONFIG_FILE);
  return fs.existsSync(file) ? file : undefined;
}

class Stack {
  readonly name: string;
  readonly stateStack: string;
  /** The S3 state of the stack; none when it is a local file. */
  readonly state: StateLocation | undefined;
  /** Its synthesized folder, where terraform runs. */
  readonly dir: string;
  private readonly s3: S3Client;

  constructor(
    readonly config: OpenClawConfig,
    private env: NodeJS.ProcessEnv,
  ) {
    this.name = config.stackName;
    this.stateStack = deploymentNames(config).stateStack;
    this.state = stateLocation(config);
    this.dir = stackDir(OUTDIR, this.name);
    this.s3 = stateBucketClient(config);
  }

  async bootstrap(): Promise<number> {
    if (!this.state) {
      log(`No state.bucket in the configuration: the state of stack ${this.name} is the file terraform.${this.name}.tfstate at the project root. Nothing to bootstrap.`);
      return 0;
    }
    const { bucket, key } = this.state;
    const shared = `Stack ${this.name} keeps its state in it at ${key}: every stack has a key of its own, so stacks can share one bucket.`;
    const status = await bucketStatus(this.s3, bucket);
    if (status === "not-yours") throw new Failure(this.notYours(bucket));
    if (status === "yours") {
      log(`State bucket ${bucket} exists: nothing to create (it is made once per bucket). ${shared}`);
      return 0;
    }
    log(`Creating the state bucket ${bucket} with the bootstrap stack ${this.stateStack} (its own state: terraform.${this.stateStack}.tfstate at the project root).`);
    const code = await this.cdktf(["deploy", this.stateStack, "--auto-approve"]);
    if (code === 0) log(`\nState bucket ${bucket} created. ${shared}`);
    return code;
  }

  async diff(args: string[]): Promise<number> {
    await this.requireStateBucket();
    return this.cdktf(["diff", this.name, ...args]);
  }

  async deploy(args: string[]): Promise<number> {
    requireApproval("deploy", args);
    await this.requireStateBucket();
    return this.cdktf(["deploy", this.name, ...args]);
  }

  async destroy(args: string[]): Promise<number> {
    const keepData = args.includes("--keep-data");
    const deleteData = args.includes("--delete-data");
    const cdktfArgs = args.filter((arg) => arg !== "--keep-data" && arg !== "--delete-data");
    if (keepData && deleteData) throw new Failure("npm run destroy: --keep-data or --delete-data, not both");
    if (!keepData && !deleteData && !this.config.dataVolume.deleteOnDestroy) {
      throw new Failure(
        [
          `Stack ${this.name}: nothing destroyed. Its data volumes hold each host's OpenClaw state and are protected (prevent_destroy),`,
          "so a plain destroy would stop before deleting anything. Choose:",
          "  npm run destroy -- --keep-data     # destroys the rest; the data volumes (and the trail's logs) stay in the account",
          "  npm run destroy -- --delete-data   # destroys everything, data volumes and trail logs included",
        ].join("\n"),
      );
    }
    requireApproval("destroy", cdktfArgs);
    await this.requireStateBucket();
    if (deleteData) this.env = { ...this.env, OPENCLAW_CONFIG: this.writeDeletingConfig() };
    await this.prepareTerraform();
    const shown = JSON.parse((await this.terraformQuiet(["show", "-json", "-no-color"])).output) as ShownState;
    const kept = resourcesToKeep(shown, { volumes: keepData, trailBucket: !deleteData && !this.config.audit.deleteLogsOnDestroy });
    if (kept.length > 0) {
      log(`Keeping in the account, out of Terraform's state: ${kept.map((resource) => resource.label).filter(unique).join(", ")}`);
      log(`If the destroy does not go ahead, put them back under Terraform with:\n${kept.map((resource) => `  ${importCommand(resource)}`).join("\n")}`);
      await this.terraformQuiet(["state", "rm", ...kept.map((resource) => resource.address)]);
    }
    if (deleteData) await this.allowBucketDeletion(shown);
    const code = await this.cdktf(["destroy", this.name, ...cdktfArgs]);
    if (code !== 0) return code;
    try {
      log(`\n== What stays in the account after destroying ${this.name}`);
      for (const line of await leftovers(this.config, kept, this.state)) log(line);
    } catch (error) {
      log(`Could not list what stays in the account: ${(error as Error).message}`);
    }
    return 0;
  }

  async terraform(args: string[]): Promise<number> {
    await this.requireStateBucket();
    await this.prepareTerraform();
    log(`> terraform ${args.join(" ")}   (in ${path.relative(PROJECT_ROOT, this.dir)})`);
    const code = await runAttached("terraform", args, { env: this.env, cwd: this.dir });
    if (code !== 0) await this.explainLock();
    return code;
  }

  /** `cdktf <args> --skip-provider-lock` (deploy, destroy, diff) on this terminal; a failure with the state locked is explained. */
  private async cdktf(args: string[]): Promise<number> {
    const full = [...args, SKIP_PROVIDER_LOCK];
    log(`> cdktf ${full.join(" ")}`);
    const code = await runAttached(CDKTF_BIN, full, { env: this.env });
    if (code !== 0) {
      const stack = args[1] ?? this.name;
      const hint = providerInstallHint(stackDir(OUTDIR, stack), this.env);
      if (hint) log(`\n${hint}`);
      await this.explainLock();
    }
    return code;
  }

  /** The stack synthesized from the configuration as it is now, its folder initialized (backend and providers). */
  private async prepareTerraform(): Promise<void> {
    const synth = await runCdktf(["synth"], { env: this.env, onOutput: () => {} });
    if (synth.code !== 0) throw new Failure(`${tail(synth.output)}\n\ncdktf synth failed (exit ${synth.code})`);
    await this.terraformQuiet(["init", "-input=false", "-no-color"]);
  }

  /** terraform in the stack's folder, its output kept; a failure is a Failure with that output. */
  private async terraformQuiet(args: string[]) {
    const result = await runTerraform(args, { env: this.env, cwd: this.dir });
    if (result.code !== 0) {
      await this.explainLock();
      const hint = providerInstallHint(this.dir, this.env);
      throw new Failure(`${tail(result.output)}\n\nterraform ${args[0]} ${args[1] ?? ""} in ${this.dir} failed (exit ${result.code})${hint ? `\n${hint}` : ""}`);
    }
    return result;
  }

  /**
   * A bucket is deleted with its objects only when its state says force_destroy: destroy reads the
   * state, not the configuration. So the trail bucket's new setting is applied to it alone first.
   */
  private async allowBucketDeletion(shown: ShownState): Promise<void> {
    const buckets = (shown.values?.root_module?.resources ?? []).filter((resource) => resource.type === "aws_s3_bucket" && resource.values.force_destroy !== true);
    for (const bucket of buckets) {
      log(`> terraform apply -target='${bucket.address}'   (force_destroy: destroy may delete the trail bucket with its logs)`);
      await this.terraformQuiet(["apply", "-auto-approve", "-input=false", "-no-color", `-target=${bucket.address}`]);
    }
  }

  /** The configuration with the data volumes and the trail's logs deletable, for --delete-data (0600, under .cache/). */
  private writeDeletingConfig(): string {
    const file = configFile();
    const raw = (file ? readConfigFile(file) : {}) as Record<string, Record<string, unknown> | undefined>;
    const deleting = { ...raw, dataVolume: { ...raw.dataVolume, deleteOnDestroy: true }, audit: { ...raw.audit, deleteLogsOnDestroy: true } };
    const dir = path.join(PROJECT_ROOT, ".cache", "destroy");
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const written = path.join(dir, `${this.name}.config.json`);
    fs.writeFileSync(written, `${JSON.stringify(deleting, null, 2)}\n`, { mode: 0o600 });
    log(`Destroying with dataVolume.deleteOnDestroy and audit.deleteLogsOnDestroy set (${path.relative(PROJECT_ROOT, written)}).`);
    return written;
  }

  private async requireStateBucket(): Promise<void> {
    if (!this.state) return;
    const status = await bucketStatus(this.s3, this.state.bucket);
    if (status === "missing") throw new Failure(`The state bucket ${this.state.bucket} does not exist yet: create it with npm run bootstrap (once per bucket).`);
    if (status === "not-yours") throw new Failure(this.notYours(this.state.bucket));
  }

  private notYours(bucket: string): string {
    return (
      `State bucket ${bucket} exists but your credentials cannot reach it (403). Bucket names are global: another account ` +
      "may own it; choose another state.bucket. If it is yours, your identity needs s3:ListBucket on it."
    );
  }

  /** After a failure: if the state's lock file is there, which run holds it and how to release it. */
  private async explainLock(): Promise<void> {
    if (!this.state) return;
    const lock = await readLock(this.s3, this.state).catch(() => undefined);
    if (lock) log(`\n${lockHint(this.state, lock)}`);
  }
}

const unique = <T>(item: T, index: number, all: T[]) => all.indexOf(item) === index;

/** cdktf asks for approval on a terminal; without one it fails with a stack trace of its UI library. */
function requireApproval(verb: string, args: string[]): void {
  if (args.includes("--auto-approve") || process.stdin.isTTY) return;
  throw new Failure(`cdktf ${verb} asks for approval on a terminal, and there is none here: run npm run ${verb} -- --auto-approve (as scripts do), or run it in a terminal.`);
}

async function main(): Promise<number> {
  const [verb, ...args] = process.argv.slice(2);
  if (verb === "--help" || verb === "-h" || args.includes("--help")) {
    console.log(USAGE);
    return 0;
  }
  const stack = new Stack(loadConfig({ cwd: PROJECT_ROOT, env: process.env }), commandEnv());
  switch (verb) {
    case "bootstrap":
      if (args.length > 0) throw new Failure(`npm run bootstrap takes no arguments\n${USAGE}`);
      return stack.bootstrap();
    case "diff":
      return stack.diff(args);
    case "deploy":
      return stack.deploy(args);
    case "destroy":
      return stack.destroy(args);
    case "terraform":
      if (args.length === 0) throw new Failure(`npm run terraform -- <arguments>: which terraform command?\n${USAGE}`);
      return stack.terraform(args);
    default:
      throw new Failure(USAGE);
  }
}

runCli(async () => {
  process.exitCode = await main();
});
