/**
 * The Control UI in a real browser, reached the way a user reaches it through SSM port forwarding:
 *   - the real gateway runs from the rendered openclaw.json in its own network namespace (the
 *     "instance"), on the rendered port: 443 with TLS for the default (root inside the namespace binds
 *     it; the unit gets CAP_NET_BIND_SERVICE instead), loopback 18789 for examples/private-gateway.json;
 *   - the certificate comes from the rendered gateway-cert.sh;
 *   - a second namespace is the "laptop": Debian's chromium (playwright-core) and the local end of the
 *     forward on 18789; the two ends are joined by a Unix socket, as the SSM agent joins them;
 *   - the user opens https://localhost:18789/#token=..., clicks through the self-signed certificate
 *     once (ignoreHTTPSErrors), changes one setting, and it lands in the live config file in the state
 *     directory, where it also survives the boot's merge of the project's keys.
 * Screenshots stay in .cache/control-ui/<config>/ (printed), replaced by the next run; the assertions read
 * page content, never the pictures.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { validateConfig } from "../../src/config/load";
import { renderGatewayHost, type GatewayHostContext } from "../../src/gateway/gateway-context";
import { HOST_LAYOUT } from "../../src/host/layout";
import { bedrockPluginFixture, bedrockPluginSkipReason, installBedrockPlugin } from "./bedrock-plugin-fixture";
import { contextsFor, exampleContexts, RESOLVED_ADDRESSES } from "./fixtures";
import { fileContent, PROJECT_ROOT, run, startProcess, stopProcess, tempDir, toolchain, waitFor, writeRendered, type Started, type Toolchain } from "./helpers";

jest.setTimeout(20 * 60_000);

const LOCAL_PORT = 18789;
const RELAY = path.join(__dirname, "port-relay.mjs");
const MERGE = path.join(PROJECT_ROOT, "templates", "gateway", "merge-config.mjs");
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

function netns(name: string): void {
  const add = run("ip", ["netns", "add", name]);
  if (add.status !== 0) throw new Error(`ip netns add ${name}: ${add.stderr}`);
  run("ip", ["-n", name, "link", "set", "lo", "up"]);
}

function inNetns(name: string, command: string, args: readonly string[]): [string, string[]] {
  return ["ip", ["netns", "exec", name, command, ...args]];
}

const cases: [string, () => GatewayHostContext][] = [
  ["the default (TLS on 443)", () => contextsFor(validateConfig({}, "default"), { ...RESOLVED_ADDRESSES, gatewayPrivateAddress: "127.0.0.1" }).gateway],
  ["examples/private-gateway.json (loopback 18789, no TLS)", () => exampleContexts("private-gateway.json", { ...RESOLVED_ADDRESSES, gatewayPrivateAddress: "127.0.0.1" }).gateway],
];

// Both configurations have the Bedrock model: the gateway starts only with its plugin installed.
const skip = bedrockPluginSkipReason();

(skip ? describe.skip : describe).each(cases)(`Control UI through a forwarded port, in a real browser: %s${skip ? ` (skipped: ${skip})` : ""}`, (label, contextOf) => {
  const slug = label.startsWith("the default") ? "default" : "private-gateway";
  let tc: Toolchain;
  let work: string;
  let shots: string;
  let instanceNs: string;
  let laptopNs: string;
  let liveConfig: string;
  let managedFragment: string;
  let tls: boolean;
  let token: string;
  const processes: Started[] = [];
  let browser: BrowserContext | undefined;
  let page: Page;

  const url = (p: string) => `${tls ? "https" : "http"}://localhost:${LOCAL_PORT}${p}`;

  beforeAll(async () => {
    tc = toolchain();
    work = tempDir(`control-ui-${slug}`);
    shots = path.join(PROJECT_ROOT, ".cache", "control-ui", slug);
    fs.rmSync(shots, { recursive: true, force: true });
    fs.mkdirSync(shots, { recursive: true });
    instanceNs = `oc-ui-${process.pid}-${slug}-instance`;
    laptopNs = `oc-ui-${process.pid}-${slug}-laptop`;
    netns(instanceNs);
    netns(laptopNs);

    const ctx = contextOf();
    tls = ctx.gateway.tls;
    const rendered = renderGatewayHost(ctx);
    const root = path.join(work, "host");
    writeRendered(root, rendered);
    const state = path.join(work, "state");
    fs.mkdirSync(state, { mode: 0o700 });

    // The host paths the rendered config names, moved into the temp dir.
    const hostPaths: [string, string][] = [
      [HOST_LAYOUT.tlsDir, path.join(work, "tls")],
      [HOST_LAYOUT.appLogDir, path.join(work, "log")],
      [HOST_LAYOUT.stateDir, state],
    ];
    const mapped = hostPaths.reduce((text, [from, to]) => text.split(from).join(to), fileContent(rendered, HOST_LAYOUT.configPath));
    managedFragment = path.join(work, "managed.json");
    fs.writeFileSync(managedFragment, mapped);

    if (tls) {
      // As boot-gateway.sh runs it: the private IP and the Elastic IP; the script adds localhost.
      const envFile = path.join(work, "cert.env");
      const tlsDir = path.join(work, "tls");
      fs.writeFileSync(
        envFile,
        `OPENCLAW_AWS_LIB_DIR='${path.join(root, HOST_LAYOUT.libDir)}'\nOPENCLAW_AWS_TLS_DIR='${tlsDir}'\nOPENCLAW_AWS_TLS_CERTIFICATE='${tlsDir}/gateway.crt'\nOPENCLAW_AWS_TLS_KEY='${tlsDir}/gateway.key'\nOPENCLAW_AWS_USER='root'\n`,
      );
      const cert = run(path.join(root, HOST_LAYOUT.libDir, "gateway-cert.sh"), ["10.0.1.23", RESOLVED_ADDRESSES.gatewayPublicAddress], { env: { ...process.env, OPENCLAW_AWS_ENV_FILE: envFile } });
      expect(cert.status).toBe(0);
    }

    // As the boot does before it starts the unit: the pinned Bedrock provider plugin (its fixture, from a
    // local registry), then the live config in the state dir, merged from the rendered fragment.
    liveConfig = path.join(state, "openclaw.json");
    const fixture = bedrockPluginFixture()!;
    const bedrockSpec = ctx.assistant.plugins.split(" ").find((spec) => spec.startsWith("amazon-bedrock="));
    expect(bedrockSpec).toBe(`amazon-bedrock=@openclaw/amazon-bedrock-provider@${fixture.version}@UNPINNED`);
    expect(await installBedrockPlugin(tc, fixture, bedrockSpec!, state, liveConfig)).toMatch(/Installed plugin: amazon-bedrock/);
    const merged = run(tc.node, [MERGE, "--managed", managedFragment, "--live", liveConfig, "--applied", path.join(state, "applied.json"), "--openclaw-dir", tc.packageDir]);
    expect(merged.status).toBe(0);

    token = "ui".padEnd(48, "0123456789abcdef");
    const gatewayEnv: NodeJS.ProcessEnv = {
      PATH: tc.path,
      HOME: state,
      OPENCLAW_STATE_DIR: state,
      OPENCLAW_CONFIG_PATH: liveConfig,
      OPENCLAW_NO_AUTO_UPDATE: "1",
      NODE_ENV: "production",
      NO_COLOR: "1",
      OPENCLAW_GATEWAY_TOKEN: token,
      OPENCLAW_AWS_PRIVATE_IP: "127.0.0.1",
    };
    const [cmd, args] = inNetns(instanceNs, tc.node, [path.join(tc.packageDir, "openclaw.mjs"), "gateway", "run"]);
    processes.push(startProcess("gateway", cmd, args, { env: gatewayEnv, cwd: state }));

    // The two ends of the forward: instance side to the gateway's port, laptop side on 18789.
    const socket = path.join(work, "ssm.sock");
    const instanceEnd = startProcess("relay-instance", ...inNetns(instanceNs, process.execPath, [RELAY, socket, String(ctx.gateway.port)]), { env: process.env });
    const laptopEnd = startProcess("relay-laptop", ...inNetns(laptopNs, process.execPath, [RELAY, String(LOCAL_PORT), socket]), { env: process.env });
    processes.push(instanceEnd, laptopEnd);

    const started = Date.now();
    await waitFor("the gateway's /healthz through the forwarded port", 180_000, () => {
      if (processes[0].child.exitCode !== null) throw new Error(`gateway exited ${processes[0].child.exitCode}:\n${processes[0].output()}`);
      // With TLS, curl trusts only the gateway's certificate and checks the name: localhost must be in it.
      const curlArgs = tls ? ["-fsS", "--cacert", path.join(work, "tls", "gateway.crt"), url("/healthz")] : ["-fsS", url("/healthz")];
      const r = run(...inNetns(laptopNs, "curl", curlArgs));
      return r.status === 0 && JSON.parse(r.stdout).ok === true ? true : undefined;
    }, 2000);
    process.stdout.write(`[control-ui ${slug}] gateway healthy through the forward after ${Date.now() - started} ms\n`);

    // Chromium runs in the laptop namespace; a fresh profile, as a first visit.
    const launcher = path.join(work, "chromium-in-laptop-ns");
    fs.writeFileSync(launcher, `#!/bin/sh\nexec ip netns exec ${laptopNs} /usr/bin/chromium "$@"\n`, { mode: 0o755 });
    browser = await chromium.launchPersistentContext(path.join(work, "chromium-profile"), {
      executablePath: launcher,
      args: CHROMIUM_ARGS,
      ignoreHTTPSErrors: true, // the user's one click through the self-signed certificate warning
      viewport: { width: 1400, height: 1000 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    // Hang guards, not measures: playwright's 30 s default is too close to a loaded 2-core machine's page load.
    page.setDefaultTimeout(120_000);
  });

  afterAll(async () => {
    await browser?.close();
    for (const p of processes.reverse()) await stopProcess(p);
    for (const ns of [instanceNs, laptopNs]) if (ns) run("ip", ["netns", "del", ns]);
    if (shots) process.stdout.write(`[control-ui ${slug}] screenshots: ${shots}\n`);
  });

  it("opens with the token from the URL and is connected to the gateway", async () => {
    await page.goto(url(`/settings/connection#token=${token}`), { waitUntil: "domcontentloaded" });
    await page.getByText(`Connected to localhost:${LOCAL_PORT}`).waitFor({ timeout: 240_000 });
    expect(await page.getByRole("textbox", { name: "Gateway URL" }).inputValue()).toBe(`${tls ? "wss" : "ws"}://localhost:${LOCAL_PORT}`);
    await page.screenshot({ path: path.join(shots, "connected.png") });
  });

  it("saves a setting from the UI into the live config in the state dir, and the boot's merge keeps it", async () => {
    await page.getByRole("link", { name: "Advanced", exact: true }).click();
    const field = page.getByRole("spinbutton", { name: "Attachment Retention TTL (hours)", exact: true });
    await field.waitFor({ timeout: 180_000 });
    await field.fill("48");
    const saved = await waitFor("the UI's save in the live config", 180_000, () => {
      const ttl = JSON.parse(fs.readFileSync(liveConfig, "utf8")).attachments?.ttlHours;
      return ttl === 48 ? ttl : undefined;
    });
    expect(saved).toBe(48);
    await page.screenshot({ path: path.join(shots, "saved.png") });

    // Read back through the gateway: a fresh load of the page shows the saved value.
    await page.reload({ waitUntil: "domcontentloaded" });
    await expect(waitFor("the saved value after a reload", 180_000, async () => ((await field.inputValue().catch(() => "")) === "48" ? true : undefined))).resolves.toBe(true);

    // Next boot: the project's keys are merged again; the UI's setting stays.
    const merged = run(tc.node, [MERGE, "--managed", managedFragment, "--live", liveConfig, "--applied", path.join(path.dirname(liveConfig), "applied.json"), "--openclaw-dir", tc.packageDir]);
    expect(merged.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(liveConfig, "utf8")).attachments).toEqual({ ttlHours: 48 });
  });
});
