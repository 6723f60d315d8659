/**
 * The gateway's side end to end with the real OpenClaw on loopback, driven by what the hosts get:
 *   - a local SSM and Secrets Manager (moto_server) holding the parameters as Terraform creates them
 *     ("pending", and the node-list entry) and the token's secret without a value, as Terraform creates
 *     it; the join codes' SecureStrings are the gateway's own, created and deleted by it;
 *   - the rendered gateway-cert.sh makes the certificate, gateway-publish.sh publishes fingerprint and
 *     certificate to SSM and puts the token into its secret (the real `aws` calls, AWS_ENDPOINT_URL -> moto);
 *   - the gateway runs from the rendered unit's ExecStart/Environment and openclaw.json;
 *   - the node's rendered node-trust.sh takes the gateway's certificate from SSM and refuses another;
 *   - the rendered gateway-watch.sh publishes the health and mints the listed node a join code; with more
 *     nodes waiting it mints at most 10 codes a run, longest waiting first, and a device that redeems a
 *     node's code under another node's name is not taken for that node;
 *   - gateway-rotate-token.sh puts a new token where the gateway's unit reads it.
 * A node pairing, running, being invoked and reconnecting after the rotation is systemd-boot.test.ts's
 * (real systemd, the node's own host). Paths of the host (/etc/openclaw, /var/lib/openclaw,
 * /opt/openclaw-aws, ...) are mapped into a temp dir, port 443 becomes a free high port, bind "lan" becomes
 * "loopback". Everything is stopped by its process group, also on failure.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DescribeParametersCommand, GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient, type ParameterType } from "@aws-sdk/client-ssm";
import { renderGatewayHost } from "../../src/gateway/gateway-context";
import { renderNodeHost } from "../../src/node/node-context";
import type { RenderedHost } from "../../src/host/render";
import { exampleContexts, exampleHosts } from "./fixtures";
import { fileContent, freePort, run, startProcess, stopAll, stopProcess, tempDir, toolchain, waitFor, writeRendered, type Started, type Toolchain } from "./helpers";

jest.setTimeout(20 * 60_000);

const HOST_PREFIXES = [
  "/usr/local/lib/openclaw-aws",
  "/usr/local/bin",
  "/opt/openclaw-aws",
  "/etc/openclaw-aws",
  "/etc/openclaw",
  "/var/lib/openclaw-aws",
  "/var/lib/openclaw",
  "/var/log/openclaw-boot.log",
  "/var/log/openclaw",
];
/** The gateway's one timer's unit: health metrics, then pairing. */
const WATCH_UNIT = "/etc/systemd/system/openclaw-gateway-watch.service";
const PREFIX_RE = new RegExp(`(${HOST_PREFIXES.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")})(?=[/'"\\s:]|$)`, "g");

/** A host's filesystem inside a temp dir. */
class FakeHost {
  constructor(
    readonly root: string,
    readonly rendered: RenderedHost,
  ) {}
  map(text: string): string {
    return text.replace(PREFIX_RE, (p) => this.root + p);
  }
  file(hostPath: string): string {
    return path.join(this.root, hostPath);
  }
}

function parseEnvFile(content: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of content.split("\n")) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    env[m[1]] = m[2].replace(/^'(.*)'$/, "$1").replace(/^"(.*)"$/, "$1");
  }
  return env;
}

/** SHA-256 fingerprint of a PEM certificate, as openssl prints it (colon-separated). */
function fingerprintOf(pem: string): string {
  return run("openssl", ["x509", "-noout", "-fingerprint", "-sha256"], { input: pem }).stdout.trim().split("=")[1];
}

interface Unit {
  execStart: string;
  /** ExecStartPre=, its prefix ("+": as root, outside the sandbox) kept. */
  execStartPre: string;
  environment: [string, string][];
  environmentFiles: string[];
}

function parseUnit(content: string): Unit {
  const unit: Unit = { execStart: "", execStartPre: "", environment: [], environmentFiles: [] };
  for (const line of content.split("\n")) {
    const [key, ...rest] = line.split("=");
    const value = rest.join("=");
    if (key === "ExecStart") unit.execStart = value;
    if (key === "ExecStartPre") unit.execStartPre = value;
    if (key === "EnvironmentFile") unit.environmentFiles.push(value.replace(/^-/, ""));
    if (key === "Environment") {
      const [k, ...v] = value.split("=");
      unit.environment.push([k, v.join("=")]);
    }
  }
  return unit;
}

describe("the OpenClaw gateway from the rendered host files, and a node's trust step and join code (real OpenClaw, loopback)", () => {
  let tc: Toolchain;
  let work: string;
  let gw: FakeHost;
  let nd: FakeHost;
  let port: number;
  let awsEnv: NodeJS.ProcessEnv;
  let aws: { ssm: SSMClient; secrets: SecretsManagerClient; cloudwatch: CloudWatchClient };
  let moto: Started | undefined;
  let gateway: Started | undefined;
  let impostor: Started | undefined;
  let nodeName: string;
  /** The join code the gateway minted for the listed node, outstanding while it has not joined. */
  let joinUrl: string;
  let pairingParam: string;
  let params: { fingerprint: string; certificate: string; placeholder: string };
  let tokenSecret: string;
  let token = "";

  /** The environment a unit's processes get (EnvironmentFile= then Environment=), mapped into the fake host. */
  function unitEnv(host: FakeHost, unitPath: string): NodeJS.ProcessEnv {
    const unit = parseUnit(fileContent(host.rendered, unitPath));
    const env: NodeJS.ProcessEnv = { ...awsEnv };
    for (const file of unit.environmentFiles) Object.assign(env, parseEnvFile(fs.readFileSync(host.map(file), "utf8")));
    for (const [k, v] of unit.environment) env[k] = host.map(v);
    // On AL2023 aws/jq/openssl/curl are in /usr/bin; here some live elsewhere (pyenv): keep them reachable.
    env.PATH = `${env.PATH ?? "/usr/bin:/bin"}:${process.env.PATH}`;
    env.OPENCLAW_AWS_ENV_FILE = host.file("/etc/openclaw-aws/host.env");
    return env;
  }

  /** argv of the unit's ExecStart, ${VAR} expanded like systemd does, paths mapped. */
  function unitArgv(host: FakeHost, unitPath: string, env: NodeJS.ProcessEnv): string[] {
    const unit = parseUnit(fileContent(host.rendered, unitPath));
    return unit.execStart
      .split(/\s+/)
      .filter(Boolean)
      .map((word) => word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => env[name] ?? ""))
      .map((word) => host.map(word));
  }

  async function ssmGet(name: string): Promise<string> {
    return (await aws.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter!.Value!;
  }

  async function secretGet(id: string): Promise<string> {
    return (await aws.secrets.send(new GetSecretValueCommand({ SecretId: id }))).SecretString!;
  }

  /** The node called `name` as the gateway lists it (node.list, as its watch timer asks), once it is paired and connected; undefined until then. */
  function pairedAndConnected(name: string) {
    const r = gatewayCli(["gateway", "call", "node.list", "--json"]);
    if (r.status !== 0) return undefined;
    const found = (JSON.parse(r.stdout).nodes ?? []).find((n: { displayName: string }) => n.displayName === name);
    return found?.paired && found?.connected ? found : undefined;
  }

  async function ssmExists(name: string): Promise<boolean> {
    try {
      await aws.ssm.send(new GetParameterCommand({ Name: name }));
      return true;
    } catch (error) {
      if (error instanceof ParameterNotFound) return false;
      throw error;
    }
  }

  async function ssmCreate(name: string, type: ParameterType, value: string): Promise<void> {
    await aws.ssm.send(new PutParameterCommand({ Name: name, Type: type, Value: value }));
  }

  /** A metric's datapoints (one statistic) for one host since `since` (default: the last ten minutes). */
  async function metricValues(namespace: string, metric: string, host: string, statistic: "Minimum" | "Maximum", since?: number): Promise<number[]> {
    const now = Date.now();
    const { Datapoints } = await aws.cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: namespace,
        MetricName: metric,
        Dimensions: [{ Name: "Host", Value: host }],
        Statistics: [statistic],
        Period: 60,
        StartTime: new Date(since ?? now - 600_000),
        EndTime: new Date(now + 60_000),
      }),
    );
    return (Datapoints ?? []).map((point) => point[statistic]!);
  }

  function script(host: FakeHost, name: string, args: string[], env: NodeJS.ProcessEnv) {
    return run(host.file(`/usr/local/lib/openclaw-aws/${name}`), args, { env, timeout: 180_000 });
  }

  /** One round of the gateway's watch timer as its unit runs it (the environment read now: the token may have been rotated). */
  function watchRound(timeoutMs: number) {
    const env = unitEnv(gw, WATCH_UNIT);
    const argv = unitArgv(gw, WATCH_UNIT, env);
    return run(argv[0], argv.slice(1), { env, timeout: timeoutMs });
  }

  function gatewayCli(args: string[]) {
    const env = unitEnv(gw, WATCH_UNIT);
    return run(tc.node, [path.join(tc.packageDir, "openclaw.mjs"), ...args], { env, cwd: gw.file("/var/lib/openclaw"), timeout: 60_000 });
  }

  beforeAll(async () => {
    tc = toolchain();
    work = tempDir("e2e");
    port = await freePort();

    // AWS: a local SSM with the parameters Terraform creates.
    const motoPort = await freePort();
    moto = startProcess("moto", "moto_server", ["-H", "127.0.0.1", "-p", String(motoPort)], { env: process.env });
    awsEnv = {
      PATH: process.env.PATH,
      PYENV_ROOT: process.env.PYENV_ROOT,
      LANG: "C.UTF-8",
      AWS_ENDPOINT_URL: `http://127.0.0.1:${motoPort}`,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_EC2_METADATA_DISABLED: "true",
    };
    // What the test itself reads and writes goes through the SDK in this process; the hosts' scripts use
    // the real aws CLI (awsEnv). A CLI run per look-up costs about a CPU second.
    const sdk = {
      endpoint: awsEnv.AWS_ENDPOINT_URL,
      region: awsEnv.AWS_DEFAULT_REGION,
      credentials: { accessKeyId: awsEnv.AWS_ACCESS_KEY_ID!, secretAccessKey: awsEnv.AWS_SECRET_ACCESS_KEY! },
    };
    aws = { ssm: new SSMClient(sdk), secrets: new SecretsManagerClient(sdk), cloudwatch: new CloudWatchClient(sdk) };
    await waitFor("moto_server", 120_000, async () => {
      try {
        await fetch(`http://127.0.0.1:${motoPort}/moto-api/`);
        return true;
      } catch {
        return undefined;
      }
    });

    // The hosts, as rendered for examples/gateway-node.json; the gateway's private IP is 127.0.0.1.
    const contexts = exampleContexts("gateway-node.json", { gatewayPublicAddress: "203.0.113.7", gatewayPrivateAddress: "127.0.0.1" });
    nodeName = contexts.nodes[0].hostName;
    const p = contexts.gateway.parameters;
    pairingParam = contexts.nodes[0].pairingParameter;
    params = { fingerprint: p.tlsFingerprint, certificate: p.tlsCertificate, placeholder: p.placeholder };
    tokenSecret = contexts.gateway.gateway.tokenSecret;
    // As Terraform creates it: the secret with no value.
    await aws.secrets.send(new CreateSecretCommand({ Name: tokenSecret }));
    await ssmCreate(p.tlsFingerprint, "String", p.placeholder);
    await ssmCreate(p.tlsCertificate, "String", p.placeholder);
    const [listed] = exampleHosts("gateway-node.json").nodes;
    expect(listed.pairingParameter).toBe(pairingParam);
    await ssmCreate(listed.listParameter, "String", JSON.stringify(listed.listEntry));

    gw = new FakeHost(path.join(work, "gw"), renderGatewayHost(contexts.gateway));
    nd = new FakeHost(path.join(work, "node"), renderNodeHost(contexts.nodes[0]));
    for (const host of [gw, nd]) {
      writeRendered(host.root, host.rendered);
      // What the boot script installs: the runtime and OpenClaw behind the stable links.
      fs.mkdirSync(host.file("/opt/openclaw-aws/node"), { recursive: true });
      fs.mkdirSync(host.file("/opt/openclaw-aws/openclaw"), { recursive: true });
      fs.symlinkSync(path.dirname(tc.nodeBin), host.file("/opt/openclaw-aws/node/current"));
      fs.symlinkSync(tc.packageDir, host.file("/opt/openclaw-aws/openclaw/current"));
      for (const dir of ["/var/lib/openclaw", "/var/log/openclaw"]) fs.mkdirSync(host.file(dir), { recursive: true, mode: 0o750 });
      // host.env with the host's paths moved into the temp dir, the test port, and the current user.
      const envPath = host.file("/etc/openclaw-aws/host.env");
      fs.writeFileSync(envPath, host.map(fs.readFileSync(envPath, "utf8")) + `OPENCLAW_AWS_GATEWAY_PORT='${port}'\nOPENCLAW_AWS_USER='root'\n`);
    }
    // openclaw.json: mapped paths, the test port, loopback.
    const gwConfigPath = gw.file("/etc/openclaw/openclaw.json");
    const gwConfig = JSON.parse(gw.map(fs.readFileSync(gwConfigPath, "utf8")));
    expect(gwConfig.gateway.port).toBe(443);
    gwConfig.gateway.port = port;
    gwConfig.gateway.bind = "loopback";
    const deviceConfig = gwConfig.plugins.entries["device-pair"].config;
    deviceConfig.publicUrl = deviceConfig.publicUrl.replace(/:443$/, `:${port}`);
    fs.writeFileSync(gwConfigPath, JSON.stringify(gwConfig, null, 2));
    const ndConfigPath = nd.file("/etc/openclaw/openclaw.json");
    const ndConfig = JSON.parse(nd.map(fs.readFileSync(ndConfigPath, "utf8")));
    ndConfig.gateway.remote.url = ndConfig.gateway.remote.url.replace(/:443$/, `:${port}`);
    fs.writeFileSync(ndConfigPath, JSON.stringify(ndConfig, null, 2));
  });

  afterAll(async () => {
    for (const p of [impostor, gateway]) if (p) await stopProcess(p);
    if (moto) await stopProcess(moto);
    await stopAll();
  });

  it("makes the certificate, publishes fingerprint and certificate to SSM and the token to its secret, idempotently", async () => {
    const env: NodeJS.ProcessEnv = { ...awsEnv, OPENCLAW_AWS_ENV_FILE: gw.file("/etc/openclaw-aws/host.env") };
    const hostEnv = parseEnvFile(fs.readFileSync(env.OPENCLAW_AWS_ENV_FILE!, "utf8"));
    // As boot-gateway.sh does: SANs are the private IP (IMDS) and the Elastic IP.
    const cert = script(gw, "gateway-cert.sh", ["127.0.0.1", hostEnv.OPENCLAW_AWS_GATEWAY_PUBLIC_ADDRESS], env);
    expect(cert.status).toBe(0);
    const certFile = gw.file("/var/lib/openclaw-aws/tls/gateway.crt");
    const keyFile = gw.file("/var/lib/openclaw-aws/tls/gateway.key");
    // Root's folder and key; the service reads the key through its group (here root's: the test's service user is root).
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o640);
    expect(fs.statSync(path.dirname(keyFile)).mode & 0o777).toBe(0o750);
    const san = run("openssl", ["x509", "-in", certFile, "-noout", "-ext", "subjectAltName"]).stdout;
    expect(san).toMatch(/IP Address:127\.0\.0\.1/);
    expect(san).toMatch(/IP Address:203\.0\.113\.7/);
    // boot-gateway.sh writes the private IP where the units and openclaw.json (${OPENCLAW_AWS_PRIVATE_IP}) find it.
    fs.writeFileSync(gw.file("/etc/openclaw-aws/runtime.env"), "OPENCLAW_AWS_PRIVATE_IP='127.0.0.1'\n");

    const publish = script(gw, "gateway-publish.sh", [], env);
    expect(publish.stderr).toMatch(/generating a new gateway token/);
    expect(publish.status).toBe(0);
    token = await secretGet(tokenSecret);
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect(publish.stdout + publish.stderr).not.toContain(token);
    const fingerprint = run("openssl", ["x509", "-in", certFile, "-noout", "-fingerprint", "-sha256"]).stdout.trim().split("=")[1];
    expect(await ssmGet(params.fingerprint)).toBe(fingerprint);
    expect(await ssmGet(params.certificate)).toBe(fs.readFileSync(certFile, "utf8").trim());
    const tokenFile = gw.file("/etc/openclaw-aws/gateway-token.env");
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(tokenFile, "utf8")).toBe(`OPENCLAW_GATEWAY_TOKEN=${token}\n`);

    // Second run (reboot / re-run): same certificate, same token, nothing rewritten.
    const before = fs.readFileSync(certFile, "utf8");
    expect(script(gw, "gateway-cert.sh", ["127.0.0.1", hostEnv.OPENCLAW_AWS_GATEWAY_PUBLIC_ADDRESS], env).stderr).toMatch(/keeping the existing certificate/);
    const again = script(gw, "gateway-publish.sh", [], env);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/using the gateway token already stored/);
    expect(again.stderr).toMatch(/tls-fingerprint is up to date/);
    expect(fs.readFileSync(certFile, "utf8")).toBe(before);
    expect(await secretGet(tokenSecret)).toBe(token);
  });

  it("starts the gateway from the rendered unit and config; the token is not on its command line", async () => {
    // As boot-gateway.sh does before it starts the unit: the channel secrets (none here), then the
    // rendered config merged into the live one in the state dir.
    const bootEnv: NodeJS.ProcessEnv = { ...awsEnv, OPENCLAW_AWS_ENV_FILE: gw.file("/etc/openclaw-aws/host.env") };
    expect(script(gw, "channel-secrets.sh", [], bootEnv).status).toBe(0);
    const hostEnv = parseEnvFile(fs.readFileSync(bootEnv.OPENCLAW_AWS_ENV_FILE!, "utf8"));
    const merge = run(tc.node, [gw.file("/usr/local/lib/openclaw-aws/merge-config.mjs"), "--managed", hostEnv.OPENCLAW_AWS_MANAGED_CONFIG, "--live", hostEnv.OPENCLAW_AWS_CONFIG_PATH, "--applied", "-", "--openclaw-dir", tc.packageDir], { input: "{}" });
    expect(merge.status).toBe(0);
    const env = unitEnv(gw, "/etc/systemd/system/openclaw-gateway.service");
    expect(env.OPENCLAW_GATEWAY_TOKEN).toBe(token);
    const argv = unitArgv(gw, "/etc/systemd/system/openclaw-gateway.service", env);
    expect(argv.slice(-2)).toEqual(["gateway", "run"]);
    gateway = startProcess("gateway", argv[0], argv.slice(1), { env, cwd: env.HOME });
    const started = Date.now();
    await waitFor("the gateway's /healthz", 300_000, async () => {
      if (gateway!.child.exitCode !== null) throw new Error(`gateway exited ${gateway!.child.exitCode}:\n${gateway!.output()}`);
      const r = run("curl", ["-fsS", "--cacert", gw.file("/var/lib/openclaw-aws/tls/gateway.crt"), `https://127.0.0.1:${port}/healthz`]);
      return r.status === 0 && JSON.parse(r.stdout).ok === true ? true : undefined;
    });
    process.stdout.write(`gateway healthy after ${Date.now() - started} ms\n`);
    const cmdline = fs.readFileSync(`/proc/${gateway.child.pid}/cmdline`, "utf8");
    expect(cmdline).not.toContain(token);
    // OpenClaw writes its log where logging.file says, which is what CloudWatch collects.
    await waitFor("the OpenClaw log file", 120_000, () => (fs.existsSync(gw.file("/var/log/openclaw/openclaw.log")) ? true : undefined));
    // Every ${VAR} openclaw.json names is in the unit's environment.
    expect(gateway.output()).not.toMatch(/Missing env var/);
  });

  it("the node's trust step takes the gateway's certificate from SSM, and refuses one that is not of the published fingerprint", async () => {
    const env = unitEnv(nd, "/etc/systemd/system/openclaw-node-pairing.service");
    expect(env.OPENCLAW_GATEWAY_TOKEN).toBeUndefined();
    // The pairing unit's first step, as root ("+"): the gateway's fingerprint and certificate from SSM,
    // checked against each other, into root's files (systemd and the openclaw wrapper read them).
    const pre = parseUnit(fileContent(nd.rendered, "/etc/systemd/system/openclaw-node-pairing.service")).execStartPre;
    expect(pre).toBe("+/usr/local/lib/openclaw-aws/node-trust.sh");
    const trustScript = nd.map(pre.slice(1));
    const trust = run(trustScript, [], { env, timeout: 120_000 });
    expect(trust.stderr).toMatch(/gateway certificate fingerprint/);
    expect(trust.status).toBe(0);
    const fingerprint = await ssmGet(params.fingerprint);
    expect(fs.readFileSync(nd.file("/etc/openclaw-aws/gateway.env"), "utf8")).toBe(`OPENCLAW_AWS_GATEWAY_TLS_FINGERPRINT='${fingerprint}'\n`);
    expect(fingerprintOf(fs.readFileSync(nd.file("/etc/openclaw-aws/gateway.crt"), "utf8"))).toBe(fingerprint);
    const otherCert = path.join(work, "other-cert");
    expect(run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=other", "-keyout", `${otherCert}.key`, "-out", `${otherCert}.pem`]).status).toBe(0);
    await ssmCreate("/openclaw/test/other-cert", "String", fs.readFileSync(`${otherCert}.pem`, "utf8"));
    const otherEnv = path.join(work, "node-other-cert.env");
    const nodeHostEnv = fs.readFileSync(env.OPENCLAW_AWS_ENV_FILE!, "utf8");
    fs.writeFileSync(otherEnv, nodeHostEnv.replace(/^OPENCLAW_AWS_PARAM_GATEWAY_TLS_CERTIFICATE='.*'$/m, "OPENCLAW_AWS_PARAM_GATEWAY_TLS_CERTIFICATE='/openclaw/test/other-cert'"));
    const refused = run(trustScript, [], { env: { ...env, OPENCLAW_AWS_ENV_FILE: otherEnv }, timeout: 120_000 });
    expect(refused.stderr).toMatch(/FATAL: the gateway's certificate does not have the published fingerprint/);
    expect(refused.status).not.toBe(0);
  });

  it("a watch round publishes the health (gateway healthy, the listed node not connected) and mints the node a join code", async () => {
    const env = unitEnv(gw, WATCH_UNIT);
    const since = Date.now();
    // Just after its start the gateway may answer /healthz before its RPC: such a round leaves the pairing to the next.
    let round = watchRound(120_000);
    for (let retries = 0; retries < 3 && /no pairing this round/.test(round.stderr); retries++) round = watchRound(120_000);
    expect(round.status).toBe(0);
    expect(round.stderr).toMatch(/published 2 health values \(gateway healthy: 1\)/);
    expect(round.stderr).toMatch(new RegExp(`node '${nodeName}' is not connected: published a fresh join code`));
    joinUrl = await ssmGet(pairingParam);
    expect(joinUrl).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:${port}/j/\\S+$`));
    expect(round.stdout + round.stderr).not.toContain(joinUrl);
    expect(round.stdout + round.stderr).not.toContain(token);
    const namespace = env.OPENCLAW_AWS_METRICS_NAMESPACE!;
    const healthy = await metricValues(namespace, "GatewayHealthy", env.OPENCLAW_AWS_HOST_NAME!, "Minimum", since);
    expect(healthy.length > 0 && healthy.every((value) => value === 1)).toBe(true);
    const connected = await metricValues(namespace, "NodeConnected", nodeName, "Maximum", since);
    expect(connected.length > 0 && connected.every((value) => value === 0)).toBe(true);
  });

  it("mints at most 10 join codes a run, the nodes that waited longest first", async () => {
    // Twelve more listed nodes that never connect (Terraform's list entries, simulated hosts).
    const nodeList = exampleHosts("gateway-node.json").gatewayParameters.nodeList;
    const waiting = Array.from({ length: 12 }, (_, index) => `sim-${String(index + 1).padStart(2, "0")}`);
    for (const name of waiting) {
      await ssmCreate(`${nodeList}/${name}`, "String", JSON.stringify({ displayName: `openclaw-${name}`, pairingParameter: `/openclaw/sim/nodes/${name}/pairing` }));
    }
    const minted = async () => {
      const outstanding = await Promise.all(waiting.map((name) => ssmExists(`/openclaw/sim/nodes/${name}/pairing`)));
      return waiting.filter((_, index) => outstanding[index]);
    };

    const started = Date.now();
    const first = watchRound(240_000);
    const firstMs = Date.now() - started;
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/12 nodes wait for a join code; minting 10 now/);
    expect(first.stderr.match(/published a fresh join code/g)).toHaveLength(10);
    expect(await minted()).toHaveLength(10);
    // The node whose code is still fresh gets no other.
    expect(await ssmGet(pairingParam)).toBe(joinUrl);

    // Next run: the two that waited, and nobody whose code is still fresh.
    const second = watchRound(240_000);
    expect(second.status).toBe(0);
    expect(second.stderr.match(/published a fresh join code/g)).toHaveLength(2);
    expect(await minted()).toHaveLength(12);
    const described = await aws.ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: "Name", Values: ["/openclaw/sim/nodes/sim-01/pairing"] }] }));
    expect(described.Parameters?.[0]?.Type).toBe("SecureString");
    process.stdout.write(`a round minting 10 join codes took ${firstMs} ms\n`);
  });

  it("knows a node by the device that redeemed its code: a device presenting another node's name neither takes its pairing nor hides its alarm", async () => {
    // The victim: sim-01, listed and waiting (its host is down), a code outstanding for it.
    const victim = "openclaw-sim-01";
    const victimPairing = "/openclaw/sim/nodes/sim-01/pairing";
    expect(await ssmExists(victimPairing)).toBe(true);
    // The attacker: the agent on the node's host, whose node has not joined yet. It reads that node's join
    // code (the node's role may) and redeems it with a device identity of its own, presenting the victim's name.
    const impostorDir = nd.file("/var/lib/openclaw/impostor");
    fs.mkdirSync(impostorDir, { recursive: true });
    fs.writeFileSync(path.join(impostorDir, "join-target"), `${await ssmGet(pairingParam)}\n`, { mode: 0o600 });
    const nodeEnv = unitEnv(nd, "/etc/systemd/system/openclaw-node.service");
    impostor = startProcess("impostor", tc.node, [path.join(tc.packageDir, "openclaw.mjs"), "connect", "--target-file", path.join(impostorDir, "join-target"), "--display-name", victim], {
      env: { ...nodeEnv, HOME: impostorDir, OPENCLAW_STATE_DIR: impostorDir, NODE_EXTRA_CA_CERTS: nd.file("/etc/openclaw-aws/gateway.crt") },
      cwd: impostorDir,
    });
    // For OpenClaw the attack works: a paired, connected device by the victim's name.
    const posing = await waitFor("the impostor to be paired and connected under the victim's name", 180_000, () => {
      if (impostor!.child.exitCode !== null) throw new Error(`the impostor exited ${impostor!.child.exitCode}:\n${impostor!.output()}`);
      return pairedAndConnected(victim);
    }, 3000);

    // The gateway's rounds do not take it for the victim: its code stays outstanding, its metric 0.
    const next = watchRound(240_000);
    expect(next.status).toBe(0);
    expect(next.stderr).not.toMatch(new RegExp(`node '${victim}'.*(joined|withdrew)`));
    expect(await ssmExists(victimPairing)).toBe(true);
    // The devices the rounds know nodes by (none has joined yet: the file may not exist).
    const devicesFile = gw.file("/var/lib/openclaw/aws-pairing/devices.json");
    const devices = fs.existsSync(devicesFile) ? JSON.parse(fs.readFileSync(devicesFile, "utf8")) : {};
    expect(devices[victim]).toBeUndefined();
    expect(Object.values(devices)).not.toContain(posing.nodeId);
    // A round publishes health before its pairing work: one more round counts what the last one's pairing work knew.
    expect(watchRound(240_000).status).toBe(0);
    const maxima = await metricValues(unitEnv(gw, WATCH_UNIT).OPENCLAW_AWS_METRICS_NAMESPACE!, "NodeConnected", victim, "Maximum");
    expect(maxima.length).toBeGreaterThan(0);
    expect(maxima.every((value) => value === 0)).toBe(true);
  });

  it("rotates the gateway token: a new value in its secret and token file, never printed, and the gateway restarted", async () => {
    // systemd stands in as a shim that records the restart (systemd-boot.test.ts restarts the real one and
    // sees the node reconnect with its device token).
    const shims = path.join(work, "shims");
    fs.mkdirSync(shims, { recursive: true });
    fs.writeFileSync(path.join(shims, "systemctl"), `#!/bin/sh\necho "$@" >> ${path.join(work, "systemctl.log")}\n`, { mode: 0o755 });
    const env: NodeJS.ProcessEnv = { ...awsEnv, PATH: `${shims}:${awsEnv.PATH}`, OPENCLAW_AWS_ENV_FILE: gw.file("/etc/openclaw-aws/host.env") };
    const before = await secretGet(tokenSecret);
    const rotated = script(gw, "gateway-rotate-token.sh", [], env);
    // Like the boot scripts, it logs through the boot log (tee to stdout).
    expect(rotated.stdout + rotated.stderr).toMatch(/the gateway runs with the new token/);
    expect(rotated.status).toBe(0);
    expect(fs.readFileSync(path.join(work, "systemctl.log"), "utf8")).toBe("restart openclaw-gateway.service\n");
    token = await secretGet(tokenSecret);
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect(token).not.toBe(before);
    expect(rotated.stdout + rotated.stderr).not.toContain(token);
    expect(fs.readFileSync(gw.file("/etc/openclaw-aws/gateway-token.env"), "utf8")).toBe(`OPENCLAW_GATEWAY_TOKEN=${token}\n`);
    expect(unitEnv(gw, "/etc/systemd/system/openclaw-gateway.service").OPENCLAW_GATEWAY_TOKEN).toBe(token);
  });
});
