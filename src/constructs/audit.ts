import { Construct } from "constructs";
import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";

export interface AuditProps {
  readonly trailName: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  /** Days log files are kept. */
  readonly retentionDays: number;
  /** Whether destroy may delete the bucket with the logs in it. */
  readonly deleteLogsOnDestroy: boolean;
  /**
   * Whether the trail records. Always true on AWS; the local emulator's StartLogging takes only the
   * trail name while the provider sends the ARN, so the local target creates the trail stopped.
   */
  readonly logging: boolean;
}

/** A CloudTrail trail of every API call (seed 002), into a private, encrypted bucket of its own. */
export class Audit extends Construct {
  readonly trailArn: string;
  readonly bucketName: string;

  constructor(scope: Construct, id: string, props: AuditProps) {
    super(scope, id);
    const bucket = new S3Bucket(this, "bucket", {
      bucket: `${props.trailName}-${props.accountId}-${props.region}`,
      forceDestroy: props.deleteLogsOnDestroy,
    });
    new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    new S3BucketLifecycleConfiguration(this, "retention", {
      bucket: bucket.id,
      rule: [{ id: "expire-trail-logs", status: "Enabled", filter: [{ prefix: "" }], expiration: [{ days: props.retentionDays }] }],
    });

    const trailArn = `arn:${props.partition}:cloudtrail:${props.region}:${props.accountId}:trail/${props.trailName}`;
    const sourceArn = { "aws:SourceArn": trailArn };
    const policy = new S3BucketPolicy(this, "policy", {
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "CloudTrailAclCheck",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:GetBucketAcl",
            Resource: bucket.arn,
            Condition: { StringEquals: sourceArn },
          },
          {
            Sid: "CloudTrailWrite",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `${bucket.arn}/AWSLogs/${props.accountId}/*`,
            Condition: { StringEquals: { ...sourceArn, "s3:x-amz-acl": "bucket-owner-full-control" } },
          },
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucket.arn, `${bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    });

    const trail = new Cloudtrail(this, "trail", {
      name: props.trailName,
      s3BucketName: bucket.id,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: props.logging,
      dependsOn: [policy],
    });
    this.trailArn = trail.arn;
    this.bucketName = bucket.bucket;
  }
}
