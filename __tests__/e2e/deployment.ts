/**
 * One deployment on the suite's emulator (global-setup.ts), driven the way users drive it: `cdktf deploy`
 * and `cdktf destroy` of the project's app, with the S3 backend (lock file) in a bucket its bootstrap
 * stack creates. Each deployment has its own folder under .cache/e2e/ and its own state bucket.
 */
import fs from "node:fs";
import path from "node:path";
import { GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { loadConfig, validateConfig } from "../../src/config/load";
import { deploymentNames } from "../../src/config/names";
import type { OpenClawConfig } from "../../src/config/schema";
import {
  countStateResources,
  deployStack,
  destroyStack,
  generateSshKeyPair,
  localConfig,
  localEnv,
  readOutputs,
  runTerraform,
  stackDir,
  tail,
  type RawConfig,
  type RunResult,
} from "../../scripts/lib/local-target";
import { startMoto, stopMoto, type Moto } from "../../scripts/lib/moto";
import { PROJECT_ROOT } from "../../scripts/lib/terraform-env";

export const REGION = "us-east-1";
/** moto's account. */
export const ACCOUNT = "123456789012";

/**
 * The emulator of one deployment: its own moto_server (stopped by PID in stop()). moto's DescribeTrails
 * ignores the name filter and its DeleteTrail ignores the ARN the provider sends, so a trail left by an
 * earlier deployment breaks the next one on a shared emulator: each deployment gets a fresh one.
 */
export async function deploymentEmulator(name: string): Promise<Moto> {
  const moto = await startMoto({ logFile: path.join(PROJECT_ROOT, ".cache", "e2e", `moto-${name}.log`) });
  process.once("exit", () => {
    try {
      process.kill(-moto.pid, "SIGTERM");
    } catch {
      /* stopped */
    }
  });
  return moto;
}

export function testEndpoint(): string {
  const endpoint = process.env.OPENCLAW_TEST_ENDPOINT;
  if (!endpoint) throw new Error("OPENCLAW_TEST_ENDPOINT is not set: the jest globalSetup starts the emulator");
  return endpoint;
}

export function readExample(name: string): RawConfig {
  return JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "examples", `${name}.json`), "utf8")) as RawConfig;
}

export const credentials = { accessKeyId: "test", secretAccessKey: "test" };

export interface TerraformState {
  serial: number;
  resources: { mode: string; type: string; name: string; instances: { attributes: Record<string, unknown> }[] }[];
}

export class LocalDeployment {
  readonly endpoint: string;
  readonly raw: RawConfig;
  /** The validated configuration the app deploys (target local, state bucket set). */
  readonly config: OpenClawConfig;
  readonly notes: string[];
  readonly stack: string;
  readonly stateStack: string;
  readonly bucket: string;
  readonly stateKey: string;
  readonly dir: string;
  readonly outdir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly outputsFile: string;
  readonly s3: S3Client;

  /** Starts the deployment's own emulator; stop() stops it. */
  static async start(base: RawConfig): Promise<LocalDeployment> {
    const moto = await deploymentEmulator(base.stackName ?? "openclaw");
    return new LocalDeployment(base, moto);
  }

  private constructor(
    base: RawConfig,
    readonly moto: Moto,
  ) {
    this.endpoint = moto.endpoint;
    const { config, notes } = localConfig(base, generateSshKeyPair("e2e").publicKey);
    this.raw = config;
    this.notes = notes;
    const main = validateConfig(config, "e2e config").stackName;
    this.bucket = `openclaw-e2e-${main}`;
    this.dir = path.join(PROJECT_ROOT, ".cache", "e2e", main);
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(this.dir, { recursive: true });
    const configFile = path.join(this.dir, "config.json");
    fs.writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
    this.outdir = path.join(this.dir, "cdktf.out");
    this.outputsFile = path.join(this.dir, "outputs.json");
    this.env = localEnv({ endpoint: this.endpoint, configFile, stateBucket: this.bucket });
    this.config = loadConfig({ cwd: PROJECT_ROOT, env: this.env });
    const names = deploymentNames(this.config);
    this.stack = this.config.stackName;
    this.stateStack = names.stateStack;
    this.stateKey = names.stateKey;
    this.s3 = new S3Client({ endpoint: this.endpoint, region: REGION, forcePathStyle: true, credentials });
  }

  async stop(): Promise<void> {
    await stopMoto(this.moto.pid);
  }

  private log(name: string, result: RunResult): RunResult {
    fs.writeFileSync(path.join(this.dir, `${name}.log`), result.output);
    return result;
  }

  private expectOk(what: string, result: RunResult): RunResult {
    if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${tail(result.output, 60)}`);
    return result;
  }

  /** Bootstrap stack (the state bucket), then the main stack. */
  async deploy(label = "deploy"): Promise<RunResult> {
    if (!fs.existsSync(path.join(this.dir, "bootstrap.log"))) {
      const bootstrap = await deployStack(this.stateStack, { env: this.env, outdir: this.outdir, onOutput: () => {} });
      this.expectOk(`cdktf deploy ${this.stateStack}`, this.log("bootstrap", bootstrap));
    }
    const result = await deployStack(this.stack, { env: this.env, outdir: this.outdir, outputsFile: this.outputsFile, onOutput: () => {} });
    return this.expectOk(`cdktf deploy ${this.stack}`, this.log(label, result));
  }

  /** Starts a deploy and hands back the running promise (for the lock contention check). */
  deployInBackground(label: string): Promise<RunResult> {
    return deployStack(this.stack, { env: this.env, outdir: this.outdir, outputsFile: this.outputsFile, onOutput: () => {} }).then((result) =>
      this.log(label, result),
    );
  }

  async destroy(): Promise<RunResult> {
    const result = await destroyStack(this.stack, { env: this.env, outdir: this.outdir, onOutput: () => {} });
    return this.expectOk(`cdktf destroy ${this.stack}`, this.log("destroy", result));
  }

  /** `terraform plan -detailed-exitcode` in the main stack's folder: 0 = no changes, 2 = changes, 1 = error. */
  async plan(extra: string[] = []): Promise<RunResult> {
    const result = await runTerraform(["plan", "-detailed-exitcode", "-input=false", "-no-color", ...extra], {
      env: this.env,
      cwd: stackDir(this.outdir, this.stack),
    });
    return this.log(`plan${extra.length ? "-extra" : ""}`, result);
  }

  outputs(): Record<string, string> {
    return readOutputs(this.outputsFile, this.stack) as Record<string, string>;
  }

  async state(): Promise<TerraformState> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.stateKey }));
    return JSON.parse(await object.Body!.transformToString()) as TerraformState;
  }

  async resourceCount(): Promise<number> {
    return countStateResources(await this.state());
  }

  async lockFileExists(): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: `${this.stateKey}.tflock` }));
      return true;
    } catch {
      return false;
    }
  }
}
