import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { HOST_METRICS } from "../monitoring/metrics";
import { atKey, type ForEachResources, perKeyOf } from "../constructs/for-each";
import type { AwsEnvironment } from "../aws-environment";

/**
 * The AWS services that publish to the alarm topic: CloudWatch alarms, and AWS Budgets for a budget's
 * notifications. The topic is encrypted with the stack's key, whose policy lets exactly these use it for
 * this topic (Secrets); each also needs sns:Publish in the topic's policy.
 */
export const ALARM_TOPIC_PUBLISHERS = ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] as const;

/** A CloudWatch metric: what an alarm watches, and what the dashboard draws (one definition for both). */
export interface WatchedMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** What the stack watches of one host. */
export interface HostMetrics {
  /** EC2's own CPUUtilization (free, every 5 minutes). */
  readonly cpu: WatchedMetric;
  /** The CloudWatch agent's memory and root-disk use (templates/common/amazon-cloudwatch-agent.json). */
  readonly memory: WatchedMetric;
  readonly disk: WatchedMetric;
  /** The host's application health, published by the gateway's watch timer (1 = healthy). */
  readonly health: WatchedMetric;
}

/** The host a HostMetrics is of; in alarms made per key its fields are the map's values. */
export interface MetricsHost {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly hostName: string;
  /** Its CloudWatch agent's namespace (HOST_METRICS.namespace). */
  readonly metricsNamespace: string;
  /** Its health metric's name (HOST_METRICS). */
  readonly healthMetric: string;
}

/** The file system type of the hosts' root volume: Amazon Linux 2023's AMIs format it XFS. */
const ROOT_FILE_SYSTEM = "xfs";

/**
 * The metrics of one host, as its alarms and the dashboard read them: the agent appends InstanceId and
 * InstanceType to each of its metrics, and the disk metric also has the mount's path and file system
 * type (its device is dropped); a metric matches only with exactly its own dimensions. The health
 * metrics are in `healthNamespace`, the gateway's own: only the gateway publishes them.
 */
export function hostMetrics(healthNamespace: string, host: MetricsHost): HostMetrics {
  const agent = { InstanceId: host.instanceId, InstanceType: host.instanceType };
  const namespace = host.metricsNamespace;
  return {
    cpu: { namespace: "AWS/EC2", metricName: "CPUUtilization", dimensions: { InstanceId: host.instanceId } },
    memory: { namespace, metricName: HOST_METRICS.memoryMetric, dimensions: agent },
    disk: { namespace, metricName: "disk_used_percent", dimensions: { ...agent, path: "/", fstype: ROOT_FILE_SYSTEM } },
    health: { namespace: healthNamespace, metricName: host.healthMetric, dimensions: { Host: host.hostName } },
  };
}

/** A host to watch. */
export interface MonitoredHost {
  /** Label in alarm names, as in seed 000: "GW", "Node". */
  readonly label: string;
  readonly instanceId: string;
  readonly instanceType: string;
  /** Its CloudWatch agent's namespace (HOST_METRICS.namespace). */
  readonly metricsNamespace: string;
  /** Whether to alarm on memory (seed 000 does for the gateway). */
  readonly memoryAlarm: boolean;
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
  /** The stack's partition, region and account: the account owns the topic; its CloudWatch alarms and its budget may publish to it. */
  readonly environment: AwsEnvironment;
  /** ARN of the budget that notifies the topic (AWS Budgets needs the topic policy's leave), if any. */
  readonly budgetArn?: string;
  readonly alarmEmail?: string;
  /** Namespace of the health metrics: the gateway's own, since only the gateway publishes them. */
  readonly healthNamespace: string;
  /** The stack's KMS key: encrypts the topic and the log groups. */
  readonly keyArn: string;
  readonly applicationLogGroup: string;
  readonly systemLogGroup: string;
  readonly logRetentionDays: number;
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
  private readonly healthNamespace: string;
  /** ARN of every alarm made here, per key for the fleet's: what the dashboard shows the state of. */
  readonly alarmArns: string[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.healthNamespace = props.healthNamespace;
    const topic = new SnsTopic(this, "alarms", { name: props.topicName, kmsMasterKeyId: props.keyArn });
    this.topicArn = topic.arn;
    new SnsTopicPolicy(this, "alarms-policy", { arn: topic.arn, policy: JSON.stringify(topicPolicy(props, topic.arn)) });
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
      // EC2's alarm actions are ARNs with "ec2" where an account would be.
      recover: props.environment.arn("automate", "recover", { account: "ec2" }),
      reboot: props.environment.arn("automate", "reboot", { account: "ec2" }),
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
            { label: host.label, instance_type: host.instanceType, host_name: host.hostName, metrics_namespace: host.metricsNamespace },
          ]),
        ),
      );
      const host: MonitoredHost = {
        label: each.getString("label"),
        instanceId: fleet.instanceIdOfEach,
        instanceType: each.getString("instance_type"),
        metricsNamespace: each.getString("metrics_namespace"),
        memoryAlarm: fleet.memoryAlarm,
        health: { ...fleet.health, hostName: each.getString("host_name") },
      };
      this.hostAlarms(props, actions, host, { forEach: each, resourceName: fleet.resourceName, keys: Object.keys(fleet.hosts) });
    }
  }

  /** The metrics of a host as this construct's alarms watch them (for the dashboard). */
  metricsOf(host: MetricsHost): HostMetrics {
    return hostMetrics(this.healthNamespace, host);
  }

  /** One host's alarms; per key of `forEach` when given (`host` then holds the map's values). */
  private hostAlarms(props: MonitoringProps, actions: AlarmActions, host: MonitoredHost, forEach?: ForEachResources & { readonly keys: readonly string[] }): void {
    const keys = forEach?.keys ?? [];
    const instance = { InstanceId: host.instanceId };
    const metrics = this.metricsOf({
      instanceId: host.instanceId,
      instanceType: host.instanceType,
      hostName: host.health.hostName,
      metricsNamespace: host.metricsNamespace,
      healthMetric: host.health.metricName,
    });
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
      if (forEach) {
        resource.overrideLogicalId(fleetAlarmResourceName(forEach.resourceName, suffix));
        this.alarmArns.push(...keys.map((key) => atKey(resource, key, "arn")));
      } else {
        this.alarmArns.push(resource.arn);
      }
    };
    alarm("CPU-High", {
      alarmDescription: `${host.label} CPU above 80% for 5 minutes`,
      ...metrics.cpu,
      statistic: "Average",
      period: 300,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 80,
    });
    if (host.memoryAlarm) {
      alarm("Memory-High", {
        alarmDescription: `${host.label} memory above 85% for 5 minutes (CloudWatch agent)`,
        ...metrics.memory,
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
      ...metrics.health,
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

/**
 * The alarm topic's policy: the account owns it (as SNS's default policy has it); CloudWatch alarms of
 * the account publish to it, and so does the stack's budget ("Creating an Amazon SNS topic for budget
 * notifications", AWS Budgets User Guide), each only as the account's own.
 */
function topicPolicy(props: MonitoringProps, topicArn: string) {
  const { environment } = props;
  const account = { "aws:SourceAccount": environment.accountId };
  const statement = (sid: string, service: string, sourceArn: string) => ({
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sns:Publish",
    Resource: topicArn,
    Condition: { StringEquals: account, ArnLike: { "aws:SourceArn": sourceArn } },
  });
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountOwnsTopic",
        Effect: "Allow",
        Principal: { AWS: environment.arn("iam", "root", { region: "" }) },
        Action: ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission", "sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"],
        Resource: topicArn,
      },
      statement("CloudWatchAlarmsPublish", "cloudwatch.amazonaws.com", environment.arn("cloudwatch", "alarm:*")),
      ...(props.budgetArn ? [statement("BudgetPublishes", "budgets.amazonaws.com", props.budgetArn)] : []),
    ],
  };
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
