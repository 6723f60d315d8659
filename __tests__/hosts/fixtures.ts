/** Host contexts for the tests: hand-written ones (with Terraform-token addresses) and ones built
 * from configurations the way the stack builds them. */
import * as fs from "node:fs";
import * as path from "node:path";
import { validateConfig } from "../../src/config/load";
import { deploymentOf, isPrivilegedPort, type DeploymentHosts } from "../../src/config/hosts";
import { installBucketName } from "../../src/config/names";
import { ACCOUNT } from "../e2e/deployment";
import { DEFAULT_OPENCLAW_VERSION, type OpenClawConfig } from "../../src/config/schema";
import { openclawLockKey } from "../../src/host/context";
import { HOST_METRICS } from "../../src/monitoring/metrics";
import { NPM_REGISTRY, openclawLockSha256 } from "../../src/config/pins";
import { assistantContext } from "../../src/gateway/assistant";
import { gatewayHostContext, type GatewayHostContext } from "../../src/gateway/gateway-context";
import { nodeHostContext, type NodeHostContext } from "../../src/node/node-context";
import { NODE_RUNTIMES } from "../../src/host/runtime";
import { PROJECT_ROOT } from "./helpers";

/** What cdktf puts into strings for values only known at apply time. */
export const EIP_TOKEN = "${TfToken[TOKEN.101]}";
export const PRIVATE_IP_TOKEN = "${TfToken[TOKEN.102]}";

const parameters = {
  tlsFingerprint: "/openclaw/test/gateway/tls-fingerprint",
  tlsCertificate: "/openclaw/test/gateway/tls-certificate",
  nodeList: "/openclaw/test/gateway/nodes",
  placeholder: "pending",
};

const common = {
  stackName: "test",
  region: "eu-west-1",
  runtime: NODE_RUNTIMES.x86_64,
  architecture: "x86_64" as const,
  openclaw: {
    method: "npm" as const,
    version: DEFAULT_OPENCLAW_VERSION,
    lock: { bucket: "openclaw-test-pkg-123456789012-eu-west-1", key: openclawLockKey(openclawLockSha256()), sha256: openclawLockSha256() },
  },
  installBucket: "openclaw-test-pkg-123456789012-eu-west-1",
  npmRegistry: NPM_REGISTRY,
  parameters,
  monitoring: { namespace: "OpenClaw/test", applicationLogGroup: "/openclaw-test/application", systemLogGroup: "/openclaw-test/system" },
};

export function gatewayFixture(overrides: Partial<GatewayHostContext["gateway"]> = {}, rest: Partial<GatewayHostContext> = {}): GatewayHostContext {
  return {
    ...common,
    hostName: "openclaw-test-gw",
    role: "gateway",
    gateway: {
      port: 443,
      bind: "lan",
      tls: true,
      publicAddress: EIP_TOKEN,
      privilegedPort: isPrivilegedPort(overrides.port ?? 443),
      publicUrlScheme: overrides.tls === false ? "http" : "https",
      tokenSecret: "openclaw/test/gateway/token",
      kmsKey: "alias/openclaw-test",
      ...overrides,
    },
    // The default model and no channels, as for the default configuration.
    assistant: assistantContext(deploymentOf(validateConfig({ stackName: "test" }, "fixture"))),
    health: { gatewayMetric: HOST_METRICS.gatewayMetric, nodeMetric: HOST_METRICS.nodeMetric },
    ...rest,
  };
}

export function nodeFixture(overrides: Partial<NodeHostContext["gateway"]> = {}, rest: Partial<NodeHostContext> = {}): NodeHostContext {
  return {
    ...common,
    hostName: "openclaw-test-node-1",
    role: "node",
    gateway: { host: PRIVATE_IP_TOKEN, port: 443, tls: true, ...overrides },
    pairingParameter: "/openclaw/test/nodes/node-1/pairing",
    ...rest,
  };
}

export const EXAMPLES_DIR = path.join(PROJECT_ROOT, "examples");

/** Realistic addresses, as they are on the host once Terraform has resolved the tokens. */
export const RESOLVED_ADDRESSES = { gatewayPublicAddress: "203.0.113.7", gatewayPrivateAddress: "10.0.1.23" };


export interface HostContexts {
  readonly gateway: GatewayHostContext;
  readonly nodes: NodeHostContext[];
}

/** Every host's context of a configuration, as the stack builds them, with these addresses. */
export function contextsFor(config: OpenClawConfig, addresses: { gatewayPublicAddress: string; gatewayPrivateAddress: string }): HostContexts {
  const deployment = deploymentOf(config);
  const publicAddress = config.gateway.elasticIp ? addresses.gatewayPublicAddress : undefined;
  const installBucket = installBucketName(deployment.names, ACCOUNT, config.region);
  return {
    gateway: gatewayHostContext(deployment, publicAddress, installBucket),
    nodes: deployment.hosts.nodes.map((node) => nodeHostContext(deployment, node, addresses.gatewayPrivateAddress, installBucket)),
  };
}

function exampleConfig(file: string): OpenClawConfig {
  return validateConfig(JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), "utf8")), file);
}

export function exampleContexts(file: string, addresses = RESOLVED_ADDRESSES): HostContexts {
  return contextsFor(exampleConfig(file), addresses);
}

/** The host records of an example, as the stack derives them (e.g. the node-list entries Terraform creates). */
export function exampleHosts(file: string): DeploymentHosts {
  return deploymentOf(exampleConfig(file)).hosts;
}

export function exampleFiles(): string[] {
  return fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith(".json")).sort();
}
