/**
 * The spend settings of a deployment (`budget`): the monthly AWS Budgets budget, and the daily Bedrock
 * token alarm, in tokens or derived from a daily dollar figure and the model's pinned per-token price.
 */
import { z } from "zod";
import { bedrockTokenPrices, type BedrockTokenPrices } from "./bedrock-prices";

/** The `budget` block of the configuration. */
export const budgetFields = z
  .strictObject({
    /**
     * The monthly AWS Budgets cost budget in USD; the alarm topic hears at 80 % of it spent and when the
     * month's forecast passes it. The default sits above what the default deployment costs before
     * Bedrock tokens ([What it costs](cost.md#what-it-costs)), so its 80 % ($120) is crossed only when it
     * costs more than it should: set yours from your stack's `npm run cost` total. @default 150
     */
    monthlyUsd: z
      .number()
      .min(1, { error: "must be at least 1 (USD)" })
      .max(1_000_000_000, { error: "must be at most 1000000000 (USD)" })
      .default(150),
    /**
     * What the budget counts: `"stack"`, the costs tagged `Stack=<stackName>` (a cost allocation tag,
     * counted only once it is active); `"account"`, every cost of the account (a deployment in an account of
     * its own). See [Spend](cost.md#spend) for what each covers. @default "stack"
     */
    scope: z.enum(["stack", "account"], { error: 'must be "stack" or "account"' }).default("stack"),
    /**
     * The token alarm's limit: the day's Bedrock spend in USD (the last 24 hours' tokens of `openclaw.model`,
     * a rolling window, at its pinned per-token price) above which it goes off: a few busy days of chat with
     * Claude Sonnet, and at most about $300 a month unnoticed. @default 10 (when `dailyBedrockTokens` is not set)
     */
    dailyBedrockUsd: z
      .number()
      .positive({ error: "must be more than 0 (USD)" })
      .max(1_000_000, { error: "must be at most 1000000 (USD)" })
      .optional(),
    /**
     * Instead of `dailyBedrockUsd`: the tokens (input + output) in 24 hours above which the token alarm goes
     * off. @default derived from `dailyBedrockUsd`; for a model without a pinned price in its region,
     * `3000000` (about $10 a day of Claude Sonnet 4.5 input at its US price)
     */
    dailyBedrockTokens: z
      .number()
      .int({ error: "must be a whole number of tokens" })
      .min(1000, { error: "must be at least 1000 tokens" })
      .max(1_000_000_000_000, { error: "must be at most 1000000000000 tokens" })
      .optional(),
  })
  .prefault({});

/** The daily dollar figure when neither is set. */
export const DEFAULT_DAILY_BEDROCK_USD = 10;
/** The daily tokens when neither is set and the model has no pinned price: about DEFAULT_DAILY_BEDROCK_USD of Sonnet 4.5 input. */
export const DEFAULT_DAILY_BEDROCK_TOKENS = 3_000_000;

type Budget = z.output<typeof budgetFields>;

/** What the token alarm compares: tokens, or dollars at the model's pinned prices. */
export type DailyBedrockLimit =
  | { readonly kind: "tokens"; readonly tokens: number }
  | { readonly kind: "usd"; readonly usd: number; readonly prices: BedrockTokenPrices };

/** The model the gateway pays per token for, where, its pinned prices and its daily limit. */
export interface BedrockSpend {
  readonly modelId: string;
  /** The region whose bedrock-runtime the gateway calls: it bills the tokens and publishes the AWS/Bedrock metrics. */
  readonly region: string;
  /** The model's pinned prices there, if the table has them. */
  readonly prices?: BedrockTokenPrices;
  /**
   * The token alarm's limit; undefined when the model is called in another region than the stack's:
   * a CloudWatch alarm reads only metrics of its own region.
   */
  readonly limit?: DailyBedrockLimit;
}

/** The parts of a configuration the spend settings depend on. */
export interface SpendInputs {
  readonly region: string;
  readonly iam: { readonly bedrock: boolean };
  readonly openclaw: { readonly model: string | { readonly id: string }; readonly bedrockRegion?: string };
  readonly budget: Budget;
}

/** The model id of `openclaw.model`. */
export function modelIdOf(model: SpendInputs["openclaw"]["model"]): string {
  return typeof model === "string" ? model : model.id;
}

/**
 * The configured model's spend settings, or undefined without Bedrock. Throws when the limit cannot be
 * made (dailyBedrockUsd for a model without a pinned price): the schema reports that first.
 */
export function bedrockSpend(config: SpendInputs): BedrockSpend | undefined {
  if (!config.iam.bedrock) return undefined;
  const modelId = modelIdOf(config.openclaw.model);
  const region = config.openclaw.bedrockRegion ?? config.region;
  const prices = bedrockTokenPrices(region, modelId);
  if (region !== config.region) return { modelId, region, prices };
  const { dailyBedrockTokens, dailyBedrockUsd } = config.budget;
  if (dailyBedrockTokens !== undefined) return { modelId, region, prices, limit: { kind: "tokens", tokens: dailyBedrockTokens } };
  if (prices) return { modelId, region, prices, limit: { kind: "usd", usd: dailyBedrockUsd ?? DEFAULT_DAILY_BEDROCK_USD, prices } };
  if (dailyBedrockUsd !== undefined) throw new Error(`no pinned price for ${modelId} in ${region}: set budget.dailyBedrockTokens`);
  return { modelId, region, limit: { kind: "tokens", tokens: DEFAULT_DAILY_BEDROCK_TOKENS } };
}

/** Problems of the `budget` block against the rest of the configuration (the schema reports them). */
export function budgetIssues(config: SpendInputs): { path: (string | number)[]; input: unknown; message: string }[] {
  const { dailyBedrockTokens, dailyBedrockUsd } = config.budget;
  if (dailyBedrockTokens !== undefined && dailyBedrockUsd !== undefined) {
    return [{ path: ["budget", "dailyBedrockTokens"], input: dailyBedrockTokens, message: "must not be set together with budget.dailyBedrockUsd: the token alarm has one limit (keep one of the two)" }];
  }
  const region = config.openclaw.bedrockRegion ?? config.region;
  if (!config.iam.bedrock || dailyBedrockUsd === undefined || region !== config.region) return [];
  const modelId = modelIdOf(config.openclaw.model);
  if (bedrockTokenPrices(region, modelId)) return [];
  return [
    {
      path: ["budget", "dailyBedrockUsd"],
      input: dailyBedrockUsd,
      message: `cannot become the token alarm's limit: the price table (src/config/aws-prices.json) has no price for openclaw.model ${modelId} in ${region}; set budget.dailyBedrockTokens instead (the input + output tokens a day that should raise the alarm)`,
    },
  ];
}
