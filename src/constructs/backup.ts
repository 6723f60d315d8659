import { Construct } from "constructs";
import { DlmLifecyclePolicy } from "@cdktf/provider-aws/lib/dlm-lifecycle-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";

/**
 * What DLM calls for a snapshot schedule with a retention count and copied tags: the part of AWS's
 * AWSDataLifecycleManagerServiceRole (v10) this policy uses, without fast snapshot restore, copies,
 * archiving or event rules.
 */
export const DLM_SNAPSHOT_ACTIONS = [
  "ec2:CreateSnapshot",
  "ec2:CreateSnapshots",
  "ec2:DeleteSnapshot",
  "ec2:DescribeInstances",
  "ec2:DescribeVolumes",
  "ec2:DescribeSnapshots",
] as const;

export interface BackupProps {
  /** Name of DLM's role, e.g. "openclaw-dlm-role". */
  readonly roleName: string;
  /** The tag the stack's data volumes carry (and nothing else of the account with the same value). */
  readonly targetTag: { readonly key: string; readonly value: string };
  /** Snapshots kept per volume. */
  readonly retention: number;
  readonly partition: string;
}

/**
 * Daily snapshots of the stack's data volumes (Data Lifecycle Manager), each volume's newest `retention`
 * kept. Snapshots carry the volume's tags (so a restore finds them by host name) and are taken at 03:00 UTC.
 */
export class Backup extends Construct {
  readonly policyId: string;

  constructor(scope: Construct, id: string, props: BackupProps) {
    super(scope, id);
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
          { Sid: "Snapshots", Effect: "Allow", Action: DLM_SNAPSHOT_ACTIONS, Resource: "*" },
          { Sid: "TagSnapshots", Effect: "Allow", Action: ["ec2:CreateTags"], Resource: `arn:${props.partition}:ec2:*::snapshot/*` },
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
        targetTags: { [props.targetTag.key]: props.targetTag.value },
        schedule: [
          {
            name: "daily",
            createRule: { interval: 24, intervalUnit: "HOURS", times: ["03:00"] },
            retainRule: { count: props.retention },
            copyTags: true,
            tagsToAdd: { SnapshotCreator: "openclaw-dlm" },
          },
        ],
      },
    }).id;
  }
}
