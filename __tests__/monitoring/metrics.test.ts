import { alarmLabel, HOST_METRICS } from "../../src/monitoring/metrics";

describe("the hosts' metrics and alarm labels", () => {
  it("labels alarms as seed 000 does", () => {
    expect(alarmLabel("gw", true)).toBe("GW");
    expect(alarmLabel("node", false)).toBe("Node");
    expect(alarmLabel("node-2", false)).toBe("Node-2");
  });

  it("gives every host a namespace of its own under the stack's", () => {
    expect(HOST_METRICS.namespace("OpenClaw/dev", "openclaw-dev-gw")).toBe("OpenClaw/dev/openclaw-dev-gw");
    expect(HOST_METRICS.namespace("OpenClaw/dev", "openclaw-dev-node")).not.toBe(HOST_METRICS.namespace("OpenClaw/dev", "openclaw-dev-gw"));
  });
});
