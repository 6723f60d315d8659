import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import type { AwsEnvironment } from "../aws-environment";

export interface SecretsProps {
  /** "alias/<prefix>": what hosts, scripts and outputs name the key by. */
  readonly alias: string;
  /** The stack's partition, region and account. */
  readonly environment: AwsEnvironment;
  /** Name of the Secrets Manager secret the gateway keeps its token in. */
  readonly gatewayTokenSecret: string;
  /** Names of every log group of the stack: CloudWatch Logs encrypts each with the key. */
  readonly logGroupNames: readonly string[];
  /** The alarm topic, encrypted with the key, and the AWS services that publish to it. */
  readonly alarmTopic: { readonly name: string; readonly publishers: readonly string[] };
  /** The trail's name when there is one: CloudTrail encrypts its log files with the key. */
  readonly trailName?: string;
}

/** One statement of the key policy. */
interface KeyPolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Principal: { readonly AWS: string } | { readonly Service: string | readonly string[] };
  readonly Action: string | readonly string[];
  readonly Resource: "*";
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

/** Days a destroyed key waits before KMS deletes it (the minimum: nothing stays encrypted with it). */
const KEY_DELETION_WINDOW_DAYS = 7;

/**
 * The stack's customer-managed KMS key and the gateway token's secret. The key policy lets the account
 * administer the key and delegate its use to IAM, so who of the stack's roles may use it is said next to
 * each role's other rights (Iam): the gateway for every secret of the stack, a node only for its own
 * join code, both only through SSM or Secrets Manager. Besides the account it names only AWS services,
 * each for exactly what it encrypts of this stack (by encryption context): CloudWatch Logs the stack's
 * log groups, CloudTrail the stack's trail, and the services that publish to the alarm topic that topic.
 * No host role is named, so adding a node changes no shared resource. The secret is created without a
 * value: the gateway puts the token at first boot, so Terraform's state never holds it.
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
    const { environment } = props;
    const statements: KeyPolicyStatement[] = [
      {
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: { AWS: environment.arn("iam", "root", { region: "" }) },
        Action: "kms:*",
        Resource: "*",
      },
      // "Encrypt log data in CloudWatch Logs using AWS KMS" (CloudWatch Logs User Guide): the regional
      // service principal, for the log groups named in the encryption context only.
      {
        Sid: "CloudWatchLogsStackGroups",
        Effect: "Allow",
        Principal: { Service: `logs.${environment.region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": props.logGroupNames.map((name) => environment.arn("logs", `log-group:${name}`)) } },
      },
      // "Enable compatibility between event sources from AWS services and encrypted topics" (Amazon SNS
      // Developer Guide): a publishing service needs GenerateDataKey* and Decrypt; SNS names the topic in
      // the encryption context, so the grant is for this topic only.
      {
        Sid: "AlarmTopicPublishers",
        Effect: "Allow",
        Principal: { Service: props.alarmTopic.publishers },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": environment.arn("sns", props.alarmTopic.name) } },
      },
    ];
    if (props.trailName) {
      // "Configure AWS KMS key policies for CloudTrail" (CloudTrail User Guide): encrypt log files for
      // trails of this account, as this trail (aws:SourceArn), and describe the key.
      const trail = { "aws:SourceArn": environment.arn("cloudtrail", `trail/${props.trailName}`) };
      statements.push(
        {
          Sid: "CloudTrailEncryptLogs",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "kms:GenerateDataKey*",
          Resource: "*",
          Condition: {
            StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": environment.arn("cloudtrail", "trail/*", { region: "*" }) },
            StringEquals: trail,
          },
        },
        { Sid: "CloudTrailDescribeKey", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "kms:DescribeKey", Resource: "*", Condition: { StringEquals: trail } },
      );
    }
    const key = new KmsKey(this, "key", {
      description: `Secrets, logs, trail and alarm topic of OpenClaw stack ${props.alias.replace(/^alias\//, "")}`,
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
export function secretArnPattern(environment: AwsEnvironment, name: string): string {
  return environment.arn("secretsmanager", `secret:${name}-??????`);
}
