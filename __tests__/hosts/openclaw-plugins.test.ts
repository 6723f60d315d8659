/**
 * Installing the Amazon Bedrock provider plugin the way the gateway's boot does, with the real
 * `openclaw plugins install` and templates/gateway/install-plugins.sh. The npm registry reachable here
 * answers 404 for @openclaw/amazon-bedrock-provider, so a local registry serves the real plugin from its
 * fixture (bedrock-plugin-fixture.ts; skipped, saying so, without it) and passes its dependencies
 * through to the real registry; another version is the same plugin repacked under it. What this proves:
 * the plugin pinned as the hosts pin it (UNPINNED: the public registry's integrity could not be had
 * here) is installed by name at its pinned version through npm_config_registry, with a WARNING line; the
 * package lands in the state dir, `openclaw plugins list` lists it as an installed global plugin
 * providing amazon-bedrock, a re-run does nothing; a new pin with a sha512 integrity is downloaded from
 * the registry in host.env, checked and installed as exactly that file (npm-pack:), replacing the old
 * version; a tarball that does not match its pin is refused before anything is installed. The plugin
 * answering a model call: systemd-boot-bedrock.ts.
 * OpenClaw runs in a network namespace of its own that reaches only the local registry (through a
 * relay on the same port), so nothing else is contacted.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isPinned, pluginPin } from "../../src/config/pins";
import { BEDROCK_PLUGIN_PACKAGE as PACKAGE, bedrockPluginAtVersion, bedrockPluginFixture, bedrockPluginSkipReason, type BedrockPluginFixture } from "./bedrock-plugin-fixture";
import { realRegistry, startLocalNpmRegistry, type LocalNpmRegistry } from "./local-npm-registry";
import { PROJECT_ROOT, run, startProcess, stopProcess, tempDir, toolchain, waitFor, type Started, type Toolchain } from "./helpers";

jest.setTimeout(10 * 60_000);

// Official OpenClaw plugins are released in the core's cohort: the plugin version that pairs with a core.
const HOST_PIN = pluginPin(PACKAGE);
const PINNED = HOST_PIN.version;
const NEXT = `${PINNED}-1`;
const RELAY = path.join(__dirname, "port-relay.mjs");

const skip = bedrockPluginSkipReason();

(skip ? describe.skip : describe)(`the Bedrock provider plugin installed by install-plugins.sh with the real \`openclaw plugins install\`${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let tc: Toolchain;
  let fixture: BedrockPluginFixture;
  /** The plugin at the pinned version, then at the next. */
  let tarballs: string[];
  let work: string;
  let state: string;
  let ns: string;
  let registry: LocalNpmRegistry;
  const relays: Started[] = [];
  let env: NodeJS.ProcessEnv;

  /** In the namespace, asynchronously: the registry answers from this process's event loop. */
  function inNamespace(command: string, args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) =>
      execFile("ip", ["netns", "exec", ns, command, ...args], { env, timeout: 300_000, maxBuffer: 64 << 20, encoding: "utf8" }, (error, stdout, stderr) =>
        resolve({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
      ),
    );
  }

  /** The sha512 integrity of a tarball, as a pin holds it. */
  function integrityOf(tarball: string): string {
    return `sha512-${createHash("sha512").update(fs.readFileSync(tarball)).digest("base64")}`;
  }

  function installPlugins(version: string, integrity: string) {
    return inNamespace(path.join(PROJECT_ROOT, "templates", "gateway", "install-plugins.sh"), [`amazon-bedrock=${PACKAGE}@${version}@${integrity}`]);
  }

  async function listed() {
    const r = await inNamespace(path.join(work, "bin", "openclaw"), ["plugins", "list", "--json"]);
    return (JSON.parse(r.stdout).plugins as { id: string; version: string; origin: string; enabled: boolean; rootDir: string; providerIds: string[] }[]).find((p) => p.id === "amazon-bedrock");
  }

  /** The namespace has only loopback: the registry's port inside it leads, through two relays, to the registry outside. */
  async function exposeRegistry() {
    for (const relay of relays.splice(0)) await stopProcess(relay);
    const port = new URL(registry.url).port;
    const socket = path.join(work, `registry-${port}.sock`);
    relays.push(startProcess("relay-out", process.execPath, [RELAY, socket, port], { env: process.env }));
    await waitFor("the outer relay", 60_000, () => (relays[0].output().includes("listening") ? true : undefined), 100);
    relays.push(startProcess("relay-in", "ip", ["netns", "exec", ns, process.execPath, RELAY, port, socket], { env: process.env }));
    await waitFor("the inner relay", 60_000, () => (relays[1].output().includes("listening") ? true : undefined), 100);
    env.npm_config_registry = registry.url;
    fs.writeFileSync(
      path.join(work, "host.env"),
      `OPENCLAW_AWS_LIB_DIR='${path.join(PROJECT_ROOT, "templates", "common")}'\nOPENCLAW_AWS_BIN_DIR='${path.join(work, "bin")}'\nOPENCLAW_AWS_NPM_REGISTRY='${registry.url}'\n`,
    );
  }

  beforeAll(async () => {
    tc = toolchain();
    work = tempDir("plugins");
    fixture = bedrockPluginFixture()!;
    tarballs = [fixture.tarball, bedrockPluginAtVersion(fixture, NEXT, work)];
    registry = await startLocalNpmRegistry(tarballs.slice(0, 1), { upstream: realRegistry() });

    ns = `oc-plugins-${process.pid}`;
    expect(run("ip", ["netns", "add", ns]).status).toBe(0);
    run("ip", ["-n", ns, "link", "set", "lo", "up"]);

    state = path.join(work, "state");
    fs.mkdirSync(state);
    fs.writeFileSync(path.join(state, "openclaw.json"), JSON.stringify({ gateway: { mode: "local" } }));
    // The host's /usr/local/bin/openclaw runs the CLI as the service user with the state dir; here, as is.
    fs.mkdirSync(path.join(work, "bin"));
    fs.writeFileSync(path.join(work, "bin", "openclaw"), `#!/bin/sh\nexec "${tc.node}" "${path.join(tc.packageDir, "openclaw.mjs")}" "$@"\n`, { mode: 0o755 });
    env = {
      PATH: tc.path,
      HOME: state,
      OPENCLAW_STATE_DIR: state,
      OPENCLAW_CONFIG_PATH: path.join(state, "openclaw.json"),
      OPENCLAW_NO_AUTO_UPDATE: "1",
      NO_COLOR: "1",
      OPENCLAW_AWS_ENV_FILE: path.join(work, "host.env"),
      npm_config_cache: path.join(work, "npm-cache"),
    };
    await exposeRegistry();
  });

  afterAll(async () => {
    for (const relay of relays) await stopProcess(relay);
    if (ns) run("ip", ["netns", "del", ns]);
    await registry?.close();
  });

  it("installs the plugin pinned as the hosts pin it (UNPINNED) by name at its pinned version, with a WARNING line, and lists it", async () => {
    // The gateway passes the Bedrock provider as UNPINNED (src/gateway/assistant.ts): the public registry's integrity could not be had here.
    expect({ pinned: isPinned(HOST_PIN) }).toEqual({ pinned: false });
    const started = Date.now();
    const r = await installPlugins(PINNED, "UNPINNED");
    process.stdout.write(`[plugins] first install took ${Date.now() - started} ms\n`);
    expect(r.stderr).toMatch(new RegExp(`WARNING: plugin amazon-bedrock: ${PACKAGE}@${PINNED.replace(/\./g, "\\.")} has no pinned integrity .*installing it by name`));
    expect(r.stderr).not.toMatch(/checked tarball/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Installed plugin: amazon-bedrock/);
    expect(registry.requests).toContain(`GET /@openclaw/amazon-bedrock-provider/-/amazon-bedrock-provider-${PINNED}.tgz`);

    const plugin = await listed();
    expect(plugin).toMatchObject({ id: "amazon-bedrock", version: PINNED, origin: "global", enabled: true, providerIds: ["amazon-bedrock"] });
    expect(plugin!.rootDir.startsWith(path.join(state, "npm", "projects") + path.sep)).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(plugin!.rootDir, "package.json"), "utf8")).version).toBe(PINNED);
    expect(JSON.parse(fs.readFileSync(path.join(state, "openclaw.json"), "utf8")).plugins.entries["amazon-bedrock"]).toEqual({ enabled: true });
  });

  it("a re-run (reboot) finds it installed and downloads nothing", async () => {
    const before = registry.requests.length;
    const r = await installPlugins(PINNED, "UNPINNED");
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`plugin amazon-bedrock ${PINNED.replace(/\./g, "\\.")} is installed`));
    expect(registry.requests.slice(before)).toEqual([]);
  });

  it("a new pin with a sha512 integrity: the tarball is downloaded from host.env's registry, checked, and replaces the installed version", async () => {
    await registry.close();
    registry = await startLocalNpmRegistry(tarballs, { upstream: realRegistry() });
    await exposeRegistry();

    const r = await installPlugins(NEXT, integrityOf(tarballs[1]));
    expect(r.stderr).toMatch(new RegExp(`checksum ok \\(sha512\\) for amazon-bedrock-${NEXT.replace(/\./g, "\\.")}\\.tgz`));
    expect(r.stderr).toMatch(new RegExp(`plugin amazon-bedrock: replacing ${PINNED.replace(/\./g, "\\.")} with ${NEXT.replace(/\./g, "\\.")}`));
    expect(r.stderr).toMatch(new RegExp(`installing plugin amazon-bedrock from ${PACKAGE}@${NEXT.replace(/\./g, "\\.")} \\(checked tarball\\)`));
    expect(r.status).toBe(0);
    expect(registry.requests).toContain(`GET /@openclaw/amazon-bedrock-provider/-/amazon-bedrock-provider-${NEXT}.tgz`);
    expect(await listed()).toMatchObject({ version: NEXT, enabled: true });
  });

  it("refuses a tarball that does not match its pin, and installs nothing", async () => {
    const other = `${PINNED}-2`;
    await registry.close();
    // The pin holds NEXT's integrity, the registry serves other bytes under `other`: what a swapped tarball looks like.
    const swapped = path.join(work, "swapped");
    fs.mkdirSync(swapped);
    registry = await startLocalNpmRegistry([bedrockPluginAtVersion(fixture, other, swapped)], { upstream: realRegistry() });
    await exposeRegistry();
    const r = await installPlugins(other, integrityOf(tarballs[1]));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`checksum mismatch for .*amazon-bedrock-${other.replace(/\./g, "\\.")}\\.tgz`));
    expect(r.stderr).toMatch(/does not match its pinned integrity/);
    expect(r.stderr).not.toMatch(/installing plugin/);
    expect(await listed()).toMatchObject({ version: NEXT });
  });
});
