/**
 * The synthesized roles on moto with IAM enforcement on: each host role is created there with its real
 * trust policy and inline policy (it has no AWS managed policy); credentials come from sts:AssumeRole;
 * then moto's request authorization is switched on (POST /moto-api/reset-auth 0, what
 * INITIAL_NO_AUTH_ACTION_COUNT sets at start) and every call is checked against the caller's identity
 * policies.
 *
 * What moto 5.2.1 cannot enforce (moto/iam/access_control.py, moto/iam/policy_conditions.py,
 * moto/kms/policy_validator.py), each named in a test below: it evaluates identity policies against
 * Resource "*" for SSM, Secrets Manager, CloudWatch and CloudWatch Logs (only IAM, STS, SQS and S3 pass
 * the real resource), so a resource-scoped Allow never matches and a resource-scoped Deny never
 * applies; it reads a Deny with NotResource as an Allow; it passes no request context to conditions, so
 * every condition holds; it names an action after the service's signing name, so CloudWatch's are
 * monitoring:*, which no policy grants; its pattern match turns the `?` wildcard into
 * a broken regular expression (a 500), so the documents go in with `?` widened to `*`; of a KMS key
 * policy it enforces only an explicit Deny of kms:DescribeKey. What moto does prove: nothing a node
 * holds grants any Secrets Manager read, and nothing any host holds lets it create or delete a log
 * group or change its retention (which CloudWatchAgentServerPolicy allowed on every group). The
 * per-resource and per-condition decisions are proven by the evaluator (secret-access.test.ts,
 * host-reach.test.ts).
 */
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient, CreateLogGroupCommand, DeleteLogGroupCommand, PutLogEventsCommand, PutRetentionPolicyCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import path from "node:path";
import { Readable } from "node:stream";
import { EMULATOR_CREDENTIALS } from "../../src/config/emulator";
import { startMoto, stopMoto, type Moto } from "../../scripts/lib/moto";
import { PROJECT_ROOT } from "../../scripts/lib/terraform-env";
import { propertiesOf, synthStack } from "../helpers";

jest.setTimeout(120_000);

const REGION = "us-east-1";
const ACCOUNT = "123456789012";

interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

let moto: Moto;
const credentials: Record<string, Credentials> = {};

async function setAuthorization(on: boolean): Promise<void> {
  const response = await fetch(new URL("/moto-api/reset-auth", moto.endpoint), { method: "POST", body: on ? "0" : "inf" });
  expect(response.status).toBe(200);
}

/** An SDK client of any service, as outcome uses it. */
interface SdkClient {
  readonly middlewareStack: { add(middleware: never, options: { step: "deserialize"; priority: "low" }): void };
  send(command: never): Promise<unknown>;
}

/** A step next to the transport that keeps the raw body of an error response (the SDK cannot parse moto's). */
function keepErrorBody(kept: { body: string }) {
  return (next: (args: unknown) => Promise<{ response: unknown }>) => async (args: unknown) => {
    const result = await next(args);
    const response = result.response as { statusCode: number; body: Readable };
    if (response.statusCode >= 400) {
      const chunks: Buffer[] = [];
      for await (const chunk of response.body) chunks.push(Buffer.from(chunk as Uint8Array));
      kept.body = Buffer.concat(chunks).toString("utf8");
      response.body = Readable.from([Buffer.from(kept.body)]);
    }
    return result;
  };
}

/**
 * The error code of a refused call, or "allowed". moto answers a refusal to a JSON (or CBOR) service in
 * XML, which the SDK cannot parse; the kept raw body says the code.
 */
async function outcome(client: SdkClient, command: object): Promise<string> {
  const kept = { body: "" };
  client.middlewareStack.add(keepErrorBody(kept) as never, { step: "deserialize", priority: "low" });
  try {
    await client.send(command as never);
    return "allowed";
  } catch (error) {
    return /<Code>([^<]+)<\/Code>/.exec(kept.body)?.[1] ?? (error as Error).name;
  }
}

const secretsAs = (role: string) => new SecretsManagerClient({ endpoint: moto.endpoint, region: REGION, credentials: credentials[role] });
const ssmAs = (role: string) => new SSMClient({ endpoint: moto.endpoint, region: REGION, credentials: credentials[role] });

beforeAll(async () => {
  moto = await startMoto({ logFile: path.join(PROJECT_ROOT, ".cache", "policy", "moto-enforcement.log") });
  const admin = { endpoint: moto.endpoint, region: REGION, credentials: EMULATOR_CREDENTIALS };
  const { tf } = synthStack({ nodes: [{ name: "node-1" }, { name: "node-2" }] });
  const resolve = (text: string) =>
    text
      .replace(/\$\{data\.aws_partition\.[^.}]+\.partition\}/g, "aws")
      .replace(/\$\{data\.aws_caller_identity\.[^.}]+\.account_id\}/g, ACCOUNT)
      .replace(/\$\{aws_kms_key\.([^.}]+)\.arn\}/g, (_, id: string) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`)
      // moto builds a regular expression from the pattern and fails on "??????" (see above).
      .replace(/\?+/g, "*");

  // The host roles as Terraform creates them, with the documents it synthesized.
  const iam = new IAMClient(admin);
  const roles = Object.entries(tf.resource.aws_iam_role).filter(([, role]) => String(role.name).endsWith("-ec2-role"));
  for (const [id, role] of roles) {
    const name = String(role.name);
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: String(role.assume_role_policy) }));
    const refers = (value: unknown) => String(value).includes(`aws_iam_role.${id}.`);
    for (const policy of propertiesOf(tf, "aws_iam_role_policy").filter((candidate) => refers(candidate.role))) {
      await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: String(policy.name), PolicyDocument: resolve(String(policy.policy)) }));
    }
    expect(propertiesOf(tf, "aws_iam_role_policy_attachment").filter((candidate) => refers(candidate.role))).toEqual([]);
    const assumed = await new STSClient(admin).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`, RoleSessionName: "enforcement" }));
    credentials[name] = {
      accessKeyId: assumed.Credentials!.AccessKeyId!,
      secretAccessKey: assumed.Credentials!.SecretAccessKey!,
      sessionToken: assumed.Credentials!.SessionToken!,
    };
  }

  // The token's secret with a value (as the gateway puts it), and the join codes.
  const secrets = new SecretsManagerClient(admin);
  await secrets.send(new CreateSecretCommand({ Name: "openclaw/openclaw/gateway/token" }));
  await secrets.send(new PutSecretValueCommand({ SecretId: "openclaw/openclaw/gateway/token", SecretString: "a-token" }));
  for (const node of ["node-1", "node-2"]) {
    await new SSMClient(admin).send(new PutParameterCommand({ Name: `/openclaw/openclaw/nodes/${node}/pairing`, Type: "SecureString", Value: `join-${node}` }));
  }
  const logs = new CloudWatchLogsClient(admin);
  for (const group of ["/openclaw/application", "/openclaw/system"]) await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  await setAuthorization(true);
});

afterAll(async () => {
  if (!moto) return;
  await setAuthorization(false).catch(() => undefined);
  await stopMoto(moto.pid);
});

test("a node role's credentials get AccessDenied reading the gateway token", async () => {
  for (const node of ["openclaw-node-1-ec2-role", "openclaw-node-2-ec2-role"]) {
    expect(await outcome(secretsAs(node), new GetSecretValueCommand({ SecretId: "openclaw/openclaw/gateway/token" }))).toBe("AccessDenied");
  }
});

// Emulator gap: the gateway's Allow names the secret's ARN, and moto checks against Resource "*", so it
// is refused as well: on moto the denial above shows only that nothing a node holds grants a Secrets
// Manager read on any resource. If this starts failing, moto passes the secret's ARN: expect the token.
test("moto cannot enforce resource-scoped Allows (Resource * for Secrets Manager): the gateway is refused the token there too", async () => {
  expect(await outcome(secretsAs("openclaw-ec2-role"), new GetSecretValueCommand({ SecretId: "openclaw/openclaw/gateway/token" }))).toBe("AccessDenied");
});

const logsAs = (role: string) => new CloudWatchLogsClient({ endpoint: moto.endpoint, region: REGION, credentials: credentials[role] });
const metricsAs = (role: string) => new CloudWatchClient({ endpoint: moto.endpoint, region: REGION, credentials: credentials[role] });
const HOST_ROLES = ["openclaw-ec2-role", "openclaw-node-1-ec2-role", "openclaw-node-2-ec2-role"];

test("no host role may create or delete a log group or change its retention (CloudWatchAgentServerPolicy allowed the first two on every group)", async () => {
  for (const role of HOST_ROLES) {
    const client = logsAs(role);
    expect([role, await outcome(client, new PutRetentionPolicyCommand({ logGroupName: "/openclaw/system", retentionInDays: 1 }))]).toEqual([role, "AccessDenied"]);
    expect([role, await outcome(client, new CreateLogGroupCommand({ logGroupName: "/openclaw/forged" }))]).toEqual([role, "AccessDenied"]);
    expect([role, await outcome(client, new DeleteLogGroupCommand({ logGroupName: "/openclaw/system" }))]).toEqual([role, "AccessDenied"]);
  }
});

// Emulator gap: moto names an action after the service's signing name, and CloudWatch signs as
// "monitoring": it checks monitoring:PutMetricData, which no policy grants, so every host is refused
// every namespace there, its own too (host-reach.test.ts shows AWS allows its own and nothing else).
// If this starts failing, moto checks cloudwatch:PutMetricData now: expect it allowed here, and add
// a node publishing into the gateway's namespace (moto evaluates no condition, so that would pass too).
test("moto cannot authorize CloudWatch calls (it checks monitoring:PutMetricData): a node is refused even its own namespace there", async () => {
  const put = new PutMetricDataCommand({ Namespace: "OpenClaw/openclaw-node-1", MetricData: [{ MetricName: "mem_used_percent", Value: 12 }] });
  expect(await outcome(metricsAs("openclaw-node-1-ec2-role"), put)).toBe("AccessDenied");
});

// Emulator gap: moto checks PutLogEvents against Resource "*", so a host's grant on its own streams
// never matches and it is refused even there (host-reach.test.ts shows AWS allows its own, not others').
// If this starts failing, moto passes the stream's ARN: expect its own stream allowed, another's refused.
test("moto cannot tell log streams apart (Resource *): a host is refused even its own stream there", async () => {
  const own = new PutLogEventsCommand({ logGroupName: "/openclaw/system", logStreamName: "openclaw-node-1/i-0123456789abcdef0", logEvents: [{ timestamp: Date.now(), message: "boot" }] });
  expect(await outcome(logsAs("openclaw-node-1-ec2-role"), own)).toBe("AccessDenied");
});

// Emulator gap, kept as a test so it is noticed when moto closes it: moto checks SSM calls against
// Resource "*" and reads DenyOtherParameters' NotResource as an Allow (so on moto that Deny is what lets
// a node read at all), so on moto a node also reads another node's join code. The evaluator
// (secret-access.test.ts) shows AWS denies it. If this starts failing, moto enforces resource-level SSM
// denies now: expect AccessDenied here instead.
test("moto cannot enforce per-parameter denies (Resource * for SSM, NotResource read as Allow): a node reads another node's join code there", async () => {
  const other = await ssmAs("openclaw-node-1-ec2-role").send(new GetParameterCommand({ Name: "/openclaw/openclaw/nodes/node-2/pairing", WithDecryption: true }));
  expect(other.Parameter?.Value).toBe("join-node-2");
});
