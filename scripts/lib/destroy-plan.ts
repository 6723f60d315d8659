// What `npm run destroy` keeps and what stays behind in the account, read from Terraform's own view of the
// stack (`terraform show -json`) and from AWS: the data volumes and the trail bucket when they are kept,
// the snapshots of the data volumes, the SSM parameters nobody but the user or the gateway wrote, and the
// state. Each comes with the command that removes it.
import { DescribeSnapshotsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetParametersByPathCommand, SSMClient } from "@aws-sdk/client-ssm";
import { DATA_VOLUME_TAG, deploymentNames } from "../../src/config/names";
import type { OpenClawConfig } from "../../src/config/schema";
import { clientSettings } from "./aws-target";
import type { StateLocation } from "./state-bucket";

/** A resource in `terraform show -json` (values.root_module.resources[]). */
export interface ShownResource {
  readonly address: string;
  readonly mode: string;
  readonly type: string;
  readonly values: Record<string, unknown>;
}

/** `terraform show -json` of a stack (the parts read here). */
export interface ShownState {
  readonly values?: { readonly root_module?: { readonly resources?: readonly ShownResource[] } };
}

/** A resource taken out of Terraform's state so that destroy leaves it in the account. */
export interface KeptResource {
  readonly address: string;
  readonly type: string;
  /** Its id, which is also what `terraform import` takes back. */
  readonly id: string;
  /** What a person recognizes it by: the volume's Name tag, the bucket's name. */
  readonly label: string;
}

export interface KeepChoice {
  /** The data volumes (aws_ebs_volume: the stack makes no other). */
  readonly volumes: boolean;
  /** The trail bucket (the one aws_cloudtrail writes to) with its settings (aws_s3_bucket_* of that bucket). */
  readonly trailBucket: boolean;
}

/** The managed resources of the stack that destroy must leave in the account. */
export function resourcesToKeep(shown: ShownState, keep: KeepChoice): KeptResource[] {
  const managed = (shown.values?.root_module?.resources ?? []).filter((resource) => resource.mode === "managed");
  const trailBucket = managed.find((resource) => resource.type === "aws_cloudtrail")?.values.s3_bucket_name;
  const ofTrailBucket = (resource: ShownResource) => trailBucket !== undefined && resource.type.startsWith("aws_s3_bucket") && resource.values.bucket === trailBucket;
  return managed
    .filter((resource) => (keep.volumes && resource.type === "aws_ebs_volume") || (keep.trailBucket && ofTrailBucket(resource)))
    .map((resource) => {
      const tags = (resource.values.tags ?? {}) as Record<string, string>;
      return { address: resource.address, type: resource.type, id: String(resource.values.id), label: tags.Name ?? String(resource.values.bucket ?? resource.values.id) };
    });
}

/** The command that puts a kept resource back under Terraform (to undo the keep before anything was destroyed). */
export function importCommand(resource: KeptResource): string {
  return `npm run terraform -- import '${resource.address}' ${resource.id}`;
}

/** What stays in the account after a destroy, found in AWS: each line names it and how to remove it. */
export async function leftovers(config: OpenClawConfig, kept: readonly KeptResource[], state: StateLocation | undefined): Promise<string[]> {
  const names = deploymentNames(config);
  const region = config.region;
  const lines: string[] = [];
  const volumes = kept.filter((resource) => resource.type === "aws_ebs_volume");
  if (volumes.length > 0) {
    lines.push(
      `Data volumes, kept: each host's OpenClaw state (docs/state-and-upgrades.md, "Restore", reattaches one). Delete each with:`,
      ...volumes.map((volume) => `  aws ec2 delete-volume --region ${region} --volume-id ${volume.id}   # ${volume.label}`),
    );
  }
  const bucket = kept.find((resource) => resource.type === "aws_s3_bucket");
  if (bucket) {
    lines.push(
      `Trail bucket ${bucket.id}, kept with its logs (they expire after audit.retentionDays, ${config.audit.retentionDays} days). ` +
        `To delete it, empty it first (it is versioned: the S3 console's "Empty" removes every version), then:`,
      `  aws s3 rb s3://${bucket.id} --region ${region}`,
    );
  }
  const ec2 = new EC2Client(clientSettings(config.target, region));
  const snapshots = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: [{ Name: `tag:${DATA_VOLUME_TAG}`, Values: [names.prefix] }] }));
  const snapshotIds = (snapshots.Snapshots ?? []).map((snapshot) => snapshot.SnapshotId!);
  if (snapshotIds.length > 0) {
    lines.push(
      `Snapshots of the data volumes (made by Data Lifecycle Manager, not by Terraform). Delete each with:`,
      ...snapshotIds.map((id) => `  aws ec2 delete-snapshot --region ${region} --snapshot-id ${id}`),
    );
  }
  const ssm = new SSMClient(clientSettings(config.target, region));
  const parameters: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ssm.send(new GetParametersByPathCommand({ Path: names.parameterPath, Recursive: true, NextToken: nextToken }));
    parameters.push(...(page.Parameters ?? []).map((parameter) => parameter.Name!));
    nextToken = page.NextToken;
  } while (nextToken);
  if (parameters.length > 0) {
    lines.push(
      `SSM parameters under ${names.parameterPath}/ that Terraform never made (channel tokens you stored, join codes of nodes that never connected). Delete them with:`,
      // delete-parameters takes at most 10 names a call.
      ...chunks(parameters, 10).map((batch) => `  aws ssm delete-parameters --region ${region} --names ${batch.join(" ")}`),
    );
  }
  lines.push(
    state
      ? `The state: s3://${state.bucket}/${state.key} (now without resources) stays, and so does the bucket (prevent_destroy; other stacks may keep their state in it).`
      : `The state file terraform.${config.stackName}.tfstate at the project root (now without resources) stays.`,
  );
  return lines;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let at = 0; at < items.length; at += size) result.push(items.slice(at, at + size));
  return result;
}
