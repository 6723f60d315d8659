import { readFileSync } from "node:fs";
import { AGENT_CONFIG_TEMPLATE, agentMetricsPerHost } from "../../src/cost/agent-metrics";

const withMetrics = (metrics: object) => JSON.stringify({ metrics: { namespace: "{{json monitoring.namespace}}", ...metrics } });

describe("agentMetricsPerHost", () => {
  it("counts the real agent config: mem 1, disk on / 1 (CPU is EC2's own metric)", () => {
    const template = readFileSync(AGENT_CONFIG_TEMPLATE, "utf8");
    expect(template).toContain('"mem_used_percent"');
    expect(template).not.toContain('"cpu"');
    expect(agentMetricsPerHost()).toBe(2);
  });

  it("multiplies each measurement by the section's dimension sets", () => {
    expect(
      agentMetricsPerHost(
        withMetrics({
          append_dimensions: { InstanceId: "${aws:InstanceId}" },
          metrics_collected: {
            cpu: { measurement: ["cpu_usage_idle"] },
            disk: { measurement: ["used_percent", { name: "inodes_free", rename: "inodes" }], resources: ["/", "/data"] },
            swap: { measurement: ["swap_used_percent"] },
          },
        }),
      ),
    ).toBe(1 + 2 * 2 + 1);
    expect(agentMetricsPerHost(withMetrics({ metrics_collected: { cpu: { measurement: ["cpu_usage_idle"], totalcpu: false } } }))).toBe(0);
  });

  it("is unknown when the count depends on the host or on roll-ups", () => {
    expect(agentMetricsPerHost(withMetrics({ metrics_collected: { cpu: { measurement: ["cpu_usage_idle"], resources: ["*"] } } }))).toBeNull();
    expect(agentMetricsPerHost(withMetrics({ metrics_collected: { disk: { measurement: ["used_percent"] } } }))).toBeNull();
    expect(agentMetricsPerHost(withMetrics({ metrics_collected: { disk: { measurement: ["used_percent"], resources: ["*"] } } }))).toBeNull();
    expect(
      agentMetricsPerHost(withMetrics({ aggregation_dimensions: [["InstanceId"]], metrics_collected: { mem: { measurement: ["mem_used_percent"] } } })),
    ).toBeNull();
  });
});
