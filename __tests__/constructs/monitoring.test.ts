import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { propertiesOf, resourcesOf, synthStack } from "../helpers";

describe("Monitoring", () => {
  it("creates seed 000's five alarms with its names, metrics, thresholds and periods", () => {
    const { tf } = synthStack();
    const instanceIds = Object.fromEntries(
      resourcesOf(tf, "aws_instance").map(([id, instance]) => [(instance.tags as Record<string, string>).Name, `\${aws_instance.${id}.id}`]),
    );
    const alarms = Object.fromEntries(propertiesOf(tf, "aws_cloudwatch_metric_alarm").map((alarm) => [alarm.alarm_name, alarm]));
    const gw = instanceIds["openclaw-gw"];
    const node = instanceIds["openclaw-node"];
    const seed = [
      ["OpenClaw-GW-CPU-High", "AWS/EC2", "CPUUtilization", "GreaterThanThreshold", 80, 300, { InstanceId: gw }],
      ["OpenClaw-GW-Memory-High", "OpenClaw", "mem_used_percent", "GreaterThanThreshold", 85, 300, { InstanceId: gw, InstanceType: "t3.medium" }],
      ["OpenClaw-GW-StatusCheck", "AWS/EC2", "StatusCheckFailed", "GreaterThanOrEqualToThreshold", 1, 60, { InstanceId: gw }],
      ["OpenClaw-Node-CPU-High", "AWS/EC2", "CPUUtilization", "GreaterThanThreshold", 80, 300, { InstanceId: node }],
      ["OpenClaw-Node-StatusCheck", "AWS/EC2", "StatusCheckFailed", "GreaterThanOrEqualToThreshold", 1, 60, { InstanceId: node }],
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
        alarm_actions: [expect.stringMatching(/^\$\{aws_sns_topic\..+\.arn\}$/)],
      });
    }
    expect(Object.keys(alarms).sort()).toEqual(
      [
        ...seed.map(([name]) => name),
        ...["GW", "Node"].flatMap((host) => [`OpenClaw-${host}-SystemCheck-Recover`, `OpenClaw-${host}-InstanceCheck-Reboot`, `OpenClaw-${host}-Unhealthy`]),
      ].sort(),
    );
  });

  it("recovers a host whose system status check fails", () => {
    const { tf } = synthStack();
    const recover = propertiesOf(tf, "aws_cloudwatch_metric_alarm").filter((alarm) => String(alarm.alarm_name).endsWith("-SystemCheck-Recover"));
    expect(recover).toHaveLength(2);
    for (const alarm of recover) {
      expect(alarm).toMatchObject({ metric_name: "StatusCheckFailed_System", namespace: "AWS/EC2", period: 60, threshold: 1 });
      expect(alarm.alarm_actions).toEqual([
        expect.stringMatching(/aws_sns_topic/),
        expect.stringMatching(/^arn:\$\{data\.aws_partition\.[^.]+\.partition\}:automate:us-east-1:ec2:recover$/),
      ]);
    }
  });

  it("keeps the application and system logs with retention, and mails alarms when asked", () => {
    const quiet = synthStack();
    expect(quiet.json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/openclaw/application", retention_in_days: 30 });
    expect(quiet.json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/openclaw/system", retention_in_days: 30 });
    expect(quiet.json).toHaveResourceWithProperties(SnsTopic, { name: "openclaw-alarms" });
    expect(quiet.json).not.toHaveResource(SnsTopicSubscription);

    const mailed = synthStack({ monitoring: { alarmEmail: "ops@example.com", logRetentionDays: 90 } });
    expect(mailed.json).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: "email", endpoint: "ops@example.com" });
    expect(mailed.json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/openclaw/application", retention_in_days: 90 });
  });

  it("watches every node", () => {
    const { tf } = synthStack({ nodes: [{ name: "node-1" }, { name: "node-2" }] });
    const names = propertiesOf(tf, "aws_cloudwatch_metric_alarm").map((alarm) => alarm.alarm_name);
    expect(names).toEqual(expect.arrayContaining(["OpenClaw-Node-1-CPU-High", "OpenClaw-Node-2-StatusCheck", "OpenClaw-Node-2-SystemCheck-Recover"]));
    // Per host also the instance-check reboot and the health alarm.
    expect(names).toHaveLength(4 + 3 * 2 + 3 * 2);
  });
});

describe("Monitoring: health", () => {
  it("alarms per host on its application health for 5 minutes, missing data breaching, and reboots on the instance check", () => {
    const { tf } = synthStack();
    const alarms = Object.fromEntries(propertiesOf(tf, "aws_cloudwatch_metric_alarm").map((alarm) => [alarm.alarm_name, alarm]));
    const topic = expect.stringMatching(/^\$\{aws_sns_topic\./);
    for (const [label, metric, host] of [
      ["GW", "GatewayHealthy", "openclaw-gw"],
      ["Node", "NodeConnected", "openclaw-node"],
    ]) {
      expect(alarms[`OpenClaw-${label}-Unhealthy`]).toMatchObject({
        namespace: "OpenClaw",
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
        alarm_actions: [topic, "arn:${data.aws_partition.partition.partition}:automate:us-east-1:ec2:reboot"],
      });
    }
  });

  it("lets the gateway publish metrics only to the deployment's namespace", () => {
    const { tf } = synthStack({ monitoring: { namespace: "OpenClaw/prod" } });
    const duties = propertiesOf(tf, "aws_iam_role_policy").find((policy) => policy.name === "openclaw-ec2-role-duties")!;
    expect(JSON.parse(String(duties.policy)).Statement).toContainEqual({
      Sid: "HealthMetrics",
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricData"],
      Resource: "*",
      Condition: { StringEquals: { "cloudwatch:namespace": "OpenClaw/prod" } },
    });
  });
});
