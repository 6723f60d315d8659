/**
 * A node host: what its templates know, which files it gets, and its render.
 */
import type { Architecture } from "../config/aws-facts";
import { nodeRecord, type Deployment, type NodeRecord } from "../config/hosts";
import { hostContext, type HostContext } from "../host/context";
import { HOST_LAYOUT } from "../host/layout";
import { COMMON_FILES, hostScript, renderHost, systemdUnit, type FileSpec, type RenderedHost } from "../host/render";

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
  hostScript("node/node-trust.sh"),
  hostScript("node/node-pairing.sh"),
  systemdUnit("node/openclaw-node.service"),
  systemdUnit("node/openclaw-node-pairing.service"),
];

/** A node's context; `gatewayPrivateAddress` is where it connects (a Terraform reference at synth). */
export function nodeHostContext(deployment: Deployment, node: NodeRecord, gatewayPrivateAddress: string, installBucket: string): NodeHostContext {
  const { gateway } = deployment.config;
  return {
    ...hostContext(deployment, node, installBucket),
    role: "node",
    gateway: { host: gatewayPrivateAddress, port: gateway.port, tls: gateway.tls },
    pairingParameter: node.pairingParameter,
  };
}

export function renderNodeHost(context: NodeHostContext): RenderedHost {
  return renderHost(NODE_FILES, NODE_BOOT_SCRIPT, context);
}

/** Stands for the node's name in the user data the nodes of one architecture share (see nodeUserDataTemplates). */
export const NODE_NAME_PLACEHOLDER = "openclaw-aws-node-name-placeholder";

/**
 * The user data of every node, rendered once per architecture with NODE_NAME_PLACEHOLDER for the node's
 * name: a node's context depends on nothing of it but its name and its architecture (NodeHostContext), so
 * a node's user data is its architecture's with the placeholder replaced by its name. Terraform does that
 * replacing, so 250 nodes are two renderings, not 250 (issue 11). Checked here against a real rendering of
 * one node per architecture: a template that came to use more of a node fails the synth rather than
 * give a node someone else's settings.
 */
export function nodeUserDataTemplates(deployment: Deployment, gatewayPrivateAddress: string, installBucket: string): ReadonlyMap<Architecture, string> {
  const templates = new Map<Architecture, string>();
  for (const node of deployment.hosts.nodes) {
    const { architecture } = node.instance;
    if (templates.has(architecture)) continue;
    const render = (record: NodeRecord) => renderNodeHost(nodeHostContext(deployment, record, gatewayPrivateAddress, installBucket)).userData;
    // The same node under the placeholder name: its settings from its record.
    const { instanceType, rootVolumeGb } = node.instance;
    const template = render(nodeRecord(deployment.names, { name: NODE_NAME_PLACEHOLDER, instanceType, rootVolumeGb, dataVolumeGb: node.dataVolume.sizeGb }));
    if (template.replaceAll(NODE_NAME_PLACEHOLDER, node.name) !== render(node)) {
      throw new Error(
        `the user data of node ${node.name} depends on more than its name and architecture, so the nodes can no longer share one rendering per architecture: update nodeUserDataTemplates (src/node/node-context.ts)`,
      );
    }
    templates.set(architecture, template);
  }
  return templates;
}
