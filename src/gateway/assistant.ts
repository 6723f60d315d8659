/**
 * The assistant the gateway runs: its model (Bedrock), guardrail, chat channels and their plugins, as
 * the gateway's openclaw.json and boot scripts take them.
 */
import { CHANNELS, channelSecretParameters, type ChannelSecretParameter } from "../config/assistant";
import { BEDROCK_MODELS } from "../config/bedrock-models";
import { appliedGuardrail } from "../config/emulator";
import type { Deployment } from "../config/hosts";
import { isPinned, pluginPin } from "../config/pins";
import type { OpenClawConfig } from "../config/schema";

/** The model and channels of the gateway's openclaw.json, and what the boot installs and reads for them. */
export interface AssistantContext {
  /** `models.providers` and the `agents.defaults.model.primary` ref; null without Bedrock (`iam.bedrock: false`). */
  readonly model: { readonly providers: object; readonly primary: string } | null;
  /** The Bedrock plugin's `guardrail` setting (plugins.entries.amazon-bedrock.config), or null without one. */
  readonly guardrail: { readonly guardrailIdentifier: string; readonly guardrailVersion: string } | null;
  /** The `channels` block (secrets as env SecretRefs), or null without channels. */
  readonly channels: object | null;
  /** install-plugins.sh arguments, space-separated: `<plugin id>=<package>@<version>@<sha512 integrity or UNPINNED>`. */
  readonly plugins: string;
  /** The SSM parameters the boot reads into the channel secrets' EnvironmentFile. */
  readonly channelSecrets: readonly ChannelSecretParameter[];
}

const BEDROCK_PLUGIN = "@openclaw/amazon-bedrock-provider";

/**
 * A plugin as install-plugins.sh takes it. A package whose integrity could not be pinned (the registry
 * the pins were refreshed from did not serve it: the Bedrock provider, here) is passed as UNPINNED: the
 * gateway installs it by name at its pinned version, and its boot log says so (docs/troubleshooting.md).
 */
function pinned(pkg: string): string {
  const pin = pluginPin(pkg);
  return `${pkg}@${pin.version}@${isPinned(pin) ? pin.integrity : "UNPINNED"}`;
}

/** A guardrail the stack created: its id and published version (Terraform references). */
export interface CreatedGuardrail {
  readonly id: string;
  readonly version: string;
}

/** The guardrail the gateway's Bedrock calls carry, if any (`openclaw.guardrail`). */
function guardrailSetting(config: OpenClawConfig, created: CreatedGuardrail | undefined): AssistantContext["guardrail"] {
  const setting = appliedGuardrail(config);
  if (!setting) return null;
  if (!("create" in setting)) return { guardrailIdentifier: setting.id, guardrailVersion: setting.version };
  if (!created) throw new Error("openclaw.guardrail.create: the created guardrail's id and version are needed to render the gateway");
  return { guardrailIdentifier: created.id, guardrailVersion: created.version };
}

/** `created`: the guardrail the stack made, when `openclaw.guardrail` is `{ "create": true }`. */
export function assistantContext({ config, names }: Deployment, created?: CreatedGuardrail): AssistantContext {
  const { model, channels } = config.openclaw;
  const bedrock = config.iam.bedrock;
  const region = config.openclaw.bedrockRegion ?? config.region;
  const definition = typeof model === "string" ? { id: model, ...BEDROCK_MODELS[model] } : { name: model.id, ...model };
  const plugins = [
    ...(bedrock ? [`amazon-bedrock=${pinned(BEDROCK_PLUGIN)}`] : []),
    ...channels.flatMap((channel) => {
      const plugin = CHANNELS[channel].plugin;
      return plugin ? [`${channel}=${pinned(plugin)}`] : [];
    }),
  ];
  return {
    model: bedrock
      ? {
          providers: {
            "amazon-bedrock": {
              baseUrl: `https://bedrock-runtime.${region}.amazonaws.com`,
              api: "bedrock-converse-stream",
              auth: "aws-sdk",
              models: [{ id: definition.id, name: definition.name, input: definition.input, contextWindow: definition.contextWindow, maxTokens: definition.maxTokens }],
            },
          },
          primary: `amazon-bedrock/${definition.id}`,
        }
      : null,
    guardrail: guardrailSetting(config, created),
    channels: channels.length > 0 ? Object.fromEntries(channels.map((channel) => [channel, { enabled: true, ...CHANNELS[channel].settings }])) : null,
    plugins: plugins.join(" "),
    channelSecrets: channelSecretParameters(channels, names.parameterPath),
  };
}
