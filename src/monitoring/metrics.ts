/**
 * What the alarms, the dashboard, the IAM policies and the hosts' agents call the hosts' metrics, and
 * how the alarms name a host: one place, so every one of them names the same thing.
 */

/**
 * The custom metrics of the hosts and where each is published, for everything that names them: the IAM
 * policies, the alarms, the CloudWatch agent config (`monitoring.namespace` of a host's context) and the
 * gateway's health script. Every host publishes only into a namespace of its own,
 * `<monitoring.namespace>/<host name>` (its role may write no other: CloudWatch scopes PutMetricData by
 * namespace only, not by dimension): its agent's metrics (memoryMetric among them, with dimensions
 * InstanceId and InstanceType) and, on the gateway, the application health of every host (gatewayMetric
 * and nodeMetric, one value per host a minute with dimension Host=<host name>, gateway-watch.sh). So no
 * host can publish a metric that another host's alarm watches, and no node can publish a health value.
 */
export const HOST_METRICS = {
  namespace: (monitoringNamespace: string, hostName: string): string => `${monitoringNamespace}/${hostName}`,
  gatewayMetric: "GatewayHealthy",
  nodeMetric: "NodeConnected",
  memoryMetric: "mem_used_percent",
} as const;

/** Alarm label of a host, as seed 000 writes it: the gateway is "GW", node "node-2" is "Node-2". */
export function alarmLabel(name: string, isGateway: boolean): string {
  return isGateway ? "GW" : name.charAt(0).toUpperCase() + name.slice(1);
}
