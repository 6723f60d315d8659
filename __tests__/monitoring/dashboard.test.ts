import { bedrockMetrics } from "../../src/monitoring/bedrock-alarms";
import { Dashboard, PER_WIDGET, type DashboardProps } from "../../src/monitoring/dashboard";
import { hostMetrics } from "../../src/monitoring/monitoring";
import { propertiesOf } from "../helpers";
import { synthConstruct } from "../constructs/bare-stack";

const MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const host = (hostName: string, instanceId: string, healthMetric: string) => ({
  hostName,
  metrics: hostMetrics("OpenClaw/openclaw-gw", { instanceId, instanceType: "t3.small", hostName, metricsNamespace: `OpenClaw/${hostName}`, healthMetric }),
});

const props: DashboardProps = {
  name: "openclaw",
  region: "us-east-1",
  hosts: [host("openclaw-gw", "i-gw", "GatewayHealthy"), host("openclaw-node", "i-node", "NodeConnected")],
  bedrock: { modelId: MODEL, region: "us-east-1", prices: { inputPerMillion: 3.3, outputPerMillion: 16.5, written: "2026-12-04" } },
  alarmArns: ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:OpenClaw-GW-CPU-High", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:OpenClaw-Bedrock-DailyTokens"],
};

interface Widget {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: { title?: string; metrics?: unknown[][]; alarms?: string[]; region?: string; view?: string; period?: number; markdown?: string };
}

function synthDashboard(overrides: Partial<DashboardProps> = {}) {
  const { tf, exposed } = synthConstruct((stack) => ({ url: new Dashboard(stack, "dashboard", { ...props, ...overrides }).url }));
  const [dashboard] = propertiesOf(tf, "aws_cloudwatch_dashboard");
  const body = JSON.parse(String(dashboard.dashboard_body)) as { widgets: Widget[] };
  const titled = (start: string) => body.widgets.filter((widget) => widget.properties.title?.startsWith(start));
  return { name: dashboard.dashboard_name, widgets: body.widgets, titled, url: exposed.url };
}

/** A metric as the dashboard writes it: [namespace, name, dimension, value, ...]. */
const asLine = (metric: { namespace: string; metricName: string; dimensions: Readonly<Record<string, string>> }) => [metric.namespace, metric.metricName, ...Object.entries(metric.dimensions).flat()];

describe("Dashboard", () => {
  it("given two hosts, when synthesized, then each host's health, CPU, memory and disk are drawn from the metrics the alarms watch", () => {
    const { name, titled, url } = synthDashboard();
    expect(name).toBe("openclaw");
    expect(url).toBe("https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/openclaw");
    for (const [title, pick] of [
      ["Health", "health"],
      ["CPU", "cpu"],
      ["Memory", "memory"],
      ["Disk", "disk"],
    ] as const) {
      const [widget] = titled(title);
      expect(widget.properties.region).toBe("us-east-1");
      expect(widget.properties.metrics).toEqual(props.hosts.map((each) => [...asLine(each.metrics[pick]), { label: each.hostName }]));
    }
  });

  it("given the model and its prices, when synthesized, then it draws its calls, tokens, latency, throttles and errors, and the spend today at those prices", () => {
    const { titled } = synthDashboard();
    const metrics = bedrockMetrics(MODEL);
    const lines = (title: string) => titled(title)[0].properties.metrics!.map((line) => line.filter((part) => typeof part === "string"));
    expect(lines("Bedrock us.anthropic")).toEqual([asLine(metrics.invocations)]);
    expect(lines("Bedrock tokens")).toEqual([asLine(metrics.inputTokens), asLine(metrics.outputTokens)]);
    expect(lines("Bedrock latency")).toEqual([asLine(metrics.latency), asLine(metrics.latency)]);
    expect(lines("Bedrock throttles")).toEqual([asLine(metrics.throttles), asLine(metrics.clientErrors), asLine(metrics.serverErrors)]);
    const [spend] = titled("Bedrock spend today");
    expect(spend.properties).toMatchObject({ view: "singleValue", period: 86400, region: "us-east-1" });
    expect(spend.properties.metrics).toEqual([
      [{ expression: "(input * 3.3 + output * 16.5) / 1000000", label: "USD", id: "spend" }],
      [...asLine(metrics.inputTokens), { id: "input", visible: false }],
      [...asLine(metrics.outputTokens), { id: "output", visible: false }],
    ]);
  });

  it("given the alarms, when synthesized, then one widget shows their states; widgets lie on the 24-column grid without overlapping", () => {
    const { widgets, titled } = synthDashboard();
    expect(titled("Alarms").map((widget) => widget.properties.alarms)).toEqual([props.alarmArns]);
    for (const widget of widgets) expect(widget.x + widget.width).toBeLessThanOrEqual(24);
    const cells = widgets.flatMap((widget) =>
      Array.from({ length: widget.width * widget.height }, (_, index) => `${widget.x + (index % widget.width)},${widget.y + Math.floor(index / widget.width)}`),
    );
    expect(new Set(cells).size).toBe(cells.length);
  });

  it("given 250 nodes and their alarms, when synthesized, then hosts and alarms are split into widgets of at most 100", () => {
    const hosts = [props.hosts[0], ...Array.from({ length: 250 }, (_, index) => host(`openclaw-node-${index}`, `i-${index}`, "NodeConnected"))];
    const alarmArns = hosts.flatMap((each) => [`arn:aws:cloudwatch:us-east-1:1:alarm:${each.hostName}-a`, `arn:aws:cloudwatch:us-east-1:1:alarm:${each.hostName}-b`]);
    const { titled } = synthDashboard({ hosts, alarmArns });
    expect(titled("CPU").map((widget) => widget.properties.metrics!.length)).toEqual([PER_WIDGET, PER_WIDGET, 51]);
    expect(titled("Alarms").map((widget) => widget.properties.alarms!.length)).toEqual([100, 100, 100, 100, 100, 2]);
  });

  it("given no Bedrock, or a model without a pinned price in another region, when synthesized, then there is no model row, or no spend figure", () => {
    expect(synthDashboard({ bedrock: undefined }).titled("Bedrock")).toEqual([]);
    const { widgets, titled } = synthDashboard({ bedrock: { modelId: "eu.x-v1:0", region: "eu-west-1" } });
    expect(titled("Bedrock tokens")[0].properties.region).toBe("eu-west-1");
    expect(titled("Bedrock spend today")).toEqual([]);
    expect(widgets.some((widget) => widget.properties.markdown?.includes("No pinned price for `eu.x-v1:0` in eu-west-1"))).toBe(true);
  });

  it("given a region of another partition, when synthesized, then the link is to that partition's console", () => {
    expect(synthDashboard({ region: "us-gov-west-1" }).url).toBe("https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#dashboards/dashboard/openclaw");
    expect(synthDashboard({ region: "cn-north-1" }).url).toBe("https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1#dashboards/dashboard/openclaw");
  });
});
