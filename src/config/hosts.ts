/**
 * One record per host, derived once from the validated configuration: its names (host, IAM role,
 * alarm label), its instance settings and architecture, and the SSM parameters it shares. The stack,
 * IAM, the parameters, the host constructs and the rendering all read these records, so a host's
 * identity is never joined or split again elsewhere.
 */
import { instanceTypeFacts, type Architecture } from "./aws-facts";
import { alarmLabel, hostName, nodeRoleName, type DeploymentNames } from "./names";
import type { OpenClawConfig } from "./schema";

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

/** What every host is. */
export interface HostRecord {
  /** The name in the configuration: "gw", "node-1". */
  readonly name: string;
  /** "<prefix>-<name>": the Name tag, the OpenClaw display name, the log stream prefix. */
  readonly hostName: string;
  /** IAM role (and instance profile) name. */
  readonly roleName: string;
  /** Label in alarm names, as seed 000 writes them: "GW", "Node-1". */
  readonly alarmLabel: string;
  readonly instance: HostInstance;
}

export interface GatewayRecord extends HostRecord {
  /** Secrets Manager secret (name) holding the gateway's auth token: the gateway writes it, Terraform never sees it. */
  readonly tokenSecret: string;
}

export interface NodeRecord extends HostRecord {
  /** SecureString through which the gateway hands this node its single-use join code. */
  readonly pairingParameter: string;
}

/** Full names of the SSM parameters the gateway publishes, under seed 002's `/openclaw/<stack>/` path. */
export interface GatewayParameters {
  /** String: SHA-256 fingerprint of the gateway's self-signed certificate. */
  readonly tlsFingerprint: string;
  /** String: the gateway's certificate (PEM, public). */
  readonly tlsCertificate: string;
}

export interface DeploymentHosts {
  readonly gateway: GatewayRecord;
  readonly nodes: readonly NodeRecord[];
  readonly gatewayParameters: GatewayParameters;
}

function hostRecord(names: DeploymentNames, name: string, settings: { instanceType: string; rootVolumeGb: number }, isGateway: boolean): HostRecord {
  return {
    name,
    hostName: hostName(names, name),
    roleName: isGateway ? names.gatewayRole : nodeRoleName(names, name),
    alarmLabel: alarmLabel(name, isGateway),
    instance: {
      instanceType: settings.instanceType,
      // The schema admits only instance types the pinned facts describe.
      architecture: instanceTypeFacts(settings.instanceType)!.architecture,
      rootVolumeGb: settings.rootVolumeGb,
    },
  };
}

export function deploymentHosts(config: OpenClawConfig, names: DeploymentNames): DeploymentHosts {
  const path = names.parameterPath;
  return {
    gateway: {
      ...hostRecord(names, config.gateway.name, config.gateway, true),
      // Secrets Manager names take no leading slash; the same path as the parameters otherwise.
      tokenSecret: `openclaw/${config.stackName}/gateway/token`,
    },
    nodes: config.nodes.map((node) => ({
      ...hostRecord(names, node.name, node, false),
      pairingParameter: `${path}/nodes/${node.name}/pairing`,
    })),
    gatewayParameters: {
      tlsFingerprint: `${path}/gateway/tls-fingerprint`,
      tlsCertificate: `${path}/gateway/tls-certificate`,
    },
  };
}
