import { DlmLifecyclePolicy } from "@cdktf/provider-aws/lib/dlm-lifecycle-policy";
import { Backup, DLM_SNAPSHOT_ACTIONS, type BackupProps } from "../../src/constructs/backup";
import { propertiesOf } from "../helpers";
import { referenceToOnly, synthConstruct } from "./bare-stack";

const props: BackupProps = {
  roleName: "openclaw-dlm-role",
  targetTag: { key: "OpenClawDataVolume", value: "openclaw" },
  retention: 7,
  partition: "aws",
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

  it("given a role name, when synthesized, then DLM alone assumes it, and it may only take, tag and prune snapshots", () => {
    const { tf } = synthBackup();
    const [role] = propertiesOf(tf, "aws_iam_role");
    expect(role.name).toBe("openclaw-dlm-role");
    expect(JSON.parse(String(role.assume_role_policy)).Statement).toEqual([{ Effect: "Allow", Principal: { Service: "dlm.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    const [policy] = propertiesOf(tf, "aws_iam_role_policy");
    expect(JSON.parse(String(policy.policy)).Statement).toEqual([
      { Sid: "Snapshots", Effect: "Allow", Action: [...DLM_SNAPSHOT_ACTIONS], Resource: "*" },
      { Sid: "TagSnapshots", Effect: "Allow", Action: ["ec2:CreateTags"], Resource: "arn:aws:ec2:*::snapshot/*" },
    ]);
    expect(tf.resource.aws_iam_role_policy_attachment).toBeUndefined();
  });

  it("given a retention of 30, when synthesized, then it keeps 30 snapshots per volume", () => {
    const [policy] = propertiesOf(synthBackup({ retention: 30 }).tf, "aws_dlm_lifecycle_policy");
    expect((policy.policy_details as { schedule: { retain_rule: unknown }[] }).schedule[0].retain_rule).toEqual({ count: 30 });
  });
});
