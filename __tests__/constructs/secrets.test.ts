import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { propertiesOf, synthStack, type TerraformJson } from "../helpers";

const EXAMPLES = join(__dirname, "../../examples");

/**
 * Resource types whose arguments carry a secret value into Terraform's configuration and state. The
 * stack may create containers for secrets (aws_secretsmanager_secret, SSM parameters whose value
 * Terraform ignores) but none of these. Not listed, deliberately: tls_private_key, the SSH key of
 * keyPair "generate", which the user asks Terraform to make (by allowing SSH without naming a key pair,
 * or explicitly) and takes from a sensitive output (its state file is the user's, kept 0600); the
 * default (no SSH, no key pair), "import" or "none" avoids it.
 */
const SECRET_VALUE_TYPES = [
  "aws_secretsmanager_secret_version",
  "random_password",
  "random_string",
  "aws_iam_access_key",
  "aws_iam_user_login_profile",
  "aws_kms_ciphertext",
  "aws_db_instance",
];

interface KeyStatement {
  Sid: string;
  Principal: { AWS?: string; Service?: string | string[] };
  Action: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** The key policy, with the partition and the account written as in the stack's references. */
function keyPolicy(tf: TerraformJson): { Statement: KeyStatement[] } {
  const [key] = propertiesOf(tf, "aws_kms_key");
  return JSON.parse(String(key.policy).replace(/\$\{data\.aws_partition\.[^}]+\}/g, "aws").replace(/\$\{data\.aws_caller_identity\.[^}]+\}/g, "ACCOUNT"));
}

describe("Secrets", () => {
  it("makes one rotating customer-managed key with the stack's alias", () => {
    const { tf } = synthStack({ stackName: "dev" });
    const keys = propertiesOf(tf, "aws_kms_key");
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 7 });
    expect(propertiesOf(tf, "aws_kms_alias")).toEqual([expect.objectContaining({ name: "alias/openclaw-dev" })]);
  });

  it("lets the account administer the key and names, besides it, only AWS services, each for what it encrypts of this stack: never a host", () => {
    const { tf } = synthStack({ nodes: [{ name: "node" }, { name: "arm", instanceType: "t4g.small" }] });
    const logGroup = (name: string) => `arn:aws:logs:us-east-1:ACCOUNT:log-group:/openclaw/${name}`;
    expect(keyPolicy(tf).Statement).toEqual([
      { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: "arn:aws:iam::ACCOUNT:root" }, Action: "kms:*", Resource: "*" },
      {
        Sid: "CloudWatchLogsStackGroups",
        Effect: "Allow",
        Principal: { Service: "logs.us-east-1.amazonaws.com" },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": ["application", "system", "vpc-flow-logs", "cloudtrail"].map(logGroup) } },
      },
      {
        Sid: "AlarmTopicPublishers",
        Effect: "Allow",
        Principal: { Service: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": "arn:aws:sns:us-east-1:ACCOUNT:openclaw-alarms" } },
      },
      {
        Sid: "CloudTrailEncryptLogs",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:GenerateDataKey*",
        Resource: "*",
        Condition: {
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:ACCOUNT:trail/*" },
          StringEquals: { "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:ACCOUNT:trail/openclaw-trail" },
        },
      },
      {
        Sid: "CloudTrailDescribeKey",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:DescribeKey",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:ACCOUNT:trail/openclaw-trail" } },
      },
    ]);
    expect(JSON.stringify(keyPolicy(tf))).not.toMatch(/role|ec2/);
  });

  it("without a trail or flow logs, names neither CloudTrail nor their log groups", () => {
    const { tf } = synthStack({ audit: { cloudTrail: false }, network: { mode: "create", flowLogs: false } });
    const statements = keyPolicy(tf).Statement;
    expect(statements.map((statement) => statement.Sid)).toEqual(["AccountAdministersKey", "CloudWatchLogsStackGroups", "AlarmTopicPublishers"]);
    expect(statements[1].Condition).toEqual({
      ArnEquals: { "kms:EncryptionContext:aws:logs:arn": ["application", "system"].map((name) => `arn:aws:logs:us-east-1:ACCOUNT:log-group:/openclaw/${name}`) },
    });
    expect(synthStack({ network: { mode: "default" } }).tf.resource.aws_flow_log).toBeUndefined();
  });

  it("encrypts every log group, the trail and the alarm topic with the stack's key", () => {
    const { tf } = synthStack();
    const [[keyId]] = Object.entries(tf.resource.aws_kms_key);
    const stackKey = `\${aws_kms_key.${keyId}.arn}`;
    expect(propertiesOf(tf, "aws_cloudwatch_log_group").map((group) => [group.name, group.kms_key_id]).sort()).toEqual(
      ["/openclaw/application", "/openclaw/cloudtrail", "/openclaw/system", "/openclaw/vpc-flow-logs"].map((name) => [name, stackKey]),
    );
    expect(propertiesOf(tf, "aws_cloudtrail")[0].kms_key_id).toBe(stackKey);
    expect(propertiesOf(tf, "aws_sns_topic")[0].kms_master_key_id).toBe(stackKey);
  });

  it("keeps the gateway token in a Secrets Manager secret under the stack's key, with no value from Terraform", () => {
    const { tf } = synthStack();
    expect(propertiesOf(tf, "aws_secretsmanager_secret")).toEqual([
      expect.objectContaining({
        name: "openclaw/openclaw/gateway/token",
        kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/),
        recovery_window_in_days: 0,
      }),
    ]);
    expect(tf.resource.aws_secretsmanager_secret_version).toBeUndefined();
    expect(propertiesOf(tf, "aws_ssm_parameter").map((parameter) => parameter.name)).not.toContain("/openclaw/openclaw/gateway/token");
  });

  it.each(["default", ...readdirSync(EXAMPLES).filter((file) => file.endsWith(".json"))])(
    "%s: no resource type that stores a secret value is in the stack",
    (name) => {
      const config = name === "default" ? {} : JSON.parse(readFileSync(join(EXAMPLES, name), "utf8"));
      const { tf } = synthStack(config);
      expect(Object.keys(tf.resource).filter((type) => SECRET_VALUE_TYPES.includes(type))).toEqual([]);
      for (const parameter of propertiesOf(tf, "aws_ssm_parameter")) {
        expect(parameter.type).toBe("String");
        if (String(parameter.name).includes("/gateway/nodes/")) {
          // A node-list entry: the node's display name and where its join code goes, nothing secret.
          expect(Object.keys(JSON.parse(String(parameter.value))).sort()).toEqual(["displayName", "pairingParameter"]);
        } else {
          expect(parameter.value).toBe("pending");
          expect(parameter.lifecycle).toEqual({ ignore_changes: ["value"] });
        }
      }
    },
  );
});
