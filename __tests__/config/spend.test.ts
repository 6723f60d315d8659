import { bedrockSpend, DEFAULT_DAILY_BEDROCK_TOKENS, DEFAULT_DAILY_BEDROCK_USD } from "../../src/config/spend";
import { configWith } from "../helpers";

const problemsOf = (input: Parameters<typeof configWith>[0]) => {
  try {
    configWith(input);
    return [];
  } catch (error) {
    return (error as Error).message.split("\n").slice(1).map((line) => line.trim());
  }
};

describe("budget settings", () => {
  it("default to a $150 budget of the stack's tagged costs and $10 a day of the default model at its pinned price", () => {
    const config = configWith();
    expect(config.budget).toEqual({ monthlyUsd: 150, scope: "stack" });
    expect(bedrockSpend(config)).toEqual({
      modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      region: "us-east-1",
      prices: { inputPerMillion: 3.3, outputPerMillion: 16.5, written: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) },
      limit: { kind: "usd", usd: DEFAULT_DAILY_BEDROCK_USD, prices: expect.objectContaining({ inputPerMillion: 3.3 }) },
    });
  });

  it("take a daily token limit instead, and fall back to one for a model without a pinned price", () => {
    expect(bedrockSpend(configWith({ budget: { dailyBedrockTokens: 123_000 } }))?.limit).toEqual({ kind: "tokens", tokens: 123_000 });
    // The US profiles are billed at the source region's price; the table has none for them in Frankfurt.
    expect(bedrockSpend(configWith({ region: "eu-central-1" }))).toEqual({
      modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      region: "eu-central-1",
      limit: { kind: "tokens", tokens: DEFAULT_DAILY_BEDROCK_TOKENS },
    });
    expect(bedrockSpend(configWith({ iam: { bedrock: false, marketplace: false } }))).toBeUndefined();
    // Called in another region: no alarm can read those metrics, so no limit.
    expect(bedrockSpend(configWith({ openclaw: { bedrockRegion: "us-west-2" } }))).toEqual({
      modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      region: "us-west-2",
      prices: expect.objectContaining({ inputPerMillion: 3.3 }),
    });
  });

  it("refuse bad values and a limit that cannot be made, naming the field and the fix", () => {
    expect(problemsOf({ budget: { monthlyUsd: 0, scope: "team" as "stack" } })).toEqual([
      "- budget.monthlyUsd: must be at least 1 (USD) (got 0)",
      '- budget.scope: must be "stack" or "account" (got "team")',
    ]);
    expect(problemsOf({ budget: { dailyBedrockUsd: 5, dailyBedrockTokens: 100_000 } })).toEqual([
      "- budget.dailyBedrockTokens: must not be set together with budget.dailyBedrockUsd: the token alarm has one limit (keep one of the two) (got 100000)",
    ]);
    expect(problemsOf({ region: "eu-central-1", budget: { dailyBedrockUsd: 5 } })).toEqual([
      "- budget.dailyBedrockUsd: cannot become the token alarm's limit: the price table (src/config/aws-prices.json) has no price for openclaw.model us.anthropic.claude-sonnet-4-5-20250929-v1:0 in eu-central-1; set budget.dailyBedrockTokens instead (the input + output tokens a day that should raise the alarm) (got 5)",
    ]);
    expect(problemsOf({ budget: { dailyBedrockTokens: 10.5 } })).toEqual(["- budget.dailyBedrockTokens: must be a whole number of tokens (got 10.5)"]);
  });
});
