/**
 * One record per host, derived once from the validated configuration: its names (host, IAM role),
 * its instance settings and architecture, and the SSM parameters it shares. The stack,
 * IAM, the parameters, the host constructs and the rendering all read these records, so a host's
 * identity is never joined or split again elsewhere.
 */
import { instanceTypeFacts, type Architecture } from "./aws-facts";
import { deploymentNames, hostName, nodeRoleName, type DeploymentNames } from "./names";
import { cidrHost, type OpenClawConfig } from "./schema";

/** Value Terraform creates every shared SSM parameter with; hosts read it as "not published yet". */
export const PARAMETER_PLACEHOLDER = "pending";

/** Ports below this need CAP_NET_BIND_SERVICE on the host, and root for a local port forward. */
const FIRST_UNPRIVILEGED_PORT = 1024;

export function isPrivilegedPort(port: number): boolean {
  return port < FIRST_UNPRIVILEGED_PORT;
}

/** The EC2 instance of a host. */
export interface HostInstance {
  readonly instanceType: string;
  readonly architecture: Architecture;
  readonly rootVolumeGb: number;
}

/** A host's data volume: its OpenClaw state dir, kept when the instance is replaced. */
export interface HostDataVolume {
  readonly sizeGb: number;
  /** Created from this snapshot (a restore), else blank (the host formats it on first boot). */
  readonly snapshotId?: string;
}

/** What every host is. */
export interface HostRecord {
  /** The name in the configuration: "gw", "node-1". */
  readonly name: string;
  /** "<prefix>-<name>": the Name tag, the OpenClaw display name, the log stream prefix. */
  readonly hostName: string;
  /** IAM role (and instance profile) name. */
  readonly roleName: string;
  readonly instance: HostInstance;
  readonly dataVolume: HostDataVolume;
}

/**
 * Host number of the gateway's private address in its subnet (`cidrhost(subnet, 10)`): above the four
 * addresses AWS reserves at the start of every subnet, and the same for every instance the gateway
 * ever runs on, so the nodes (which connect to it) never change when the gateway is replaced.
 */
export const GATEWAY_HOST_NUMBER = 10;

export interface GatewayRecord extends HostRecord {
  /** Secrets Manager secret (name) holding the gateway's auth token: the gateway writes it, Terraform never sees it. */
  readonly tokenSecret: string;
  /**
   * The gateway's fixed private address when the configuration knows it: `gateway.privateIp`, or host
   * number GATEWAY_HOST_NUMBER of a created VPC's public subnet. Undefined in the default VPC, whose
   * subnet is only known to Terraform: the gateway construct takes that host number of it there.
   */
  readonly privateIp?: string;
}

export interface NodeRecord extends HostRecord {
  /**
   * SecureString through which the gateway hands this node its single-use join code. Not a Terraform
   * resource: the gateway creates it when it mints a code and deletes it once the node is connected.
   */
  readonly pairingParameter: string;
  /** String parameter (Terraform) that tells the gateway this node exists: see NodeListEntry. */
  readonly listParameter: string;
  /** The value of that parameter. */
  readonly listEntry: NodeListEntry;
}

/**
 * What the gateway learns about one node from the node list: one String parameter per node under
 * `GatewayParameters.nodeList`, read at every pairing run. One parameter per node (rather than one list)
 * so a node is added or removed without touching any other resource, at any number of nodes (a String
 * parameter holds at most 4 KB).
 */
export interface NodeListEntry {
  /** The node's OpenClaw display name (its host name). */
  readonly displayName: string;
  /** Where the gateway puts its join code. */
  readonly pairingParameter: string;
}

/** Full names of the SSM parameters the gateway publishes, under seed 002's `/openclaw/<stack>/` path. */
export interface GatewayParameters {
  /** String: SHA-256 fingerprint of the gateway's self-signed certificate. */
  readonly tlsFingerprint: string;
  /** String: the gateway's certificate (PEM, public). */
  readonly tlsCertificate: string;
  /** Path under which each node has its NodeListEntry parameter (read with GetParametersByPath). */
  readonly nodeList: string;
}

export interface DeploymentHosts {
  readonly gateway: GatewayRecord;
  readonly nodes: readonly NodeRecord[];
  readonly gatewayParameters: GatewayParameters;
}

interface HostSettings {
  readonly instanceType: string;
  readonly rootVolumeGb: number;
  readonly dataVolumeGb: number;
  readonly restoreSnapshotId?: string;
}

function hostRecord(names: DeploymentNames, name: string, settings: HostSettings, isGateway: boolean): HostRecord {
  return {
    name,
    hostName: hostName(names, name),
    roleName: isGateway ? names.gatewayRole : nodeRoleName(names, name),
    instance: {
      instanceType: settings.instanceType,
      // The schema admits only instance types the pinned facts describe.
      architecture: instanceTypeFacts(settings.instanceType)!.architecture,
      rootVolumeGb: settings.rootVolumeGb,
    },
    dataVolume: { sizeGb: settings.dataVolumeGb, snapshotId: settings.restoreSnapshotId },
  };
}

/** The gateway's private address when the configuration determines it (see GatewayRecord.privateIp). */
function gatewayPrivateIp(config: OpenClawConfig): string | undefined {
  if (config.gateway.privateIp) return config.gateway.privateIp;
  return config.network.mode === "create" ? cidrHost(config.network.publicSubnetCidr, GATEWAY_HOST_NUMBER) : undefined;
}

/** The SSM path under which each node's list entry is. */
function nodeListPath(names: DeploymentNames): string {
  return `${names.parameterPath}/gateway/nodes`;
}

/** One node's record, from its settings in the configuration. */
export function nodeRecord(names: DeploymentNames, node: OpenClawConfig["nodes"][number]): NodeRecord {
  const record = hostRecord(names, node.name, node, false);
  const pairingParameter = `${names.parameterPath}/nodes/${node.name}/pairing`;
  return { ...record, pairingParameter, listParameter: `${nodeListPath(names)}/${node.name}`, listEntry: { displayName: record.hostName, pairingParameter } };
}

export function deploymentHosts(config: OpenClawConfig, names: DeploymentNames): DeploymentHosts {
  const path = names.parameterPath;
  const nodeList = nodeListPath(names);
  return {
    gateway: {
      ...hostRecord(names, config.gateway.name, config.gateway, true),
      // Secrets Manager names take no leading slash; the same path as the parameters otherwise.
      tokenSecret: `openclaw/${config.stackName}/gateway/token`,
      privateIp: gatewayPrivateIp(config),
    },
    nodes: config.nodes.map((node) => nodeRecord(names, node)),
    gatewayParameters: {
      tlsFingerprint: `${path}/gateway/tls-fingerprint`,
      tlsCertificate: `${path}/gateway/tls-certificate`,
      nodeList,
    },
  };
}

/**
 * One deployment as everything downstream of the validation takes it: the configuration, the names
 * derived from it and one record per host, derived once.
 */
export interface Deployment {
  readonly config: OpenClawConfig;
  readonly names: DeploymentNames;
  readonly hosts: DeploymentHosts;
}

export function deploymentOf(config: OpenClawConfig): Deployment {
  const names = deploymentNames(config);
  return { config, names, hosts: deploymentHosts(config, names) };
}
