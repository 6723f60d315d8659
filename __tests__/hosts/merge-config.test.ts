/**
 * templates/gateway/merge-config.mjs on real files, run by the hosts' Node 24 with the real OpenClaw
 * package's json5; between boots the real `openclaw config set` edits the live file as a user would,
 * and the real `openclaw config validate` accepts every merged result.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT, run, tempDir, toolchain, type Toolchain } from "./helpers";

jest.setTimeout(5 * 60_000);

const SCRIPT = path.join(PROJECT_ROOT, "templates", "gateway", "merge-config.mjs");

/** The kind of fragment the gateway's template renders: gateway, model, one channel, logging, update. */
function managedFragment(port: number, channels: Record<string, unknown>): Record<string, unknown> {
  return {
    gateway: { mode: "local", bind: "loopback", port, auth: { mode: "token" } },
    models: {
      providers: {
        "amazon-bedrock": {
          baseUrl: "https://bedrock-runtime.us-east-1.amazonaws.com",
          api: "bedrock-converse-stream",
          auth: "aws-sdk",
          models: [{ id: "us.anthropic.claude-sonnet-4-5-20250929-v1:0", name: "Claude Sonnet 4.5", input: ["text", "image"], contextWindow: 200000, maxTokens: 8192 }],
        },
      },
    },
    agents: { defaults: { model: { primary: "amazon-bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0" } } },
    channels,
    update: { checkOnStart: false, auto: { enabled: false } },
  };
}

const TELEGRAM = { telegram: { enabled: true, botToken: { source: "env", provider: "default", id: "TELEGRAM_BOT_TOKEN" } } };

describe("merge-config.mjs: the project's keys into the live openclaw.json, the rest kept", () => {
  let tc: Toolchain;
  let dir: string;
  let managed: string;
  let live: string;
  let applied: string;
  let current: string;

  /** As boot-gateway.sh runs it: what the last boot applied on stdin (root keeps it), recorded anew only on success. */
  function merge(fragment: Record<string, unknown>, ...extra: string[]) {
    fs.writeFileSync(managed, JSON.stringify(fragment, null, 2));
    const input = fs.existsSync(applied) ? fs.readFileSync(applied, "utf8") : "{}";
    const result = run(tc.node, [SCRIPT, "--managed", managed, "--live", live, "--applied", "-", "--openclaw-dir", current, ...extra], { input });
    if (result.status === 0) fs.copyFileSync(managed, applied);
    return result;
  }

  function openclaw(args: string[]) {
    const env = { ...process.env, PATH: tc.path, HOME: dir, OPENCLAW_STATE_DIR: dir, OPENCLAW_CONFIG_PATH: live, OPENCLAW_NO_AUTO_UPDATE: "1", NO_COLOR: "1" };
    return run(tc.node, [path.join(tc.packageDir, "openclaw.mjs"), ...args], { env, cwd: dir });
  }

  function liveConfig() {
    return JSON.parse(fs.readFileSync(live, "utf8"));
  }

  beforeAll(() => {
    tc = toolchain();
    dir = tempDir("merge");
    managed = path.join(dir, "managed.json");
    live = path.join(dir, "openclaw.json");
    applied = path.join(dir, "aws", "applied.json");
    fs.mkdirSync(path.dirname(applied));
    // As on the hosts: the package reached through a `current` link into the npm project that holds its dependencies.
    current = path.join(dir, "aws", "current");
    fs.symlinkSync(tc.packageDir, current);
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("first boot: writes the fragment as the live file, private to the service user", () => {
    const r = merge(managedFragment(18789, TELEGRAM));
    expect(r.stderr).toMatch(/merge-config: set gateway\.port/);
    expect(r.status).toBe(0);
    expect(liveConfig()).toEqual(managedFragment(18789, TELEGRAM));
    expect(fs.statSync(live).mode & 0o777).toBe(0o600);
    expect(openclaw(["config", "validate"]).status).toBe(0);
    // It writes nothing but the live file: what was applied is the caller's to keep.
    expect(fs.readdirSync(dir).sort()).toEqual(["aws", "managed.json", "openclaw.json"]);
  });

  it("keeps what OpenClaw's own `config set` wrote, and an unchanged boot writes nothing", () => {
    const set = openclaw(["config", "set", "agents.defaults.workspace", path.join(dir, "workspace")]);
    expect(set.stderr + set.stdout).toMatch(/Updated agents\.defaults\.workspace/);
    const written = fs.statSync(live).mtimeMs;

    const again = merge(managedFragment(18789, TELEGRAM));
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/already has every managed key/);
    expect(fs.statSync(live).mtimeMs).toBe(written);
    expect(liveConfig().agents.defaults.workspace).toBe(path.join(dir, "workspace"));
  });

  it("reads a live file with JSON5 comments; owned keys win, a changed port is applied, user keys stay", () => {
    const edited = liveConfig();
    edited.gateway.port = 1234; // a user changed an owned key
    edited.channels.telegram.dmPolicy = "pairing"; // and added a setting to a channel the project configured
    fs.writeFileSync(live, `// edited by hand\n${JSON.stringify(edited, null, 2).replace(/^\{/, "{ /* trailing comments too */")}`);

    const r = merge(managedFragment(18790, TELEGRAM));
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/set gateway\.port/);
    const merged = liveConfig();
    expect(merged.gateway.port).toBe(18790);
    expect(merged.channels.telegram).toEqual({ ...TELEGRAM.telegram, dmPolicy: "pairing" });
    expect(merged.agents.defaults.workspace).toBe(path.join(dir, "workspace"));
    expect(openclaw(["config", "validate"]).status).toBe(0);
  });

  it("--disable turns a configured channel off (its secret is still the placeholder) without dropping it", () => {
    const r = merge(managedFragment(18790, TELEGRAM), "--disable", "channels.telegram");
    expect(r.status).toBe(0);
    expect(liveConfig().channels.telegram).toMatchObject({ enabled: false, dmPolicy: "pairing" });
    expect(merge(managedFragment(18790, TELEGRAM), "--disable", "channels.discord").stderr).toMatch(/--disable channels\.discord: the managed fragment has no such block/);
  });

  it("removes what it wrote for a channel that is no longer configured, keeps the user's own keys", () => {
    const r = merge(managedFragment(18790, {}));
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/removed channels\.telegram\.botToken\.source \(no longer configured\)/);
    expect(liveConfig().channels).toEqual({ telegram: { dmPolicy: "pairing" } });
    expect(openclaw(["config", "validate"]).status).toBe(0);
  });

  it("treats __proto__ keys in the live file (the service user's) as plain keys", () => {
    fs.writeFileSync(live, '{"__proto__": {"gateway": {"port": 1}}, "gateway": {"__proto__": {"bind": "lan"}}}');
    const r = merge(managedFragment(18790, {}));
    expect(r.status).toBe(0);
    const text = fs.readFileSync(live, "utf8");
    expect(text).toContain('"__proto__"');
    const merged = JSON.parse(text);
    expect(merged.gateway).toMatchObject({ mode: "local", bind: "loopback", port: 18790 });
    expect(Object.getOwnPropertyNames(merged.gateway)).toContain("__proto__");
  });

  it("refuses a live file it cannot parse and leaves it as it is", () => {
    fs.writeFileSync(live, "{ gateway: ");
    const r = merge(managedFragment(18790, {}));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is not valid JSON5, left as it is/);
    expect(fs.readFileSync(live, "utf8")).toBe("{ gateway: ");
  });
});
