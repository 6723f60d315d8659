import { Testing } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { StateStack } from "../../src/stacks/state-stack";

describe("StateStack", () => {
  it("bootstraps a versioned, encrypted, private state bucket that destroy cannot remove, its own state kept locally", () => {
    const app = Testing.app();
    const json = Testing.synth(new StateStack(app, "openclaw-state", { bucket: "acme-openclaw-state", region: "us-east-1", target: { kind: "aws" }, tags: {} }));
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: "acme-openclaw-state", lifecycle: { prevent_destroy: true } });
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, { block_public_acls: true, restrict_public_buckets: true });
    // As strict as the trail bucket: ACLs off and TLS only (it was the one of the two without them).
    expect(json).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: "BucketOwnerEnforced" } });
    expect(JSON.parse(json).resource.aws_s3_bucket_policy).toBeDefined();
    expect(json).toContain("aws:SecureTransport");
    expect(JSON.parse(json).terraform.backend).toEqual({ local: { path: "../../../terraform.openclaw-state.tfstate" } });
  });

  it("prices itself in a well-formed cost output: nothing priced, the bucket's storage named as unknown", () => {
    const json = JSON.parse(Testing.synth(new StateStack(Testing.app(), "openclaw-state", { bucket: "acme-openclaw-state", region: "us-east-1", target: { kind: "aws" }, tags: {} })));
    expect(json.output.monthly_cost_estimate.value).toMatch(
      /^unknown\/month in us-east-1 \(prices of \d{4}-\d{2}-\d{2}\); not priced: aws_s3_bucket\.state_bucket_\w+: storage$/,
    );
  });
});
