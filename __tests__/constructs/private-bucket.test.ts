import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { PrivateBucket, type PrivateBucketProps } from "../../src/constructs/private-bucket";
import { propertiesOf } from "../helpers";
import { referenceToOnly, synthConstruct } from "./bare-stack";

function synthBucket(props: PrivateBucketProps) {
  return synthConstruct((stack) => {
    const bucket = new PrivateBucket(stack, "bucket", props);
    return { bucketId: bucket.bucketId, bucketArn: bucket.bucketArn };
  });
}

const policyOf = (tf: ReturnType<typeof synthBucket>["tf"]) => JSON.parse(String(propertiesOf(tf, "aws_s3_bucket_policy")[0].policy));

describe("PrivateBucket", () => {
  it("given any bucket, when synthesized, then public access is blocked, ACLs are off, it is encrypted and reachable over TLS only", () => {
    const { json, tf, exposed } = synthBucket({ bucket: "b", versioned: false, tlsOnly: true });
    const bucket = referenceToOnly(tf, "aws_s3_bucket", "id");
    const arn = referenceToOnly(tf, "aws_s3_bucket", "arn");
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: "b" });
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      bucket,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(json).toHaveResourceWithProperties(S3BucketOwnershipControls, { bucket, rule: { object_ownership: "BucketOwnerEnforced" } });
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      bucket,
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
    expect(policyOf(tf).Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
    expect(exposed).toEqual({ bucketId: bucket, bucketArn: arn });
  });

  it("given no versioning, expiry, force or prevent destroy, when synthesized, then it has none of them", () => {
    const { json, tf } = synthBucket({ bucket: "b", versioned: false, tlsOnly: true });
    expect(json).not.toHaveResource(S3BucketVersioningA);
    expect(json).not.toHaveResource(S3BucketLifecycleConfiguration);
    const [bucket] = propertiesOf(tf, "aws_s3_bucket");
    expect(bucket.lifecycle).toBeUndefined();
    expect(bucket.force_destroy).toBeUndefined();
  });

  it("given no TLS-only rule and no grants (the emulator's state bucket), when synthesized, then it has no policy at all", () => {
    const { json } = synthBucket({ bucket: "state", versioned: true, tlsOnly: false });
    expect(json).not.toHaveResource(S3BucketPolicy);
  });

  it("given versioning and prevent destroy (the state bucket), when synthesized, then every version is kept and destroy refuses", () => {
    const { json } = synthBucket({ bucket: "state", versioned: true, preventDestroy: true, tlsOnly: true });
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: "state", lifecycle: { prevent_destroy: true } });
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
  });

  it("given an expiry, force destroy and grants, when synthesized, then objects expire, destroy may empty it, and the grants come before the TLS rule", () => {
    const { json, tf } = synthBucket({
      bucket: "logs",
      versioned: false,
      tlsOnly: true,
      forceDestroy: true,
      expiry: { ruleId: "expire-logs", days: 7 },
      grants: (bucketArn) => [{ Sid: "Read", Effect: "Allow", Principal: { Service: "example.amazonaws.com" }, Action: "s3:GetObject", Resource: `${bucketArn}/*` }],
    });
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: "logs", force_destroy: true });
    expect(json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [{ id: "expire-logs", status: "Enabled", filter: [{ prefix: "" }], expiration: [{ days: 7 }] }],
    });
    const statements = policyOf(tf).Statement as { Sid: string; Resource: unknown }[];
    expect(statements.map((statement) => statement.Sid)).toEqual(["Read", "DenyInsecureTransport"]);
    expect(statements[0].Resource).toBe(`${referenceToOnly(tf, "aws_s3_bucket", "arn")}/*`);
  });
});
