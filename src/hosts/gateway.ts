/**
 * The gateway host: what its templates know, which files it gets, and its render.
 */
import type { DeploymentHosts } from "../config/hosts";
import { isPrivilegedPort } from "../config/hosts";
import type { DeploymentNames } from "../config/names";
import type { OpenClawConfig } from "../config/schema";
import { HEALTH_METRICS, hostContext, type HostContext } from "./context";
import { COMMON_FILES, hostScript, renderHost, systemdUnit, type FileSpec, type RenderedHost } from "./render";
import { HOST_LAYOUT } from "./layout";

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
  };
  /** Names of the health metrics it publishes (and the alarms watch). */
  readonly health: typeof HEALTH_METRICS;
}

export const GATEWAY_BOOT_SCRIPT = hostScript("gateway/boot-gateway.sh");

const GATEWAY_FILES: readonly FileSpec[] = [
  ...COMMON_FILES,
  { template: "gateway/openclaw.json", path: HOST_LAYOUT.configPath, mode: "0644" },
  GATEWAY_BOOT_SCRIPT,
  hostScript("gateway/gateway-cert.sh"),
  hostScript("gateway/gateway-publish.sh"),
  hostScript("gateway/gateway-pairing.sh"),
  hostScript("gateway/gateway-health.sh"),
  hostScript("gateway/gateway-rotate-token.sh"),
  systemdUnit("gateway/openclaw-gateway.service"),
  systemdUnit("gateway/openclaw-gateway-pairing.service"),
  systemdUnit("gateway/openclaw-gateway-pairing.timer"),
  systemdUnit("gateway/openclaw-gateway-health.service"),
  systemdUnit("gateway/openclaw-gateway-health.timer"),
];

/** The gateway's context; `publicAddress` is its Elastic IP (a Terraform reference), when it has one. */
export function gatewayHostContext(
  config: OpenClawConfig,
  names: DeploymentNames,
  hosts: DeploymentHosts,
  publicAddress: string | undefined,
): GatewayHostContext {
  const { gateway } = config;
  return {
    ...hostContext(config, names, hosts, hosts.gateway),
    role: "gateway",
    gateway: {
      port: gateway.port,
      bind: gateway.bind,
      tls: gateway.tls,
      publicAddress: publicAddress ?? "",
      privilegedPort: isPrivilegedPort(gateway.port),
      publicUrlScheme: gateway.tls ? "https" : "http",
    },
    health: HEALTH_METRICS,
  };
}

export function renderGatewayHost(context: GatewayHostContext): RenderedHost {
  return renderHost(GATEWAY_FILES, GATEWAY_BOOT_SCRIPT, context);
}
