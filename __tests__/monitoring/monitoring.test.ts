import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { hostMetrics, Monitoring, type MonitoringProps } from "../../src/monitoring/monitoring";
import { configWith, propertiesOf } from "../helpers";
import { referenceToOnly, synthConstruct, TEST_ENVIRONMENT } from "../constructs/bare-stack";

const defaults = configWith().monitoring;
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** Seed 000's two hosts, each publishing into its own namespace, with the default retention. */
const props: MonitoringProps = {
  alarmPrefix: "OpenClaw",
  topicName: "openclaw-alarms",
  environment: TEST_ENVIRONMENT,
  healthNamespace: "OpenClaw/openclaw-gw",
  keyArn: KEY,
  applicationLogGroup: "/openclaw/application",
  systemLogGroup: "/openclaw/system",
  logRetentionDays: defaults.logRetentionDays,
  hosts: [
    { label: "GW", instanceId: "i-gw", instanceType: "t3.medium", metricsNamespace: "OpenClaw/openclaw-gw", memoryAlarm: true, health: { metricName: "GatewayHealthy", hostName: "openclaw-gw", description: "the gateway's /healthz failed" } },
    { label: "Node", instanceId: "i-node", instanceType: "t3.small", metricsNamespace: "OpenClaw/openclaw-node", memoryAlarm: false, health: { metricName: "NodeConnected", hostName: "openclaw-node", description: "not connected to the gateway" } },
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
        { label: "Node-1", instanceId: "i-1", instanceType: "t3.small", metricsNamespace: "OpenClaw/openclaw-node-1", memoryAlarm: false, health: { metricName: "NodeConnected", hostName: "openclaw-node-1", description: "not connected to the gateway" } },
        { label: "Node-2", instanceId: "i-2", instanceType: "t3.small", metricsNamespace: "OpenClaw/openclaw-node-2", memoryAlarm: false, health: { metricName: "NodeConnected", hostName: "openclaw-node-2", description: "not connected to the gateway" } },
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

describe("Monitoring: the alarm topic's publishers", () => {
  const policyOf = (tf: ReturnType<typeof synthMonitoring>["tf"]) => {
    const [policy] = propertiesOf(tf, "aws_sns_topic_policy");
    expect(policy.arn).toBe(referenceToOnly(tf, "aws_sns_topic", "arn"));
    return JSON.parse(String(policy.policy)) as { Statement: { Sid: string; Principal: Record<string, string>; Action: string | string[]; Condition?: Record<string, Record<string, string>> }[] };
  };

  it("given the stack's budget, when synthesized, then the topic lets the account, its CloudWatch alarms and that budget publish, each as the account's own", () => {
    const budgetArn = "arn:aws:budgets::123456789012:budget/openclaw";
    const { Statement } = policyOf(synthMonitoring({ budgetArn }).tf);
    expect(Statement.map((statement) => statement.Sid)).toEqual(["AccountOwnsTopic", "CloudWatchAlarmsPublish", "BudgetPublishes"]);
    expect(Statement[0].Principal).toEqual({ AWS: "arn:aws:iam::123456789012:root" });
    expect(Statement[1]).toMatchObject({
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*" } },
    });
    expect(Statement[2]).toMatchObject({
      Principal: { Service: "budgets.amazonaws.com" },
      Action: "sns:Publish",
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: { "aws:SourceArn": budgetArn } },
    });
  });

  it("given no budget (the emulator), when synthesized, then AWS Budgets may not publish", () => {
    const { Statement } = policyOf(synthMonitoring().tf);
    expect(Statement.map((statement) => statement.Sid)).toEqual(["AccountOwnsTopic", "CloudWatchAlarmsPublish"]);
  });
});

describe("Monitoring: what the dashboard draws", () => {
  it("given hosts and a fleet, when synthesized, then it hands out every alarm's ARN, per key for the fleet's", () => {
    const { tf, exposed } = synthConstruct((stack) => {
      const monitoring = new Monitoring(stack, "monitoring", {
        ...props,
        hosts: [props.hosts[0]],
        fleet: {
          resourceName: "node",
          hosts: {
            a: { label: "A", instanceType: "t3.small", hostName: "openclaw-a", metricsNamespace: "OpenClaw/openclaw-a" },
            b: { label: "B", instanceType: "t3.small", hostName: "openclaw-b", metricsNamespace: "OpenClaw/openclaw-b" },
          },
          instanceIdOfEach: "${aws_instance.node[each.key].id}",
          memoryAlarm: false,
          health: { metricName: "NodeConnected", description: "not connected to the gateway" },
        },
      });
      return Object.fromEntries(monitoring.alarmArns.map((arn, index) => [`arn${index}`, arn]));
    });
    const arns = Object.values(exposed);
    const alarms = Object.keys(tf.resource.aws_cloudwatch_metric_alarm);
    expect(arns).toHaveLength(alarms.length);
    expect(arns.sort()).toEqual(alarms.map((id) => `\${aws_cloudwatch_metric_alarm.${id}.arn}`).sort());
    expect(arns).toContain('${aws_cloudwatch_metric_alarm.node_unhealthy["b"].arn}');
  });

  it("given a host, when its metrics are asked for, then they are exactly what its alarms watch", () => {
    const host = props.hosts[0];
    const { tf } = synthMonitoring({ hosts: [host] });
    const alarms = Object.fromEntries(propertiesOf(tf, "aws_cloudwatch_metric_alarm").map((alarm) => [alarm.alarm_name, alarm]));
    const metrics = hostMetrics(props.healthNamespace, {
      instanceId: host.instanceId,
      instanceType: host.instanceType,
      hostName: host.health.hostName,
      metricsNamespace: host.metricsNamespace,
      healthMetric: host.health.metricName,
    });
    for (const [alarm, metric] of [["OpenClaw-GW-CPU-High", metrics.cpu], ["OpenClaw-GW-Memory-High", metrics.memory], ["OpenClaw-GW-Unhealthy", metrics.health]] as const) {
      expect(alarms[alarm]).toMatchObject({ namespace: metric.namespace, metric_name: metric.metricName, dimensions: metric.dimensions });
    }
    // The agent's root-disk metric: its dimensions as the agent writes them (device dropped).
    expect(metrics.disk).toEqual({ namespace: "OpenClaw/openclaw-gw", metricName: "disk_used_percent", dimensions: { InstanceId: "i-gw", InstanceType: "t3.medium", path: "/", fstype: "xfs" } });
  });
});
