import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Monitoring, type MonitoringProps } from "../../src/constructs/monitoring";
import { configWith, propertiesOf } from "../helpers";
import { referenceToOnly, synthConstruct } from "./bare-stack";

const defaults = configWith().monitoring;
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** Seed 000's two hosts, each publishing into its own namespace, with the default retention. */
const props: MonitoringProps = {
  alarmPrefix: "OpenClaw",
  topicName: "openclaw-alarms",
  healthNamespace: "OpenClaw/openclaw-gw",
  keyArn: KEY,
  applicationLogGroup: "/openclaw/application",
  systemLogGroup: "/openclaw/system",
  logRetentionDays: defaults.logRetentionDays,
  region: "us-east-1",
  partition: "aws",
  hosts: [
    { label: "GW", instanceId: "i-gw", instanceType: "t3.medium", memoryAlarm: { namespace: "OpenClaw/openclaw-gw" }, health: { metricName: "GatewayHealthy", hostName: "openclaw-gw", description: "the gateway's /healthz failed" } },
    { label: "Node", instanceId: "i-node", instanceType: "t3.small", health: { metricName: "NodeConnected", hostName: "openclaw-node", description: "not connected to the gateway" } },
  ],
};

function synthMonitoring(overrides: Partial<MonitoringProps> = {}) {
  return synthConstruct((stack) => ({ topicArn: new Monitoring(stack, "monitoring", { ...props, ...overrides }).topicArn }));
}

describe("Monitoring", () => {
  it("given seed 000's gateway (memory alarm) and node, when synthesized, then it creates seed 000's five alarms with its names, metrics, thresholds and periods", () => {
    const { tf, exposed } = synthMonitoring();
    const topic = referenceToOnly(tf, "aws_sns_topic", "arn");
    expect(exposed.topicArn).toBe(topic);
    const alarms = Object.fromEntries(propertiesOf(tf, "aws_cloudwatch_metric_alarm").map((alarm) => [alarm.alarm_name, alarm]));
    const seed = [
      ["OpenClaw-GW-CPU-High", "AWS/EC2", "CPUUtilization", "GreaterThanThreshold", 80, 300, { InstanceId: "i-gw" }],
      // The gateway's agent publishes into the gateway's own namespace.
      ["OpenClaw-GW-Memory-High", "OpenClaw/openclaw-gw", "mem_used_percent", "GreaterThanThreshold", 85, 300, { InstanceId: "i-gw", InstanceType: "t3.medium" }],
      ["OpenClaw-GW-StatusCheck", "AWS/EC2", "StatusCheckFailed", "GreaterThanOrEqualToThreshold", 1, 60, { InstanceId: "i-gw" }],
      ["OpenClaw-Node-CPU-High", "AWS/EC2", "CPUUtilization", "GreaterThanThreshold", 80, 300, { InstanceId: "i-node" }],
      ["OpenClaw-Node-StatusCheck", "AWS/EC2", "StatusCheckFailed", "GreaterThanOrEqualToThreshold", 1, 60, { InstanceId: "i-node" }],
    ] as const;
    for (const [name, namespace, metric, comparison, threshold, period, dimensions] of seed) {
      expect(alarms[name]).toMatchObject({
        namespace,
        metric_name: metric,
        comparison_operator: comparison,
        threshold,
        period,
        evaluation_periods: 1,
        dimensions,
        alarm_actions: [topic],
      });
    }
    expect(Object.keys(alarms).sort()).toEqual(
      [
        ...seed.map(([name]) => name),
        ...["GW", "Node"].flatMap((host) => [`OpenClaw-${host}-SystemCheck-Recover`, `OpenClaw-${host}-InstanceCheck-Reboot`, `OpenClaw-${host}-Unhealthy`]),
      ].sort(),
    );
  });

  it("given two hosts, when synthesized, then each is recovered when its system status check fails", () => {
    const { tf } = synthMonitoring();
    const recover = propertiesOf(tf, "aws_cloudwatch_metric_alarm").filter((alarm) => String(alarm.alarm_name).endsWith("-SystemCheck-Recover"));
    expect(recover.map((alarm) => (alarm.dimensions as Record<string, string>).InstanceId).sort()).toEqual(["i-gw", "i-node"]);
    for (const alarm of recover) {
      expect(alarm).toMatchObject({ metric_name: "StatusCheckFailed_System", namespace: "AWS/EC2", period: 60, threshold: 1 });
      expect(alarm.alarm_actions).toEqual([referenceToOnly(tf, "aws_sns_topic", "arn"), "arn:aws:automate:us-east-1:ec2:recover"]);
    }
  });

  it("given no alarm email, the default retention and the stack's key, when synthesized, then the logs are kept 30 days, the logs and the topic are encrypted with the key, and nobody is mailed", () => {
    const { json } = synthMonitoring();
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/openclaw/application", retention_in_days: 30, kms_key_id: KEY });
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/openclaw/system", retention_in_days: 30, kms_key_id: KEY });
    expect(json).toHaveResourceWithProperties(SnsTopic, { name: "openclaw-alarms", kms_master_key_id: KEY });
    expect(json).not.toHaveResource(SnsTopicSubscription);
  });

  it("given an alarm email and 90 days, when synthesized, then the alarms are mailed and the logs kept 90 days", () => {
    const { json } = synthMonitoring({ alarmEmail: "ops@example.com", logRetentionDays: 90 });
    expect(json).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: "email", endpoint: "ops@example.com" });
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/openclaw/application", retention_in_days: 90 });
  });

  it("given a gateway and two nodes, when synthesized, then every node is watched", () => {
    const { tf } = synthMonitoring({
      hosts: [
        props.hosts[0],
        { label: "Node-1", instanceId: "i-1", instanceType: "t3.small", health: { metricName: "NodeConnected", hostName: "openclaw-node-1", description: "not connected to the gateway" } },
        { label: "Node-2", instanceId: "i-2", instanceType: "t3.small", health: { metricName: "NodeConnected", hostName: "openclaw-node-2", description: "not connected to the gateway" } },
      ],
    });
    const names = propertiesOf(tf, "aws_cloudwatch_metric_alarm").map((alarm) => alarm.alarm_name);
    expect(names).toEqual(expect.arrayContaining(["OpenClaw-Node-1-CPU-High", "OpenClaw-Node-2-StatusCheck", "OpenClaw-Node-2-SystemCheck-Recover"]));
    // Per host also the instance-check reboot and the health alarm.
    expect(names).toHaveLength(4 + 3 * 2 + 3 * 2);
  });
  it("given hosts made per key with a memory alarm, when synthesized, then each watches the memory its own host's agent publishes into its own namespace", () => {
    const { tf } = synthMonitoring({
      hosts: [props.hosts[0]],
      fleet: {
        resourceName: "node",
        hosts: { arm: { label: "Arm", instanceType: "t4g.small", hostName: "openclaw-arm", metricsNamespace: "OpenClaw/openclaw-arm" } },
        instanceIdOfEach: "${aws_instance.node[each.key].id}",
        memoryAlarm: true,
        health: { metricName: "NodeConnected", description: "not connected to the gateway" },
      },
    });
    expect(tf.resource.aws_cloudwatch_metric_alarm['node_memory_high["arm"]']).toMatchObject({
      alarm_name: "OpenClaw-Arm-Memory-High",
      namespace: "OpenClaw/openclaw-arm",
      metric_name: "mem_used_percent",
      dimensions: { InstanceId: '${aws_instance.node["arm"].id}', InstanceType: "t4g.small" },
    });
  });
});

describe("Monitoring: health", () => {
  it("given each host's health metric, when synthesized, then it alarms per host on it in the gateway's namespace (the only publisher) for 5 minutes, missing data breaching, and reboots on the instance check", () => {
    const { tf } = synthMonitoring();
    const alarms = Object.fromEntries(propertiesOf(tf, "aws_cloudwatch_metric_alarm").map((alarm) => [alarm.alarm_name, alarm]));
    const topic = expect.stringMatching(/^\$\{aws_sns_topic\./);
    for (const [label, metric, host] of [
      ["GW", "GatewayHealthy", "openclaw-gw"],
      ["Node", "NodeConnected", "openclaw-node"],
    ]) {
      expect(alarms[`OpenClaw-${label}-Unhealthy`]).toMatchObject({
        namespace: "OpenClaw/openclaw-gw",
        metric_name: metric,
        dimensions: { Host: host },
        statistic: "Minimum",
        period: 60,
        evaluation_periods: 5,
        comparison_operator: "LessThanThreshold",
        threshold: 1,
        treat_missing_data: "breaching",
        alarm_actions: [topic],
      });
      expect(alarms[`OpenClaw-${label}-InstanceCheck-Reboot`]).toMatchObject({
        namespace: "AWS/EC2",
        metric_name: "StatusCheckFailed_Instance",
        alarm_actions: [topic, "arn:aws:automate:us-east-1:ec2:reboot"],
      });
    }
  });

  it("given hosts made per key, when synthesized, then each kind of alarm is made per key too, each watching the instance of its key", () => {
    const { tf } = synthMonitoring({
      hosts: [props.hosts[0]],
      fleet: {
        resourceName: "node",
        hosts: {
          "node-1": { label: "Node-1", instanceType: "t3.small", hostName: "openclaw-node-1", metricsNamespace: "OpenClaw/openclaw-node-1" },
          arm: { label: "Arm", instanceType: "t4g.small", hostName: "openclaw-arm", metricsNamespace: "OpenClaw/openclaw-arm" },
        },
        instanceIdOfEach: "${aws_instance.node[each.key].id}",
        memoryAlarm: false,
        health: { metricName: "NodeConnected", description: "not connected to the gateway" },
      },
    });
    const alarms = tf.resource.aws_cloudwatch_metric_alarm;
    for (const [key, label] of [["node-1", "Node-1"], ["arm", "Arm"]]) {
      expect(alarms[`node_cpu_high["${key}"]`]).toMatchObject({ alarm_name: `OpenClaw-${label}-CPU-High`, dimensions: { InstanceId: `\${aws_instance.node["${key}"].id}` } });
      expect(alarms[`node_instance_check_reboot["${key}"]`].alarm_actions).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\./), "arn:aws:automate:us-east-1:ec2:reboot"]);
    }
    expect(alarms['node_unhealthy["arm"]']).toMatchObject({
      alarm_name: "OpenClaw-Arm-Unhealthy",
      alarm_description: "Arm: not connected to the gateway for 5 minutes (or no report)",
      dimensions: { Host: "openclaw-arm" },
    });
    expect(Object.keys(alarms).filter((id) => id.startsWith("node_")).sort()).toEqual(
      ["cpu_high", "instance_check_reboot", "status_check", "system_check_recover", "unhealthy"].flatMap((kind) => [`node_${kind}["arm"]`, `node_${kind}["node-1"]`]),
    );
  });
});
