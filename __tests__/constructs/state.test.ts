import { Testing } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { StateStack } from "../../src/stacks/state-stack";
import { synthStack } from "../helpers";

describe("state", () => {
  it("keeps state in a local file when no bucket is configured", () => {
    const { tf } = synthStack();
    expect(tf.terraform.backend).toEqual({ local: { path: "../../../terraform.openclaw.tfstate" } });
  });

  it("uses the S3 backend with encryption and native lock files when a bucket is configured", () => {
    const { tf } = synthStack({ stackName: "prod", state: { bucket: "acme-openclaw-state", region: "eu-west-1" } });
    expect(tf.terraform.backend).toEqual({
      s3: { bucket: "acme-openclaw-state", key: "openclaw/prod/terraform.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
    });
  });

  it("points the backend at the emulator only on the local target", () => {
    const { tf } = synthStack({ state: { bucket: "local-state" }, target: { kind: "local", endpoint: "http://127.0.0.1:5000" } });
    expect(tf.terraform.backend).toEqual({
      s3: expect.objectContaining({
        endpoints: { s3: "http://127.0.0.1:5000", sts: "http://127.0.0.1:5000", iam: "http://127.0.0.1:5000" },
        use_path_style: true,
        skip_credentials_validation: true,
        use_lockfile: true,
      }),
    });
  });

  it("bootstraps a versioned, encrypted, private state bucket that destroy cannot remove", () => {
    const app = Testing.app();
    const stack = new StateStack(app, "openclaw-state", { bucket: "acme-openclaw-state", region: "us-east-1", target: { kind: "aws" }, tags: {} });
    const json = Testing.synth(stack);
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: "acme-openclaw-state", lifecycle: { prevent_destroy: true } });
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, { block_public_acls: true, restrict_public_buckets: true });
    // As strict as the trail bucket: ACLs off and TLS only (it was the one of the two without them).
    expect(json).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: "BucketOwnerEnforced" } });
    expect(JSON.parse(json).resource.aws_s3_bucket_policy).toBeDefined();
    expect(json).toContain("aws:SecureTransport");
    expect(JSON.parse(json).terraform.backend).toEqual({ local: { path: "../../../terraform.openclaw-state.tfstate" } });
  });
});
