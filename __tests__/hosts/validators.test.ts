/**
 * Runs the real validators on everything the hosts get, for every example configuration and the
 * token fixtures: OpenClaw's own `config validate`, `systemd-analyze verify`, shellcheck, bash -n,
 * `cloud-init schema`, JSON parsing, and the user-data size. Each validator is first shown to
 * reject a broken input, so a pass means something.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import type { HostFile, RenderedHost } from "../../src/host/render";
import { renderGatewayHost } from "../../src/gateway/gateway-context";
import { renderNodeHost } from "../../src/node/node-context";
import { exampleContexts, exampleFiles, gatewayFixture, nodeFixture } from "./fixtures";
import { run, tempDir, toolchain, writeRendered } from "./helpers";

interface Host {
  label: string;
  rendered: RenderedHost;
  /** Rendered with resolved addresses (what OpenClaw sees on the host). */
  resolved: boolean;
}

const hosts: Host[] = [];
for (const file of exampleFiles()) {
  const contexts = exampleContexts(file);
  hosts.push({ label: `${file} ${contexts.gateway.hostName}`, rendered: renderGatewayHost(contexts.gateway), resolved: true });
  for (const node of contexts.nodes) hosts.push({ label: `${file} ${node.hostName}`, rendered: renderNodeHost(node), resolved: true });
}
hosts.push({ label: "token fixture gateway", rendered: renderGatewayHost(gatewayFixture()), resolved: false });
hosts.push({ label: "token fixture node", rendered: renderNodeHost(nodeFixture()), resolved: false });
hosts.push({ label: "token fixture gateway, port 18789, no TLS", rendered: renderGatewayHost(gatewayFixture({ port: 18789, tls: false, bind: "loopback" })), resolved: false });

const isScript = (content: string) => content.startsWith("#!/bin/bash") || content.startsWith("# shellcheck shell=bash");
const isUnit = (p: string) => /\.(service|timer)$/.test(p);

let root: string;
beforeAll(() => {
  root = tempDir("validate");
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function hostDir(host: Host): string {
  const dir = path.join(root, host.label.replace(/[^A-Za-z0-9.-]+/g, "_"));
  if (!fs.existsSync(dir)) writeRendered(dir, host.rendered);
  return dir;
}

// ------------------------------------------------------------------ shell scripts
function shellcheck(dir: string, files: string[]) {
  return run("shellcheck", ["--external-sources", "--source-path=SCRIPTDIR", "--severity=style", ...files], { cwd: dir });
}

/**
 * shellcheck's verdict on a host's scripts (written under `dir`), once per distinct set: most hosts get
 * byte-identical scripts (their values come from host.env), and the same bytes get the same verdict (about
 * 4 CPU-s a run).
 */
const verdicts = new Map<string, ReturnType<typeof shellcheck>>();
function shellcheckOnce(dir: string, scripts: readonly HostFile[]) {
  const hash = crypto.createHash("sha256");
  for (const file of scripts) hash.update(`${file.path}\0${file.content}\0`);
  const key = hash.digest("hex");
  if (!verdicts.has(key)) verdicts.set(key, shellcheck(dir, scripts.map((file) => path.join(dir, file.path))));
  return verdicts.get(key)!;
}

describe("shell scripts", () => {
  it("shellcheck and bash -n reject a broken script", () => {
    const dir = tempDir("bad-sh");
    fs.writeFileSync(path.join(dir, "bad.sh"), "#!/bin/bash\nfor f in $(ls *.txt); do echo $f; done\nif true; then\n");
    expect(shellcheck(dir, ["bad.sh"]).status).not.toBe(0);
    expect(run("bash", ["-n", path.join(dir, "bad.sh")]).status).not.toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(hosts.map((h) => [h.label, h] as const))("%s: every script passes shellcheck and bash -n", (_label, host) => {
    const dir = hostDir(host);
    const scriptFiles = host.rendered.files.filter((f) => isScript(f.content));
    const scripts = scriptFiles.map((f) => path.join(dir, f.path));
    expect(scripts.length).toBeGreaterThanOrEqual(6);
    for (const script of scripts) {
      const syntax = run("bash", ["-n", script]);
      expect({ script, stderr: syntax.stderr, status: syntax.status }).toEqual({ script, stderr: "", status: 0 });
    }
    const result = shellcheckOnce(dir, scriptFiles);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it.each(hosts.map((h) => [h.label, h] as const))("%s: every script fails loudly (set -Eeuo pipefail + ERR trap)", (_label, host) => {
    for (const f of host.rendered.files.filter((f) => f.content.startsWith("#!/bin/bash"))) {
      const strict = /^enable_error_trap$/m.test(f.content) || /^set -euo pipefail$/m.test(f.content);
      expect({ path: f.path, strict }).toEqual({ path: f.path, strict: true });
      expect(f.content).not.toMatch(/^\s*set -[a-z]*x/m);
    }
  });
});

// ------------------------------------------------------------------ systemd units
/** A root for `systemd-analyze verify --root`: systemd's own units, the rendered units, and an
 * executable at each ExecStart path (the real programs run in the end-to-end test). */
function systemdRoot(dir: string, rendered: RenderedHost): string {
  const sdRoot = `${dir}.sdroot`;
  fs.rmSync(sdRoot, { recursive: true, force: true });
  fs.mkdirSync(path.join(sdRoot, "usr/lib/systemd"), { recursive: true });
  fs.cpSync("/usr/lib/systemd/system", path.join(sdRoot, "usr/lib/systemd/system"), { recursive: true, verbatimSymlinks: true });
  for (const f of rendered.files) {
    const target = path.join(sdRoot, f.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, f.content, { mode: parseInt(f.mode, 8) });
  }
  for (const f of rendered.files.filter((f) => isUnit(f.path))) {
    for (const m of f.content.matchAll(/^ExecStart=[-+!@:]*(\S+)/gm)) {
      const exe = path.join(sdRoot, m[1]);
      if (!fs.existsSync(exe)) {
        fs.mkdirSync(path.dirname(exe), { recursive: true });
        fs.writeFileSync(exe, "#!/bin/sh\n", { mode: 0o755 });
      }
    }
  }
  return sdRoot;
}

function verify(sdRoot: string, units: string[]) {
  return run("systemd-analyze", ["verify", `--root=${sdRoot}`, ...units]);
}

describe("systemd units", () => {
  it("systemd-analyze verify reports a bad unit", () => {
    const host = hosts[0];
    const dir = hostDir(host);
    const sdRoot = systemdRoot(dir, host.rendered);
    const unit = host.rendered.files.find((f) => f.path.endsWith("openclaw-gateway.service"))!;
    fs.writeFileSync(path.join(sdRoot, unit.path), unit.content.replace("Restart=always", "Restart=sometimes\nUnknownKey=1"));
    const result = verify(sdRoot, [unit.path]);
    expect(result.stdout + result.stderr).toMatch(/sometimes/);
    expect(result.stdout + result.stderr).toMatch(/UnknownKey/);
  });

  it.each(hosts.map((h) => [h.label, h] as const))("%s: every unit verifies without a warning", (_label, host) => {
    const dir = hostDir(host);
    const units = host.rendered.files.filter((f) => isUnit(f.path)).map((f) => f.path);
    expect(units.length).toBeGreaterThanOrEqual(2);
    const result = verify(systemdRoot(dir, host.rendered), units);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

// ------------------------------------------------------------------ cloud-init, JSON, size
describe("user data", () => {
  it("cloud-init schema rejects a broken document", () => {
    const dir = tempDir("bad-ci");
    const file = path.join(dir, "bad.yaml");
    fs.writeFileSync(file, `#cloud-config\n${JSON.stringify({ write_files: [{ content: "x" }], runcmd: "not a list" })}\n`);
    expect(run("cloud-init", ["schema", "--config-file", file]).status).not.toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(hosts.map((h) => [h.label, h] as const))("%s: valid cloud-config, under 16 KB gzipped, JSON files parse", (_label, host) => {
    const dir = hostDir(host);
    const result = run("cloud-init", ["schema", "--config-file", path.join(dir, "user-data.yaml")]);
    expect(result.stdout + result.stderr).toMatch(/^Valid cloud-config/);
    expect(result.status).toBe(0);
    expect(gzipSync(host.rendered.userData, { level: 6 }).length).toBeLessThan(16 * 1024);
    for (const f of host.rendered.files.filter((f) => f.path.endsWith(".json"))) {
      expect(() => JSON.parse(f.content)).not.toThrow();
    }
  });
});

// ------------------------------------------------------------------ the real OpenClaw
describe("openclaw config validate (the real OpenClaw)", () => {
  jest.setTimeout(15 * 60_000);
  let env: NodeJS.ProcessEnv;
  let home: string;

  beforeAll(() => {
    const tc = toolchain();
    home = tempDir("oc-home");
    env = {
      PATH: tc.path,
      HOME: home,
      OPENCLAW_STATE_DIR: path.join(home, "state"),
      OPENCLAW_NO_AUTO_UPDATE: "1",
      // What the host provides to the ${...} references in the rendered configs.
      OPENCLAW_AWS_PRIVATE_IP: "10.0.1.23",
      OPENCLAW_AWS_GATEWAY_TLS_FINGERPRINT: "AB:".repeat(31) + "AB",
    };
  });
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  /** OpenClaw's verdicts by file content: hosts of different examples often get the same bytes (every node of multi-node.json). */
  const verdicts = new Map<string, { valid: boolean; warnings: unknown[]; errors?: unknown }>();

  function validate(file: string): { valid: boolean; warnings: unknown[]; errors?: unknown } {
    const content = fs.readFileSync(file, "utf8");
    const known = verdicts.get(content);
    if (known) return known;
    const result = run(toolchain().openclaw, ["config", "validate", "--json"], { env: { ...env, OPENCLAW_CONFIG_PATH: file } });
    try {
      const verdict = JSON.parse(result.stdout);
      verdicts.set(content, verdict);
      return verdict;
    } catch {
      throw new Error(`openclaw config validate printed no JSON (exit ${result.status}): ${result.stdout}${result.stderr}`);
    }
  }

  it("rejects the seed's gateway config", () => {
    const file = path.join(home, "seed.json");
    fs.writeFileSync(file, JSON.stringify({ gateway: { mode: "server", bind: "lan", port: 443, auth: { enabled: true, token: "x" } } }));
    expect(validate(file).valid).toBe(false);
  });

  it.each(hosts.filter((h) => h.resolved).map((h) => [h.label, h] as const))("%s: openclaw.json is valid, without warnings", (_label, host) => {
    const dir = hostDir(host);
    const result = validate(path.join(dir, "etc/openclaw/openclaw.json"));
    expect(result).toMatchObject({ valid: true, warnings: [] });
  });
});
