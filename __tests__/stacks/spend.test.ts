/**
 * The stack's spend box: the budget, the model's alarms and the dashboard, composed from the
 * configuration; and the dashboard checked against what the hosts really emit (the CloudWatch agent
 * config and the watch timer's environment, rendered from the same configuration).
 */
import { renderGatewayHost } from "../../src/gateway/gateway-context";
import { renderNodeHost } from "../../src/node/node-context";
import { HOST_LAYOUT } from "../../src/host/layout";
import { configWith, propertiesOf, resourcesOf, synthStack, type TerraformJson } from "../helpers";
import { contextsFor, RESOLVED_ADDRESSES } from "../hosts/fixtures";
import { fileContent } from "../hosts/helpers";

type Line = (string | Record<string, unknown>)[];
interface Widget {
  type: string;
  properties: { title?: string; metrics?: Line[]; alarms?: string[]; region?: string };
}

/**
 * The dashboard's widgets. Its body is a Terraform template: a reference to a node's copy
 * (`${aws_instance.node["node-1"].id}`) holds quotes that only Terraform's evaluation turns into JSON.
 */
function dashboardOf(tf: TerraformJson): Widget[] {
  const [dashboard] = propertiesOf(tf, "aws_cloudwatch_dashboard");
  const body = String(dashboard.dashboard_body).replace(/\$\{[^}]*\}/g, (reference) => reference.replaceAll('"', '\\"'));
  return (JSON.parse(body) as { widgets: Widget[] }).widgets;
}

/** The lines of the widgets whose title starts so, as { namespace, metricName, dimensions }. */
function linesOf(widgets: Widget[], title: string) {
  return widgets
    .filter((widget) => widget.properties.title?.startsWith(title))
    .flatMap((widget) => widget.properties.metrics ?? [])
    .map((line) => {
      const parts = line.filter((part): part is string => typeof part === "string");
      const [namespace, metricName, ...pairs] = parts;
      const dimensions = Object.fromEntries(Array.from({ length: pairs.length / 2 }, (_, index) => [pairs[2 * index], pairs[2 * index + 1]]));
      return { namespace, metricName, dimensions };
    });
}

function hostEnv(content: string): Record<string, string> {
  return Object.fromEntries(content.split("\n").flatMap((line) => {
    const match = /^([A-Z_][A-Z0-9_]*)='([^']*)'$/.exec(line);
    return match ? [[match[1], match[2]]] : [];
  }));
}

describe("the dashboard against what the hosts emit", () => {
  const input = { nodes: [{ name: "node-1" }, { name: "arm", instanceType: "t4g.small" }] };
  const { tf } = synthStack(input);
  const widgets = dashboardOf(tf);
  const contexts = contextsFor(configWith(input), RESOLVED_ADDRESSES);
  const gateway = renderGatewayHost(contexts.gateway);
  const rendered = [gateway, ...contexts.nodes.map(renderNodeHost)];
  const instances = resourcesOf(tf, "aws_instance");
  const instanceOf = (hostName: string) => {
    const found = instances.find(([, instance]) => (instance.tags as Record<string, string>).Name === hostName);
    if (!found) throw new Error(`no instance ${hostName}`);
    return { id: `\${aws_instance.${found[0]}.id}`, type: String(found[1].instance_type) };
  };

  it("draws each host's memory and root disk as its CloudWatch agent publishes them: namespace, name and every dimension", () => {
    for (const [index, host] of rendered.entries()) {
      const hostName = index === 0 ? contexts.gateway.hostName : contexts.nodes[index - 1].hostName;
      const agent = JSON.parse(fileContent(host, "/etc/openclaw-aws/amazon-cloudwatch-agent.json")) as {
        metrics: { namespace: string; append_dimensions: Record<string, string>; metrics_collected: Record<string, { measurement: string[]; resources?: string[]; drop_device?: boolean }> };
      };
      const { namespace, append_dimensions: appended, metrics_collected: collected } = agent.metrics;
      // The agent fills these in from the instance it runs on.
      expect(appended).toEqual({ InstanceId: "${aws:InstanceId}", InstanceType: "${aws:InstanceType}" });
      const instance = instanceOf(hostName);
      const own = { InstanceId: instance.id, InstanceType: instance.type };
      expect(collected.mem.measurement).toContain("mem_used_percent");
      expect(linesOf(widgets, "Memory")).toContainEqual({ namespace, metricName: "mem_used_percent", dimensions: own });
      // A disk metric's dimensions: the mount (resources), its file system type, and no device (drop_device).
      expect(collected.disk).toMatchObject({ measurement: ["disk_used_percent"], resources: ["/"], drop_device: true });
      expect(linesOf(widgets, "Disk")).toContainEqual({ namespace, metricName: "disk_used_percent", dimensions: { ...own, path: "/", fstype: "xfs" } });
      expect(linesOf(widgets, "CPU")).toContainEqual({ namespace: "AWS/EC2", metricName: "CPUUtilization", dimensions: { InstanceId: instance.id } });
    }
  });

  it("draws each host's health as the gateway's watch timer publishes it: its namespace, metric names and Host dimension", () => {
    const env = hostEnv(fileContent(gateway, HOST_LAYOUT.hostEnv));
    const health = linesOf(widgets, "Health");
    expect(health).toEqual([
      { namespace: env.OPENCLAW_AWS_METRICS_NAMESPACE, metricName: env.OPENCLAW_AWS_METRIC_GATEWAY_HEALTHY, dimensions: { Host: env.OPENCLAW_AWS_HOST_NAME } },
      // The timer names each node by its display name in OpenClaw: the node's host name.
      ...contexts.nodes.map((node) => ({ namespace: env.OPENCLAW_AWS_METRICS_NAMESPACE, metricName: env.OPENCLAW_AWS_METRIC_NODE_CONNECTED, dimensions: { Host: node.hostName } })),
    ]);
  });

  it("shows the state of every alarm of the stack", () => {
    const alarms = widgets.filter((widget) => widget.type === "alarm").flatMap((widget) => widget.properties.alarms ?? []);
    expect(alarms.sort()).toEqual(Object.keys(tf.resource.aws_cloudwatch_metric_alarm).map((id) => `\${aws_cloudwatch_metric_alarm.${id}.arn}`).sort());
    expect(tf.output.dashboard_url.value).toBe("https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/openclaw");
  });
});

describe("the spend box of the stack", () => {
  const alarmNames = (tf: TerraformJson) => propertiesOf(tf, "aws_cloudwatch_metric_alarm").map((alarm) => String(alarm.alarm_name));

  it("budgets the stack's tagged costs by default, and the account's with scope account", () => {
    const [tagged] = propertiesOf(synthStack({ stackName: "dev" }).tf, "aws_budgets_budget");
    expect(tagged).toMatchObject({ name: "openclaw-dev", limit_amount: "150", cost_filter: [{ name: "TagKeyValue", values: ["user:Stack$dev"] }] });
    const [account] = propertiesOf(synthStack({ budget: { scope: "account", monthlyUsd: 60 } }).tf, "aws_budgets_budget");
    expect(account).toMatchObject({ name: "openclaw", limit_amount: "60" });
    expect(account.cost_filter).toBeUndefined();
  });

  it("turns the budget and the model's daily limit from the configuration into the token alarm", () => {
    const daily = (input: Parameters<typeof synthStack>[0]) =>
      propertiesOf(synthStack(input).tf, "aws_cloudwatch_metric_alarm").find((alarm) => alarm.alarm_name === "OpenClaw-Bedrock-DailyTokens");
    expect(daily({})).toMatchObject({ threshold: 10, metric_query: [{ expression: "(input * 3.3 + output * 16.5) / 1000000" }, {}, {}] });
    expect(daily({ budget: { dailyBedrockUsd: 2.5 }, openclaw: { model: "us.anthropic.claude-haiku-4-5-20251001-v1:0" } })).toMatchObject({
      threshold: 2.5,
      metric_query: [{ expression: "(input * 1.1 + output * 5.5) / 1000000" }, { metric: { dimensions: { ModelId: "us.anthropic.claude-haiku-4-5-20251001-v1:0" } } }, {}],
    });
    expect(daily({ budget: { dailyBedrockTokens: 500_000 } })).toMatchObject({ threshold: 500_000, metric_query: [{ expression: "input + output" }, {}, {}] });
    // A model the table has no price for: the daily tokens, the configured or the default.
    const custom = { openclaw: { model: { id: "us.writer.palmyra-x5-v1:0", contextWindow: 1_000_000, maxTokens: 8192 } } };
    expect(daily(custom)).toMatchObject({ threshold: 3_000_000, metric_query: [{ expression: "input + output" }, {}, {}] });
    expect(() => synthStack({ ...custom, budget: { dailyBedrockUsd: 5 } })).toThrow(/budget\.dailyBedrockUsd: cannot become the token alarm's limit: the price table .* has no price for openclaw\.model us\.writer\.palmyra-x5-v1:0 in us-east-1; set budget\.dailyBedrockTokens instead/);
  });

  it("has no model alarms without Bedrock, nor where the model is called in another region (an alarm reads only its own region)", () => {
    const without = synthStack({ iam: { bedrock: false, marketplace: false } }).tf;
    expect(alarmNames(without).filter((name) => name.includes("Bedrock"))).toEqual([]);
    expect(linesOf(dashboardOf(without), "Bedrock")).toEqual([]);
    const elsewhere = synthStack({ openclaw: { bedrockRegion: "us-west-2" } }).tf;
    expect(alarmNames(elsewhere).filter((name) => name.includes("Bedrock"))).toEqual([]);
    const model = dashboardOf(elsewhere).filter((widget) => widget.properties.title?.startsWith("Bedrock"));
    expect(model.length).toBeGreaterThan(0);
    for (const widget of model) expect(widget.properties.region).toBe("us-west-2");
  });

  it("makes no dashboard with monitoring.dashboard false, and no budget on the emulator (moto lacks what the provider reads back)", () => {
    const { tf } = synthStack({ monitoring: { dashboard: false } });
    expect(tf.resource.aws_cloudwatch_dashboard).toBeUndefined();
    expect(tf.output.dashboard_url).toBeUndefined();
    const local = synthStack({ target: { kind: "local", endpoint: "http://127.0.0.1:5000" } }).tf;
    expect(local.resource.aws_budgets_budget).toBeUndefined();
    const [policy] = propertiesOf(local, "aws_sns_topic_policy");
    expect(String(policy.policy)).not.toContain("budgets.amazonaws.com");
    const [real] = propertiesOf(synthStack().tf, "aws_sns_topic_policy");
    expect(JSON.parse(String(real.policy)).Statement[2]).toMatchObject({
      Sid: "BudgetPublishes",
      Condition: { ArnLike: { "aws:SourceArn": "arn:${data.aws_partition.partition.partition}:budgets::${data.aws_caller_identity.caller.account_id}:budget/openclaw" } },
    });
  });
});
