import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { propertiesOf, synthStack, type TerraformJson } from "../helpers";

const EXAMPLES = join(__dirname, "../../examples");

/**
 * Resource types whose arguments carry a secret value into Terraform's configuration and state. The
 * stack may create containers for secrets (aws_secretsmanager_secret, SSM parameters whose value
 * Terraform ignores) but none of these. Not listed, deliberately: tls_private_key, the SSH key of
 * keyPair "generate", which the user asks Terraform to make and takes from a sensitive output (its
 * state file is the user's, kept 0600); keyPair "import" or "none" avoids it.
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

function keyPolicy(tf: TerraformJson): { Statement: { Sid: string; Principal: { AWS: string }; Action: string | string[]; Condition?: unknown }[] } {
  const [key] = propertiesOf(tf, "aws_kms_key");
  return JSON.parse(String(key.policy));
}

describe("Secrets", () => {
  it("makes one rotating customer-managed key with the stack's alias", () => {
    const { tf } = synthStack({ stackName: "dev" });
    const keys = propertiesOf(tf, "aws_kms_key");
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 7 });
    expect(propertiesOf(tf, "aws_kms_alias")).toEqual([expect.objectContaining({ name: "alias/openclaw-dev" })]);
  });

  it("keeps AWS's default key policy: the account administers the key and delegates its use to IAM, naming no host (adding a node leaves it alone)", () => {
    const { tf } = synthStack({ nodes: [{ name: "node" }, { name: "arm", instanceType: "t4g.small" }] });
    const statements = keyPolicy(tf).Statement;
    expect(statements.map((statement) => statement.Sid)).toEqual(["AccountAdministersKey"]);
    expect(statements[0].Principal.AWS).toMatch(/^arn:\$\{data\.aws_partition\..+\}:iam::\$\{data\.aws_caller_identity\..+\.account_id\}:root$/);
    expect(statements[0].Action).toBe("kms:*");
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
