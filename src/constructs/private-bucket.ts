import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";

/** One statement of a bucket policy. */
export interface BucketPolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal: unknown;
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string>>;
}

export interface PrivateBucketProps {
  readonly bucket: string;
  /** Keep every version of every object (a bad write can be rolled back). */
  readonly versioned: boolean;
  /** Objects expire this many days after they are written (a lifecycle rule of this id); none keeps them. */
  readonly expiry?: { readonly ruleId: string; readonly days: number };
  /** Whether destroy may delete the bucket with its objects in it. @default false */
  readonly forceDestroy?: boolean;
  /** Refuse to destroy the bucket at all. @default false */
  readonly preventDestroy?: boolean;
  /** Refuse every request that does not come over TLS. */
  readonly tlsOnly: boolean;
  /** Statements granted on top of the TLS-only rule, given the bucket's ARN. @default none */
  readonly grants?: (bucketArn: string) => readonly BucketPolicyStatement[];
}

/**
 * A bucket nobody outside the account can read: public access blocked, ACLs off (owner enforced),
 * encrypted at rest, reachable over TLS only. The trail bucket and the state bucket are both this.
 */
export class PrivateBucket extends Construct {
  readonly bucketId: string;
  readonly bucketArn: string;
  /** The bucket policy, when it has statements, for what must wait until it is in place (CloudTrail checks it). */
  readonly policy?: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    const bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucket,
      forceDestroy: props.forceDestroy,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    if (props.versioned) {
      new S3BucketVersioningA(this, "versioning", {
        bucket: bucket.id,
        versioningConfiguration: { status: "Enabled" },
      });
    }
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
    if (props.expiry) {
      new S3BucketLifecycleConfiguration(this, "retention", {
        bucket: bucket.id,
        rule: [
          {
            id: props.expiry.ruleId,
            status: "Enabled",
            filter: [{ prefix: "" }],
            expiration: [{ days: props.expiry.days }],
            // In a versioned bucket expiry only hides an object: its old versions go after as many days.
            noncurrentVersionExpiration: props.versioned ? [{ noncurrentDays: props.expiry.days }] : undefined,
          },
        ],
      });
    }
    const statements: BucketPolicyStatement[] = [...(props.grants?.(bucket.arn) ?? [])];
    if (props.tlsOnly) {
      statements.push({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucket.arn, `${bucket.arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
    }
    if (statements.length > 0) {
      this.policy = new S3BucketPolicy(this, "policy", {
        bucket: bucket.id,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
      });
    }
    this.bucketId = bucket.id;
    this.bucketArn = bucket.arn;
  }
}
