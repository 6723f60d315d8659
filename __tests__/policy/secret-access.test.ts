/**
 * Who can read which secret and parameter: the synthesized identity policies of every role (inline
 * policies plus the real documents of the attached AWS managed policies, as moto ships them) and the
 * stack's KMS key policy, evaluated by ./iam-evaluator.ts for the defaults and every example. Prints
 * the matrix (role × secret/parameter) and asserts: only the gateway reads the token; each node reads
 * only its own join code and the public values; no node can decrypt anything else with the key.
 */
import { deploymentHosts } from "../../src/config/hosts";
import { deploymentNames } from "../../src/config/names";
import { configWith, defaultAndExamples, synthStack, type TerraformJson } from "../helpers";
import { awsManagedPolicy, evaluateIdentity, evaluateKms, statementsOf, type Decision, type PolicyDocument, type Statement } from "./iam-evaluator";

const ACCOUNT = "123456789012";

type Resources = Record<string, Record<string, unknown>>;
const resources = (tf: TerraformJson, type: string) => Object.entries((tf.resource[type] ?? {}) as Resources);

interface Target {
  readonly label: string;
  readonly arn: string;
  /** The read: SSM GetParameter or Secrets Manager GetSecretValue. */
  readonly action: string;
  /** What KMS sees when the service decrypts it for the caller; none for a plain String. */
  readonly decrypt?: { readonly keyPolicy: readonly Statement[]; readonly keyArn: string; readonly context: Record<string, string> };
}

interface Role {
  readonly name: string;
  readonly arn: string;
  readonly identity: readonly Statement[];
}

const managed = new Map<string, PolicyDocument>();
function managedPolicy(name: string): PolicyDocument {
  if (!managed.has(name)) managed.set(name, awsManagedPolicy(name));
  return managed.get(name)!;
}

/**
 * The AWS managed key aws/ssm (a SecureString without a key id): AWS's key policy lets every principal
 * of the account use it through SSM.
 */
function awsSsmKeyPolicy(region: string): Statement[] {
  return [
    {
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
      Resource: "*",
      Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": `ssm.${region}.amazonaws.com` } },
    },
  ];
}

/** The stack as the evaluator sees it: references resolved to the ARNs they stand for. */
function model(tf: TerraformJson, region: string) {
  const roleArn = (id: string) => `arn:aws:iam::${ACCOUNT}:role/${String(tf.resource.aws_iam_role[id].name)}`;
  const keyArn = (id: string) => `arn:aws:kms:${region}:${ACCOUNT}:key/${id}`;
  const resolve = (text: string) =>
    text
      .replace(/\$\{data\.aws_partition\.[^.}]+\.partition\}/g, "aws")
      .replace(/\$\{data\.aws_caller_identity\.[^.}]+\.account_id\}/g, ACCOUNT)
      .replace(/\$\{aws_iam_role\.([^.}]+)\.arn\}/g, (_, id: string) => roleArn(id))
      .replace(/\$\{aws_kms_key\.([^.}]+)\.arn\}/g, (_, id: string) => keyArn(id))
      .replace(/\$\{aws_cloudwatch_log_group\.([^.}]+)\.arn\}/g, (_, id: string) => `arn:aws:logs:${region}:${ACCOUNT}:log-group:${String(tf.resource.aws_cloudwatch_log_group[id].name)}`);
  const document = (policy: unknown) => JSON.parse(resolve(String(policy))) as PolicyDocument;

  const [[keyId, key]] = resources(tf, "aws_kms_key");
  const stackKey = { keyArn: keyArn(keyId), keyPolicy: statementsOf([document(key.policy)]) };
  const aliases = resources(tf, "aws_kms_alias").map(([id]) => `aws_kms_alias.${id}.`);
  const underStackKey = (keyRef: unknown) => typeof keyRef === "string" && (keyRef.includes(`aws_kms_key.${keyId}.`) || aliases.some((alias) => keyRef.includes(alias)));

  const roles: Role[] = resources(tf, "aws_iam_role").map(([id, role]) => {
    const refers = (value: unknown) => String(value).includes(`aws_iam_role.${id}.`);
    const inline = resources(tf, "aws_iam_role_policy").filter(([, policy]) => refers(policy.role)).map(([, policy]) => document(policy.policy));
    const attached = resources(tf, "aws_iam_role_policy_attachment")
      .filter(([, attachment]) => refers(attachment.role))
      .map(([, attachment]) => managedPolicy(String(attachment.policy_arn).split(":policy/")[1]));
    return { name: String(role.name), arn: roleArn(id), identity: statementsOf([...inline, ...attached]) };
  });

  const parameter = (name: string, secure: boolean, keyRef: unknown, label = name): Target => {
    const arn = `arn:aws:ssm:${region}:${ACCOUNT}:parameter${name}`;
    const key = underStackKey(keyRef) ? stackKey : { keyArn: `arn:aws:kms:${region}:${ACCOUNT}:key/aws-ssm`, keyPolicy: awsSsmKeyPolicy(region) };
    return {
      label,
      arn,
      action: "ssm:GetParameter",
      decrypt: secure ? { ...key, context: { "kms:ViaService": `ssm.${region}.amazonaws.com`, "kms:CallerAccount": ACCOUNT, "kms:EncryptionContext:PARAMETER_ARN": arn } } : undefined,
    };
  };
  const stackName = String(tf.resource.aws_secretsmanager_secret ? Object.values(tf.resource.aws_secretsmanager_secret)[0].name : "").split("/")[1];
  const targets: Target[] = [
    ...resources(tf, "aws_secretsmanager_secret").map(([, secret]): Target => {
      const arn = `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${String(secret.name)}-AbCdEf`;
      if (!underStackKey(secret.kms_key_id)) throw new Error(`secret ${String(secret.name)} is not under the stack's key`);
      return {
        label: `secret ${String(secret.name)}`,
        arn,
        action: "secretsmanager:GetSecretValue",
        decrypt: { ...stackKey, context: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com`, "kms:CallerAccount": ACCOUNT, "kms:EncryptionContext:SecretARN": arn } },
      };
    }),
    ...resources(tf, "aws_ssm_parameter").map(([, p]) => parameter(String(p.name), p.type === "SecureString", p.key_id)),
    // Join codes are made by the gateway (ssm_put with the stack's key) where each node-list entry says.
    ...resources(tf, "aws_ssm_parameter")
      .filter(([, p]) => String(p.name).includes("/gateway/nodes/"))
      .map(([, p]) => {
        const { pairingParameter } = JSON.parse(String(p.value)) as { pairingParameter: string };
        return parameter(pairingParameter, true, `\${aws_kms_key.${keyId}.arn}`);
      }),
    // Channel secrets are made by the user (an output gives the command, --key-id the stack's key), not by Terraform.
    parameter(`/openclaw/${stackName}/channels/telegram/token`, true, `\${aws_kms_key.${keyId}.arn}`, `/openclaw/${stackName}/channels/telegram/token (user-made)`),
  ];
  return { roles, targets, stackKey };
}

type Cell = "READ" | "denied: IAM deny" | "denied: no IAM allow" | "denied: KMS";

function read(role: Role, target: Target): Cell {
  const iam: Decision = evaluateIdentity(role.identity, { action: target.action, resource: target.arn, context: {} });
  if (iam === "explicit-deny") return "denied: IAM deny";
  if (iam === "implicit-deny") return "denied: no IAM allow";
  if (!target.decrypt) return "READ";
  const kms = evaluateKms(target.decrypt.keyPolicy, role.identity, role.arn, ACCOUNT, { action: "kms:Decrypt", resource: target.decrypt.keyArn, context: target.decrypt.context });
  return kms === "allowed" ? "READ" : "denied: KMS";
}

const CONFIGS = defaultAndExamples();

describe.each(CONFIGS)("%s", (_name, raw) => {
  const { tf } = synthStack(raw);
  const region = String((tf.provider.aws[0] as { region: string }).region);
  const { roles, targets, stackKey } = model(tf, region);
  const config = configWith(raw);
  const hosts = deploymentHosts(config, deploymentNames(config));
  const roleNamed = (name: string) => roles.find((role) => role.name === name)!;
  const gatewayRole = roleNamed(hosts.gateway.roleName);
  const nodeRoles = hosts.nodes.map((node) => ({ role: roleNamed(node.roleName), pairing: targets.find((target) => target.label === node.pairingParameter)! }));
  const hostRoles = [gatewayRole, ...nodeRoles.map(({ role }) => role)];

  it("prints the matrix (role × secret/parameter)", () => {
    expect(hostRoles.every(Boolean)).toBe(true);
    const width = Math.max(...roles.map((role) => role.name.length));
    const lines = targets.map((target, index) => `  [${index}] ${target.label}${target.decrypt ? " (encrypted)" : ""}`);
    const rows = roles.map((role) => `  ${role.name.padEnd(width)}  ${targets.map((target, index) => `[${index}] ${read(role, target)}`).join("  ")}`);
    process.stdout.write(`Secret access, ${_name}:\n${lines.join("\n")}\n${rows.join("\n")}\n`);
    expect(rows).toHaveLength(roles.length);
  });

  it("only the gateway reads the token", () => {
    const token = targets.find((target) => target.action === "secretsmanager:GetSecretValue")!;
    expect(roles.filter((role) => read(role, token) === "READ").map((role) => role.name)).toEqual([gatewayRole.name]);
  });

  it("the gateway reads every secret and parameter of the stack", () => {
    expect(targets.filter((target) => read(gatewayRole, target) !== "READ").map((target) => target.label)).toEqual([]);
  });

  it("each node reads only its own join code and the public values", () => {
    const publicValues = [hosts.gatewayParameters.tlsFingerprint, hosts.gatewayParameters.tlsCertificate];
    for (const { role, pairing } of nodeRoles) {
      expect(pairing).toBeDefined();
      const readable = targets.filter((target) => read(role, target) === "READ").map((target) => target.label);
      expect(readable.sort()).toEqual([pairing.label, ...publicValues].sort());
    }
  });

  it("no node can decrypt anything else with the stack's key, through SSM or directly", () => {
    for (const { role: node, pairing } of nodeRoles) {
      for (const target of targets.filter((candidate) => candidate.decrypt && candidate !== pairing)) {
        expect([target.label, evaluateKms(stackKey.keyPolicy, node.identity, node.arn, ACCOUNT, { action: "kms:Decrypt", resource: stackKey.keyArn, context: target.decrypt!.context })]).toEqual([
          target.label,
          "implicit-deny",
        ]);
      }
      expect(evaluateKms(stackKey.keyPolicy, node.identity, node.arn, ACCOUNT, { action: "kms:Decrypt", resource: stackKey.keyArn, context: {} })).toBe("implicit-deny");
    }
  });

  it("no role but the gateway and the nodes reads any of them (service roles: flow logs, trail)", () => {
    for (const role of roles.filter((candidate) => !hostRoles.includes(candidate))) {
      expect(targets.filter((target) => read(role, target) === "READ")).toEqual([]);
    }
  });
});
