/**
 * What makes the gateway an assistant: its model on Amazon Bedrock, the guardrail in front of it and its
 * chat channels (`openclaw.model`, `openclaw.bedrockRegion`, `openclaw.guardrail`, `openclaw.channels`),
 * and the facts about the channels that the stack (SSM parameters, outputs) and the gateway host
 * (config, secrets, plugins) share.
 */
import { z } from "zod";
import { isRegion } from "./aws-facts";
import { BEDROCK_MODELS, DEFAULT_BEDROCK_MODEL } from "./bedrock-models";

export const CHANNEL_NAMES = ["telegram", "discord", "slack", "whatsapp"] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** A secret a channel needs: the env var its openclaw.json SecretRef names, and its SSM parameter's last path segment. */
export interface ChannelSecret {
  readonly env: string;
  readonly parameter: string;
  readonly description: string;
}

export interface ChannelFacts {
  /** The external plugin package (installed at the OpenClaw version), or undefined when bundled. */
  readonly plugin?: string;
  readonly secrets: readonly ChannelSecret[];
  /** The channel's keys in openclaw.json besides `enabled` (secrets as env SecretRefs). */
  readonly settings: Readonly<Record<string, unknown>>;
}

const envRef = (id: string) => ({ source: "env", provider: "default", id });

/** Checked with the real openclaw 2026.9.6: `config validate` accepts these; SecretRefs need provider "default". */
export const CHANNELS: Readonly<Record<ChannelName, ChannelFacts>> = {
  telegram: {
    secrets: [{ env: "TELEGRAM_BOT_TOKEN", parameter: "telegram-bot-token", description: "Telegram bot token (BotFather)" }],
    settings: { botToken: envRef("TELEGRAM_BOT_TOKEN") },
  },
  discord: {
    plugin: "@openclaw/discord",
    secrets: [{ env: "DISCORD_BOT_TOKEN", parameter: "discord-bot-token", description: "Discord bot token" }],
    settings: { token: envRef("DISCORD_BOT_TOKEN") },
  },
  slack: {
    plugin: "@openclaw/slack",
    secrets: [
      { env: "SLACK_BOT_TOKEN", parameter: "slack-bot-token", description: "Slack bot token (xoxb-...)" },
      { env: "SLACK_APP_TOKEN", parameter: "slack-app-token", description: "Slack app-level token for Socket Mode (xapp-...)" },
    ],
    settings: { mode: "socket", botToken: envRef("SLACK_BOT_TOKEN"), appToken: envRef("SLACK_APP_TOKEN") },
  },
  // QR login only (`openclaw channels login --channel whatsapp`); its credentials stay in the state dir.
  whatsapp: { plugin: "@openclaw/whatsapp", secrets: [], settings: {} },
};

const knownModels = Object.keys(BEDROCK_MODELS);

const customModel = z.strictObject({
  /** A Bedrock model or inference profile id not in the known list. */
  id: z.string().regex(/^[a-z0-9][a-z0-9.:-]{2,127}$/, { error: "must be a Bedrock model or inference profile id such as us.anthropic.claude-sonnet-4-5-20250929-v1:0" }),
  name: z.string().max(100).optional(),
  contextWindow: z.number().int().min(1000).max(10_000_000),
  maxTokens: z.number().int().min(256).max(1_000_000),
  input: z.array(z.enum(["text", "image"])).min(1).default(["text"]),
});

/** An existing Bedrock guardrail, in the Bedrock region: its id and a version. */
const existingGuardrail = z.strictObject({
  /** The guardrail's id (the last part of its ARN), e.g. "gr1a2b3c4d5e". */
  id: z.string().regex(/^[a-z0-9]{1,64}$/, { error: "must be a guardrail id: lower-case letters and digits, the last part of its ARN" }),
  /** A published version ("1", "2", ...), or "DRAFT" (the working copy: only for trying a guardrail out). */
  version: z.string().regex(/^(DRAFT|[1-9][0-9]{0,7})$/, { error: 'must be a published version such as "1", or "DRAFT"' }),
});

/** A guardrail the stack creates and versions (src/constructs/guardrail.ts). */
const createdGuardrail = z.strictObject({ create: z.literal(true) });

export type GuardrailSetting = z.output<typeof existingGuardrail> | z.output<typeof createdGuardrail>;

/** The fields the `openclaw` block gets. */
export const assistantFields = {
  /**
   * The gateway's model on Amazon Bedrock: a known model or cross-region inference profile id
   * (src/config/bedrock-models.ts, with its context window and max tokens; see
   * [Models](troubleshooting.md#models)), or for any other id `{ "id": ..., "contextWindow": ..., "maxTokens": ... }`.
   * IAM allows invoking exactly this model (its profile and the foundation model it routes to). Unused with
   * `iam.bedrock: false`: then no model is configured, and you set one yourself in the Control UI or with
   * `sudo openclaw models set` on the gateway (and give it credentials the instance role does not have).
   * @default "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
   */
  model: z
    .union([
      z.string().refine((id) => Object.hasOwn(BEDROCK_MODELS, id), {
        error: (issue) =>
          `unknown Bedrock model ${JSON.stringify(issue.input)}: use one of ${knownModels.join(", ")}; or, for another id, { "id": ..., "contextWindow": ..., "maxTokens": ... }`,
      }),
      customModel,
    ])
    .default(DEFAULT_BEDROCK_MODEL),
  /**
   * Region of the `bedrock-runtime` endpoint the gateway calls. Auth is the instance role through IMDSv2
   * (the AWS SDK's default chain): no key anywhere. @default the deployment's region
   */
  bedrockRegion: z
    .string()
    .refine(isRegion, { error: "must be an AWS region such as us-east-1" })
    .optional(),
  /**
   * A Bedrock guardrail applied to every model call of the gateway: `{ "id": "<guardrail id>", "version": "<n>" }`
   * names one you have (in the Bedrock region), `{ "create": true }` has the stack create one,
   * `<prefix>-guardrail` (content filters and prompt-attack filter; see [Guardrails](troubleshooting.md#guardrails)).
   * The gateway role may apply exactly that guardrail (`bedrock:ApplyGuardrail`). Needs `iam.bedrock`. @default none
   */
  guardrail: z
    .union([existingGuardrail, createdGuardrail], {
      error: 'must be { "id": "<guardrail id>", "version": "<version>" } or { "create": true }',
    })
    .optional(),
  /**
   * Chat channels to configure, any of `telegram` (bundled), `discord`, `slack`, `whatsapp` (their plugins are
   * installed at boot from tarballs checked against the version and sha512 pinned in src/config/versions.json);
   * each token-based one gets SecureString parameters to fill (see [Connect](../README.md#connect)). @default []
   */
  channels: z
    .array(z.enum(CHANNEL_NAMES, { error: `must be one of ${CHANNEL_NAMES.join(", ")}` }))
    .refine((list) => new Set(list).size === list.length, { error: "must not name a channel twice" })
    .default([]),
};

/** A channel secret's SSM parameter (SecureString, created by Terraform with the placeholder, filled by the user). */
export interface ChannelSecretParameter extends ChannelSecret {
  readonly channel: ChannelName;
  /** Full parameter name: `<stack parameter path>/channels/<parameter>`. */
  readonly name: string;
}

/** Every secret parameter of the configured channels, in the order of `openclaw.channels`. */
export function channelSecretParameters(channels: readonly ChannelName[], parameterPath: string): ChannelSecretParameter[] {
  return channels.flatMap((channel) => CHANNELS[channel].secrets.map((secret) => ({ ...secret, channel, name: `${parameterPath}/channels/${secret.parameter}` })));
}

/**
 * The command that stores a channel secret (the `<parameter>_command` output; channel-secrets.sh logs the
 * same one for a secret that is missing or under another key): the value from the named environment
 * variable through stdin, never a command line, as a SecureString under the stack's key `keyAlias`.
 */
export function channelSecretCommand(secret: ChannelSecretParameter, region: string, keyAlias: string): string {
  return `printf %s "$${secret.env}" | aws ssm put-parameter --region ${region} --name ${secret.name} --type SecureString --key-id ${keyAlias} --overwrite --value file:///dev/stdin`;
}
