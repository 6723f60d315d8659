/** Host contexts for the tests: hand-written ones (with Terraform-token addresses) and ones built
 * from the example configurations through the lead's buildHostContexts. */
import * as fs from "node:fs";
import * as path from "node:path";
import { validateConfig } from "../../src/config/load";
import { buildHostContexts } from "../../src/hosts/build-contexts";
import type { GatewayHostContext, NodeHostContext } from "../../src/hosts/context";
import { NODE_RUNTIMES, OPENCLAW_VERSION } from "../../src/hosts/runtime";
import { PROJECT_ROOT } from "./helpers";

/** What cdktf puts into strings for values only known at apply time. */
export const EIP_TOKEN = "${TfToken[TOKEN.101]}";
export const PRIVATE_IP_TOKEN = "${TfToken[TOKEN.102]}";

const parameters = {
  gatewayToken: "/openclaw/test/gateway/token",
  gatewayTlsFingerprint: "/openclaw/test/gateway/tls-fingerprint",
  gatewayTlsCertificate: "/openclaw/test/gateway/tls-certificate",
  nodePairing: {
    "openclaw-test-node-1": "/openclaw/test/nodes/node-1/pairing",
    "openclaw-test-node-2": "/openclaw/test/nodes/node-2/pairing",
  },
  placeholder: "pending",
};

const common = {
  stackName: "test",
  region: "eu-west-1",
  runtime: NODE_RUNTIMES.x86_64,
  architecture: "x86_64" as const,
  openclaw: { method: "npm" as const, version: OPENCLAW_VERSION },
  parameters,
  monitoring: { namespace: "OpenClaw/test", applicationLogGroup: "/openclaw-test/application", systemLogGroup: "/openclaw-test/system" },
};

export function gatewayFixture(overrides: Partial<GatewayHostContext["gateway"]> = {}, rest: Partial<GatewayHostContext> = {}): GatewayHostContext {
  return {
    ...common,
    hostName: "openclaw-test-gw",
    gateway: { port: 443, bind: "lan", tls: true, publicAddress: EIP_TOKEN, nodeNames: ["openclaw-test-node-1", "openclaw-test-node-2"], ...overrides },
    ...rest,
  };
}

export function nodeFixture(overrides: Partial<NodeHostContext["gateway"]> = {}, rest: Partial<NodeHostContext> = {}): NodeHostContext {
  return {
    ...common,
    hostName: "openclaw-test-node-1",
    gateway: { host: PRIVATE_IP_TOKEN, port: 443, tls: true, ...overrides },
    ...rest,
  };
}

export const EXAMPLES_DIR = path.join(PROJECT_ROOT, "examples");

/** Realistic addresses, as they are on the host once Terraform has resolved the tokens. */
export const RESOLVED_ADDRESSES = { gatewayPublicAddress: "203.0.113.7", gatewayPrivateAddress: "10.0.1.23" };

export function exampleContexts(file: string, addresses = RESOLVED_ADDRESSES): ReturnType<typeof buildHostContexts> {
  const config = validateConfig(JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), "utf8")), file);
  return buildHostContexts(config, {
    gatewayPublicAddress: config.gateway.elasticIp ? addresses.gatewayPublicAddress : undefined,
    gatewayPrivateAddress: addresses.gatewayPrivateAddress,
  });
}

export function exampleFiles(): string[] {
  return fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith(".json")).sort();
}
