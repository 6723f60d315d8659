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
    expect(trail.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\./)]);
  });

  it("creates the trail stopped only on the local emulator, and nothing when turned off", () => {
    const local = synthStack({ target: { kind: "local", endpoint: "http://127.0.0.1:5000" } });
    expect(local.json).toHaveResourceWithProperties(Cloudtrail, { enable_logging: false });
    const off = synthStack({ audit: { cloudTrail: false } });
    expect(off.json).not.toHaveResource(Cloudtrail);
    expect(propertiesOf(off.tf, "aws_s3_bucket")).toHaveLength(0);
  });
});
