/**
 * A node host: what its templates know, which files it gets, and its render.
 */
import type { DeploymentHosts, NodeRecord } from "../config/hosts";
import type { DeploymentNames } from "../config/names";
import type { OpenClawConfig } from "../config/schema";
import { hostContext, type HostContext } from "./context";
import { HOST_LAYOUT } from "./layout";
import { COMMON_FILES, hostScript, renderHost, systemdUnit, type FileSpec, type RenderedHost } from "./render";

export interface NodeHostContext extends HostContext {
  readonly role: "node";
  readonly gateway: {
    /** Gateway private address the node connects to over the VPC. */
    readonly host: string;
    readonly port: number;
    readonly tls: boolean;
  };
  /** SecureString this node's join code arrives in. */
  readonly pairingParameter: string;
}

export const NODE_BOOT_SCRIPT = hostScript("node/boot-node.sh");

const NODE_FILES: readonly FileSpec[] = [
  ...COMMON_FILES,
  { template: "node/openclaw.json", path: HOST_LAYOUT.configPath, mode: "0644" },
  NODE_BOOT_SCRIPT,
  hostScript("node/node-pairing.sh"),
  systemdUnit("node/openclaw-node.service"),
  systemdUnit("node/openclaw-node-pairing.service"),
];

/** A node's context; `gatewayPrivateAddress` is where it connects (a Terraform reference at synth). */
export function nodeHostContext(
  config: OpenClawConfig,
  names: DeploymentNames,
  hosts: DeploymentHosts,
  node: NodeRecord,
  gatewayPrivateAddress: string,
): NodeHostContext {
  return {
    ...hostContext(config, names, hosts, node),
    role: "node",
    gateway: { host: gatewayPrivateAddress, port: config.gateway.port, tls: config.gateway.tls },
    pairingParameter: node.pairingParameter,
  };
}

export function renderNodeHost(context: NodeHostContext): RenderedHost {
  return renderHost(NODE_FILES, NODE_BOOT_SCRIPT, context);
}
