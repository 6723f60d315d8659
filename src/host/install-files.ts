import { Construct } from "constructs";
import { AssetType, TerraformAsset } from "cdktf";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { openclawLockKey } from "./context";
import type { HostFilesObject } from "./render";
import { terraformTemplateLiteral } from "./host";
import { PrivateBucket } from "../constructs/private-bucket";
import type { AwsEnvironment } from "../aws-environment";

export interface InstallFilesProps {
  /** The bucket's name (globally unique: it carries the account and region). */
  readonly bucket: string;
  /** OpenClaw's package-lock.json on this machine: uploaded as it is. */
  readonly lockFile: string;
  /** Its sha256 (hex): names the object, and the hosts check the copy they download against it. */
  readonly lockSha256: string;
  /** The gateway's host-files object (renderGatewayHostFiles): the scripts its user data cannot carry. */
  readonly gatewayHostFiles: HostFilesObject;
  /** Refuse plain-HTTP requests (every target but the local emulator, which serves only HTTP). */
  readonly tlsOnly: boolean;
  /** The stack's partition, region and account (for the objects' ARNs). */
  readonly environment: AwsEnvironment;
}

/**
 * What the hosts install that their 16 KB of user data cannot carry: OpenClaw's lock (about 170 KB,
 * every package's resolved URL and sha512) and the gateway's host-files object (its scripts past
 * prepare-host.sh), in a private bucket of the stack. Each is named by its sha256, which the user data
 * carries, and the host refuses a copy that does not match it; each host role may read only its objects.
 */
export class InstallFiles extends Construct {
  readonly bucket: string;
  readonly lockKey: string;
  /** ARN of the lock object: what the host roles may s3:GetObject. */
  readonly lockArn: string;
  /** ARN of the gateway's host-files object: what the gateway's role alone may s3:GetObject. */
  readonly gatewayHostFilesArn: string;

  constructor(scope: Construct, id: string, props: InstallFilesProps) {
    super(scope, id);
    const bucket = new PrivateBucket(this, "bucket", {
      bucket: props.bucket,
      versioned: false,
      // It holds only what the repository holds: nothing to keep.
      forceDestroy: true,
      tlsOnly: props.tlsOnly,
    });
    // Named by its hash: a new lock is a new object, and an old host never reads a newer lock.
    this.lockKey = openclawLockKey(props.lockSha256);
    // An asset: cdktf copies the file into the synthesized stack, which then refers to it by a relative path.
    const lock = new TerraformAsset(this, "openclaw-lock-file", { path: props.lockFile, type: AssetType.FILE });
    new S3Object(this, "openclaw-lock", {
      bucket: bucket.bucketId,
      key: this.lockKey,
      source: lock.path,
      sourceHash: props.lockSha256,
      contentType: "application/json",
    });
    // Its content in the Terraform JSON is a string template: the scripts' `${...}` stay literal.
    new S3Object(this, "gateway-host-files", {
      bucket: bucket.bucketId,
      key: props.gatewayHostFiles.key,
      content: terraformTemplateLiteral(props.gatewayHostFiles.body),
      contentType: "application/json",
    });
    this.bucket = props.bucket;
    const objectArn = (key: string) => props.environment.arn("s3", `${props.bucket}/${key}`, { region: "", account: "" });
    this.lockArn = objectArn(this.lockKey);
    this.gatewayHostFilesArn = objectArn(props.gatewayHostFiles.key);
  }
}
