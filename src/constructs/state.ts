import { Construct } from "constructs";
import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { emulatorBackendSettings } from "../config/emulator";
import type { DeploymentTarget } from "../config/schema";

export interface StateBackendProps {
  /** S3 bucket holding the state; none keeps the state in a local file. */
  readonly bucket?: string;
  readonly key: string;
  readonly region: string;
  /** File of the local state, relative to the stack's synthesized folder. */
  readonly localPath: string;
  readonly target: DeploymentTarget;
}

/**
 * Where a stack keeps its Terraform state: S3 with native lock files (Terraform >= 1.10) when a bucket
 * is configured, a local file otherwise.
 */
export function useStateBackend(stack: TerraformStack, props: StateBackendProps): void {
  if (props.bucket === undefined) {
    new LocalBackend(stack, { path: props.localPath });
    return;
  }
  const backend = new S3Backend(stack, {
    bucket: props.bucket,
    key: props.key,
    region: props.region,
    encrypt: true,
    ...emulatorBackendSettings(props.target),
  });
  // cdktf 0.21's S3Backend has no `useLockfile` (hashicorp/terraform-cdk#3834).
  backend.addOverride("use_lockfile", true);
}

export interface StateBucketProps {
  readonly bucket: string;
}

/** The state bucket itself: versioned (a bad apply can be rolled back), encrypted, never public. */
export class StateBucket extends Construct {
  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucket,
      // State is the one thing a destroy must never take with it.
      lifecycle: { preventDestroy: true },
    });
    new S3BucketVersioningA(this, "versioning", {
      bucket: bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  }
}
