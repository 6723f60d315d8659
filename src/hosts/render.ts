/**
 * Renders what each EC2 host gets from the templates in `templates/`: its files (boot scripts,
 * systemd units, openclaw.json, CloudWatch agent config, ...) and a `#cloud-config` user data that
 * writes them and runs the boot script.
 *
 * Context values are only interpolated, never parsed: they may be Terraform tokens
 * (`${TfToken[TOKEN.n]}`) that cdktf resolves later. Only handlebars and node builtins are imported.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Handlebars from "handlebars";
import type { GatewayHostContext, HostContext, HostFile, NodeHostContext, RenderedHost } from "./context";
import { PROJECT_ROOT } from "../project-root";

/** The project's templates folder. */
export const TEMPLATES_DIR = path.join(PROJECT_ROOT, "templates");

/** Where the host scripts live on the hosts. */
export const HOST_LIB_DIR = "/usr/local/lib/openclaw-aws";

interface FileSpec {
  readonly template: string;
  readonly path: string;
  readonly mode: string;
}

const COMMON_FILES: readonly FileSpec[] = [
  { template: "common/host.env", path: "/etc/openclaw-aws/host.env", mode: "0644" },
  { template: "common/lib.sh", path: `${HOST_LIB_DIR}/lib.sh`, mode: "0644" },
  { template: "common/install-runtime.sh", path: `${HOST_LIB_DIR}/install-runtime.sh`, mode: "0755" },
  { template: "common/install-openclaw.sh", path: `${HOST_LIB_DIR}/install-openclaw.sh`, mode: "0755" },
  { template: "common/prepare-host.sh", path: `${HOST_LIB_DIR}/prepare-host.sh`, mode: "0755" },
  { template: "common/amazon-cloudwatch-agent.json", path: "/etc/openclaw-aws/amazon-cloudwatch-agent.json", mode: "0644" },
  { template: "common/openclaw", path: "/usr/local/bin/openclaw", mode: "0755" },
];

export const GATEWAY_BOOT_SCRIPT = `${HOST_LIB_DIR}/boot-gateway.sh`;
export const NODE_BOOT_SCRIPT = `${HOST_LIB_DIR}/boot-node.sh`;

const GATEWAY_FILES: readonly FileSpec[] = [
  ...COMMON_FILES,
  { template: "gateway/nodes.tsv", path: "/etc/openclaw-aws/nodes.tsv", mode: "0644" },
  { template: "gateway/openclaw.json", path: "/etc/openclaw/openclaw.json", mode: "0644" },
  { template: "gateway/boot-gateway.sh", path: GATEWAY_BOOT_SCRIPT, mode: "0755" },
  { template: "gateway/gateway-cert.sh", path: `${HOST_LIB_DIR}/gateway-cert.sh`, mode: "0755" },
  { template: "gateway/gateway-publish.sh", path: `${HOST_LIB_DIR}/gateway-publish.sh`, mode: "0755" },
  { template: "gateway/gateway-pairing.sh", path: `${HOST_LIB_DIR}/gateway-pairing.sh`, mode: "0755" },
  { template: "gateway/openclaw-gateway.service", path: "/etc/systemd/system/openclaw-gateway.service", mode: "0644" },
  {
    template: "gateway/openclaw-gateway-pairing.service",
    path: "/etc/systemd/system/openclaw-gateway-pairing.service",
    mode: "0644",
  },
  {
    template: "gateway/openclaw-gateway-pairing.timer",
    path: "/etc/systemd/system/openclaw-gateway-pairing.timer",
    mode: "0644",
  },
];

const NODE_FILES: readonly FileSpec[] = [
  ...COMMON_FILES,
  { template: "node/openclaw.json", path: "/etc/openclaw/openclaw.json", mode: "0644" },
  { template: "node/boot-node.sh", path: NODE_BOOT_SCRIPT, mode: "0755" },
  { template: "node/node-pairing.sh", path: `${HOST_LIB_DIR}/node-pairing.sh`, mode: "0755" },
  { template: "node/openclaw-node.service", path: "/etc/systemd/system/openclaw-node.service", mode: "0644" },
  {
    template: "node/openclaw-node-pairing.service",
    path: "/etc/systemd/system/openclaw-node-pairing.service",
    mode: "0644",
  },
];

let engine: typeof Handlebars | undefined;
const compiled = new Map<string, Handlebars.TemplateDelegate>();

function handlebars(): typeof Handlebars {
  if (!engine) {
    engine = Handlebars.create();
    engine.registerHelper("eq", (a: unknown, b: unknown) => a === b);
    // {{json a b ...}}: the concatenation of the arguments as a JSON string literal (numbers and
    // booleans alone stay JSON numbers/booleans).
    engine.registerHelper("json", (...args: unknown[]) => {
      const values = args.slice(0, -1);
      if (values.length === 1 && typeof values[0] !== "string") return JSON.stringify(values[0]);
      return JSON.stringify(values.map((v) => String(v)).join(""));
    });
  }
  return engine;
}

function template(name: string): Handlebars.TemplateDelegate {
  let t = compiled.get(name);
  if (!t) {
    const source = fs.readFileSync(path.join(TEMPLATES_DIR, name), "utf8");
    t = handlebars().compile(source, { noEscape: true, strict: true });
    compiled.set(name, t);
  }
  return t;
}

/**
 * host.env is read by bash and by systemd (EnvironmentFile=): every value is written as '...'
 * verbatim, so it must not contain a quote, backslash or line break. Terraform tokens pass.
 */
const ENV_UNSAFE = /['\\\n\r]/;

function assertEnvSafe(value: unknown, what: string): void {
  if (value === undefined || value === null) return;
  if (typeof value === "object") {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) assertEnvSafe(v, `${what}.${k}`);
    return;
  }
  if (ENV_UNSAFE.test(String(value))) {
    throw new Error(`${what} contains a quote, backslash or line break, which host.env cannot hold: ${JSON.stringify(value)}`);
  }
}

/** Names end up as systemd/CLI arguments and log stream names: keep them plain. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function assertName(value: string, what: string): void {
  if (!NAME.test(value)) throw new Error(`${what} must match ${NAME} (got ${JSON.stringify(value)})`);
}

function renderFiles(specs: readonly FileSpec[], data: Record<string, unknown>): HostFile[] {
  return specs.map((spec) => ({ path: spec.path, mode: spec.mode, content: template(spec.template)(data) }));
}

/** The cloud-init user data: JSON is valid YAML, so arbitrary file contents are safe. */
export function cloudConfig(files: readonly HostFile[], bootScript: string): string {
  const doc = {
    write_files: files.map((f) => ({ path: f.path, permissions: f.mode, owner: "root:root", content: f.content })),
    runcmd: [["/bin/bash", bootScript]],
  };
  return `#cloud-config\n${JSON.stringify(doc)}\n`;
}

function commonData(ctx: HostContext, role: "gateway" | "node"): Record<string, unknown> {
  assertName(ctx.hostName, "hostName");
  assertEnvSafe(ctx, "context");
  return { ...ctx, role };
}

export function renderGatewayHost(ctx: GatewayHostContext): RenderedHost {
  const nodePairings = ctx.gateway.nodeNames.map((name) => {
    assertName(name, "node name");
    const parameter = ctx.parameters.nodePairing[name];
    if (!parameter) throw new Error(`parameters.nodePairing has no parameter for node ${JSON.stringify(name)}`);
    return { name, parameter };
  });
  if (nodePairings.length > 0 && !ctx.gateway.tls) {
    // OpenClaw only mints join URLs for a TLS gateway (plain HTTP only on loopback).
    throw new Error("nodes need a TLS gateway: OpenClaw's join codes require gateway.tls = true");
  }
  const data = {
    ...commonData(ctx, "gateway"),
    gateway: { ...ctx.gateway, publicAddress: ctx.gateway.publicAddress ?? "" },
    nodePairings,
    nodePairingParameter: undefined,
    privilegedPort: ctx.gateway.port < 1024,
    publicUrlScheme: ctx.gateway.tls ? "https" : "http",
  };
  const files = renderFiles(GATEWAY_FILES, data);
  return { files, userData: cloudConfig(files, GATEWAY_BOOT_SCRIPT) };
}

export function renderNodeHost(ctx: NodeHostContext): RenderedHost {
  if (!ctx.gateway.tls) {
    throw new Error("a node needs a TLS gateway: it pairs with a join code, which OpenClaw only issues over TLS");
  }
  const nodePairingParameter = ctx.parameters.nodePairing[ctx.hostName];
  if (!nodePairingParameter) {
    throw new Error(`parameters.nodePairing has no parameter for node ${JSON.stringify(ctx.hostName)}`);
  }
  const data = { ...commonData(ctx, "node"), nodePairingParameter };
  const files = renderFiles(NODE_FILES, data);
  return { files, userData: cloudConfig(files, NODE_BOOT_SCRIPT) };
}
