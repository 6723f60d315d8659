import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { DailyBedrockLimit } from "../config/spend";
import type { BedrockTokenPrices } from "../config/bedrock-prices";
import type { WatchedMetric } from "./monitoring";

/**
 * The AWS/Bedrock metrics of one model, per ModelId: the id the request names ("Monitor bedrock-runtime
 * inference using CloudWatch metrics", Amazon Bedrock User Guide). For a system-defined cross-region
 * inference profile that is the profile's id (`us.anthropic...`), published in the region the gateway
 * calls (the source region, which also bills the tokens), whichever region served the request; dashboards
 * built on these metrics name the profile id the same way. Only real AWS can show it: the emulator has
 * no Bedrock metrics.
 */
export function bedrockMetrics(modelId: string) {
  const metric = (metricName: string): WatchedMetric => ({ namespace: "AWS/Bedrock", metricName, dimensions: { ModelId: modelId } });
  return {
    invocations: metric("Invocations"),
    inputTokens: metric("InputTokenCount"),
    outputTokens: metric("OutputTokenCount"),
    latency: metric("InvocationLatency"),
    throttles: metric("InvocationThrottles"),
    clientErrors: metric("InvocationClientErrors"),
    serverErrors: metric("InvocationServerErrors"),
  } as const;
}

/** Metric math of a day's spend in USD from the token sums `input` and `output`, at pinned prices. */
export function spendExpression(prices: BedrockTokenPrices, input = "input", output = "output"): string {
  return `(${input} * ${prices.inputPerMillion} + ${output} * ${prices.outputPerMillion}) / 1000000`;
}

/** Seconds in the token alarm's window: the last 24 hours, advancing each time the alarm is evaluated. */
export const DAY_SECONDS = 86_400;

export interface BedrockAlarmsProps {
  /** Starts every alarm name, e.g. "OpenClaw". */
  readonly alarmPrefix: string;
  /** Where the alarms notify. */
  readonly topicArn: string;
  /** The model id the gateway calls (its metrics' ModelId). */
  readonly modelId: string;
  /** The daily limit: tokens, or dollars at the model's pinned prices. */
  readonly limit: DailyBedrockLimit;
}

/**
 * A guard on the model's bill that does not wait for billing data: the day's tokens (or their price)
 * over the limit, throttling, and failed calls, each notifying the alarm topic. No calls means no data,
 * which is fine ("not breaching").
 */
export class BedrockAlarms extends Construct {
  /** ARN of each alarm, for the dashboard. */
  readonly alarmArns: string[] = [];

  constructor(scope: Construct, id: string, props: BedrockAlarmsProps) {
    super(scope, id);
    const metrics = bedrockMetrics(props.modelId);
    const common = { alarmActions: [props.topicArn], okActions: [props.topicArn], treatMissingData: "notBreaching" };
    const name = (suffix: string) => `${props.alarmPrefix}-Bedrock-${suffix}`;
    const tokens = (id: string, metric: WatchedMetric) => ({ id, metric: { ...metric, stat: "Sum", period: DAY_SECONDS } });

    const { limit } = props;
    const daily = new CloudwatchMetricAlarm(this, "daily-tokens", {
      ...common,
      alarmName: name("DailyTokens"),
      alarmDescription:
        limit.kind === "usd"
          ? `${props.modelId}: over $${limit.usd} of tokens in 24 hours at $${limit.prices.inputPerMillion}/$${limit.prices.outputPerMillion} per million input/output tokens (prices of ${limit.prices.written})`
          : `${props.modelId}: over ${limit.tokens} tokens (input + output) in 24 hours`,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 1,
      threshold: limit.kind === "usd" ? limit.usd : limit.tokens,
      metricQuery: [
        {
          id: limit.kind === "usd" ? "spend" : "tokens",
          expression: limit.kind === "usd" ? spendExpression(limit.prices) : "input + output",
          label: limit.kind === "usd" ? "USD of tokens in 24 hours" : "Tokens in 24 hours",
          returnData: true,
        },
        tokens("input", metrics.inputTokens),
        tokens("output", metrics.outputTokens),
      ],
    });
    this.alarmArns.push(daily.arn);

    const count = (suffix: string, description: string, metric: WatchedMetric, threshold: number) => {
      const alarm = new CloudwatchMetricAlarm(this, suffix.toLowerCase(), {
        ...common,
        alarmName: name(suffix),
        alarmDescription: `${props.modelId}: ${description}`,
        ...metric,
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold,
      });
      this.alarmArns.push(alarm.arn);
    };
    // A loop or a busy group hits the account's quota first: the SDK retries, so a few are normal.
    count("Throttles", "5 or more throttled calls in 5 minutes", metrics.throttles, 5);
    // Access denied, model not enabled, a bad request: every one is a reply the user did not get.
    count("ClientErrors", "a call failed on the client side (access, model access, request) in 5 minutes", metrics.clientErrors, 1);
    count("ServerErrors", "3 or more calls failed on Bedrock's side in 5 minutes", metrics.serverErrors, 3);
  }
}
