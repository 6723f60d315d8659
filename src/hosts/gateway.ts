/**
 * The gateway host: what its templates know, which files it gets, and its render.
 */
import { CHANNELS, channelSecretParameters, type ChannelSecretParameter } from "../config/assistant";
import { BEDROCK_MODELS } from "../config/bedrock-models";
import type { DeploymentHosts } from "../config/hosts";
import { isPrivilegedPort } from "../config/hosts";
import type { DeploymentNames } from "../config/names";
import { appliedGuardrail } from "../config/emulator";
import type { OpenClawConfig } from "../config/schema";
import { HOST_METRICS, hostContext, type HostContext } from "./context";
import { COMMON_FILES, hostScript, renderHost, renderHostFiles, systemdUnit, type FileSpec, type HostFilesObject, type RenderedHost } from "./render";
import { HOST_LAYOUT } from "./layout";
import { isPinned, pluginPin } from "../config/pins";

export interface GatewayHostContext extends HostContext {
  readonly role: "gateway";
  readonly gateway: {
    readonly port: number;
    /** "lan" listens on all interfaces; "loopback" only on 127.0.0.1 (reach it with SSM port forwarding). */
    readonly bind: "lan" | "loopback";
    readonly tls: boolean;
    /** The Elastic IP, or "" without one: goes into the certificate's SANs. */
    readonly publicAddress: string;
    /** Below 1024: the unit grants CAP_NET_BIND_SERVICE. */
    readonly privilegedPort: boolean;
    /** Scheme of the URL nodes are given in join codes. */
    readonly publicUrlScheme: "https" | "http";
    /** Secrets Manager secret the gateway keeps its auth token in. */
    readonly tokenSecret: string;
    /** The stack's KMS key ("alias/<prefix>"): every SecureString the gateway writes is encrypted with it. */
    readonly kmsKey: string;
  };
  readonly assistant: AssistantContext;
  /** Names of the health metrics it publishes into its own namespace (and the alarms watch). */
  readonly health: { readonly gatewayMetric: string; readonly nodeMetric: string };
}

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
 * gateway installs it by name at its pinned version, and its boot log says so (README, "What the hosts
 * install").
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
export function assistantContext(config: OpenClawConfig, names: DeploymentNames, created?: CreatedGuardrail): AssistantContext {
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

export const GATEWAY_BOOT_SCRIPT = hostScript("gateway/boot-gateway.sh");

/** What the gateway's user data carries: what the boot needs before it can download (prepare-host.sh installs jq and the AWS CLI), the config and the units. */
const GATEWAY_FILES: readonly FileSpec[] = [
  ...COMMON_FILES,
  { template: "gateway/openclaw.json", path: HOST_LAYOUT.configPath, mode: "0644" },
  GATEWAY_BOOT_SCRIPT,
  systemdUnit("gateway/openclaw-gateway.service"),
  systemdUnit("gateway/openclaw-gateway-pairing.service"),
  systemdUnit("gateway/openclaw-gateway-pairing.timer"),
  systemdUnit("gateway/openclaw-gateway-health.service"),
  systemdUnit("gateway/openclaw-gateway-health.timer"),
];

/**
 * The scripts the gateway's boot runs only after prepare-host.sh, and its timers and rotation later: they
 * do not fit its 16 KB of user data with every channel configured, so the boot downloads them (its
 * host-files object in the install-files bucket, named by its sha256; lib.sh install_host_files).
 */
export const GATEWAY_DOWNLOADED_FILES: readonly FileSpec[] = [
  hostScript("gateway/gateway-cert.sh"),
  hostScript("gateway/gateway-publish.sh"),
  hostScript("gateway/gateway-pairing.sh"),
  hostScript("gateway/channel-secrets.sh"),
  hostScript("gateway/install-plugins.sh"),
  hostScript("gateway/merge-config.mjs", "0644"),
  hostScript("gateway/gateway-health.sh"),
  hostScript("gateway/gateway-rotate-token.sh"),
];

/**
 * The gateway's context; `publicAddress` is its Elastic IP (a Terraform reference), when it has one;
 * `installBucket` holds OpenClaw's lock; `guardrail` is the guardrail the stack created for it, when the
 * configuration asks for one.
 */
export function gatewayHostContext(
  config: OpenClawConfig,
  names: DeploymentNames,
  hosts: DeploymentHosts,
  publicAddress: string | undefined,
  installBucket: string,
  guardrail?: CreatedGuardrail,
): GatewayHostContext {
  const { gateway } = config;
  return {
    ...hostContext(config, names, hosts.gatewayParameters, hosts.gateway, installBucket),
    role: "gateway",
    gateway: {
      port: gateway.port,
      bind: gateway.bind,
      tls: gateway.tls,
      publicAddress: publicAddress ?? "",
      privilegedPort: isPrivilegedPort(gateway.port),
      publicUrlScheme: gateway.tls ? "https" : "http",
      tokenSecret: hosts.gateway.tokenSecret,
      kmsKey: names.kmsAlias,
    },
    assistant: assistantContext(config, names, guardrail),
    health: { gatewayMetric: HOST_METRICS.gatewayMetric, nodeMetric: HOST_METRICS.nodeMetric },
  };
}

export function renderGatewayHost(context: GatewayHostContext): RenderedHost {
  return renderHost(GATEWAY_FILES, GATEWAY_BOOT_SCRIPT, context, { manifest: GATEWAY_DOWNLOADED_FILES, role: "gateway", bucket: context.installBucket });
}

/** The gateway's host-files object alone (what the install-files bucket holds for it). */
export function renderGatewayHostFiles(context: GatewayHostContext): HostFilesObject {
  return renderHostFiles(GATEWAY_DOWNLOADED_FILES, "gateway", context);
}
