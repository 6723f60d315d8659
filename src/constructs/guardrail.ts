import { Construct } from "constructs";
import { BedrockGuardrail } from "@cdktf/provider-aws/lib/bedrock-guardrail";
import { BedrockGuardrailVersion } from "@cdktf/provider-aws/lib/bedrock-guardrail-version";

/** A content filter: what it catches, and how strictly in prompts (input) and answers (output). */
export interface ContentFilter {
  readonly type: "HATE" | "INSULTS" | "SEXUAL" | "VIOLENCE" | "MISCONDUCT" | "PROMPT_ATTACK";
  readonly inputStrength: "NONE" | "LOW" | "MEDIUM" | "HIGH";
  readonly outputStrength: "NONE" | "LOW" | "MEDIUM" | "HIGH";
}

/**
 * The created guardrail's filters. Prompt attacks (jailbreaks and prompt injection, e.g. a chat message
 * telling the agent to ignore its instructions and run a command) at HIGH on what reaches the model;
 * Bedrock evaluates them on input only (output must be NONE). The harmful-content categories at MEDIUM
 * both ways: they block clear cases without refusing ordinary requests.
 */
export const GUARDRAIL_CONTENT_FILTERS: readonly ContentFilter[] = [
  { type: "PROMPT_ATTACK", inputStrength: "HIGH", outputStrength: "NONE" },
  { type: "HATE", inputStrength: "MEDIUM", outputStrength: "MEDIUM" },
  { type: "INSULTS", inputStrength: "MEDIUM", outputStrength: "MEDIUM" },
  { type: "SEXUAL", inputStrength: "MEDIUM", outputStrength: "MEDIUM" },
  { type: "VIOLENCE", inputStrength: "MEDIUM", outputStrength: "MEDIUM" },
  { type: "MISCONDUCT", inputStrength: "MEDIUM", outputStrength: "MEDIUM" },
];

export interface GuardrailProps {
  /** The guardrail's name: `<prefix>-guardrail`. */
  readonly name: string;
}

/**
 * A Bedrock guardrail with content filters (GUARDRAIL_CONTENT_FILTERS) and a published version of it:
 * the gateway's Bedrock calls carry that version, and its role may apply exactly this guardrail. A change
 * to the guardrail publishes a new version (the old one is deleted), which the gateway's config names.
 */
export class Guardrail extends Construct {
  /** The guardrail's id (a reference). */
  readonly id: string;
  /** The published version the gateway uses (a reference). */
  readonly version: string;
  /** The guardrail's ARN: what `bedrock:ApplyGuardrail` is granted on. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: GuardrailProps) {
    super(scope, id);
    const guardrail = new BedrockGuardrail(this, "guardrail", {
      name: props.name,
      description: "OpenClaw gateway: prompt attacks and harmful content in chat messages and model answers",
      blockedInputMessaging: "This message was blocked by the assistant's guardrail.",
      blockedOutputsMessaging: "The answer was blocked by the assistant's guardrail.",
      contentPolicyConfig: [{ filtersConfig: GUARDRAIL_CONTENT_FILTERS.map((filter) => ({ ...filter })) }],
    });
    const version = new BedrockGuardrailVersion(this, "version", {
      guardrailArn: guardrail.guardrailArn,
      description: "Published by openclaw-aws for the gateway",
      // A bare address: Terraform's JSON syntax takes no "${...}" here.
      lifecycle: { replaceTriggeredBy: [`${guardrail.terraformResourceType}.${guardrail.friendlyUniqueId}`] },
    });
    this.id = guardrail.guardrailId;
    this.version = version.version;
    this.arn = guardrail.guardrailArn;
  }
}
