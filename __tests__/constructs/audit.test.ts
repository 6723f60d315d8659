import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { propertiesOf, synthStack } from "../helpers";

describe("Audit", () => {
  it("records every API call into an encrypted, private bucket that CloudTrail alone may write", () => {
    const { json, tf } = synthStack();
    expect(json).toHaveResourceWithProperties(Cloudtrail, {
      name: "openclaw-trail",
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
    });
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
    const [bucket] = propertiesOf(tf, "aws_s3_bucket");
    expect(bucket).toMatchObject({ force_destroy: false });
    expect(bucket.bucket).toMatch(/^openclaw-trail-\$\{data\.aws_caller_identity\..+\.account_id\}-us-east-1$/);

    const policy = JSON.parse(String(propertiesOf(tf, "aws_s3_bucket_policy")[0].policy).replace(/\$\{[^}]+\}/g, "REF"));
    expect(policy.Statement.map((statement: { Sid: string }) => statement.Sid)).toEqual([
      "CloudTrailAclCheck",
      "CloudTrailWrite",
      "DenyInsecureTransport",
    ]);
    expect(policy.Statement[1]).toMatchObject({
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:PutObject",
      Condition: { StringEquals: { "aws:SourceArn": "arn:REF:cloudtrail:us-east-1:REF:trail/openclaw-trail", "s3:x-amz-acl": "bucket-owner-full-control" } },
    });
    const [trail] = propertiesOf(tf, "aws_cloudtrail");
    expect(trail.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\./), expect.stringMatching(/^aws_iam_role_policy\.audit_cloudwatch-policy/)]);
  });

  it("keeps the trail bucket versioned, old versions expiring with the logs", () => {
    const { tf } = synthStack({ audit: { retentionDays: 90 } });
    expect(propertiesOf(tf, "aws_s3_bucket_versioning")).toEqual([expect.objectContaining({ versioning_configuration: { status: "Enabled" } })]);
    const [lifecycle] = propertiesOf(tf, "aws_s3_bucket_lifecycle_configuration");
    expect(lifecycle.rule).toEqual([expect.objectContaining({ expiration: [{ days: 90 }], noncurrent_version_expiration: [{ noncurrent_days: 90 }] })]);
  });

  it("also sends the trail to a CloudWatch log group, through a role only CloudTrail of this trail may assume", () => {
    const { tf } = synthStack({ monitoring: { logRetentionDays: 90 } });
    const [trail] = propertiesOf(tf, "aws_cloudtrail");
    expect(trail.cloud_watch_logs_group_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.audit_log-group_.+\.arn\}:\*$/);
    expect(trail.cloud_watch_logs_role_arn).toMatch(/^\$\{aws_iam_role\.audit_cloudwatch-role_.+\.arn\}$/);
    expect(propertiesOf(tf, "aws_cloudwatch_log_group")).toContainEqual(expect.objectContaining({ name: "/openclaw/cloudtrail", retention_in_days: 90 }));
    const role = propertiesOf(tf, "aws_iam_role").find((candidate) => candidate.name === "openclaw-trail-cloudwatch")!;
    const trust = JSON.parse(String(role.assume_role_policy).replace(/\$\{[^}]+\}/g, "REF"));
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceArn": "arn:REF:cloudtrail:us-east-1:REF:trail/openclaw-trail" } },
      },
    ]);
    const policy = propertiesOf(tf, "aws_iam_role_policy").find((candidate) => candidate.name === "openclaw-trail-cloudwatch-policy")!;
    expect(JSON.parse(String(policy.policy)).Statement).toEqual([
      expect.objectContaining({ Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: expect.stringMatching(/\.arn\}:log-stream:\*$/) }),
    ]);
  });

  it("creates the trail stopped only on the local emulator, and nothing when turned off", () => {
    const local = synthStack({ target: { kind: "local", endpoint: "http://127.0.0.1:5000" } });
    expect(local.json).toHaveResourceWithProperties(Cloudtrail, { enable_logging: false });
    const off = synthStack({ audit: { cloudTrail: false } });
    expect(off.json).not.toHaveResource(Cloudtrail);
    expect(propertiesOf(off.tf, "aws_s3_bucket")).toHaveLength(0);
  });
});
