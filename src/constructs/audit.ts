import { Construct } from "constructs";
import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { PrivateBucket } from "./private-bucket";

export interface AuditProps {
  readonly trailName: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  /** Days log files are kept. */
  readonly retentionDays: number;
  /** Whether destroy may delete the bucket with the logs in it. */
  readonly deleteLogsOnDestroy: boolean;
  /** Emulator accommodation (config/emulator.ts): the trail is created with logging off. */
  readonly loggingOff: boolean;
}

/** A CloudTrail trail of every API call (seed 002), into a private, encrypted bucket of its own. */
export class Audit extends Construct {
  readonly trailArn: string;

  constructor(scope: Construct, id: string, props: AuditProps) {
    super(scope, id);
    const trailArn = `arn:${props.partition}:cloudtrail:${props.region}:${props.accountId}:trail/${props.trailName}`;
    const sourceArn = { "aws:SourceArn": trailArn };
    // "Default": the bucket's resources keep the logical ids they had before the bucket was its own construct.
    const bucket = new PrivateBucket(this, "Default", {
      bucket: `${props.trailName}-${props.accountId}-${props.region}`,
      versioned: false,
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
          Resource: `${bucketArn}/AWSLogs/${props.accountId}/*`,
          Condition: { StringEquals: { ...sourceArn, "s3:x-amz-acl": "bucket-owner-full-control" } },
        },
      ],
    });

    const trail = new Cloudtrail(this, "trail", {
      name: props.trailName,
      s3BucketName: bucket.bucketId,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: !props.loggingOff,
      dependsOn: bucket.policy ? [bucket.policy] : undefined,
    });
    this.trailArn = trail.arn;
  }
}
