/**
 * The gateway host: what its templates know, which files it gets, and its render.
 */
import { isPrivilegedPort, type Deployment } from "../config/hosts";
import { HOST_METRICS } from "../monitoring/metrics";
import { hostContext, type HostContext } from "../host/context";
import { HOST_LAYOUT } from "../host/layout";
import { COMMON_FILES, hostScript, renderHost, renderHostFiles, systemdUnit, type FileSpec, type HostFilesObject, type RenderedHost } from "../host/render";
import { assistantContext, type AssistantContext, type CreatedGuardrail } from "./assistant";

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

export const GATEWAY_BOOT_SCRIPT = hostScript("gateway/boot-gateway.sh");

/** What the gateway's user data carries: what the boot needs before it can download (prepare-host.sh installs jq and the AWS CLI), the config and the units. */
const GATEWAY_FILES: readonly FileSpec[] = [
  ...COMMON_FILES,
  { template: "gateway/openclaw.json", path: HOST_LAYOUT.configPath, mode: "0644" },
  GATEWAY_BOOT_SCRIPT,
  systemdUnit("gateway/openclaw-gateway.service"),
  systemdUnit("gateway/openclaw-gateway-watch.service"),
  systemdUnit("gateway/openclaw-gateway-watch.timer"),
];

/**
 * The scripts the gateway's boot runs only after prepare-host.sh, and its timers and rotation later: they
 * do not fit its 16 KB of user data with every channel configured, so the boot downloads them (its
 * host-files object in the install-files bucket, named by its sha256; lib.sh install_host_files).
 */
export const GATEWAY_DOWNLOADED_FILES: readonly FileSpec[] = [
  hostScript("gateway/gateway-cert.sh"),
  hostScript("gateway/gateway-publish.sh"),
  hostScript("gateway/gateway-watch.sh"),
  hostScript("gateway/channel-secrets.sh"),
  hostScript("gateway/install-plugins.sh"),
  hostScript("gateway/merge-config.mjs", "0644"),
  hostScript("gateway/gateway-rotate-token.sh"),
];

/**
 * The gateway's context; `publicAddress` is its Elastic IP (a Terraform reference), when it has one;
 * `installBucket` holds OpenClaw's lock; `guardrail` is the guardrail the stack created for it, when the
 * configuration asks for one.
 */
export function gatewayHostContext(
  deployment: Deployment,
  publicAddress: string | undefined,
  installBucket: string,
  guardrail?: CreatedGuardrail,
): GatewayHostContext {
  const { config, names, hosts } = deployment;
  const { gateway } = config;
  return {
    ...hostContext(deployment, hosts.gateway, installBucket),
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
    assistant: assistantContext(deployment, guardrail),
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
