import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import { emulatorBackendSettings } from "../config/emulator";
import type { DeploymentTarget } from "../config/schema";

export interface StateBackendProps {
  /** S3 bucket holding the state; none keeps the state in a local file. */
  readonly bucket?: string;
  readonly key: string;
  readonly region: string;
  /** File of the local state (see localStatePath), when there is no bucket. */
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

/** A stack's local state file, at the project root (relative to the stack's synthesized folder). */
export function localStatePath(stack: string): string {
  return `../../../terraform.${stack}.tfstate`;
}
