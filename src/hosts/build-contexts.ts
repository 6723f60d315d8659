/**
 * Turns the validated configuration into what each host's templates get. The constructs pass
 * Terraform references for the addresses; `npm run render` passes readable placeholders.
 */
import { deploymentNames, hostName, type DeploymentNames } from "../config/names";
import type { NodeHostConfig, OpenClawConfig } from "../config/schema";
import { architectureOf } from "./architecture";
import type { GatewayHostContext, HostContext, NodeHostContext, SharedParameters } from "./context";
import { NODE_RUNTIMES } from "./runtime";

/** Value every shared SSM parameter is created with; hosts read it as "not published yet". */
export const PARAMETER_PLACEHOLDER = "pending";

export interface HostAddresses {
  /** The gateway's Elastic IP, when it has one. */
  readonly gatewayPublicAddress?: string;
  /** The gateway's private address, which nodes connect to. */
  readonly gatewayPrivateAddress: string;
}

/** Full SSM parameter names of everything the hosts share, under seed 002's `/<prefix>/<stack>/` path. */
export function sharedParameters(config: OpenClawConfig, names: DeploymentNames): SharedParameters {
  const path = names.parameterPath;
  return {
    gatewayToken: `${path}/gateway/token`,
    gatewayTlsFingerprint: `${path}/gateway/tls-fingerprint`,
    gatewayTlsCertificate: `${path}/gateway/tls-certificate`,
    nodePairing: Object.fromEntries(
      config.nodes.map((node) => [hostName(names, node.name), `${path}/nodes/${node.name}/pairing`]),
    ),
    placeholder: PARAMETER_PLACEHOLDER,
  };
}

function commonContext(config: OpenClawConfig, names: DeploymentNames, name: string, instanceType: string): HostContext {
  const architecture = architectureOf(instanceType);
  const install = config.openclaw.install;
  return {
    stackName: config.stackName,
    region: config.region,
    hostName: hostName(names, name),
    architecture,
    runtime: NODE_RUNTIMES[architecture],
    openclaw:
      install.method === "npm"
        ? { method: "npm", version: install.version }
        : { method: "source", repository: install.repository, ref: install.ref },
    parameters: sharedParameters(config, names),
    monitoring: {
      namespace: config.monitoring.namespace,
      applicationLogGroup: names.applicationLogGroup,
      systemLogGroup: names.systemLogGroup,
    },
  };
}

export function gatewayHostContext(
  config: OpenClawConfig,
  names: DeploymentNames,
  publicAddress: string | undefined,
): GatewayHostContext {
  const { gateway } = config;
  return {
    ...commonContext(config, names, gateway.name, gateway.instanceType),
    gateway: {
      port: gateway.port,
      bind: gateway.bind,
      tls: gateway.tls,
      publicAddress,
      nodeNames: config.nodes.map((node) => hostName(names, node.name)),
    },
  };
}

export function nodeHostContext(
  config: OpenClawConfig,
  names: DeploymentNames,
  node: NodeHostConfig,
  gatewayPrivateAddress: string,
): NodeHostContext {
  return {
    ...commonContext(config, names, node.name, node.instanceType),
    gateway: { host: gatewayPrivateAddress, port: config.gateway.port, tls: config.gateway.tls },
  };
}

/** Every host's context at once (for `npm run render` and tests). */
export function buildHostContexts(
  config: OpenClawConfig,
  addresses: HostAddresses,
): { gateway: GatewayHostContext; nodes: NodeHostContext[] } {
  const names = deploymentNames(config);
  return {
    gateway: gatewayHostContext(config, names, addresses.gatewayPublicAddress),
    nodes: config.nodes.map((node) => nodeHostContext(config, names, node, addresses.gatewayPrivateAddress)),
  };
}
