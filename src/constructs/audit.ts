import { Construct } from "constructs";
import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { PrivateBucket } from "./private-bucket";
import type { AwsEnvironment } from "../aws-environment";

export interface AuditProps {
  readonly trailName: string;
  /** The stack's partition, region and account. */
  readonly environment: AwsEnvironment;
  /** Days log files are kept in the bucket. */
  readonly retentionDays: number;
  /** CloudWatch Logs group the trail is also sent to (searchable, alarmable), and its retention. */
  readonly logGroup: { readonly name: string; readonly retentionDays: number };
  /** The stack's KMS key: encrypts the log files (SSE-KMS) and the log group. */
  readonly keyArn: string;
  /** Whether destroy may delete the bucket with the logs in it. */
  readonly deleteLogsOnDestroy: boolean;
  /** Emulator accommodation (config/emulator.ts): the trail is created with logging off. */
  readonly loggingOff: boolean;
}

/**
 * A CloudTrail trail of every API call (seed 002), into a private, encrypted, versioned bucket of its
 * own (a deleted or overwritten log file can be recovered; the policy gate records why it has no access
 * logs), and into a CloudWatch log group. The log files and the group are encrypted with the stack's key
 * (its policy lets CloudTrail encrypt for this trail only: Secrets).
 */
export class Audit extends Construct {
  readonly trailArn: string;

  constructor(scope: Construct, id: string, props: AuditProps) {
    super(scope, id);
    const { environment } = props;
    const trailArn = environment.arn("cloudtrail", `trail/${props.trailName}`);
    const sourceArn = { "aws:SourceArn": trailArn };
    // "Default": the bucket's resources keep the logical ids they had before the bucket was its own construct.
    const bucket = new PrivateBucket(this, "Default", {
      bucket: `${props.trailName}-${environment.accountId}-${environment.region}`,
      versioned: true,
      tlsOnly: true,
      forceDestroy: props.deleteLogsOnDestroy,
      expiry: { ruleId: "expire-trail-logs", days: props.retentionDays },
      grants: (bucketArn) => [
        {
          Sid: "CloudTrailAclCheck",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:GetBucketAcl",
          Resource: bucketArn,
          Condition: { StringEquals: sourceArn },
        },
        {
          Sid: "CloudTrailWrite",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `${bucketArn}/AWSLogs/${environment.accountId}/*`,
          Condition: { StringEquals: { ...sourceArn, "s3:x-amz-acl": "bucket-owner-full-control" } },
        },
      ],
    });

    const logGroup = new CloudwatchLogGroup(this, "log-group", { name: props.logGroup.name, retentionInDays: props.logGroup.retentionDays, kmsKeyId: props.keyArn });
    const role = new IamRole(this, "cloudwatch-role", {
      name: `${props.trailName}-cloudwatch`,
      description: "CloudTrail delivery into the trail's log group",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: sourceArn } },
        ],
      }),
    });
    const rolePolicy = new IamRolePolicy(this, "cloudwatch-policy", {
      name: `${props.trailName}-cloudwatch-policy`,
      role: role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "WriteTrailEvents", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroup.arn}:log-stream:*` }],
      }),
    });

    const trail = new Cloudtrail(this, "trail", {
      name: props.trailName,
      s3BucketName: bucket.bucketId,
      // CloudTrail wants the group's ARN with its ":*" suffix.
      cloudWatchLogsGroupArn: `${logGroup.arn}:*`,
      cloudWatchLogsRoleArn: role.arn,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      kmsKeyId: props.keyArn,
      enableLogging: !props.loggingOff,
      dependsOn: bucket.policy ? [bucket.policy, rolePolicy] : [rolePolicy],
    });
    this.trailArn = trail.arn;
  }
}
