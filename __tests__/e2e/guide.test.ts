/**
 * The deploy guide, run as written (README "Deploy to a real AWS account", "Connect", "Destroy", and
 * docs/state-and-upgrades.md "A change that replaces the gateway"): its blocks are read from the docs
 * themselves (__tests__/docs/guide-blocks.ts: the fenced blocks marked `<!-- guide-test: <name> -->`), never
 * copied here, and run in order, command by command, in bash, in a
 * copy of the project, on an emulator of its own. The environment is only what a user of the emulator
 * sets: PATH and HOME, the emulator's credentials (`test`), AWS_ENDPOINT_URL and OPENCLAW_LOCAL_ENDPOINT
 * (the local target's accommodations), and env OPENCLAW_TF_MIRROR when the machine names its provider
 * mirror that way; the offline CLI configuration comes from the guide's own "offline" block. Every
 * command must exit 0 (a failure inside `$(...)` too), except those the docs mark "AWS only", which are
 * named below: a new one fails the test. A `jsonc` block is merged into openclaw.config.json as the user
 * would type it; a `read` gets a stand-in token.
 *
 * It is also the multi-node deployment's proof on the emulator: examples/multi-node.json as the guide
 * configures it is deployed through the bootstrap stack and the S3 backend (lock file), and checked in
 * AWS (hosts, types, architectures, volumes, roles, addresses, rules, user data as rendered, the alarm
 * e-mail, log retention, every synthesized alarm); a second plan is clean; a stale lock is explained and
 * released with the command printed; a channel added later replaces only the gateway's instance,
 * attachment and address association; destroy --keep-data leaves the data volumes and the trail bucket
 * and prints what stays, with commands that delete it; a second stack shares the state bucket under its
 * own key, and destroy --delete-data removes its data volume and its trail bucket.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DeleteTrailCommand } from "@aws-sdk/client-cloudtrail";
import { DescribeVolumesCommand } from "@aws-sdk/client-ec2";
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { GetParameterCommand, GetParametersByPathCommand } from "@aws-sdk/client-ssm";
import { ListSubscriptionsByTopicCommand } from "@aws-sdk/client-sns";
import { channelSecretParameters } from "../../src/config/assistant";
import { loadConfig } from "../../src/config/load";
import { deploymentNames } from "../../src/config/names";
import type { OpenClawConfig } from "../../src/config/schema";
import { expandForEach, type ForEachDocument } from "../../src/cost/for-each";
import { renderGatewayHost } from "../../src/gateway/gateway-context";
import { renderNodeHost } from "../../src/node/node-context";
import { countStateResources, type TerraformState } from "../../scripts/lib/cdktf";
import { startMoto, stopMoto, type Moto } from "../../scripts/lib/moto";
import { run, tail } from "../../scripts/lib/process";
import { PROJECT_ROOT } from "../../scripts/lib/terraform-env";
import { guideScript, quote, readGuide, stepsOf, type GuideBlock } from "../docs/guide-blocks";
import { contextsFor } from "../hosts/fixtures";
import { addressOf, clients, instanceNamed, rootVolumeOf, rulesOf, securityGroupId, userDataOf, waitFor, type Clients } from "./aws";

jest.setTimeout(60 * 60_000);

/** The sessions: each a new shell running these blocks in order (so each starts with the offline block). */
const SESSIONS = {
  deploy: ["offline", "configure", "configure-edit", "bootstrap", "deploy", "connect", "channels"],
  changeAndDestroy: ["offline", "channel-later-edit", "channel-later", "destroy-keep"],
  secondStack: ["offline", "bootstrap", "deploy", "destroy-delete"],
} as const;

/** Every command the docs mark "AWS only", by block and its start: what this test does not run, and why. */
const NOT_ON_THE_EMULATOR: readonly { block: string; command: string; why: string }[] = [
  { block: "deploy", command: "npm run verify", why: "SSM Run Command on booted hosts (the emulator boots nothing)" },
  { block: "connect", command: 'eval "$(npm run --silent terraform -- output -raw gateway_port_forward_command)"', why: "Session Manager plugin and a booted gateway" },
  { block: "connect", command: 'eval "$(npm run --silent terraform -- output -raw gateway_token_command)"', why: "the gateway puts its token at its first boot" },
  {
    block: "channel-later",
    command: "npm run deploy -- --auto-approve",
    why: "moto 5.2 keeps a terminated instance's private address, so the replacing gateway (fixed address) cannot start",
  },
];

/** What the user types at the guide's `read` prompt. */
const TYPED_TOKEN = "123456:stand-in-telegram-token";

const LOG_DIR = path.join(PROJECT_ROOT, ".cache", "guide");
const EXCLUDED = new Set(["node_modules", ".git", ".cache", ".build", "cdktf.out", "coverage", "rendered", ".gen", "openclaw.config.json"]);

let moto: Moto;
let aws: Clients;
let copy: string;
let harness: string;
let guide: Map<string, GuideBlock>;
/** The steps of every session, by session and step id ("deploy#2"). */
const ran: Record<string, Map<string, { output: string; ms?: number }>> = {};

/** A deep merge of a `jsonc` block into a JSON file, as the user edits it (arrays and values replaced). */
const MERGE_SCRIPT = `const fs = require("fs");
const [file, patchFile] = process.argv.slice(2);
const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const merge = (base, patch) => {
  for (const [key, value] of Object.entries(patch)) base[key] = isObject(value) && isObject(base[key]) ? merge(base[key], value) : value;
  return base;
};
const merged = merge(JSON.parse(fs.readFileSync(file, "utf8")), JSON.parse(fs.readFileSync(patchFile, "utf8")));
fs.writeFileSync(file, JSON.stringify(merged, null, 2) + "\\n");
`;

/** What a user of the emulator has set: nothing of this process's environment but PATH and HOME. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: "C.UTF-8",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_ENDPOINT_URL: moto.endpoint,
    OPENCLAW_LOCAL_ENDPOINT: moto.endpoint,
    ...(process.env.OPENCLAW_TF_MIRROR ? { OPENCLAW_TF_MIRROR: process.env.OPENCLAW_TF_MIRROR } : {}),
    ...extra,
  };
}

/** A command in the user's shell after the offline block (its CLI configuration exported). */
function shell(command: string, extra: NodeJS.ProcessEnv = {}) {
  const env = userEnv({ TF_CLI_CONFIG_FILE: path.join(copy, ".cache", "terraform", "cli.tfrc"), ...extra });
  return run("bash", ["-c", command], { env, cwd: copy, timeoutMs: 15 * 60_000, onOutput: () => {} });
}

/** Runs the blocks as one bash session; fails naming the step that failed. Returns what each step printed. */
async function session(name: keyof typeof SESSIONS, extra: NodeJS.ProcessEnv = {}) {
  const blocks = SESSIONS[name].map((block) => guide.get(block)!);
  const failures = path.join(harness, `${name}.failures`);
  const script = guideScript(blocks, {
    failures,
    typed: TYPED_TOKEN,
    mergeCommand: (block) => {
      const patch = path.join(harness, `${block.name}.json`);
      fs.writeFileSync(patch, JSON.stringify(block.edit));
      return `node ${quote(path.join(harness, "merge-config.cjs"))} openclaw.config.json ${quote(patch)}`;
    },
  });
  const file = path.join(harness, `${name}.sh`);
  fs.writeFileSync(file, script);
  const result = await run("bash", [file], { env: userEnv(extra), cwd: copy, timeoutMs: 40 * 60_000, onOutput: () => {} });
  fs.writeFileSync(path.join(LOG_DIR, `${name}.log`), result.output);
  const steps = stepsOf(result.output);
  ran[name] = steps;
  console.log(`guide session ${name}: ${result.seconds.toFixed(0)} s\n${[...steps].map(([id, step]) => `  ${id.padEnd(22)} ${step.ms === undefined ? "(did not finish)" : `${(step.ms / 1000).toFixed(1)} s`}`).join("\n")}`);
  if (result.code !== 0) {
    const failed = [...steps].find(([, step]) => step.ms === undefined)?.[0] ?? "(before the first step)";
    const inside = fs.existsSync(failures) ? `\nfailed inside: ${fs.readFileSync(failures, "utf8")}` : "";
    throw new Error(`guide session ${name} failed at ${failed} (exit ${result.code})${inside}\n${tail(result.output, 60)}\n(whole output: ${path.join(LOG_DIR, `${name}.log`)})`);
  }
  return steps;
}

/** What a step printed, without colors. */
function printed(name: string, step: string): string {
  const found = ran[name]?.get(step);
  if (!found) throw new Error(`no step ${step} in session ${name}`);
  return found.output.replace(/\x1b\[[0-9;]*m/g, ""); // eslint-disable-line no-control-regex
}

/** The resource changes a plan lists: "<address> <action>". */
function planChanges(output: string): { address: string; action: string }[] {
  return [...output.matchAll(/# (\S+) (?:\([^)]*\) )?(must be replaced|will be destroyed|will be created|will be updated in-place)/g)].map(([, address, action]) => ({ address, action }));
}

/** The commands a destroy printed under "What stays in the account". */
function leftoverCommands(output: string): string[] {
  const section = output.slice(output.indexOf("== What stays in the account"));
  return [...section.matchAll(/^ {2}(aws \S.*?)(?:\s+#.*)?$/gm)].map(([, command]) => command);
}

async function state(s3: S3Client, bucket: string, key: string): Promise<TerraformState & { outputs: Record<string, { value: unknown }> }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse(await object.Body!.transformToString());
}

async function volumesNamed(name: string) {
  const response = await aws.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: "tag:Name", Values: [name] }] }));
  return response.Volumes ?? [];
}

async function bucketExists(bucket: string): Promise<boolean> {
  return aws.s3.send(new HeadBucketCommand({ Bucket: bucket })).then(
    () => true,
    () => false,
  );
}

/** The configuration in the project copy, as the app reads it on the emulator. */
const appConfig = (env: NodeJS.ProcessEnv = {}): OpenClawConfig => loadConfig({ cwd: copy, env: { OPENCLAW_LOCAL_ENDPOINT: moto.endpoint, ...env } });

beforeAll(async () => {
  fs.mkdirSync(LOG_DIR, { recursive: true });
  moto = await startMoto({ logFile: path.join(LOG_DIR, "moto.log") });
  aws = clients(moto.endpoint);
  copy = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-guide-"));
  harness = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-guide-harness-"));
  fs.cpSync(PROJECT_ROOT, copy, {
    recursive: true,
    filter: (source) => {
      const top = path.relative(PROJECT_ROOT, source).split(path.sep)[0];
      return !EXCLUDED.has(top) && !/^terraform\..*\.tfstate/.test(top);
    },
  });
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(copy, "node_modules"));
  fs.writeFileSync(path.join(harness, "merge-config.cjs"), MERGE_SCRIPT);
  guide = readGuide(copy);
});

afterAll(async () => {
  if (moto) await stopMoto(moto.pid);
  for (const dir of [copy, harness]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test("the docs mark the blocks this test runs, and mark \"AWS only\" exactly the commands it names", async () => {
  const used = new Set<string>(Object.values(SESSIONS).flat());
  expect([...guide.keys()].filter((name) => !used.has(name))).toEqual([]); // a marked block nobody runs
  expect([...used].filter((name) => !guide.has(name))).toEqual([]);
  const marked = [...guide.values()].flatMap((block) => block.commands.filter((command) => command.awsOnly !== undefined));
  expect(marked.map((command) => ({ block: command.block, command: command.text.split(/\s+#/)[0].trim() }))).toEqual(
    NOT_ON_THE_EMULATOR.map(({ block, command }) => ({ block, command })),
  );
  // The outputs' commands run through the aws CLI: it must reach the emulator (Debian's awscli 2.9 ignores AWS_ENDPOINT_URL).
  const caller = await run("aws", ["sts", "get-caller-identity", "--region", "us-east-1", "--query", "Account", "--output", "text"], {
    env: userEnv(),
    onOutput: () => {},
  });
  expect(caller.output.trim()).toBe("123456789012");
});

test("deploy session: offline, configure, bootstrap, diff, deploy, then Connect's certificate and channel token: every command exits 0", async () => {
  await session("deploy");
  const config = appConfig();
  expect(config.stackName).toBe("multi-node");
  expect(printed("deploy", "bootstrap#1")).toContain(`State bucket ${config.state.bucket} created.`);
  // Before the gateway's first boot its certificate parameter holds the placeholder: the file says so.
  const prefix = deploymentNames(config).prefix;
  expect(fs.readFileSync(path.join(copy, `${prefix}-gw.crt`), "utf8").trim()).toBe("pending");
  const [telegram] = channelSecretParameters(config.openclaw.channels, deploymentNames(config).parameterPath);
  const stored = await aws.ssm.send(new GetParameterCommand({ Name: telegram.name, WithDecryption: true }));
  expect(stored.Parameter).toMatchObject({ Type: "SecureString", Value: TYPED_TOKEN });
});

test("multi-node as the guide configures it: hosts, volumes, roles, address, rules, user data, alarm e-mail, logs, alarms", async () => {
  const config = appConfig();
  const names = deploymentNames(config);
  const { outputs } = await state(aws.s3, config.state.bucket!, names.stateKey);
  const output = (name: string) => String(outputs[name]?.value);
  const gateway = await instanceNamed(aws.ec2, `${names.prefix}-gw`);
  const nodeNames = config.nodes.map((node) => node.name);
  const nodes = await Promise.all(nodeNames.map((name) => instanceNamed(aws.ec2, `${names.prefix}-${name}`)));
  expect([gateway, ...nodes].map((instance) => [instance.InstanceType, instance.Architecture, instance.KeyName])).toEqual([
    ["t3.medium", "x86_64", undefined],
    ["t3.small", "x86_64", undefined],
    ["t3.small", "x86_64", undefined],
    ["t4g.small", "arm64", undefined],
  ]);
  expect((await Promise.all(nodes.map((node) => rootVolumeOf(aws.ec2, node)))).map(({ volume }) => volume.Size)).toEqual([100, 100, 50]);
  for (const [index, node] of nodes.entries()) {
    expect(node.IamInstanceProfile?.Arn).toMatch(new RegExp(`:instance-profile/${names.prefix}-${nodeNames[index]}-ec2-role$`));
  }
  for (const [host, instance] of [["gw", gateway], ...nodeNames.map((name, index) => [name, nodes[index]] as const)] as const) {
    const [volume] = await volumesNamed(`${names.prefix}-${host}-data`);
    expect(volume.Attachments?.map((attachment) => [attachment.InstanceId, attachment.Device])).toEqual([[instance.InstanceId, "/dev/sdf"]]);
  }
  expect(JSON.parse(output("node_instance_ids"))).toEqual(Object.fromEntries(nodeNames.map((name, index) => [`${names.prefix}-${name}`, nodes[index].InstanceId])));
  expect((await addressOf(aws.ec2, output("gateway_public_ip")))?.InstanceId).toBe(gateway.InstanceId);
  expect(outputs.gateway_url).toBeUndefined(); // no public CIDR
  const gatewayGroup = (await securityGroupId(aws.ec2, names.gatewaySecurityGroup))!;
  const nodeGroup = (await securityGroupId(aws.ec2, names.nodeSecurityGroup))!;
  expect(await rulesOf(aws.ec2, gatewayGroup, { [nodeGroup]: names.nodeSecurityGroup })).toEqual([
    `in tcp 443 from ${names.nodeSecurityGroup}`,
    "out tcp 443 to 0.0.0.0/0",
    "out tcp 80 to 0.0.0.0/0",
  ]);
  const contexts = contextsFor(config, { gatewayPublicAddress: output("gateway_public_ip"), gatewayPrivateAddress: gateway.PrivateIpAddress! });
  expect(await userDataOf(aws.ec2, gateway.InstanceId!)).toBe(renderGatewayHost(contexts.gateway).userData);
  for (const [index, node] of nodes.entries()) expect(await userDataOf(aws.ec2, node.InstanceId!)).toBe(renderNodeHost(contexts.nodes[index]).userData);
  const subscriptions = await aws.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: output("alarm_topic_arn") }));
  expect(subscriptions.Subscriptions!.map((subscription) => [subscription.Protocol, subscription.Endpoint])).toEqual([["email", config.monitoring.alarmEmail]]);
  expect(config.monitoring.alarmEmail).not.toBe("replace-me@example.com"); // the guide's edit replaced the example's placeholder
  const logGroups = await aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/${names.prefix}/` }));
  expect(new Set(logGroups.logGroups!.map((group) => group.retentionInDays))).toEqual(new Set([90]));
  // Every alarm the synthesized stack declares exists, and no other of the stack.
  const synthesized = expandForEach(JSON.parse(fs.readFileSync(path.join(copy, "cdktf.out", "stacks", config.stackName, "cdk.tf.json"), "utf8")) as ForEachDocument);
  const declared = Object.values(synthesized.resource!.aws_cloudwatch_metric_alarm).map((alarm) => String((alarm as { alarm_name: string }).alarm_name));
  const alarms = await aws.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `${names.alarmPrefix}-` }));
  expect(alarms.MetricAlarms!.map((alarm) => alarm.AlarmName).sort()).toEqual(declared.sort());
});

test("a run interrupted while holding the state lock: the next one names the lock and the command that releases it; that command does; the plan is then clean", async () => {
  const config = appConfig();
  const { stateKey } = deploymentNames(config);
  const stackFolder = path.join(copy, "cdktf.out", "stacks", config.stackName);
  // terraform console holds the state lock while it runs: killed, it leaves the lock file behind, as an interrupted deploy does.
  const env = userEnv({ TF_CLI_CONFIG_FILE: path.join(copy, ".cache", "terraform", "cli.tfrc") });
  const console_ = spawn("terraform", ["console"], { cwd: stackFolder, env, stdio: ["pipe", "ignore", "ignore"], detached: true });
  const lockFile = { Bucket: config.state.bucket!, Key: `${stateKey}.tflock` };
  const locked = () => aws.s3.send(new HeadObjectCommand(lockFile)).then(() => true, () => false);
  try {
    await waitFor(locked, 120_000, 500);
  } finally {
    process.kill(-console_.pid!, "SIGKILL");
  }
  expect(await locked()).toBe(true);

  const blocked = await shell("npm run diff");
  expect(blocked.code).not.toBe(0);
  expect(blocked.output).toContain("Error acquiring the state lock");
  const unlock = /^ {2}(npm run terraform -- force-unlock -force (\S+))$/m.exec(blocked.output);
  expect(unlock).not.toBeNull();
  expect(blocked.output).toContain(`s3://${config.state.bucket}/${stateKey}.tflock holds lock ID ${unlock![2]}`);
  const released = await shell(unlock![1]);
  expect({ code: released.code, output: released.output }).toEqual({ code: 0, output: expect.stringContaining("successfully unlocked") });
  expect(await locked()).toBe(false);

  const plan = await shell("npm run terraform -- plan -detailed-exitcode -input=false -no-color");
  expect({ code: plan.code, changes: plan.output.match(/^\s*# .*$/gm) ?? [] }).toEqual({ code: 0, changes: [] });
});

test("a new shell: an added channel replaces only the gateway's instance, volume attachment and address association; destroy --keep-data keeps the data", async () => {
  await session("changeAndDestroy");
  const config = appConfig();
  const names = deploymentNames(config);
  const changes = planChanges(printed("changeAndDestroy", "channel-later#1"));
  const replaced = changes.filter((change) => change.action === "must be replaced").map((change) => change.address.split(".")[0]);
  expect(replaced.sort()).toEqual(["aws_eip_association", "aws_instance", "aws_volume_attachment"]);
  expect(changes.filter((change) => change.action === "must be replaced").every((change) => change.address.includes("gateway"))).toBe(true);
  expect(changes.filter((change) => change.action === "will be destroyed" || change.action === "will be created")).toEqual([]);
  expect(changes.filter((change) => /^aws_(ebs_volume|eip)\./.test(change.address) || /^\w+\.node[_[]/.test(change.address))).toEqual([]);

  const destroyed = printed("changeAndDestroy", "destroy-keep#1");
  const dataVolumes = ["gw", ...config.nodes.map((node) => node.name)].map((host) => `${names.prefix}-${host}-data`);
  const trailBucket = `${names.trail}-123456789012-${config.region}`;
  expect(destroyed).toContain(`Keeping in the account, out of Terraform's state: ${[...dataVolumes, trailBucket].join(", ")}`);
  expect(countStateResources(await state(aws.s3, config.state.bucket!, names.stateKey))).toBe(0);
  for (const name of dataVolumes) expect((await volumesNamed(name)).map((volume) => volume.State)).toEqual(["available"]);
  expect(await bucketExists(trailBucket)).toBe(true);

  // What stays, each with its delete command: they delete it.
  const commands = leftoverCommands(destroyed);
  expect(commands.filter((command) => command.startsWith("aws ec2 delete-volume"))).toHaveLength(dataVolumes.length);
  expect(commands).toContain(`aws s3 rb s3://${trailBucket} --region ${config.region}`);
  expect(commands.some((command) => command.startsWith("aws ssm delete-parameters") && command.includes(`${names.parameterPath}/channels/telegram-bot-token`))).toBe(true);
  for (const command of commands) expect(await shell(command)).toMatchObject({ code: 0 });
  for (const name of dataVolumes) expect(await volumesNamed(name)).toEqual([]);
  expect(await bucketExists(trailBucket)).toBe(false);
  const left = await aws.ssm.send(new GetParametersByPathCommand({ Path: names.parameterPath, Recursive: true }));
  expect(left.Parameters).toEqual([]);
});

test("a second stack in the same state bucket: bootstrap creates nothing, its state has its own key; destroy --delete-data deletes its data volume and trail bucket", async () => {
  // Emulator accommodation (as npm run local:destroy's): moto's DeleteTrail ignores the ARN Terraform sent, and a
  // leftover trail breaks the next one's deploy on the same emulator.
  await aws.cloudtrail.send(new DeleteTrailCommand({ Name: deploymentNames(appConfig()).trail }));
  const bucket = appConfig().state.bucket!;
  const second = path.join(harness, "second.json");
  fs.writeFileSync(
    second,
    JSON.stringify({
      stackName: "second",
      state: { bucket },
      network: { mode: "default" },
      endpoints: { bedrockRuntime: false, ssm: false, ssmmessages: false, ec2messages: false },
      nodes: [],
      keyPair: { mode: "none" },
    }),
  );
  await session("secondStack", { OPENCLAW_CONFIG: second });
  const config = appConfig({ OPENCLAW_CONFIG: second });
  const names = deploymentNames(config);
  expect(printed("secondStack", "bootstrap#1")).toContain(`State bucket ${bucket} exists: nothing to create`);
  expect(printed("secondStack", "bootstrap#1")).toContain(`Stack second keeps its state in it at ${names.stateKey}`);
  const destroyed = printed("secondStack", "destroy-delete#1");
  expect(destroyed).toContain("terraform apply -target='aws_s3_bucket.");
  expect(countStateResources(await state(aws.s3, bucket, names.stateKey))).toBe(0);
  expect(await aws.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: deploymentNames(appConfig()).stateKey }))).toBeDefined();
  expect((await volumesNamed(`${names.prefix}-gw-data`)).filter((volume) => volume.State !== "deleted")).toEqual([]);
  expect(await bucketExists(`${names.trail}-123456789012-${config.region}`)).toBe(false);
  expect(leftoverCommands(destroyed)).toEqual([]);
});
