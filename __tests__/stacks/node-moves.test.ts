import { configWith, synthStack } from "../helpers";
import { deploymentHosts } from "../../src/config/hosts";
import { deploymentNames } from "../../src/config/names";
import { movesFromPerNodeResources } from "../../src/stacks/node-moves";

const NODES = [{ name: "node-1" }, { name: "arm", instanceType: "t4g.small" }];

/** The node resources a deployment of these nodes had at 0.1.0 (e58df41), read from its synthesized stack. */
const PER_NODE_ADDRESSES_0_1_0 = [
  "aws_cloudwatch_metric_alarm.monitoring_OpenClaw-Arm-CPU-High_85FCEDEF",
  "aws_cloudwatch_metric_alarm.monitoring_OpenClaw-Arm-InstanceCheck-Reboot_709B96EC",
  "aws_cloudwatch_metric_alarm.monitoring_OpenClaw-Arm-StatusCheck_AF735F63",
  "aws_cloudwatch_metric_alarm.monitoring_OpenClaw-Arm-SystemCheck-Recover_AB4DC112",
  "aws_cloudwatch_metric_alarm.monitoring_OpenClaw-Arm-Unhealthy_261A1D7D",
  "aws_cloudwatch_metric_alarm.monitoring_OpenClaw-Node-1-CPU-High_4A260435",
  "aws_cloudwatch_metric_alarm.monitoring_OpenClaw-Node-1-InstanceCheck-Reboot_2BB8DE38",
  "aws_cloudwatch_metric_alarm.monitoring_OpenClaw-Node-1-StatusCheck_71A58214",
  "aws_cloudwatch_metric_alarm.monitoring_OpenClaw-Node-1-SystemCheck-Recover_E5F16B38",
  "aws_cloudwatch_metric_alarm.monitoring_OpenClaw-Node-1-Unhealthy_3ADC5F2B",
  "aws_ebs_volume.node-arm_host_data_volume_1A1EA741",
  "aws_ebs_volume.node-node-1_host_data_volume_8CD6C0C1",
  "aws_iam_instance_profile.iam_node-arm-profile_AEB383E5",
  "aws_iam_instance_profile.iam_node-node-1-profile_3B036C73",
  "aws_iam_role.iam_node-arm-role_45FAA1B4",
  "aws_iam_role.iam_node-node-1-role_457EE91D",
  "aws_iam_role_policy.iam_node-arm-policy_228A4907",
  "aws_iam_role_policy.iam_node-node-1-policy_F13D5983",
  "aws_iam_role_policy_attachment.iam_node-arm-AmazonSSMManagedInstanceCore_B67EDDBA",
  "aws_iam_role_policy_attachment.iam_node-arm-CloudWatchAgentServerPolicy_2D46DEEA",
  "aws_iam_role_policy_attachment.iam_node-node-1-AmazonSSMManagedInstanceCore_BEE3BC4A",
  "aws_iam_role_policy_attachment.iam_node-node-1-CloudWatchAgentServerPolicy_663FD7EF",
  "aws_instance.node-arm_host_instance_20B5CF95",
  "aws_instance.node-node-1_host_instance_1C824D3C",
  "aws_ssm_parameter.node-arm_list-entry_9A5EE972",
  "aws_ssm_parameter.node-node-1_list-entry_52AF5D87",
  "aws_volume_attachment.node-arm_host_data_attachment_A0A60C29",
  "aws_volume_attachment.node-node-1_host_data_attachment_C8F576ED",
];

/**
 * 0.1.0 attached AWS managed policies to each node role; now each role has only its inline policy, so
 * those attachments have no new address: the upgrade destroys them (detaches the policies).
 */
const DETACHED = PER_NODE_ADDRESSES_0_1_0.filter((address) => address.startsWith("aws_iam_role_policy_attachment."));
const MOVED = PER_NODE_ADDRESSES_0_1_0.filter((address) => !DETACHED.includes(address));

describe("moves from the per-node resources of 0.1.0", () => {
  it("given two nodes, when listed, then every node resource 0.1.0 had but the managed-policy attachments moves to a copy of the same type for the same node", () => {
    const config = configWith({ nodes: NODES });
    const moves = movesFromPerNodeResources(deploymentHosts(config, deploymentNames(config)).nodes, "OpenClaw");
    expect(DETACHED).toHaveLength(4);
    expect(moves.map((move) => move.from).sort()).toEqual(MOVED);
    for (const { from, to } of moves) {
      const node = /-(node-1|arm)[-_]/i.exec(from.replace("-Node-1-", "-node-1-").replace("-Arm-", "-arm-"))?.[1].toLowerCase();
      expect({ from, type: to.split(".")[0], key: /\["([^"]+)"\]$/.exec(to)?.[1] }).toEqual({ from, type: from.split(".")[0], key: node });
    }
  });

  it("given two nodes, when synthesized, then the stack moves each of those to a resource it has, and without nodes there is no move", () => {
    const { tf } = synthStack({ nodes: NODES });
    expect(tf.moved).toHaveLength(MOVED.length);
    expect(tf.resource.aws_iam_role_policy_attachment).toBeUndefined();
    for (const { to } of tf.moved!) {
      const [, type, name] = /^(\w+)\.(.+)$/.exec(to)!;
      expect({ to, exists: tf.resource[type]?.[name] !== undefined }).toEqual({ to, exists: true });
    }
    expect(synthStack({ nodes: [] }).tf.moved).toBeUndefined();
  });
});
