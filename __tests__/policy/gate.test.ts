/**
 * The policy gate: every rule of ./rules.ts over the synthesized JSON of the defaults and of every
 * example (the folder is read, so a new example is covered), with the state bootstrap stack for the
 * bucket rules. Prints the findings per configuration, then asserts each rule per configuration.
 */
import { Testing } from "cdktf";
import { StateStack } from "../../src/stacks/state-stack";
import { configWith, defaultAndExamples, synthStack, type TerraformJson } from "../helpers";
import { RULES, type GateInput, type Rule } from "./rules";


function stateStackJson(region: string): TerraformJson {
  const stack = new StateStack(Testing.app(), "gate-state", { bucket: "gate-openclaw-state", region, target: { kind: "aws" }, tags: {} });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

function gateInput(name: string, raw: Record<string, unknown>): GateInput {
  const config = configWith(raw);
  return {
    config: name,
    stack: synthStack(raw).tf,
    stateStack: stateStackJson(config.region),
    // Read loosely, so the same gate also runs against a main without the setting (flow logs then count as asked for).
    flowLogs: (config.network as { flowLogs?: boolean }).flowLogs ?? true,
  };
}

const CONFIGS = defaultAndExamples();

const inputs = new Map(CONFIGS.map(([name, raw]) => [name, gateInput(name, raw)]));
const findings = new Map(CONFIGS.map(([name]) => [name, new Map(RULES.map((rule) => [rule.id, rule.check(inputs.get(name)!)]))]));


beforeAll(() => {
  const lines = [...findings].map(([config, byRule]) => {
    const all = [...byRule].flatMap(([rule, list]) => list.map((finding) => `    [${rule}] ${finding}`));
    return `${config}: ${all.length} finding(s)\n${all.join("\n")}`;
  });
  process.stdout.write(`Policy gate findings\n${lines.join("\n")}\n`);
});

describe.each(RULES.map((rule) => [rule.id, rule] as const))("%s", (id, rule) => {
  for (const [config] of CONFIGS) {
    test(`${config}: ${rule.description}`, () => {
      expect(findings.get(config)!.get(id)).toEqual([]);
    });
  }
});

describe("the rules catch what the stack had before issue 17", () => {
  const rule = (id: string): Rule => RULES.find((candidate) => candidate.id === id)!;
  const check = (id: string, resource: TerraformJson["resource"]) =>
    rule(id).check({ config: "before", stack: { resource } as TerraformJson, stateStack: { resource: {} } as TerraformJson, flowLogs: false });
  const policy = (statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

  it("iam-least-privilege: the DLM role's snapshot actions on every snapshot, and the AWS managed policies on the host roles", () => {
    const findings = check("iam-least-privilege", {
      aws_iam_role_policy: {
        dlm: { name: "openclaw-dlm-role-snapshots", policy: policy([{ Sid: "Snapshots", Effect: "Allow", Action: ["ec2:CreateSnapshot", "ec2:DeleteSnapshot", "ec2:DescribeVolumes"], Resource: "*" }]) },
        typo: { name: "typo", policy: policy([{ Sid: "Typo", Effect: "Deny", Action: ["ssm:GetParameterz"], Resource: "*" }]) },
      },
      aws_iam_role_policy_attachment: {
        ssm: { role: "${aws_iam_role.gateway.name}", policy_arn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" },
        agent: { role: "${aws_iam_role.gateway.name}", policy_arn: "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy" },
      },
    });
    const flagged = (text: string) => findings.filter((finding) => finding.includes(text));
    expect(flagged("policy openclaw-dlm-role-snapshots Snapshots: ec2:CreateSnapshot on every resource")).toHaveLength(1);
    expect(flagged("policy openclaw-dlm-role-snapshots Snapshots: ec2:DeleteSnapshot on every resource")).toHaveLength(1);
    // Describe* takes no resource: "*" is the only way to grant it.
    expect(flagged("ec2:DescribeVolumes")).toEqual([]);
    expect(flagged("ssm:GetParameterz is no AWS action")).toHaveLength(1);
    expect(flagged("AWS managed policy AmazonSSMManagedInstanceCore (ssm) (no Sid): ssm:GetParameter on every resource")).toHaveLength(1);
    for (const action of ["logs:PutRetentionPolicy", "logs:CreateLogGroup", "logs:PutLogEvents"]) {
      expect(flagged(`AWS managed policy CloudWatchAgentServerPolicy (agent) CWACloudWatchServerPermissions: ${action} on every resource`)).toHaveLength(1);
    }
  });

  it("encryption-at-rest: log groups, the trail and the topic without the stack's key", () => {
    expect(
      check("encryption-at-rest", {
        aws_kms_key: { key: {} },
        aws_cloudwatch_log_group: { app: { name: "/openclaw/application" }, ok: { name: "/openclaw/system", kms_key_id: "${aws_kms_key.key.arn}" } },
        aws_cloudtrail: { trail: { name: "openclaw-trail" } },
        aws_sns_topic: { alarms: { name: "openclaw-alarms" } },
      }),
    ).toEqual(["log group app: not under the stack's key", "trail trail: log files not under the stack's key", "topic alarms: not under the stack's key"]);
  });

  it("key-policy-account-and-services: a role named in the key policy, or a service without a condition", () => {
    const findings = check("key-policy-account-and-services", {
      aws_kms_key: {
        key: {
          policy: policy([
            { Sid: "Account", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" },
            { Sid: "Node", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/openclaw-node-ec2-role" }, Action: "kms:Decrypt", Resource: "*" },
            { Sid: "Logs", Effect: "Allow", Principal: { Service: "logs.us-east-1.amazonaws.com" }, Action: "kms:Decrypt*", Resource: "*" },
          ]),
        },
      },
    });
    expect(findings).toEqual(["key key Node: names arn:aws:iam::123456789012:role/openclaw-node-ec2-role", "key key Logs: a service without a condition"]);
  });
});
