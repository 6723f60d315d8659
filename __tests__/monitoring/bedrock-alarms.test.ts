import { BedrockAlarms, type BedrockAlarmsProps } from "../../src/monitoring/bedrock-alarms";
import { propertiesOf } from "../helpers";
import { synthConstruct } from "../constructs/bare-stack";

const MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:openclaw-alarms";
const prices = { inputPerMillion: 3.3, outputPerMillion: 16.5, written: "2026-12-04" };

function synthAlarms(limit: BedrockAlarmsProps["limit"]) {
  const { tf, exposed } = synthConstruct((stack) => {
    const alarms = new BedrockAlarms(stack, "bedrock", { alarmPrefix: "OpenClaw", topicArn: TOPIC, modelId: MODEL, limit });
    return Object.fromEntries(alarms.alarmArns.map((arn, index) => [`arn${index}`, arn]));
  });
  return { alarms: Object.fromEntries(propertiesOf(tf, "aws_cloudwatch_metric_alarm").map((alarm) => [alarm.alarm_name, alarm])), arns: Object.values(exposed) };
}

const tokenSum = (metricName: string) => ({ namespace: "AWS/Bedrock", metric_name: metricName, dimensions: { ModelId: MODEL }, stat: "Sum", period: 86400 });

describe("BedrockAlarms", () => {
  it("given a daily dollar limit and the model's prices, when synthesized, then it alarms on the last 24 hours' tokens priced at them", () => {
    const { alarms, arns } = synthAlarms({ kind: "usd", usd: 10, prices });
    expect(Object.keys(alarms).sort()).toEqual(["OpenClaw-Bedrock-ClientErrors", "OpenClaw-Bedrock-DailyTokens", "OpenClaw-Bedrock-ServerErrors", "OpenClaw-Bedrock-Throttles"]);
    expect(arns).toHaveLength(4);
    expect(alarms["OpenClaw-Bedrock-DailyTokens"]).toMatchObject({
      threshold: 10,
      comparison_operator: "GreaterThanThreshold",
      evaluation_periods: 1,
      treat_missing_data: "notBreaching",
      alarm_actions: [TOPIC],
      ok_actions: [TOPIC],
      metric_query: [
        { id: "spend", expression: "(input * 3.3 + output * 16.5) / 1000000", return_data: true },
        { id: "input", metric: tokenSum("InputTokenCount") },
        { id: "output", metric: tokenSum("OutputTokenCount") },
      ],
    });
    // 3.03 million input tokens cost $10: over the limit is over $10, whatever the mix.
    const spend = (input: number, output: number) => (input * 3.3 + output * 16.5) / 1e6;
    expect(spend(3_030_304, 0)).toBeGreaterThan(10);
    expect(spend(0, 606_060)).toBeLessThan(10);
  });

  it("given a daily token limit, when synthesized, then it alarms on input + output tokens over it", () => {
    const { alarms } = synthAlarms({ kind: "tokens", tokens: 2_000_000 });
    expect(alarms["OpenClaw-Bedrock-DailyTokens"]).toMatchObject({
      threshold: 2_000_000,
      alarm_description: `${MODEL}: over 2000000 tokens (input + output) in 24 hours`,
      metric_query: [{ id: "tokens", expression: "input + output" }, { id: "input" }, { id: "output" }],
    });
  });

  it("given the model, when synthesized, then throttles, client and server errors alarm per 5 minutes, no calls being fine", () => {
    const { alarms } = synthAlarms({ kind: "tokens", tokens: 2_000_000 });
    for (const [name, metric, threshold] of [
      ["OpenClaw-Bedrock-Throttles", "InvocationThrottles", 5],
      ["OpenClaw-Bedrock-ClientErrors", "InvocationClientErrors", 1],
      ["OpenClaw-Bedrock-ServerErrors", "InvocationServerErrors", 3],
    ] as const) {
      expect(alarms[name]).toMatchObject({
        namespace: "AWS/Bedrock",
        metric_name: metric,
        dimensions: { ModelId: MODEL },
        statistic: "Sum",
        period: 300,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        threshold,
        treat_missing_data: "notBreaching",
        alarm_actions: [TOPIC],
      });
    }
  });
});
