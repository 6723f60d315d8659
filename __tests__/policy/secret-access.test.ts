/**
 * Who can read which secret and parameter: the synthesized identity policies of every role (inline
 * policies plus the real documents of the attached AWS managed policies, as moto ships them) and the
 * stack's KMS key policy, evaluated by ./iam-evaluator.ts for the defaults, every example and a stack
 * with every chat channel. The channel tokens are modeled as the user makes them: the parameter and the
 * key the stack's `<channel>_<token>_command` output names. Prints the matrix (role × secret/parameter)
 * and asserts: only the gateway reads the token; each node reads only its own join code and the public
 * values; no node can decrypt anything else with the key; every channel token is under the stack's key.
 */
import { CHANNEL_NAMES } from "../../src/config/assistant";
import { deploymentHosts } from "../../src/config/hosts";
import { deploymentNames } from "../../src/config/names";
import { configWith, defaultAndExamples, synthStack, type TerraformJson } from "../helpers";
import { evaluateIdentity, evaluateKms, type Decision, type Statement } from "./iam-evaluator";
import { ACCOUNT, resources, stackModel, type Role } from "./stack-model";

interface Target {
  readonly label: string;
  readonly arn: string;
  /** The read: SSM GetParameter or Secrets Manager GetSecretValue. */
  readonly action: string;
  /** What KMS sees when the service decrypts it for the caller; none for a plain String. */
  readonly decrypt?: { readonly keyPolicy: readonly Statement[]; readonly keyArn: string; readonly context: Record<string, string> };
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

/** The name and `--key-id` of the parameter a `<channel>_<token>_command` output stores (no `--key-id`: aws/ssm). */
function channelParameterOf(command: string): { name: string; keyId?: string } {
  const name = /--name (\S+)/.exec(command)?.[1];
  if (!name) throw new Error(`no --name in ${command}`);
  return { name, keyId: /--key-id (\S+)/.exec(command)?.[1] };
}

/** The stack's secrets and parameters as the evaluator sees them, and its roles. */
function model(tf: TerraformJson) {
  const { region, roles, stackKey } = stackModel(tf);
  const parameter = (name: string, secure: boolean, keyRef: unknown, label = name): Target => {
    const arn = `arn:aws:ssm:${region}:${ACCOUNT}:parameter${name}`;
    const key = stackKey.refersTo(keyRef) ? stackKey : { keyArn: `arn:aws:kms:${region}:${ACCOUNT}:key/aws-ssm`, keyPolicy: awsSsmKeyPolicy(region) };
    return {
      label,
      arn,
      action: "ssm:GetParameter",
      decrypt: secure ? { keyArn: key.keyArn, keyPolicy: key.keyPolicy, context: { "kms:ViaService": `ssm.${region}.amazonaws.com`, "kms:CallerAccount": ACCOUNT, "kms:EncryptionContext:PARAMETER_ARN": arn } } : undefined,
    };
  };
  const [[keyId]] = resources(tf, "aws_kms_key");
  const targets: Target[] = [
    ...resources(tf, "aws_secretsmanager_secret").map(([, secret]): Target => {
      const arn = `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${String(secret.name)}-AbCdEf`;
      if (!stackKey.refersTo(secret.kms_key_id)) throw new Error(`secret ${String(secret.name)} is not under the stack's key`);
      return {
        label: `secret ${String(secret.name)}`,
        arn,
        action: "secretsmanager:GetSecretValue",
        decrypt: { keyArn: stackKey.keyArn, keyPolicy: stackKey.keyPolicy, context: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com`, "kms:CallerAccount": ACCOUNT, "kms:EncryptionContext:SecretARN": arn } },
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
    // Channel secrets are made by the user, with the command each output gives: its parameter, under the key it names.
    ...Object.entries(tf.output)
      .filter(([name]) => name.endsWith("_token_command") && !name.startsWith("gateway_"))
      .map(([, output]) => {
        const { name, keyId: channelKey } = channelParameterOf(String(output.value));
        return parameter(name, true, channelKey, `${name} (user-made, --key-id ${channelKey ?? "none: aws/ssm"})`);
      }),
  ];
  return { roles, targets, stackKey, region };
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

/** The defaults, every example, and one with every chat channel (so with every channel token). */
const CONFIGS: [string, Record<string, unknown>][] = [...defaultAndExamples(), ["every channel", { openclaw: { channels: [...CHANNEL_NAMES] } }]];

describe.each(CONFIGS)("%s", (_name, raw) => {
  const { tf } = synthStack(raw);
  const { roles, targets, stackKey, region } = model(tf);
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

  it("every channel token is stored under the stack's key, which no role of the account may use but the gateway's (aws/ssm would let any principal that reads the parameter decrypt it)", () => {
    const channels = targets.filter((target) => target.label.includes("(user-made"));
    const channelNames = _name === "every channel" ? ["discord-bot-token", "slack-app-token", "slack-bot-token", "telegram-bot-token"] : [];
    expect(channels.map((target) => target.arn.split("/channels/")[1]).sort()).toEqual(channelNames);
    // A principal of the account that may read every parameter (what AmazonSSMManagedInstanceCore allows) and holds no KMS grant.
    const reader: Role = { name: "reader", arn: `arn:aws:iam::${ACCOUNT}:role/reader`, identity: [{ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" }] };
    for (const target of channels) {
      expect(target.decrypt?.keyArn).toBe(stackKey.keyArn);
      expect(read(reader, target)).toBe("denied: KMS");
      expect(read(reader, { ...target, decrypt: { ...target.decrypt!, keyArn: `arn:aws:kms:${region}:${ACCOUNT}:key/aws-ssm`, keyPolicy: awsSsmKeyPolicy(region) } })).toBe("READ");
    }
  });

  it("no role but the gateway and the nodes reads any of them (service roles: flow logs, trail)", () => {
    for (const role of roles.filter((candidate) => !hostRoles.includes(candidate))) {
      expect(targets.filter((target) => read(role, target) === "READ")).toEqual([]);
    }
  });
});
