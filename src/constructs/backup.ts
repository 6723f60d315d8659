import { Construct } from "constructs";
import { DlmLifecyclePolicy } from "@cdktf/provider-aws/lib/dlm-lifecycle-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { AwsEnvironment } from "../aws-environment";

/**
 * The part of AWS's AWSDataLifecycleManagerServiceRole (v10) that a snapshot schedule of volumes with a
 * retention count and copied tags uses (no fast snapshot restore, copies, archiving or event rules):
 * reading what to snapshot, and making, tagging and pruning snapshots. ec2:CreateSnapshots (plural) is
 * for instance targets, which this policy has none of.
 */
export const DLM_ACTIONS = {
  describe: ["ec2:DescribeInstances", "ec2:DescribeVolumes", "ec2:DescribeSnapshots"],
  create: ["ec2:CreateSnapshot"],
  tag: ["ec2:CreateTags"],
  delete: ["ec2:DeleteSnapshot"],
} as const;

export interface BackupProps {
  /** Name of DLM's role, e.g. "openclaw-dlm-role". */
  readonly roleName: string;
  /** The tag the stack's data volumes carry (and nothing else of the account with the same value). */
  readonly targetTag: { readonly key: string; readonly value: string };
  /** Snapshots kept per volume. */
  readonly retention: number;
  /** The stack's partition, region and account. */
  readonly environment: AwsEnvironment;
}

/** The tag the policy adds to every snapshot it makes (tagsToAdd), beside the volume's own (copyTags). */
export const SNAPSHOT_CREATOR_TAG = { SnapshotCreator: "openclaw-dlm" } as const;

/**
 * Daily snapshots of the stack's data volumes (Data Lifecycle Manager), each volume's newest `retention`
 * kept. Snapshots carry the volume's tags (so a restore finds them by host name) and are taken at 03:00
 * UTC. Its role may snapshot only volumes carrying the stack's data-volume tag, and delete only snapshots
 * carrying both the tag the policy adds to its own and the stack's data-volume tag it copies from the
 * volume: no other volume or snapshot of the account, not even a hand-made snapshot of a data volume.
 * Condition keys: aws:ResourceTag on the volume (CreateSnapshot) and on the snapshot (DeleteSnapshot),
 * Service Authorization Reference for Amazon EC2.
 */
export class Backup extends Construct {
  readonly policyId: string;

  constructor(scope: Construct, id: string, props: BackupProps) {
    super(scope, id);
    const volumeTag = { [props.targetTag.key]: props.targetTag.value };
    const snapshots = props.environment.arn("ec2", "snapshot/*", { account: "" });
    const tagged = (tag: Record<string, string>) => ({
      StringEquals: Object.fromEntries(Object.entries(tag).map(([key, value]) => [`aws:ResourceTag/${key}`, value])),
    });
    const role = new IamRole(this, "role", {
      name: props.roleName,
      description: "Data Lifecycle Manager: daily snapshots of the OpenClaw data volumes",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "dlm.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    new IamRolePolicy(this, "snapshots", {
      name: `${props.roleName}-snapshots`,
      role: role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          // Describe* takes no resource (Service Authorization Reference).
          { Sid: "FindVolumesAndSnapshots", Effect: "Allow", Action: DLM_ACTIONS.describe, Resource: "*" },
          // CreateSnapshot is authorized on the volume and on the new snapshot: the volume must be the stack's.
          {
            Sid: "SnapshotStackVolumes",
            Effect: "Allow",
            Action: DLM_ACTIONS.create,
            Resource: props.environment.arn("ec2", "volume/*"),
            Condition: tagged(volumeTag),
          },
          { Sid: "NewSnapshots", Effect: "Allow", Action: DLM_ACTIONS.create, Resource: snapshots },
          { Sid: "TagSnapshots", Effect: "Allow", Action: DLM_ACTIONS.tag, Resource: snapshots },
          { Sid: "PruneOwnSnapshots", Effect: "Allow", Action: DLM_ACTIONS.delete, Resource: snapshots, Condition: tagged({ ...SNAPSHOT_CREATOR_TAG, ...volumeTag }) },
        ],
      }),
    });
    this.policyId = new DlmLifecyclePolicy(this, "policy", {
      // DLM accepts only letters, digits, spaces, "_" and "-" here.
      description: `Daily snapshots of the OpenClaw data volumes of ${props.targetTag.value}`,
      executionRoleArn: role.arn,
      state: "ENABLED",
      policyDetails: {
        resourceTypes: ["VOLUME"],
        targetTags: volumeTag,
        schedule: [
          {
            name: "daily",
            createRule: { interval: 24, intervalUnit: "HOURS", times: ["03:00"] },
            retainRule: { count: props.retention },
            copyTags: true,
            tagsToAdd: SNAPSHOT_CREATOR_TAG,
          },
        ],
      },
    }).id;
  }
}
