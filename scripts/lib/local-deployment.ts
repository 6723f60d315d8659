// A deployment on the local AWS emulator (moto), exactly as `npm run local` makes it and as the end-to-end
// tests check it: the configuration (a user file or the defaults, with a generated key pair switched to an
// imported one), the emulator (one of the caller's, the one an earlier run left, or a new moto_server left
// running for `local:destroy`), the bootstrap stack that creates the state bucket, the main stack with the
// S3 backend and its lock file, and destroy.
//
// Everything is kept under one folder (the root, .cache/local by default), private to the user (0700):
//   emulator.json          the emulator (endpoint, whether it was started here, its PID) and the stacks deployed to it
//   moto.log               output of a moto_server started here
//   id_rsa, id_rsa.pub     the SSH key pair of the imported key (0600), when the configuration generates one
//   <stack>/               config.json (what the app reads), cdktf.out/, outputs.json (sensitive outputs
//                          too), terraform.<stack>-state.tfstate (bootstrap state), one log per cdktf run
// Terraform and cdktf run with umask 077 (scripts/lib/process.ts), so what they write there is 0600 too.
import fs from "node:fs";
import path from "node:path";
import { CloudTrailClient, DeleteTrailCommand } from "@aws-sdk/client-cloudtrail";
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { EMULATOR_CREDENTIALS } from "../../src/config/emulator";
import { loadConfig, readConfigFile, validateConfig } from "../../src/config/load";
import { deploymentNames, stateRegion } from "../../src/config/names";
import type { OpenClawConfig } from "../../src/config/schema";
import { countStateResources, deployStack, destroyStack, planStack, readOutputs, stackDir, type StackRunOptions, type TerraformState } from "./cdktf";
import { Failure } from "./cli";
import { motoAnswers, pidAlive, startMoto, stopMoto } from "./moto";
import { tail, type RunResult } from "./process";
import { generateSshKeyPair } from "./ssh-key";
import { lockHint, readLock } from "./state-bucket";
import { PROJECT_ROOT, terraformEnv } from "./terraform-env";

/** The state bucket the bootstrap stack creates on the emulator. */
export const LOCAL_STATE_BUCKET = "openclaw-local-state";
/** Where `npm run local` keeps everything (gitignored). */
export const LOCAL_DIR = path.join(PROJECT_ROOT, ".cache", "local");

const RECORD_FILE = "emulator.json";
const KEY_FILE = "id_rsa";

/** The emulator a root's deployments live on, and which stacks were deployed to it. */
export interface EmulatorRecord {
  readonly endpoint: string;
  /** Started here (then destroy stops it), or the caller's (OPENCLAW_LOCAL_ENDPOINT: never stopped). */
  readonly owned: boolean;
  readonly pid?: number;
  readonly startedAt?: string;
  /** Main stacks deployed to it, each with its folder <root>/<stack>/. */
  readonly stacks: string[];
}

export interface LocalDeploymentOptions {
  /** Folder everything is kept in; default .cache/local. */
  readonly root?: string;
  /** State bucket the bootstrap stack creates; default openclaw-local-state. */
  readonly stateBucket?: string;
  /** An emulator of the caller's (env OPENCLAW_LOCAL_ENDPOINT for `npm run local`): used, never stopped. */
  readonly endpoint?: string;
  /** Progress lines; default stdout. */
  readonly log?: (line: string) => void;
  /** cdktf output as it comes; default stdout. */
  readonly onOutput?: (text: string) => void;
}

type Settings = Required<Omit<LocalDeploymentOptions, "endpoint" | "onOutput">> & Pick<LocalDeploymentOptions, "endpoint" | "onOutput">;

function settingsOf(options: LocalDeploymentOptions): Settings {
  return { root: LOCAL_DIR, stateBucket: LOCAL_STATE_BUCKET, log: (line) => console.log(line), ...options };
}

/** A configuration as written in a JSON file. */
type RawConfig = Record<string, unknown> & { keyPair?: { mode?: string; name?: string; publicKey?: string } };

const shown = (file: string) => path.relative(PROJECT_ROOT, file);

/** A folder only the user can enter (made so, or made private if it was not). */
function privateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

function writePrivateFile(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o600 });
  fs.chmodSync(file, 0o600); // the mode above applies only when the file is created
}

function readRecord(root: string): EmulatorRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, RECORD_FILE), "utf8")) as EmulatorRecord;
  } catch {
    return undefined;
  }
}

function writeRecord(root: string, record: EmulatorRecord): void {
  privateDir(root);
  writePrivateFile(path.join(root, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/** Removes what the root's deployments left: their folders, the key pair and the record (moto.log stays). */
function forget(root: string, record: EmulatorRecord | undefined): void {
  for (const stack of record?.stacks ?? []) fs.rmSync(path.join(root, stack), { recursive: true, force: true });
  for (const file of [KEY_FILE, `${KEY_FILE}.pub`, RECORD_FILE]) fs.rmSync(path.join(root, file), { force: true });
}

/** The SSH key pair of the root's deployments, made once and reused (so a second run changes nothing). */
function sshKey(root: string): { file: string; publicKey: string } {
  const file = path.join(root, KEY_FILE);
  if (!fs.existsSync(file) || !fs.existsSync(`${file}.pub`)) {
    const { publicKey, privateKeyPem } = generateSshKeyPair();
    privateDir(root);
    writePrivateFile(file, privateKeyPem);
    writePrivateFile(`${file}.pub`, `${publicKey}\n`);
  }
  return { file, publicKey: fs.readFileSync(`${file}.pub`, "utf8").trim() };
}

/**
 * The user's configuration as written, validated as the app validates it (a bad one is a ConfigError,
 * before anything is written), or the defaults.
 */
function userConfig(configFile: string | undefined): { raw: RawConfig; config: OpenClawConfig; source: string } {
  if (!configFile) return { raw: {}, config: validateConfig({}, "the defaults"), source: "the defaults" };
  const file = path.resolve(configFile);
  const config = loadConfig({ cwd: PROJECT_ROOT, env: { OPENCLAW_CONFIG: file } });
  return { raw: readConfigFile(file) as RawConfig, config, source: configFile };
}

/**
 * The configuration the local target deploys: `base` with a generated key pair (`keyPairMode`, as
 * validated) switched to an imported one, since the tls provider that "generate" needs is not in the
 * offline mirror, and data volumes that `local:destroy` may delete (unless the configuration says
 * otherwise). Returns a note per change.
 */
function localConfig(base: RawConfig, keyPairMode: OpenClawConfig["keyPair"]["mode"], importedKey: () => { file: string; publicKey: string }): { config: RawConfig; notes: string[] } {
  const config = structuredClone(base);
  const notes: string[] = [];
  if (keyPairMode === "generate") {
    const key = importedKey();
    config.keyPair = { mode: "import", publicKey: key.publicKey, ...(config.keyPair?.name ? { name: config.keyPair.name } : {}) };
    notes.push(
      'keyPair "generate" needs the hashicorp/tls provider, which is not in the offline mirror: ' +
        `the local target imports an RSA key pair generated at run time instead (private key: ${shown(key.file)})`,
    );
  }
  const dataVolume = (config.dataVolume ?? {}) as Record<string, unknown>;
  if (dataVolume.deleteOnDestroy === undefined) {
    config.dataVolume = { ...dataVolume, deleteOnDestroy: true };
    notes.push("dataVolume.deleteOnDestroy: the local target lets local:destroy delete the data volumes (an emulator's volumes hold nothing to keep)");
  }
  return { config, notes };
}

/** Environment of every cdktf/terraform run against the emulator: never real credentials towards it. */
function localEnv(endpoint: string, configFile: string, stateBucket: string): NodeJS.ProcessEnv {
  const env = terraformEnv(process.env);
  for (const name of ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"]) delete env[name];
  return {
    ...env,
    OPENCLAW_CONFIG: configFile,
    OPENCLAW_STATE_BUCKET: stateBucket,
    OPENCLAW_LOCAL_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: "true",
    CI: env.CI ?? "1", // cdktf: plain line output, no interactive UI
    FORCE_COLOR: "0",
  };
}

/** The emulator to deploy to: the caller's, the one an earlier run left in the root, or a new one. */
async function chooseEmulator({ root, endpoint: named, log }: Settings): Promise<EmulatorRecord> {
  const record = readRecord(root);
  if (named) {
    if (!(await motoAnswers(named))) throw new Failure(`OPENCLAW_LOCAL_ENDPOINT=${named} does not answer`);
    if (record && record.endpoint !== named && record.owned && record.pid && pidAlive(record.pid)) {
      throw new Failure(`the emulator started by npm run local is still running at ${record.endpoint}: run npm run local:destroy first`);
    }
    const next = record?.endpoint === named ? record : { endpoint: named, owned: false, stacks: [] };
    writeRecord(root, next);
    log(`Emulator: ${named} (from OPENCLAW_LOCAL_ENDPOINT: yours, local:destroy leaves it running)`);
    return next;
  }
  if (record?.owned && record.pid && pidAlive(record.pid) && (await motoAnswers(record.endpoint))) {
    log(`Emulator: moto_server already running at ${record.endpoint} (PID ${record.pid}), reusing it`);
    return record;
  }
  if (record) {
    log(`Emulator of an earlier run (${record.endpoint}) is gone, and what was deployed to it: forgetting it`);
    forget(root, record);
  }
  privateDir(root);
  const logFile = path.join(root, "moto.log");
  const moto = await startMoto({ logFile });
  const next = { endpoint: moto.endpoint, pid: moto.pid, owned: true, startedAt: new Date().toISOString(), stacks: [] };
  writeRecord(root, next);
  log(`Emulator: started moto_server at ${moto.endpoint} (PID ${moto.pid}, log ${shown(logFile)})`);
  return next;
}

function notFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.$metadata?.httpStatusCode === 404 || e.name === "NotFound" || e.name === "NoSuchBucket" || e.name === "NoSuchKey";
}

/** Whether a HEAD request finds its bucket or object (false on 404; other errors are thrown). */
async function found(head: () => Promise<unknown>): Promise<boolean> {
  try {
    await head();
    return true;
  } catch (error) {
    if (notFound(error)) return false;
    throw error;
  }
}

export class LocalDeployment {
  /** The main stack. */
  readonly stack: string;
  /** The bootstrap stack that creates the state bucket. */
  readonly stateStack: string;
  readonly stateKey: string;
  /** The state bucket on the emulator. */
  readonly bucket: string;
  readonly endpoint: string;
  /** The stack's folder: <root>/<stack>. */
  readonly dir: string;
  /** The configuration the app reads (config.json in the stack's folder). */
  readonly configFile: string;
  /** The validated configuration as the app sees it (target local, state bucket set). */
  readonly config: OpenClawConfig;
  readonly outputsFile: string;
  readonly env: NodeJS.ProcessEnv;
  /** The main stack's synthesized folder, where terraform runs. */
  readonly stackDir: string;
  private readonly runOptions: StackRunOptions;
  private readonly s3: S3Client;

  private constructor(
    private readonly settings: Settings,
    /** The emulator it is deployed to. */
    readonly emulator: EmulatorRecord,
    stack: string,
    /** What the local target changed in the configuration, one line each. */
    readonly notes: string[] = [],
  ) {
    this.endpoint = emulator.endpoint;
    this.dir = path.join(settings.root, stack);
    this.configFile = path.join(this.dir, "config.json");
    this.outputsFile = path.join(this.dir, "outputs.json");
    this.env = localEnv(this.endpoint, this.configFile, settings.stateBucket);
    this.config = loadConfig({ cwd: PROJECT_ROOT, env: this.env });
    const names = deploymentNames(this.config);
    this.stack = this.config.stackName;
    this.stateStack = names.stateStack;
    this.stateKey = names.stateKey;
    this.bucket = settings.stateBucket;
    this.runOptions = { env: this.env, outdir: path.join(this.dir, "cdktf.out"), onOutput: settings.onOutput };
    this.stackDir = stackDir(this.runOptions.outdir, this.stack);
    this.s3 = new S3Client({ endpoint: this.endpoint, region: stateRegion(this.config), forcePathStyle: true, credentials: EMULATOR_CREDENTIALS });
  }

  /**
   * Resolves the configuration (a bad one throws a ConfigError before anything is written), chooses the
   * emulator, writes the configuration the app reads and records the stack. Deploys nothing yet.
   */
  static async open(options: LocalDeploymentOptions & { configFile?: string }): Promise<LocalDeployment> {
    const settings = settingsOf(options);
    const user = userConfig(options.configFile);
    const { config, notes } = localConfig(user.raw, user.config.keyPair.mode, () => sshKey(settings.root));
    validateConfig(config, user.source); // before an emulator is started or the copy written
    let record = await chooseEmulator(settings);

    const stack = user.config.stackName;
    const dir = path.join(settings.root, stack);
    privateDir(dir);
    const configFile = path.join(dir, "config.json");
    writePrivateFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
    settings.log(`Config:   ${user.source} -> ${shown(configFile)}`);
    for (const note of notes) settings.log(`Note:     ${note}`);
    if (!record.stacks.includes(stack)) {
      record = { ...record, stacks: [...record.stacks, stack] };
      writeRecord(settings.root, record);
    }
    return new LocalDeployment(settings, record, stack, notes);
  }

  /**
   * Destroys every stack recorded in the root, then stops an emulator started here and forgets them all
   * (on the caller's emulator: only when every destroy succeeded). Returns the failed destroys.
   */
  static async destroyAll(options: LocalDeploymentOptions = {}): Promise<{ recorded: boolean; failed: string[] }> {
    const settings = settingsOf(options);
    const { root, log } = settings;
    const record = readRecord(root);
    if (!record) {
      log(`Nothing to destroy: no local deployment recorded in ${shown(path.join(root, RECORD_FILE))}.`);
      return { recorded: false, failed: [] };
    }
    const reachable = await motoAnswers(record.endpoint);
    const failed: string[] = [];
    if (reachable) {
      for (const stack of record.stacks) {
        if (!fs.existsSync(path.join(root, stack, "config.json"))) continue;
        const deployment = new LocalDeployment(settings, record, stack);
        if (!(await deployment.stateExists())) {
          log(`\n== ${stack}: no state at s3://${deployment.bucket}/${deployment.stateKey}: nothing was deployed`);
          continue;
        }
        log(`\n== Destroy: cdktf destroy ${stack}`);
        try {
          await deployment.destroy();
        } catch (error) {
          if (!(error instanceof Failure)) throw error;
          failed.push(error.message);
        }
      }
    } else {
      log(`The emulator at ${record.endpoint} does not answer: what was deployed to it is gone with it.`);
    }
    if (record.owned) {
      const stopped = await LocalDeployment.release(settings);
      log(
        `\n== Emulator ${record.endpoint} ${stopped ? `stopped (PID ${record.pid})` : "was not running"}. ` +
          `The state bucket ${settings.stateBucket} was not destroyed through Terraform (it is versioned, and deleting a versioned ` +
          "bucket holding the lock file's delete markers hangs on moto): stopping the emulator removed it.",
      );
    } else if (reachable) {
      log(
        `\n== The emulator at ${record.endpoint} is yours: left running, with the state bucket ${settings.stateBucket} on it ` +
          "(versioned; deleting it hangs on moto).",
      );
      if (failed.length === 0) forget(root, record);
    } else {
      forget(root, record); // the caller's emulator is gone, and what was deployed to it
    }
    return { recorded: true, failed };
  }

  /**
   * Stops the emulator the root's record says was started here, and forgets every deployment of the
   * root (their folders, the key pair, the record). Returns whether an emulator was stopped.
   */
  static async release(options: LocalDeploymentOptions = {}): Promise<boolean> {
    const { root } = settingsOf(options);
    const record = readRecord(root);
    const stopped = record?.owned && record.pid ? await stopMoto(record.pid) : false;
    forget(root, record);
    return stopped;
  }

  /** Whether the root's record names an emulator started here (which keeps running until destroy). */
  static emulatorLeftRunning(options: LocalDeploymentOptions = {}): boolean {
    return readRecord(settingsOf(options).root)?.owned === true;
  }

  /** Bootstrap stack (only when the state bucket does not exist yet), then the main stack. Throws a Failure if one fails. */
  async deploy(label = "deploy"): Promise<RunResult> {
    const { log } = this.settings;
    if (await found(() => this.s3.send(new HeadBucketCommand({ Bucket: this.bucket })))) {
      log(`\n== State bucket ${this.bucket} exists on the emulator: bootstrap stack ${this.stateStack} not needed`);
    } else {
      log(`\n== Bootstrap: cdktf deploy ${this.stateStack} (creates the state bucket ${this.bucket})`);
      await this.expectOk(`cdktf deploy ${this.stateStack}`, this.keepLog("bootstrap", await deployStack(this.stateStack, this.runOptions)));
    }
    log(`\n== Deploy: cdktf deploy ${this.stack} (S3 backend with a lock file, on the emulator)`);
    return this.expectOk(`cdktf deploy ${this.stack}`, await this.deployAgain(label));
  }

  /** `cdktf deploy` of the main stack (its bucket exists): the result, whether it failed or not. */
  async deployAgain(label: string): Promise<RunResult> {
    return this.keepLog(label, await deployStack(this.stack, { ...this.runOptions, outputsFile: this.outputsFile }));
  }

  /**
   * `cdktf destroy` of the main stack; throws a Failure if it fails. On an emulator that stays up (the
   * caller's), then deletes the trail by name: moto's DeleteTrail ignores the ARN the provider sends, so the
   * trail outlives the destroy, and its DescribeTrails ignores the name filter, so a leftover trail breaks
   * the next deploy with CloudTrail on the same emulator.
   */
  async destroy(): Promise<RunResult> {
    const result = await this.expectOk(`cdktf destroy ${this.stack}`, this.keepLog("destroy", await destroyStack(this.stack, this.runOptions)));
    if (!this.emulator.owned && this.config.audit.cloudTrail) {
      const trail = deploymentNames(this.config).trail;
      const cloudtrail = new CloudTrailClient({ endpoint: this.endpoint, region: this.config.region, credentials: EMULATOR_CREDENTIALS });
      await cloudtrail.send(new DeleteTrailCommand({ Name: trail }));
      this.settings.log(`Deleted the trail ${trail} by name (moto's DeleteTrail ignores the ARN Terraform sends).`);
    }
    return result;
  }

  /** `terraform plan -detailed-exitcode` of the deployed main stack: 0 = no changes, 2 = changes, 1 = error. */
  async plan(extra: string[] = []): Promise<RunResult> {
    return this.keepLog(`plan${extra.length ? "-extra" : ""}`, await planStack(this.stack, this.runOptions, extra));
  }

  /** The main stack's outputs of the last deploy (every output of the stack is a string; maps are JSON-encoded). */
  outputs(): Record<string, string> {
    return readOutputs(this.outputsFile, this.stack) as Record<string, string>;
  }

  async stateExists(): Promise<boolean> {
    return found(() => this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.stateKey })));
  }

  /** The main stack's state, read from the state bucket. */
  async state(): Promise<TerraformState> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.stateKey }));
    return JSON.parse(await object.Body!.transformToString()) as TerraformState;
  }

  async resourceCount(): Promise<number> {
    return countStateResources(await this.state());
  }

  /** Whether Terraform holds the S3 lock file of the main stack's state right now. */
  async lockFileExists(): Promise<boolean> {
    return found(() => this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: `${this.stateKey}.tflock` })));
  }

  /** What `local:destroy` does after the destroys: see LocalDeployment.release. */
  release(): Promise<boolean> {
    return LocalDeployment.release(this.settings);
  }

  /** Keeps a run's whole output as <stack folder>/<label>.log. */
  private keepLog(label: string, result: RunResult): RunResult {
    writePrivateFile(path.join(this.dir, `${label}.log`), result.output);
    return result;
  }

  /** The run's result, or a Failure with its output's end, and with the lock a run left on the state, if there is one. */
  private async expectOk(what: string, result: RunResult): Promise<RunResult> {
    if (result.code === 0) return result;
    const location = { bucket: this.bucket, key: this.stateKey, region: stateRegion(this.config) };
    const lock = await readLock(this.s3, location).catch(() => undefined);
    const unlock = (id: string) => `(cd ${shown(this.stackDir)} && terraform force-unlock -force ${id})`;
    throw new Failure(`${tail(result.output)}\n\n${what} failed (exit ${result.code})${lock ? `\n\n${lockHint(location, lock, unlock)}` : ""}`);
  }
}
