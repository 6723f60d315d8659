import { Construct } from "constructs";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { partitionOf } from "../config/aws-facts";
import type { BedrockTokenPrices } from "../config/bedrock-prices";
import { bedrockMetrics, DAY_SECONDS, spendExpression } from "./bedrock-alarms";
import type { HostMetrics, WatchedMetric } from "./monitoring";

export interface DashboardProps {
  /** The dashboard's name (the stack's prefix). */
  readonly name: string;
  /** The stack's region: the hosts' metrics and the alarms are there. */
  readonly region: string;
  /** Every host by its name, with the metrics the stack watches of it (Monitoring's hostMetrics). */
  readonly hosts: readonly { readonly hostName: string; readonly metrics: HostMetrics }[];
  /** The gateway's model, the region it is called in, and its pinned prices (for the spend today). */
  readonly bedrock?: { readonly modelId: string; readonly region: string; readonly prices?: BedrockTokenPrices };
  /** ARN of every alarm of the stack (in its region). */
  readonly alarmArns: readonly string[];
}

/** Widgets of the 24-column grid. */
const FULL = 24;
const GRAPH_HEIGHT = 6;
/** At most this many hosts in one graph and alarms in one alarm widget (CloudWatch allows 100 alarms a widget). */
export const PER_WIDGET = 100;

type Widget = Record<string, unknown> & { width: number; height: number };

/**
 * One CloudWatch dashboard of the stack: each host's health, CPU, memory and disk; the model's calls,
 * tokens, latency, throttles and errors, and its spend today at the pinned prices; the state of every
 * alarm. Each line is drawn from the same metric definitions the alarms use, so the two cannot drift.
 */
export class Dashboard extends Construct {
  /** The dashboard in the CloudWatch console. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    new CloudwatchDashboard(this, "dashboard", { dashboardName: props.name, dashboardBody: JSON.stringify(dashboardBody(props)) });
    this.url = `${consoleOrigin(props.region)}/cloudwatch/home?region=${props.region}#dashboards/dashboard/${props.name}`;
  }
}

/** The dashboard's body: widgets laid out row by row. */
export function dashboardBody(props: DashboardProps): { widgets: Widget[] } {
  const rows: Widget[][] = [];
  const hostGraph = (title: string, pick: (metrics: HostMetrics) => WatchedMetric, stat: string, period: number, yMax?: number) =>
    chunks(props.hosts, PER_WIDGET).map((hosts, index, all) =>
      graph(`${title}${all.length > 1 ? ` (${index + 1} of ${all.length})` : ""}`, props.region, stat, period, hosts.map((host) => line(pick(host.metrics), { label: host.hostName })), yMax),
    );
  rows.push([
    ...hostGraph("Health: gateway /healthz, node connected (1 = yes)", (metrics) => metrics.health, "Minimum", 60, 1),
    ...chunks(props.alarmArns, PER_WIDGET).map((alarms, index, all) => ({
      type: "alarm",
      width: 12,
      height: GRAPH_HEIGHT,
      properties: { title: `Alarms${all.length > 1 ? ` (${index + 1} of ${all.length})` : ""}`, alarms, sortBy: "stateUpdatedTimestamp" },
    })),
  ]);
  rows.push([
    ...hostGraph("CPU % (EC2)", (metrics) => metrics.cpu, "Average", 300, 100),
    ...hostGraph("Memory %", (metrics) => metrics.memory, "Average", 300, 100),
    ...hostGraph("Disk / %", (metrics) => metrics.disk, "Average", 300, 100),
  ]);
  if (props.bedrock) rows.push(...bedrockRows(props.bedrock));
  return { widgets: layOut(rows) };
}

function bedrockRows(bedrock: NonNullable<DashboardProps["bedrock"]>): Widget[][] {
  const { region, modelId, prices } = bedrock;
  const metrics = bedrockMetrics(modelId);
  const spend: Widget = prices
    ? {
        type: "metric",
        width: 6,
        height: GRAPH_HEIGHT,
        properties: {
          title: `Bedrock spend today (UTC), at $${prices.inputPerMillion}/$${prices.outputPerMillion} per million input/output tokens (prices of ${prices.written})`,
          view: "singleValue",
          region,
          period: DAY_SECONDS,
          stat: "Sum",
          metrics: [
            [{ expression: spendExpression(prices), label: "USD", id: "spend" }],
            line(metrics.inputTokens, { id: "input", visible: false }),
            line(metrics.outputTokens, { id: "output", visible: false }),
          ],
        },
      }
    : { type: "text", width: 6, height: GRAPH_HEIGHT, properties: { markdown: `### Bedrock spend\nNo pinned price for \`${modelId}\` in ${region}: see the tokens.` } };
  return [
    [
      graph(`Bedrock ${modelId}: invocations`, region, "Sum", 300, [line(metrics.invocations)]),
      graph("Bedrock tokens in and out", region, "Sum", 300, [line(metrics.inputTokens, { label: "input" }), line(metrics.outputTokens, { label: "output" })]),
      spend,
    ],
    [
      graph("Bedrock latency (ms)", region, "Average", 300, [line(metrics.latency, { label: "average" }), line(metrics.latency, { label: "p90", stat: "p90" })]),
      graph("Bedrock throttles and errors", region, "Sum", 300, [
        line(metrics.throttles, { label: "throttled" }),
        line(metrics.clientErrors, { label: "client errors" }),
        line(metrics.serverErrors, { label: "server errors" }),
      ]),
    ],
  ];
}

/** A metric as a dashboard line: [namespace, name, dimension, value, ..., options]. */
function line(metric: WatchedMetric, options: Record<string, unknown> = {}): unknown[] {
  return [metric.namespace, metric.metricName, ...Object.entries(metric.dimensions).flat(), ...(Object.keys(options).length > 0 ? [options] : [])];
}

function graph(title: string, region: string, stat: string, period: number, metrics: unknown[][], yMax?: number): Widget {
  return {
    type: "metric",
    width: 8,
    height: GRAPH_HEIGHT,
    properties: {
      title,
      view: "timeSeries",
      region,
      stat,
      period,
      metrics,
      ...(yMax !== undefined ? { yAxis: { left: { min: 0, max: yMax } } } : {}),
    },
  };
}

/** Places the widgets row by row, left to right, wrapping at the grid's width. */
function layOut(rows: Widget[][]): Widget[] {
  const placed: Widget[] = [];
  let y = 0;
  for (const row of rows) {
    let x = 0;
    let height = 0;
    for (const widget of row) {
      if (x + widget.width > FULL) {
        y += height;
        x = 0;
        height = 0;
      }
      placed.push({ ...widget, x, y });
      x += widget.width;
      height = Math.max(height, widget.height);
    }
    y += height;
  }
  return placed;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}

/** The AWS console of the region's partition. */
function consoleOrigin(region: string): string {
  const partition = partitionOf(region);
  if (partition === "aws-cn") return "https://console.amazonaws.cn";
  if (partition === "aws-us-gov") return "https://console.amazonaws-us-gov.com";
  return `https://${region}.console.aws.amazon.com`;
}
