import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { propertiesOf, synthStack, type TerraformJson } from "../helpers";

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string | string[];
  Condition?: unknown;
}

/** The inline policy statements of a role, with Terraform references (partition, account) shown as REF. */
function statementsOf(tf: TerraformJson, roleName: string): Statement[] {
  const policy = propertiesOf(tf, "aws_iam_role_policy").find((candidate) => candidate.name === `${roleName}-policy`);
  if (!policy) throw new Error(`no inline policy for ${roleName}`);
  return (JSON.parse(String(policy.policy).replace(/\$\{[^}]+\}/g, "REF")) as { Statement: Statement[] }).Statement;
}

describe("Iam", () => {
  it("gives each host role the CloudWatch agent and SSM core managed policies", () => {
    const { json, tf } = synthStack();
    expect(json).toHaveResourceWithProperties(IamRole, { name: "openclaw-ec2-role" });
    expect(json).toHaveResourceWithProperties(IamRole, { name: "openclaw-node-ec2-role" });
    expect(json).toHaveResourceWithProperties(IamInstanceProfile, { name: "openclaw-ec2-role" });
    const attachments = propertiesOf(tf, "aws_iam_role_policy_attachment").map((attachment) => String(attachment.policy_arn));
    expect(attachments.filter((arn) => arn.endsWith(":iam::aws:policy/CloudWatchAgentServerPolicy"))).toHaveLength(2);
    expect(attachments.filter((arn) => arn.endsWith(":iam::aws:policy/AmazonSSMManagedInstanceCore"))).toHaveLength(2);
    const trust = String(propertiesOf(tf, "aws_iam_role").find((role) => role.name === "openclaw-ec2-role")!.assume_role_policy);
    expect(trust).toContain('"Service":"ec2.amazonaws.com"');
  });

  it("lets the gateway invoke Bedrock, subscribe via Bedrock only, and use its own parameters", () => {
    const { tf } = synthStack();
    const statements = statementsOf(tf, "openclaw-ec2-role");
    expect(statements).toEqual([
      { Sid: "SharedParameters", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:PutParameter"], Resource: ["arn:REF:ssm:us-east-1:REF:parameter/openclaw/openclaw/*"] },
      {
        Sid: "BedrockInvoke",
        Effect: "Allow",
        Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:ListFoundationModels", "bedrock:GetFoundationModel"],
        Resource: "*",
      },
      {
        Sid: "MarketplaceViaBedrock",
        Effect: "Allow",
        Action: ["aws-marketplace:ViewSubscriptions", "aws-marketplace:Subscribe"],
        Resource: "*",
        Condition: { StringEquals: { "aws:CalledViaLast": "bedrock.amazonaws.com" } },
      },
    ]);
  });

  it("lets each node read only the certificate, its fingerprint and its own pairing: no token, no writes", () => {
    const { tf } = synthStack({ nodes: [{ name: "node" }, { name: "arm", instanceType: "t4g.small" }] });
    const readable = (node: string) => [
      {
        Sid: "ReadPairingParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameter"],
        Resource: [
          "arn:REF:ssm:us-east-1:REF:parameter/openclaw/openclaw/gateway/tls-fingerprint",
          "arn:REF:ssm:us-east-1:REF:parameter/openclaw/openclaw/gateway/tls-certificate",
          `arn:REF:ssm:us-east-1:REF:parameter/openclaw/openclaw/nodes/${node}/pairing`,
        ],
      },
    ];
    expect(statementsOf(tf, "openclaw-node-ec2-role")).toEqual(readable("node"));
    expect(statementsOf(tf, "openclaw-arm-ec2-role")).toEqual(readable("arm"));
    expect(propertiesOf(tf, "aws_iam_instance_profile").map((profile) => profile.name).sort()).toEqual([
      "openclaw-arm-ec2-role",
      "openclaw-ec2-role",
      "openclaw-node-ec2-role",
    ]);
  });

  it("drops Bedrock and Marketplace when turned off, and the node role without nodes", () => {
    const { tf } = synthStack({ iam: { bedrock: false, marketplace: false }, nodes: [] });
    expect(statementsOf(tf, "openclaw-ec2-role").map((statement) => statement.Sid)).toEqual(["SharedParameters"]);
    // Host roles only (the snapshot policy's DLM role is the Backup construct's).
    expect(propertiesOf(tf, "aws_iam_role").map((role) => role.name).filter((name) => name !== "openclaw-dlm-role")).toEqual(["openclaw-ec2-role"]);
  });
});
