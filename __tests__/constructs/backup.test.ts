import { propertiesOf, synthStack } from "../helpers";

describe("Backup", () => {
  it("snapshots the stack's data volumes daily by their tag, keeping 7, with its own DLM role", () => {
    const { tf } = synthStack();
    const [policy] = propertiesOf(tf, "aws_dlm_lifecycle_policy");
    expect(policy).toMatchObject({
      state: "ENABLED",
      execution_role_arn: expect.stringMatching(/^\$\{aws_iam_role\.backup_role_[^.]+\.arn\}$/),
      policy_details: {
        resource_types: ["VOLUME"],
        target_tags: { OpenClawDataVolume: "openclaw" },
        schedule: [expect.objectContaining({ create_rule: { interval: 24, interval_unit: "HOURS", times: ["03:00"] }, retain_rule: { count: 7 }, copy_tags: true })],
      },
    });
    // Exactly the tag every data volume carries.
    for (const volume of propertiesOf(tf, "aws_ebs_volume")) expect(volume.tags).toMatchObject((policy.policy_details as { target_tags: object }).target_tags);
    const role = propertiesOf(tf, "aws_iam_role").find((r) => r.name === "openclaw-dlm-role")!;
    expect(JSON.parse(String(role.assume_role_policy)).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "dlm.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    expect(propertiesOf(tf, "aws_iam_role_policy_attachment").map((a) => a.policy_arn)).toContain(
      "arn:${data.aws_partition.partition.partition}:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole",
    );
  });

  it("keeps dataVolume.snapshotRetention snapshots", () => {
    const [policy] = propertiesOf(synthStack({ dataVolume: { snapshotRetention: 30 } }).tf, "aws_dlm_lifecycle_policy");
    expect((policy.policy_details as { schedule: { retain_rule: unknown }[] }).schedule[0].retain_rule).toEqual({ count: 30 });
  });
});
