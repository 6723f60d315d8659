/**
 * Amazon Bedrock models the gateway can be configured with by id alone: their token limits, which the
 * Bedrock APIs do not report. The context windows are the Bedrock provider plugin's own
 * (@openclaw/amazon-bedrock-provider 2026.9.6, discovery.js KNOWN_CONTEXT_WINDOWS, checked 2026-12-04;
 * its source: extensions/amazon-bedrock/discovery.ts in openclaw/openclaw). Ids are the US
 * cross-region inference profiles (`us.` prefix); the profile routes to the foundation model
 * `<id without us.>` in several US regions. Another geography (`eu.`, `apac.`, `jp.`, `au.`, `global.`)
 * or any other id: `{ "id", "contextWindow", "maxTokens" }` (see docs/troubleshooting.md#models).
 * maxTokens: the plugin's output cap for the Claude 5 family (128,000); for the others 8192, the value
 * OpenClaw's docs use, which OpenClaw treats as "no cap of our own" for adaptive-thinking models.
 */
import type { AwsEnvironment } from "../aws-environment";

export interface BedrockModel {
  readonly name: string;
  readonly contextWindow: number;
  readonly maxTokens: number;
  readonly input: readonly ("text" | "image")[];
}

const claude = (name: string, contextWindow = 200_000, maxTokens = 8192): BedrockModel => ({ name, contextWindow, maxTokens, input: ["text", "image"] });
/** The Claude 5 family: 1M tokens of context, 128k of output. */
const claude5 = (name: string): BedrockModel => claude(name, 1_000_000, 128_000);
const text = (name: string, contextWindow: number): BedrockModel => ({ name, contextWindow, maxTokens: 8192, input: ["text"] });

export const BEDROCK_MODELS: Readonly<Record<string, BedrockModel>> = {
  "us.anthropic.claude-sonnet-4-5-20250929-v1:0": claude("Claude Sonnet 4.5"),
  "us.anthropic.claude-sonnet-5": claude5("Claude Sonnet 5"),
  "us.anthropic.claude-opus-5": claude5("Claude Opus 5"),
  "us.anthropic.claude-fable-5": claude5("Claude Fable 5"),
  "us.anthropic.claude-opus-4-8": claude("Claude Opus 4.8", 1_000_000),
  "us.anthropic.claude-opus-4-7": claude("Claude Opus 4.7", 1_000_000),
  "us.anthropic.claude-haiku-4-5-20251001-v1:0": claude("Claude Haiku 4.5"),
  "us.anthropic.claude-opus-4-5-20251101-v1:0": claude("Claude Opus 4.5"),
  "us.anthropic.claude-opus-4-1-20250805-v1:0": claude("Claude Opus 4.1"),
  "us.anthropic.claude-sonnet-4-20250514-v1:0": claude("Claude Sonnet 4"),
  "us.anthropic.claude-sonnet-4-6": claude("Claude Sonnet 4.6", 1_000_000),
  "us.anthropic.claude-opus-4-6-v1": claude("Claude Opus 4.6", 1_000_000),
  "us.amazon.nova-premier-v1:0": { name: "Amazon Nova Premier", contextWindow: 1_000_000, maxTokens: 8192, input: ["text", "image"] },
  "us.amazon.nova-pro-v1:0": { name: "Amazon Nova Pro", contextWindow: 300_000, maxTokens: 8192, input: ["text", "image"] },
  "us.amazon.nova-lite-v1:0": { name: "Amazon Nova Lite", contextWindow: 300_000, maxTokens: 8192, input: ["text", "image"] },
  "us.amazon.nova-micro-v1:0": text("Amazon Nova Micro", 128_000),
  "us.meta.llama4-maverick-17b-instruct-v1:0": text("Llama 4 Maverick 17B", 1_000_000),
  "us.meta.llama4-scout-17b-instruct-v1:0": text("Llama 4 Scout 17B", 512_000),
  "us.meta.llama3-3-70b-instruct-v1:0": text("Llama 3.3 70B", 128_000),
  "us.deepseek.r1-v1:0": text("DeepSeek R1", 128_000),
};

/** A current Claude Sonnet through its US cross-region inference profile. */
export const DEFAULT_BEDROCK_MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

/** The foundation model a cross-region profile routes to: the id without its geography prefix. */
export function foundationModelOf(modelId: string): string {
  return modelId.replace(/^(us|eu|apac|ap|au|jp|ca|global)\./, "");
}

/** Whether the id is a system-defined cross-region inference profile (rather than a foundation model). */
export function isInferenceProfile(modelId: string): boolean {
  return foundationModelOf(modelId) !== modelId;
}

/**
 * The ARNs invoking a model needs, in the environment of the bedrock-runtime endpoint the gateway calls: a cross-region profile is invoked in its own region and routes to the
 * foundation model in any of its destination regions; a foundation model is invoked where it is.
 */
export function bedrockModelArns(bedrock: AwsEnvironment, modelId: string): string[] {
  if (!isInferenceProfile(modelId)) return [bedrock.arn("bedrock", `foundation-model/${modelId}`, { account: "" })];
  return [
    bedrock.arn("bedrock", `inference-profile/${modelId}`),
    bedrock.arn("bedrock", `foundation-model/${foundationModelOf(modelId)}`, { region: "*", account: "" }),
  ];
}

/** The ARN of a guardrail by its id: what `bedrock:ApplyGuardrail` is granted on. */
export function bedrockGuardrailArn(bedrock: AwsEnvironment, guardrailId: string): string {
  return bedrock.arn("bedrock", `guardrail/${guardrailId}`);
}
