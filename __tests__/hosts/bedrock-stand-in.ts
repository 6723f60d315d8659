/**
 * A stand-in for @openclaw/amazon-bedrock-provider, which the npm registry reachable here does not
 * serve: the real package's layout (package.json `openclaw` block: extensions, install, compat, build;
 * openclaw.plugin.json with id "amazon-bedrock" and providers ["amazon-bedrock"]) with an entry of our
 * own that registers nothing. Enough for OpenClaw to install, list and load it; no Bedrock call.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_OPENCLAW_VERSION as OPENCLAW_VERSION } from "../../src/config/schema";
import type { Toolchain } from "./helpers";
import { npmPack, startLocalNpmRegistry } from "./local-npm-registry";

export const PACKAGE = "@openclaw/amazon-bedrock-provider";

/** A package with the layout of @openclaw/amazon-bedrock-provider at `version`; its code registers nothing. */
export function standInPackage(dir: string, version: string): string {
  fs.mkdirSync(path.join(dir, "dist"), { recursive: true });
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({
      name: PACKAGE,
      version,
      description: "Stand-in with the layout of the Amazon Bedrock provider plugin (install mechanics only)",
      type: "module",
      peerDependencies: { openclaw: `>=${OPENCLAW_VERSION}` },
      peerDependenciesMeta: { openclaw: { optional: true } },
      openclaw: {
        extensions: ["./dist/index.js"],
        install: { npmSpec: PACKAGE, defaultChoice: "npm", minHostVersion: ">=2026.5.12-beta.1" },
        compat: { pluginApi: `>=${OPENCLAW_VERSION}` },
        build: { openclawVersion: OPENCLAW_VERSION, bundledDist: false },
      },
      files: ["dist/**", "openclaw.plugin.json"],
    }),
  );
  fs.writeFileSync(
    path.join(dir, "openclaw.plugin.json"),
    JSON.stringify({ id: "amazon-bedrock", name: "Amazon Bedrock", description: "stand-in", providers: ["amazon-bedrock"], configSchema: { type: "object", additionalProperties: false, properties: {} } }),
  );
  fs.writeFileSync(
    path.join(dir, "dist", "index.js"),
    'import { definePluginEntry } from "openclaw/plugin-sdk/plugin-entry";\nexport default definePluginEntry({ id: "amazon-bedrock", name: "Amazon Bedrock", description: "stand-in", register() {} });\n',
  );
  return dir;
}


/**
 * Installs the stand-in at `version` into a state dir with the real `openclaw plugins install`, from a
 * local registry on loopback: what the gateway's boot does before it starts the unit. A gateway whose
 * config names the amazon-bedrock provider refuses to start (exit 78) while the plugin is missing and
 * cannot be fetched. Returns the CLI's output.
 */
export async function installBedrockStandIn(tc: Toolchain, version: string, stateDir: string, configPath: string): Promise<string> {
  const work = fs.mkdtempSync(path.join(stateDir, "..", "bedrock-stand-in-"));
  const registry = await startLocalNpmRegistry([npmPack(standInPackage(path.join(work, "package"), version), work)]);
  try {
    const env = { PATH: tc.path, HOME: stateDir, OPENCLAW_STATE_DIR: stateDir, OPENCLAW_CONFIG_PATH: configPath, OPENCLAW_NO_AUTO_UPDATE: "1", NO_COLOR: "1", npm_config_registry: registry.url, npm_config_cache: path.join(work, "npm-cache") };
    // Asynchronously: the registry answers from this process's event loop.
    return await new Promise<string>((resolve, reject) =>
      execFile(tc.node, [path.join(tc.packageDir, "openclaw.mjs"), "plugins", "install", `${PACKAGE}@${version}`], { env, cwd: stateDir, timeout: 300_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
        error ? reject(new Error(`plugins install failed: ${error.message}\n${stdout}${stderr}`)) : resolve(stdout + stderr),
      ),
    );
  } finally {
    await registry.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
