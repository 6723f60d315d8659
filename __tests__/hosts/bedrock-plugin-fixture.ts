/**
 * The real Amazon Bedrock provider plugin, @openclaw/amazon-bedrock-provider, as a test fixture: the npm
 * registry reachable here answers 404 for it, so a shared folder holds its npm-pack tarball for the
 * pinned OpenClaw version (its README says where it comes from). The tests serve it from a local
 * registry under its package name, passing every other package (its dependencies) through to the real
 * registry, and install it the way a gateway's boot does. Never copied into the project.
 *
 * The folder is env OPENCLAW_AWS_BEDROCK_PLUGIN_FIXTURE, or /work/shared/fixtures/openclaw-amazon-bedrock-provider
 * (where CI has it). Without it, the tests that need the plugin skip, saying so.
 *
 * Its bytes are not the public registry's tarball (it was packed from the plugin's published files), so
 * its sha512 is not the public one: a test that needs an integrity uses the fixture's own (`integrity`).
 */
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pluginPin } from "../../src/config/pins";
import { PROJECT_ROOT, type Toolchain } from "./helpers";
import { realRegistry, startLocalNpmRegistry } from "./local-npm-registry";

export const BEDROCK_PLUGIN_PACKAGE = "@openclaw/amazon-bedrock-provider";
/** The version the hosts install (src/config/versions.json). */
export const BEDROCK_PLUGIN_PIN: string = pluginPin(BEDROCK_PLUGIN_PACKAGE).version;

const DEFAULT_FIXTURE_DIR = "/work/shared/fixtures/openclaw-amazon-bedrock-provider";

export interface BedrockPluginFixture {
  /** The npm-pack tarball. */
  readonly tarball: string;
  readonly version: string;
  /** sha512 of the tarball, as npm writes integrity. */
  readonly integrity: string;
}

function fixtureDir(): string {
  return process.env.OPENCLAW_AWS_BEDROCK_PLUGIN_FIXTURE ?? DEFAULT_FIXTURE_DIR;
}

/** The fixture at the pinned version, or undefined when the folder is absent (see bedrockPluginSkipReason). */
export function bedrockPluginFixture(): BedrockPluginFixture | undefined {
  const tarball = path.join(fixtureDir(), `openclaw-amazon-bedrock-provider-${BEDROCK_PLUGIN_PIN}.tgz`);
  if (!fs.existsSync(tarball)) {
    if (fs.existsSync(fixtureDir())) {
      // The folder is there but not for this pin: a bumped pin needs its fixture, never a silent skip.
      throw new Error(`${fixtureDir()} has no tarball for the pinned ${BEDROCK_PLUGIN_PACKAGE}@${BEDROCK_PLUGIN_PIN} (src/config/versions.json)`);
    }
    return undefined;
  }
  const manifest = JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" })) as { name: string; version: string };
  if (manifest.name !== BEDROCK_PLUGIN_PACKAGE || manifest.version !== BEDROCK_PLUGIN_PIN) {
    throw new Error(`${tarball} holds ${manifest.name}@${manifest.version}, not ${BEDROCK_PLUGIN_PACKAGE}@${BEDROCK_PLUGIN_PIN}`);
  }
  return { tarball, version: manifest.version, integrity: `sha512-${createHash("sha512").update(fs.readFileSync(tarball)).digest("base64")}` };
}

/** Why the tests that need the real plugin skip, or undefined when they run. */
export function bedrockPluginSkipReason(): string | undefined {
  return bedrockPluginFixture()
    ? undefined
    : `the ${BEDROCK_PLUGIN_PACKAGE} fixture is not at ${fixtureDir()} (set OPENCLAW_AWS_BEDROCK_PLUGIN_FIXTURE to its folder; see its README)`;
}

/**
 * The fixture's package at another version (its package.json's version changed, repacked with tar):
 * the real plugin's code under a second version, for the tests of what a new pin does.
 */
export function bedrockPluginAtVersion(fixture: BedrockPluginFixture, version: string, dir: string): string {
  const work = fs.mkdtempSync(path.join(dir, "repack-"));
  execFileSync("tar", ["-xzf", fixture.tarball, "-C", work]);
  const manifestPath = path.join(work, "package", "package.json");
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as { version: string };
  fs.writeFileSync(manifestPath, `${JSON.stringify({ ...manifest, version }, null, 2)}\n`);
  const tarball = path.join(dir, `openclaw-amazon-bedrock-provider-${version}.tgz`);
  execFileSync("tar", ["-czf", tarball, "-C", work, "package"]);
  fs.rmSync(work, { recursive: true, force: true });
  return tarball;
}

/**
 * Installs the fixture into a state dir as the gateway's boot does (a gateway whose config names the
 * amazon-bedrock provider refuses to start while the plugin is missing): the rendered
 * templates/gateway/install-plugins.sh with the host's own spec for it (`spec`, from the rendered context:
 * the plugin is UNPINNED, so the script installs it by name at its pinned version with a WARNING), running
 * the real `openclaw` CLI against a local registry on loopback that serves the fixture and passes its
 * dependencies through to the real registry. Returns the script's output.
 */
export async function installBedrockPlugin(tc: Toolchain, fixture: BedrockPluginFixture, spec: string, stateDir: string, configPath: string): Promise<string> {
  if (spec !== `amazon-bedrock=${BEDROCK_PLUGIN_PACKAGE}@${fixture.version}@UNPINNED`) {
    throw new Error(`the hosts' spec for the Bedrock plugin is ${spec}: the fixture (not the public registry's bytes) only stands for it while it is UNPINNED at ${fixture.version}`);
  }
  const registry = await startLocalNpmRegistry([fixture.tarball], { upstream: realRegistry() });
  const work = fs.mkdtempSync(path.join(stateDir, "..", "install-plugins-"));
  try {
    // The host's /usr/local/bin/openclaw runs the CLI as the service user with the state dir; here, as is.
    fs.mkdirSync(path.join(work, "bin"));
    fs.writeFileSync(path.join(work, "bin", "openclaw"), `#!/bin/sh\nexec "${tc.node}" "${path.join(tc.packageDir, "openclaw.mjs")}" "$@"\n`, { mode: 0o755 });
    const hostEnv = path.join(work, "host.env");
    fs.writeFileSync(hostEnv, `OPENCLAW_AWS_LIB_DIR='${path.join(PROJECT_ROOT, "templates", "common")}'\nOPENCLAW_AWS_BIN_DIR='${path.join(work, "bin")}'\nOPENCLAW_AWS_NPM_REGISTRY='${registry.url}'\n`);
    const env = {
      PATH: tc.path,
      HOME: stateDir,
      OPENCLAW_STATE_DIR: stateDir,
      OPENCLAW_CONFIG_PATH: configPath,
      OPENCLAW_NO_AUTO_UPDATE: "1",
      NO_COLOR: "1",
      OPENCLAW_AWS_ENV_FILE: hostEnv,
      npm_config_registry: registry.url,
      npm_config_cache: path.join(work, "npm-cache"),
    };
    // Asynchronously: the registry answers from this process's event loop.
    return await new Promise<string>((resolve, reject) =>
      execFile(path.join(PROJECT_ROOT, "templates", "gateway", "install-plugins.sh"), [spec], { env, cwd: stateDir, timeout: 300_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
        error ? reject(new Error(`install-plugins.sh failed: ${error.message}\n${stdout}${stderr}`)) : resolve(stdout + stderr),
      ),
    );
  } finally {
    await registry.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
