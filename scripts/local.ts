// The local target: the whole deployment on a local AWS API (moto), no AWS account needed.
//
//   npm run local                                        # the defaults
//   npm run local -- --config examples/multi-node.json   # any config file instead
//   npm run local:destroy                                # destroys what was deployed, stops the emulator
//
// Uses env OPENCLAW_LOCAL_ENDPOINT when set (an emulator you run yourself; never stopped here); otherwise
// starts moto_server on a free 127.0.0.1 port and leaves it running for local:destroy. Everything it keeps
// (emulator PID and endpoint, configs, SSH key, synth output, bootstrap state) is under .cache/local/.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CloudTrailClient, DeleteTrailCommand } from "@aws-sdk/client-cloudtrail";
import { validateConfig } from "../src/config/load";
import { deploymentNames, stateRegion } from "../src/config/names";
import type { OpenClawConfig } from "../src/config/schema";
import {
  LOCAL_DIR,
  LOCAL_STATE_BUCKET,
  countStateResources,
  deployStack,
  destroyStack,
  generateSshKeyPair,
  localConfig,
  localEnv,
  readOutputs,
  tail,
  type RawConfig,
} from "./lib/local-target";
import { motoAnswers, pidAlive, startMoto, stopMoto } from "./lib/moto";
import { PROJECT_ROOT } from "./lib/terraform-env";

const RECORD = path.join(LOCAL_DIR, "emulator.json");

interface EmulatorRecord {
  readonly endpoint: string;
  /** Started by npm run local (then local:destroy stops it), or named by OPENCLAW_LOCAL_ENDPOINT. */
  readonly owned: boolean;
  readonly pid?: number;
  readonly startedAt?: string;
  /** Main stacks deployed to it, each with its folder .cache/local/<stack>/. */
  readonly stacks: string[];
}

class Failure extends Error {}

function readRecord(): EmulatorRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(RECORD, "utf8")) as EmulatorRecord;
  } catch {
    return undefined;
  }
}

function writeRecord(record: EmulatorRecord): void {
  fs.mkdirSync(LOCAL_DIR, { recursive: true });
  fs.writeFileSync(RECORD, `${JSON.stringify(record, null, 2)}\n`);
}

function s3Client(endpoint: string, region: string): S3Client {
  return new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
}

function notFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.$metadata?.httpStatusCode === 404 || e.name === "NotFound" || e.name === "NoSuchBucket" || e.name === "NoSuchKey";
}

async function bucketExists(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    if (notFound(error)) return false;
    throw error;
  }
}

async function objectExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (notFound(error)) return false;
    throw error;
  }
}

/** Removes the per-stack folders (synth output, bootstrap state) and the record. */
function forgetDeployments(record: EmulatorRecord | undefined): void {
  for (const stack of record?.stacks ?? []) fs.rmSync(path.join(LOCAL_DIR, stack), { recursive: true, force: true });
  fs.rmSync(RECORD, { force: true });
}

/** The emulator to deploy to: env OPENCLAW_LOCAL_ENDPOINT, the one an earlier run left, or a new one. */
async function emulator(): Promise<EmulatorRecord> {
  const named = process.env.OPENCLAW_LOCAL_ENDPOINT;
  const record = readRecord();
  if (named) {
    if (!(await motoAnswers(named))) throw new Failure(`OPENCLAW_LOCAL_ENDPOINT=${named} does not answer`);
    if (record && record.endpoint !== named && record.owned && record.pid && pidAlive(record.pid)) {
      throw new Failure(`the emulator started by npm run local is still running at ${record.endpoint}: run npm run local:destroy first`);
    }
    const next = record?.endpoint === named ? record : { endpoint: named, owned: false, stacks: [] };
    writeRecord(next);
    console.log(`Emulator: ${named} (from OPENCLAW_LOCAL_ENDPOINT: yours, local:destroy leaves it running)`);
    return next;
  }
  if (record?.owned && record.pid && pidAlive(record.pid) && (await motoAnswers(record.endpoint))) {
    console.log(`Emulator: moto_server already running at ${record.endpoint} (PID ${record.pid}), reusing it`);
    return record;
  }
  if (record) {
    console.log(`Emulator of an earlier run (${record.endpoint}) is gone, and what was deployed to it: forgetting it`);
    forgetDeployments(record);
  }
  const moto = await startMoto({ logFile: path.join(LOCAL_DIR, "moto.log") });
  const next = { endpoint: moto.endpoint, pid: moto.pid, owned: true, startedAt: new Date().toISOString(), stacks: [] };
  writeRecord(next);
  console.log(`Emulator: started moto_server at ${moto.endpoint} (PID ${moto.pid}, log .cache/local/moto.log)`);
  return next;
}

/** The SSH key pair of local deployments, made once and reused (so a second run changes nothing). */
function sshKey(): { file: string; publicKey: string } {
  const file = path.join(LOCAL_DIR, "id_rsa");
  if (!fs.existsSync(file) || !fs.existsSync(`${file}.pub`)) {
    const { publicKey, privateKeyPem } = generateSshKeyPair();
    fs.mkdirSync(LOCAL_DIR, { recursive: true });
    fs.writeFileSync(file, privateKeyPem, { mode: 0o600 });
    fs.writeFileSync(`${file}.pub`, `${publicKey}\n`);
  }
  return { file, publicKey: fs.readFileSync(`${file}.pub`, "utf8").trim() };
}

async function deploy(configPath: string | undefined): Promise<void> {
  const started = Date.now();
  const base = (configPath ? JSON.parse(fs.readFileSync(path.resolve(configPath), "utf8")) : {}) as RawConfig;
  const key = sshKey();
  const { config, notes } = localConfig(base, key.publicKey);
  const validated = validateConfig(config, configPath ?? "the defaults");
  const names = deploymentNames(validated);
  const main = validated.stackName;
  const state = names.stateStack;
  let record = await emulator();

  const dir = path.join(LOCAL_DIR, main);
  fs.mkdirSync(dir, { recursive: true });
  const configFile = path.join(dir, "config.json");
  fs.writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  console.log(`Config:   ${configPath ?? "the defaults"} -> ${path.relative(PROJECT_ROOT, configFile)}`);
  for (const note of notes) console.log(`Note:     ${note} (private key: ${path.relative(PROJECT_ROOT, key.file)})`);

  if (!record.stacks.includes(main)) {
    record = { ...record, stacks: [...record.stacks, main] };
    writeRecord(record);
  }
  const env = localEnv({ endpoint: record.endpoint, configFile });
  const outdir = path.join(dir, "cdktf.out");
  const s3 = s3Client(record.endpoint, stateRegion(validated));

  if (await bucketExists(s3, LOCAL_STATE_BUCKET)) {
    console.log(`\n== State bucket ${LOCAL_STATE_BUCKET} exists on the emulator: bootstrap stack ${state} not needed`);
  } else {
    console.log(`\n== Bootstrap: cdktf deploy ${state} (creates the state bucket ${LOCAL_STATE_BUCKET})`);
    const result = await deployStack(state, { env, outdir });
    if (result.code !== 0) throw new Failure(`${tail(result.output)}\n\ncdktf deploy ${state} failed (exit ${result.code})`);
  }

  console.log(`\n== Deploy: cdktf deploy ${main} (S3 backend with a lock file, on the emulator)`);
  const outputsFile = path.join(dir, "outputs.json");
  const result = await deployStack(main, { env, outdir, outputsFile });
  if (result.code !== 0) throw new Failure(`${tail(result.output)}\n\ncdktf deploy ${main} failed (exit ${result.code})`);

  const outputs = readOutputs(outputsFile, main);
  const stateObject = await s3.send(new GetObjectCommand({ Bucket: LOCAL_STATE_BUCKET, Key: names.stateKey }));
  const resources = countStateResources(JSON.parse(await stateObject.Body!.transformToString()));
  console.log(`\n== Outputs of ${main}`);
  for (const [name, value] of Object.entries(outputs)) {
    if (name === "ssh_private_key_pem") continue;
    console.log(`${name} = ${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
  console.log("\n== Summary");
  console.log(`Stack ${main}: ${resources} resources on the local emulator ${record.endpoint}.`);
  console.log(`State: s3://${LOCAL_STATE_BUCKET}/${names.stateKey} (locked with ${names.stateKey}.tflock while Terraform runs).`);
  console.log(`Took ${((Date.now() - started) / 1000).toFixed(0)} s (cdktf deploy ${main}: ${result.seconds.toFixed(0)} s).`);
  console.log("The emulator records the API calls; no machine boots, so nothing runs on these hosts.");
  console.log("Remove it all with: npm run local:destroy");
}

/**
 * Emulator gap: moto's DeleteTrail ignores the trail ARN the provider sends, so the trail outlives the
 * destroy, and its DescribeTrails ignores the name filter, so a leftover trail breaks the next deploy
 * with CloudTrail on the same emulator. On an emulator that stays up, delete it by name.
 */
async function deleteLeftoverTrail(endpoint: string, config: OpenClawConfig): Promise<void> {
  if (!config.audit.cloudTrail) return;
  const trail = deploymentNames(config).trail;
  const cloudtrail = new CloudTrailClient({ endpoint, region: config.region, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  await cloudtrail.send(new DeleteTrailCommand({ Name: trail }));
  console.log(`Deleted the trail ${trail} by name (moto's DeleteTrail ignores the ARN Terraform sends).`);
}

async function destroy(): Promise<void> {
  const started = Date.now();
  const record = readRecord();
  if (!record) {
    console.log("Nothing to destroy: no local deployment recorded in .cache/local/emulator.json.");
    return;
  }
  const reachable = await motoAnswers(record.endpoint);
  const failed: string[] = [];
  if (reachable) {
    for (const main of record.stacks) {
      const dir = path.join(LOCAL_DIR, main);
      const configFile = path.join(dir, "config.json");
      if (!fs.existsSync(configFile)) continue;
      const config = validateConfig(JSON.parse(fs.readFileSync(configFile, "utf8")), configFile);
      const names = deploymentNames(config);
      const s3 = s3Client(record.endpoint, stateRegion(config));
      if (!(await objectExists(s3, LOCAL_STATE_BUCKET, names.stateKey))) {
        console.log(`\n== ${main}: no state at s3://${LOCAL_STATE_BUCKET}/${names.stateKey}: nothing was deployed`);
        continue;
      }
      console.log(`\n== Destroy: cdktf destroy ${main}`);
      const env = localEnv({ endpoint: record.endpoint, configFile });
      const result = await destroyStack(main, { env, outdir: path.join(dir, "cdktf.out") });
      if (result.code !== 0) {
        console.error(tail(result.output));
        failed.push(`cdktf destroy ${main} failed (exit ${result.code})`);
      } else if (!record.owned) {
        await deleteLeftoverTrail(record.endpoint, config);
      }
    }
  } else {
    console.log(`The emulator at ${record.endpoint} does not answer: what was deployed to it is gone with it.`);
  }
  if (record.owned) {
    const stopped = record.pid ? await stopMoto(record.pid) : false;
    console.log(
      `\n== Emulator ${record.endpoint} ${stopped ? `stopped (PID ${record.pid})` : "was not running"}. ` +
        `The state bucket ${LOCAL_STATE_BUCKET} was not destroyed through Terraform (it is versioned, and deleting a versioned ` +
        "bucket holding the lock file's delete markers hangs on moto): stopping the emulator removed it.",
    );
    forgetDeployments(record);
  } else if (reachable) {
    console.log(
      `\n== The emulator at ${record.endpoint} is yours: left running, with the state bucket ${LOCAL_STATE_BUCKET} on it ` +
        "(versioned; deleting it hangs on moto).",
    );
    if (failed.length === 0) forgetDeployments(record);
  }
  console.log(`Took ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  if (failed.length > 0) throw new Failure(failed.join("\n"));
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { config: { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help) {
    console.log("usage: npm run local [-- --config <file>]   |   npm run local:destroy");
  } else if (positionals[0] === "destroy" && positionals.length === 1) {
    await destroy();
  } else if (positionals.length > 0) {
    throw new Failure(`unknown argument ${positionals.join(" ")}; usage: npm run local [-- --config <file>] | npm run local:destroy`);
  } else {
    await deploy(values.config);
  }
}

main().catch((error: unknown) => {
  console.error(`\n${error instanceof Failure ? error.message : (error as Error).stack}`);
  const record = readRecord();
  if (record?.owned && process.argv[2] !== "destroy") {
    console.error("The emulator keeps running: npm run local:destroy removes what was deployed and stops it.");
  }
  process.exitCode = 1;
});
