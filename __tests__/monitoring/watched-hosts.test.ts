import { deploymentOf } from "../../src/config/hosts";
import { metricsHosts, watchedGateway, watchedNodes } from "../../src/monitoring/watched-hosts";
import { configWith } from "../helpers";

const deployment = deploymentOf(configWith({ stackName: "dev", nodes: [{ name: "node-1" }, { name: "arm", instanceType: "t4g.small" }] }));

describe("the hosts as the alarms and the dashboard watch them", () => {
  it("given a deployment, when its gateway is watched, then it is seed 000's GW with a memory alarm, in its own namespace, on its /healthz", () => {
    expect(watchedGateway(deployment, "i-gw")).toEqual({
      label: "GW",
      instanceId: "i-gw",
      instanceType: "t3.medium",
      metricsNamespace: "OpenClaw/openclaw-dev-gw",
      memoryAlarm: true,
      health: { metricName: "GatewayHealthy", hostName: "openclaw-dev-gw", description: "the gateway's /healthz failed" },
    });
  });

  it("given two nodes, when they are watched, then each is labelled by its name, in a namespace of its own, by its connection", () => {
    const fleet = watchedNodes(deployment, "node", "${aws_instance.node[each.key].id}");
    expect(fleet.hosts).toEqual({
      "node-1": { label: "Node-1", instanceType: "t3.small", hostName: "openclaw-dev-node-1", metricsNamespace: "OpenClaw/openclaw-dev-node-1" },
      arm: { label: "Arm", instanceType: "t4g.small", hostName: "openclaw-dev-arm", metricsNamespace: "OpenClaw/openclaw-dev-arm" },
    });
    expect(fleet).toMatchObject({ resourceName: "node", memoryAlarm: false, health: { metricName: "NodeConnected" } });
  });

  it("given instance ids, when the dashboard's hosts are listed, then the gateway comes first and every node has its own id and health metric", () => {
    const hosts = metricsHosts(deployment, "i-gw", (name) => `i-${name}`);
    expect(hosts.map(({ hostName, instanceId, healthMetric }) => [hostName, instanceId, healthMetric])).toEqual([
      ["openclaw-dev-gw", "i-gw", "GatewayHealthy"],
      ["openclaw-dev-node-1", "i-node-1", "NodeConnected"],
      ["openclaw-dev-arm", "i-arm", "NodeConnected"],
    ]);
  });
});
