import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";

export interface SecretsProps {
  /** "alias/<prefix>": what hosts, scripts and outputs name the key by. */
  readonly alias: string;
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
  /** Name of the Secrets Manager secret the gateway keeps its token in. */
  readonly gatewayTokenSecret: string;
}

/** One statement of the key policy. */
interface KeyPolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Principal: { readonly AWS: string };
  readonly Action: string | readonly string[];
  readonly Resource: "*";
}

/** Days a destroyed key waits before KMS deletes it (the minimum: nothing stays encrypted with it). */
const KEY_DELETION_WINDOW_DAYS = 7;

/**
 * The stack's customer-managed KMS key and the gateway token's secret. The key policy is AWS's default:
 * the account administers the key and delegates its use to IAM, so who may use it is said next to each
 * role's other rights (Iam): the gateway for every secret of the stack, a node only for its own join code,
 * both only through SSM or Secrets Manager. No host role's grant names another host, so adding a node
 * changes no shared resource. The secret is created without a value: the gateway puts the token at first
 * boot, so Terraform's state never holds it.
 */
export class Secrets extends Construct {
  /** The key's alias (a reference: outputs that name it wait for it). */
  readonly alias: string;
  /** The key's ARN, which the host roles' grants name. */
  readonly keyArn: string;
  /** The key, its alias and the secret: the hosts boot once these exist. */
  readonly resources: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    const statements: KeyPolicyStatement[] = [
      {
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: { AWS: `arn:${props.partition}:iam::${props.accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ];
    const key = new KmsKey(this, "key", {
      description: `Secrets of OpenClaw stack ${props.alias.replace(/^alias\//, "")}`,
      enableKeyRotation: true,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
    });
    this.keyArn = key.arn;
    const alias = new KmsAlias(this, "alias", { name: props.alias, targetKeyId: key.keyId });
    this.alias = alias.name;

    const secret = new SecretsmanagerSecret(this, "gateway-token", {
      name: props.gatewayTokenSecret,
      description: "OpenClaw gateway auth token (put by the gateway at first boot; Terraform never holds a value)",
      kmsKeyId: key.arn,
      // Deleted at once on destroy, so the next deploy can take the name again; a new gateway makes a new token.
      recoveryWindowInDays: 0,
    });
    this.resources = [key, alias, secret];
  }
}

/** The ARN pattern of a secret by name: Secrets Manager appends "-" and six random characters. */
export function secretArnPattern(props: Pick<SecretsProps, "partition" | "region" | "accountId">, name: string): string {
  return `arn:${props.partition}:secretsmanager:${props.region}:${props.accountId}:secret:${name}-??????`;
}
