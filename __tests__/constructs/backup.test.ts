import { DlmLifecyclePolicy } from "@cdktf/provider-aws/lib/dlm-lifecycle-policy";
import { Backup, DLM_ACTIONS, type BackupProps } from "../../src/constructs/backup";
import { propertiesOf } from "../helpers";
import { referenceToOnly, synthConstruct, TEST_ENVIRONMENT } from "./bare-stack";

const props: BackupProps = {
  roleName: "openclaw-dlm-role",
  targetTag: { key: "OpenClawDataVolume", value: "openclaw" },
  retention: 7,
  environment: TEST_ENVIRONMENT,
};

const synthBackup = (overrides: Partial<BackupProps> = {}) => synthConstruct((stack) => void new Backup(stack, "backup", { ...props, ...overrides }));

describe("Backup", () => {
  it("given the data volumes' tag and a retention of 7, when synthesized, then DLM snapshots the tagged volumes daily at 03:00 UTC and keeps 7, copying their tags", () => {
    const { json, tf } = synthBackup();
    expect(json).toHaveResourceWithProperties(DlmLifecyclePolicy, {
      state: "ENABLED",
      execution_role_arn: referenceToOnly(tf, "aws_iam_role", "arn"),
      policy_details: {
        resource_types: ["VOLUME"],
        target_tags: { OpenClawDataVolume: "openclaw" },
        schedule: [
          {
            name: "daily",
            create_rule: { interval: 24, interval_unit: "HOURS", times: ["03:00"] },
            retain_rule: { count: 7 },
            copy_tags: true,
            tags_to_add: { SnapshotCreator: "openclaw-dlm" },
          },
        ],
      },
    });
  });

  it("given a role name, when synthesized, then DLM alone assumes it, and it may snapshot only the tagged volumes and delete only the snapshots it tagged as its own", () => {
    const { tf } = synthBackup();
    const [role] = propertiesOf(tf, "aws_iam_role");
    expect(role.name).toBe("openclaw-dlm-role");
    expect(JSON.parse(String(role.assume_role_policy)).Statement).toEqual([{ Effect: "Allow", Principal: { Service: "dlm.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    const [policy] = propertiesOf(tf, "aws_iam_role_policy");
    const snapshots = "arn:aws:ec2:us-east-1::snapshot/*";
    expect(JSON.parse(String(policy.policy)).Statement).toEqual([
      { Sid: "FindVolumesAndSnapshots", Effect: "Allow", Action: [...DLM_ACTIONS.describe], Resource: "*" },
      {
        Sid: "SnapshotStackVolumes",
        Effect: "Allow",
        Action: ["ec2:CreateSnapshot"],
        Resource: "arn:aws:ec2:us-east-1:123456789012:volume/*",
        Condition: { StringEquals: { "aws:ResourceTag/OpenClawDataVolume": "openclaw" } },
      },
      { Sid: "NewSnapshots", Effect: "Allow", Action: ["ec2:CreateSnapshot"], Resource: snapshots },
      { Sid: "TagSnapshots", Effect: "Allow", Action: ["ec2:CreateTags"], Resource: snapshots },
      {
        Sid: "PruneOwnSnapshots",
        Effect: "Allow",
        Action: ["ec2:DeleteSnapshot"],
        Resource: snapshots,
        // The tag the schedule adds, and the volume's own tag it copies: a snapshot of this policy, of this stack.
        Condition: { StringEquals: { "aws:ResourceTag/SnapshotCreator": "openclaw-dlm", "aws:ResourceTag/OpenClawDataVolume": "openclaw" } },
      },
    ]);
    expect(tf.resource.aws_iam_role_policy_attachment).toBeUndefined();
  });

  it("given another stack's tag, when synthesized, then its role reaches only that stack's volumes and snapshots", () => {
    const [policy] = propertiesOf(synthBackup({ targetTag: { key: "OpenClawDataVolume", value: "openclaw-dev" } }).tf, "aws_iam_role_policy");
    const conditions = JSON.parse(String(policy.policy)).Statement.filter((statement: { Condition?: unknown }) => statement.Condition).map((statement: { Condition: unknown }) => statement.Condition);
    expect(conditions).toEqual([
      { StringEquals: { "aws:ResourceTag/OpenClawDataVolume": "openclaw-dev" } },
      { StringEquals: { "aws:ResourceTag/SnapshotCreator": "openclaw-dlm", "aws:ResourceTag/OpenClawDataVolume": "openclaw-dev" } },
    ]);
  });

  it("given a retention of 30, when synthesized, then it keeps 30 snapshots per volume", () => {
    const [policy] = propertiesOf(synthBackup({ retention: 30 }).tf, "aws_dlm_lifecycle_policy");
    expect((policy.policy_details as { schedule: { retain_rule: unknown }[] }).schedule[0].retain_rule).toEqual({ count: 30 });
  });
});
