import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { HOST_METRICS } from "../hosts/context";
import { type ForEachResources, perKeyOf } from "./for-each";

/**
 * The AWS services that publish to the alarm topic: CloudWatch alarms, and AWS Budgets for a budget's
 * notifications. The topic is encrypted with the stack's key, whose policy lets exactly these use it for
 * this topic (Secrets); each also needs sns:Publish in the topic's policy.
 */
export const ALARM_TOPIC_PUBLISHERS = ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] as const;

/** A host to watch. */
export interface MonitoredHost {
  /** Label in alarm names, as in seed 000: "GW", "Node". */
  readonly label: string;
  readonly instanceId: string;
  readonly instanceType: string;
  /** Alarm on its memory (seed 000 does for the gateway): the namespace its CloudWatch agent publishes to. */
  readonly memoryAlarm?: { readonly namespace: string };
  /** Its application health metric (published by the gateway, dimension Host=hostName, 1 = healthy). */
  readonly health: { readonly metricName: string; readonly hostName: string; readonly description: string };
}

/**
 * Hosts made per key of a map (the node hosts): their alarms are made per key too, e.g.
 * `aws_cloudwatch_metric_alarm.node_cpu_high["node-1"]`.
 */
export interface MonitoredFleet {
  /** Starts the alarms' Terraform names. */
  readonly resourceName: string;
  /** Each host, by the key its instance has; `metricsNamespace` is its CloudWatch agent's. */
  readonly hosts: Readonly<Record<string, { readonly label: string; readonly instanceType: string; readonly hostName: string; readonly metricsNamespace: string }>>;
  /** In an alarm made for the same keys: its host's instance id (the hosts' `sameKey`). */
  readonly instanceIdOfEach: string;
  readonly memoryAlarm: boolean;
  /** The health metric and what its alarm says, as for one host. */
  readonly health: { readonly metricName: string; readonly description: string };
}

export interface MonitoringProps {
  /** Starts every alarm name, e.g. "OpenClaw". */
  readonly alarmPrefix: string;
  readonly topicName: string;
  readonly alarmEmail?: string;
  /** Namespace of the health metrics: the gateway's own, since only the gateway publishes them. */
  readonly healthNamespace: string;
  /** The stack's KMS key: encrypts the topic and the log groups. */
  readonly keyArn: string;
  readonly applicationLogGroup: string;
  readonly systemLogGroup: string;
  readonly logRetentionDays: number;
  readonly region: string;
  readonly partition: string;
  readonly hosts: readonly MonitoredHost[];
  /** Hosts made per key, if any. */
  readonly fleet?: MonitoredFleet;
}

/**
 * Seed 000's log groups and alarms, plus per host: recovery on the system check, a reboot on the instance
 * check, and an application health alarm; all notifying one SNS topic. The topic and the log groups are
 * encrypted with the stack's key.
 */
export class Monitoring extends Construct {
  readonly topicArn: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const topic = new SnsTopic(this, "alarms", { name: props.topicName, kmsMasterKeyId: props.keyArn });
    this.topicArn = topic.arn;
    if (props.alarmEmail) {
      new SnsTopicSubscription(this, "alarm-email", { topicArn: topic.arn, protocol: "email", endpoint: props.alarmEmail });
    }

    for (const [key, name] of [
      ["application-logs", props.applicationLogGroup],
      ["system-logs", props.systemLogGroup],
    ]) {
      new CloudwatchLogGroup(this, key, { name, retentionInDays: props.logRetentionDays, kmsKeyId: props.keyArn });
    }

    const actions = {
      topicArn: topic.arn,
      recover: `arn:${props.partition}:automate:${props.region}:ec2:recover`,
      reboot: `arn:${props.partition}:automate:${props.region}:ec2:reboot`,
    };
    for (const host of props.hosts) this.hostAlarms(props, actions, host);
    if (props.fleet) {
      const { fleet } = props;
      const each = perKeyOf(
        this,
        `monitored_${fleet.resourceName}s`,
        Object.fromEntries(
          Object.entries(fleet.hosts).map(([key, host]) => [
            key,
            { label: host.label, instance_type: host.instanceType, host_name: host.hostName, ...(fleet.memoryAlarm ? { metrics_namespace: host.metricsNamespace } : {}) },
          ]),
        ),
      );
      const host: MonitoredHost = {
        label: each.getString("label"),
        instanceId: fleet.instanceIdOfEach,
        instanceType: each.getString("instance_type"),
        memoryAlarm: fleet.memoryAlarm ? { namespace: each.getString("metrics_namespace") } : undefined,
        health: { ...fleet.health, hostName: each.getString("host_name") },
      };
      this.hostAlarms(props, actions, host, { forEach: each, resourceName: fleet.resourceName });
    }
  }

  /** One host's alarms; per key of `forEach` when given (`host` then holds the map's values). */
  private hostAlarms(props: MonitoringProps, actions: AlarmActions, host: MonitoredHost, forEach?: ForEachResources): void {
    const instance = { InstanceId: host.instanceId };
    const alarm = (suffix: string, { extraActions = [], ...metric }: AlarmSettings) => {
      const alarmName = `${props.alarmPrefix}-${host.label}-${suffix}`;
      const resource = new CloudwatchMetricAlarm(this, forEach ? `${forEach.resourceName}-${suffix}` : alarmName, {
        forEach: forEach?.forEach,
        alarmName,
        alarmActions: [actions.topicArn, ...extraActions],
        okActions: [actions.topicArn],
        evaluationPeriods: 1,
        treatMissingData: "missing",
        ...metric,
      });
      if (forEach) resource.overrideLogicalId(fleetAlarmResourceName(forEach.resourceName, suffix));
    };
    alarm("CPU-High", {
      alarmDescription: `${host.label} CPU above 80% for 5 minutes`,
      namespace: "AWS/EC2",
      metricName: "CPUUtilization",
      dimensions: instance,
      statistic: "Average",
      period: 300,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 80,
    });
    if (host.memoryAlarm) {
      alarm("Memory-High", {
        alarmDescription: `${host.label} memory above 85% for 5 minutes (CloudWatch agent)`,
        namespace: host.memoryAlarm.namespace,
        metricName: HOST_METRICS.memoryMetric,
        // The agent appends both dimensions; an alarm only matches the exact set.
        dimensions: { ...instance, InstanceType: host.instanceType },
        statistic: "Average",
        period: 300,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 85,
      });
    }
    alarm("StatusCheck", {
      alarmDescription: `${host.label} failed an EC2 status check`,
      namespace: "AWS/EC2",
      metricName: "StatusCheckFailed",
      dimensions: instance,
      statistic: "Maximum",
      period: 60,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
    });
    // EC2 accepts the recover action only on the system check; it moves the host to healthy hardware.
    alarm("SystemCheck-Recover", {
      alarmDescription: `${host.label} failed the EC2 system status check: recovering the instance`,
      namespace: "AWS/EC2",
      metricName: "StatusCheckFailed_System",
      dimensions: instance,
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 2,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      extraActions: [actions.recover],
    });
    // A hung guest (kernel, memory exhaustion): EC2 accepts the reboot action on the instance check.
    alarm("InstanceCheck-Reboot", {
      alarmDescription: `${host.label} failed the EC2 instance status check: rebooting the instance`,
      namespace: "AWS/EC2",
      metricName: "StatusCheckFailed_Instance",
      dimensions: instance,
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 3,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      extraActions: [actions.reboot],
    });
    // The application itself: unhealthy (or not reported at all) for 5 minutes.
    alarm("Unhealthy", {
      alarmDescription: `${host.label}: ${host.health.description} for 5 minutes (or no report)`,
      namespace: props.healthNamespace,
      metricName: host.health.metricName,
      dimensions: { Host: host.health.hostName },
      statistic: "Minimum",
      period: 60,
      evaluationPeriods: 5,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
    });
  }
}

/** Terraform name of a fleet's alarms of one kind: ("node", "CPU-High") -> node_cpu_high, "InstanceCheck-Reboot" -> node_instance_check_reboot. */
export function fleetAlarmResourceName(resourceName: string, suffix: string): string {
  return `${resourceName}_${suffix.replace(/([a-z])([A-Z])/g, "$1_$2").replace(/-/g, "_").toLowerCase()}`;
}

/** Where alarms notify, and the EC2 actions they can take. */
interface AlarmActions {
  readonly topicArn: string;
  readonly recover: string;
  readonly reboot: string;
}

interface AlarmSettings {
  readonly alarmDescription: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly statistic: string;
  readonly period: number;
  readonly evaluationPeriods?: number;
  readonly comparisonOperator: string;
  readonly threshold: number;
  readonly extraActions?: string[];
  readonly treatMissingData?: string;
}
