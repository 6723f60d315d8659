/**
 * Writes every file each host gets, at <dir>/<host>/<path on the host>, plus
 * <dir>/<host>/user-data.yaml (the cloud-init user data before gzip/base64) and, for a host that
 * downloads some of its files at boot, <dir>/<host>/host-files.json (that object, as uploaded).
 *
 *   npm run render -- <dir> [--config <file>]
 *
 * The configuration is read and validated like `cdktf synth` reads it (--config, else env
 * OPENCLAW_CONFIG, else openclaw.config.json, else the defaults). Addresses AWS assigns at deploy
 * time are shown as readable placeholders.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { deploymentOf } from "../src/config/hosts";
import { loadConfig } from "../src/config/load";
import { gatewayHostContext, renderGatewayHost } from "../src/gateway/gateway-context";
import { nodeHostContext, renderNodeHost } from "../src/node/node-context";
import type { RenderedHost } from "../src/host/render";
import { Failure, runCli } from "./lib/cli";

export const PLACEHOLDER_ADDRESSES = {
  gatewayPublicAddress: "GATEWAY-ELASTIC-IP",
  gatewayPrivateAddress: "GATEWAY-PRIVATE-IP",
  installBucket: "INSTALL-FILES-BUCKET",
};

/** The id and version of a guardrail the stack creates (`openclaw.guardrail: { "create": true }`). */
export const PLACEHOLDER_GUARDRAIL = { id: "CREATED-GUARDRAIL-ID", version: "CREATED-GUARDRAIL-VERSION" };

function usage(message: string): never {
  throw new Failure(`${message}\nusage: npm run render -- <dir> [--config <file>]`);
}

function readArguments(): { dir: string; config?: string } {
  let parsed;
  try {
    parsed = parseArgs({ options: { config: { type: "string" } }, allowPositionals: true });
  } catch (error) {
    usage((error as Error).message);
  }
  const [dir, ...extra] = parsed.positionals;
  if (!dir) usage("missing <dir>");
  if (extra.length > 0) usage(`unexpected argument ${extra[0]}`);
  return { dir, config: parsed.values.config };
}

function writeHost(root: string, host: string, rendered: RenderedHost): number {
  const base = path.join(root, host);
  fs.rmSync(base, { recursive: true, force: true });
  for (const file of rendered.files) {
    const target = path.join(base, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content, { mode: parseInt(file.mode, 8) });
    fs.chmodSync(target, parseInt(file.mode, 8));
  }
  fs.mkdirSync(base, { recursive: true });
  fs.writeFileSync(path.join(base, "user-data.yaml"), rendered.userData);
  if (rendered.hostFiles) fs.writeFileSync(path.join(base, "host-files.json"), rendered.hostFiles.body);
  return rendered.files.length;
}

function main(): void {
  const { dir, config } = readArguments();
  const env = config ? { ...process.env, OPENCLAW_CONFIG: path.resolve(config) } : process.env;
  const validated = loadConfig({ cwd: process.cwd(), env });
  const deployment = deploymentOf(validated);
  const { hosts } = deployment;
  const publicAddress = validated.gateway.elasticIp ? PLACEHOLDER_ADDRESSES.gatewayPublicAddress : undefined;
  const root = path.resolve(dir);
  const renderedHosts: [string, RenderedHost][] = [
    [hosts.gateway.hostName, renderGatewayHost(gatewayHostContext(deployment, publicAddress, PLACEHOLDER_ADDRESSES.installBucket, PLACEHOLDER_GUARDRAIL))],
    ...hosts.nodes.map((node): [string, RenderedHost] => [
      node.hostName,
      renderNodeHost(nodeHostContext(deployment, node, PLACEHOLDER_ADDRESSES.gatewayPrivateAddress, PLACEHOLDER_ADDRESSES.installBucket)),
    ]),
  ];
  for (const [host, rendered] of renderedHosts) {
    const count = writeHost(root, host, rendered);
    const downloaded = rendered.hostFiles ? ` + host-files.json (${rendered.hostFiles.body.length} bytes, downloaded at boot)` : "";
    process.stdout.write(`${path.join(root, host)}: ${count} files + user-data.yaml (${rendered.userData.length} bytes)${downloaded}\n`);
  }
}

runCli(main);
