import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { Audit, type AuditProps } from "../../src/constructs/audit";
import { configWith, propertiesOf } from "../helpers";
import { referenceToOnly, synthConstruct, TEST_ENVIRONMENT } from "./bare-stack";

const props: AuditProps = {
  trailName: "openclaw-trail",
  environment: TEST_ENVIRONMENT,
  retentionDays: configWith().audit.retentionDays,
  deleteLogsOnDestroy: false,
  loggingOff: false,
  logGroup: { name: "/openclaw/cloudtrail", retentionDays: 30 },
  keyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
};

function synthAudit(overrides: Partial<AuditProps> = {}) {
  return synthConstruct((stack) => ({ trailArn: new Audit(stack, "audit", { ...props, ...overrides }).trailArn }));
}

describe("Audit", () => {
  it("given a trail name, account and the stack's key, when synthesized, then every API call is recorded, encrypted with the key, into a private bucket that CloudTrail alone may write", () => {
    const { json, tf, exposed } = synthAudit();
    expect(json).toHaveResourceWithProperties(Cloudtrail, {
      name: "openclaw-trail",
      s3_bucket_name: referenceToOnly(tf, "aws_s3_bucket", "id"),
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
      kms_key_id: props.keyArn,
    });
    // The log group the trail is also sent to is under the same key.
    expect(propertiesOf(tf, "aws_cloudwatch_log_group")).toEqual([expect.objectContaining({ name: "/openclaw/cloudtrail", retention_in_days: 30, kms_key_id: props.keyArn })]);
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
    expect(json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [expect.objectContaining({ id: "expire-trail-logs", expiration: [{ days: 365 }] })],
    });
    const [bucket] = propertiesOf(tf, "aws_s3_bucket");
    expect(bucket).toMatchObject({ bucket: "openclaw-trail-123456789012-us-east-1", force_destroy: false });

    const policy = JSON.parse(String(propertiesOf(tf, "aws_s3_bucket_policy")[0].policy).replace(/\$\{[^}]+\}/g, "REF"));
    expect(policy.Statement.map((statement: { Sid: string }) => statement.Sid)).toEqual(["CloudTrailAclCheck", "CloudTrailWrite", "DenyInsecureTransport"]);
    expect(policy.Statement[1]).toMatchObject({
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: "REF/AWSLogs/123456789012/*",
      Condition: { StringEquals: { "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/openclaw-trail", "s3:x-amz-acl": "bucket-owner-full-control" } },
    });
    // CloudTrail checks the bucket policy, and its role's right to write the log group, when the trail is created.
    expect(propertiesOf(tf, "aws_cloudtrail")[0].depends_on).toEqual([
      `aws_s3_bucket_policy.${Object.keys(tf.resource.aws_s3_bucket_policy)[0]}`,
      `aws_iam_role_policy.${Object.keys(tf.resource.aws_iam_role_policy)[0]}`,
    ]);
    expect(exposed.trailArn).toBe(referenceToOnly(tf, "aws_cloudtrail", "arn"));
  });

  it("given logs deleted on destroy, when synthesized, then destroy may empty the bucket", () => {
    expect(propertiesOf(synthAudit({ deleteLogsOnDestroy: true }).tf, "aws_s3_bucket")[0].force_destroy).toBe(true);
  });

  it("given the emulator accommodation, when synthesized, then the trail is created stopped", () => {
    expect(synthAudit({ loggingOff: true }).json).toHaveResourceWithProperties(Cloudtrail, { enable_logging: false });
  });
});
