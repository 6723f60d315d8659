/**
 * The deployment's hosts as the alarms and the dashboard watch them: each one's alarm label, metric
 * namespace and health metric, from its record; the stack adds the instance ids.
 */
import type { Deployment } from "../config/hosts";
import { alarmLabel, HOST_METRICS } from "./metrics";
import type { MetricsHost, MonitoredFleet, MonitoredHost } from "./monitoring";

/** A host's own metric namespace under the stack's (`monitoring.namespace`). */
export function hostNamespace({ config }: Deployment, hostName: string): string {
  return HOST_METRICS.namespace(config.monitoring.namespace, hostName);
}

/** The gateway: alarms on memory too (seed 000), and on its /healthz. */
export function watchedGateway(deployment: Deployment, instanceId: string): MonitoredHost {
  const { gateway } = deployment.hosts;
  return {
    label: alarmLabel(gateway.name, true),
    instanceId,
    instanceType: gateway.instance.instanceType,
    metricsNamespace: hostNamespace(deployment, gateway.hostName),
    memoryAlarm: true,
    health: { metricName: HOST_METRICS.gatewayMetric, hostName: gateway.hostName, description: "the gateway's /healthz failed" },
  };
}

/** The nodes, made per key of `resourceName`: alarms on their connection to the gateway. */
export function watchedNodes(deployment: Deployment, resourceName: string, instanceIdOfEach: string): MonitoredFleet {
  return {
    resourceName,
    hosts: Object.fromEntries(
      deployment.hosts.nodes.map((node) => [
        node.name,
        { label: alarmLabel(node.name, false), instanceType: node.instance.instanceType, hostName: node.hostName, metricsNamespace: hostNamespace(deployment, node.hostName) },
      ]),
    ),
    instanceIdOfEach,
    memoryAlarm: false,
    health: { metricName: HOST_METRICS.nodeMetric, description: "not connected to the gateway" },
  };
}

/** Every host, gateway first, as its metrics are found (the dashboard draws them). */
export function metricsHosts(deployment: Deployment, gatewayInstanceId: string, nodeInstanceId: (nodeName: string) => string): MetricsHost[] {
  const { gateway, nodes } = deployment.hosts;
  return [
    { record: gateway, instanceId: gatewayInstanceId, healthMetric: HOST_METRICS.gatewayMetric },
    ...nodes.map((node) => ({ record: node, instanceId: nodeInstanceId(node.name), healthMetric: HOST_METRICS.nodeMetric })),
  ].map(({ record, instanceId, healthMetric }) => ({
    instanceId,
    instanceType: record.instance.instanceType,
    hostName: record.hostName,
    metricsNamespace: hostNamespace(deployment, record.hostName),
    healthMetric,
  }));
}
