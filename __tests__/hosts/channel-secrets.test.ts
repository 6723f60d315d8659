/**
 * Channel tokens from SSM to a running gateway, with the gateway's rendered scripts and the real
 * OpenClaw: a local SSM and KMS (moto_server) hold the SecureStrings and the stack's key; the user has
 * filled Telegram's under the stack's key (named by its ARN, which the script resolves through KMS),
 * Slack's bot token under aws/ssm (as the command without --key-id did) and not Slack's app token.
 * channel-secrets.sh writes the 0600 EnvironmentFile for Telegram only and names Slack as off, with one
 * log line per Slack token giving the output's command that fixes it; merge-config.mjs turns Slack off
 * in the live config; the real Bedrock provider plugin is installed by the rendered install-plugins.sh
 * (its fixture, from a local registry; skipped, saying so, without it) as the boot does; the real gateway (in a network
 * namespace with loopback only, so Telegram is never contacted) reports Telegram configured with its
 * token available and Slack disabled. The token never shows in argv, the rendered files or any log.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { channelSecretCommand } from "../../src/config/assistant";
import { validateConfig } from "../../src/config/load";
import { renderGatewayHost } from "../../src/gateway/gateway-context";
import { HOST_LAYOUT } from "../../src/host/layout";
import { bedrockPluginFixture, bedrockPluginSkipReason, installBedrockPlugin } from "./bedrock-plugin-fixture";
import { contextsFor, RESOLVED_ADDRESSES } from "./fixtures";
import { fileContent, freePort, run, startProcess, stopProcess, tempDir, toolchain, waitFor, writeRendered, type Started, type Toolchain } from "./helpers";

jest.setTimeout(20 * 60_000);

const TELEGRAM_TOKEN = "123456789:AAtest-telegram-token-for-the-e2e";
const SLACK_BOT_TOKEN = "xoxb-test-slack-token-under-aws-ssm";

const skip = bedrockPluginSkipReason();

(skip ? describe.skip : describe)(`channel tokens: SSM -> EnvironmentFile -> the real gateway; a token not set yet turns its channel off${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let tc: Toolchain;
  let work: string;
  let ns: string;
  let awsEnv: NodeJS.ProcessEnv;
  let hostEnvFile: string;
  let secretsEnv: string;
  let liveConfig: string;
  let gatewayToken: string;
  const processes: Started[] = [];
  let gateway: Started;

  beforeAll(async () => {
    tc = toolchain();
    work = tempDir("channel-secrets");
    const motoPort = await freePort();
    processes.push(startProcess("moto", "moto_server", ["-H", "127.0.0.1", "-p", String(motoPort)], { env: process.env }));
    awsEnv = { PATH: process.env.PATH, LANG: "C.UTF-8", AWS_ENDPOINT_URL: `http://127.0.0.1:${motoPort}`, AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_DEFAULT_REGION: "us-east-1", AWS_EC2_METADATA_DISABLED: "true" };
    await waitFor("moto_server", 120_000, async () => ((await fetch(`http://127.0.0.1:${motoPort}/moto-api/`).catch(() => undefined))?.ok ? true : undefined));

    const ctx = contextsFor(validateConfig({ openclaw: { channels: ["telegram", "slack"] }, nodes: [], gateway: { port: 18789, bind: "loopback", tls: false, elasticIp: false } }, "test"), RESOLVED_ADDRESSES).gateway;
    const rendered = renderGatewayHost(ctx);
    const root = path.join(work, "host");
    writeRendered(root, rendered);
    // The stack's key and its alias.
    const key = JSON.parse(run("aws", ["kms", "create-key", "--region", "us-east-1", "--description", "the stack's key"], { env: awsEnv }).stdout).KeyMetadata as { KeyId: string; Arn: string };
    expect(run("aws", ["kms", "create-alias", "--region", "us-east-1", "--alias-name", ctx.gateway.kmsKey, "--target-key-id", key.KeyId], { env: awsEnv }).status).toBe(0);
    // The user stores Telegram's token under the stack's key (naming it by its ARN) and Slack's bot token
    // without a key id, as the outputs' commands did before they named the key (so under aws/ssm); Slack's
    // app token is not stored yet.
    const secretOf = (env: string) => ctx.assistant.channelSecrets.find((s) => s.env === env)!;
    const fill = (name: string, value: string, keyId?: string) =>
      run("aws", ["ssm", "put-parameter", "--region", "us-east-1", "--name", name, "--type", "SecureString", ...(keyId ? ["--key-id", keyId] : []), "--value", value], { env: awsEnv }).status;
    expect(fill(secretOf("TELEGRAM_BOT_TOKEN").name, TELEGRAM_TOKEN, key.Arn)).toBe(0);
    expect(fill(secretOf("SLACK_BOT_TOKEN").name, SLACK_BOT_TOKEN)).toBe(0);

    // The rendered host.env's channel list, with the files moved into the temp dir.
    const renderedEnv = fileContent(rendered, HOST_LAYOUT.hostEnv);
    const channelList = /^OPENCLAW_AWS_CHANNEL_SECRETS='(.*)'$/m.exec(renderedEnv)![1];
    secretsEnv = path.join(work, "channel-secrets.env");
    hostEnvFile = path.join(work, "host.env");
    fs.writeFileSync(
      hostEnvFile,
      [
        `OPENCLAW_AWS_LIB_DIR='${path.join(root, HOST_LAYOUT.libDir)}'`,
        `OPENCLAW_AWS_CHANNEL_SECRETS='${channelList}'`,
        `OPENCLAW_AWS_CHANNEL_SECRETS_ENV='${secretsEnv}'`,
        `OPENCLAW_AWS_PLACEHOLDER='${ctx.parameters.placeholder}'`,
        `OPENCLAW_AWS_KMS_KEY='${ctx.gateway.kmsKey}'`,
        "AWS_DEFAULT_REGION='us-east-1'",
        "",
      ].join("\n"),
    );

    const state = path.join(work, "state");
    fs.mkdirSync(state);
    liveConfig = path.join(state, "openclaw.json");
    const managed = path.join(work, "managed.json");
    fs.writeFileSync(managed, fileContent(rendered, HOST_LAYOUT.configPath).split(HOST_LAYOUT.stateDir).join(state).split(HOST_LAYOUT.appLogDir).join(path.join(work, "log")));

    // The boot's two steps.
    const secrets = run(path.join(root, HOST_LAYOUT.libDir, "channel-secrets.sh"), [], { env: { ...awsEnv, OPENCLAW_AWS_ENV_FILE: hostEnvFile } });
    expect(secrets.status).toBe(0);
    expect(secrets.stdout.trim()).toBe("slack");
    // One line per Slack token, each giving the command of the stack's output for it.
    const fix = (env: string) => channelSecretCommand(secretOf(env), "us-east-1", ctx.gateway.kmsKey);
    expect(secrets.stderr).toContain(
      `channel slack: /openclaw/openclaw/channels/slack-bot-token is encrypted with alias/aws/ssm, not the stack's key alias/openclaw (any principal of the account may decrypt that through SSM): the channel stays off until it is stored again with: ${fix("SLACK_BOT_TOKEN")}\n`,
    );
    expect(secrets.stderr).toContain(`channel slack: /openclaw/openclaw/channels/slack-app-token is not set, the channel stays off until it is: ${fix("SLACK_APP_TOKEN")}\n`);
    expect(secrets.stderr.match(/channel-secrets: channel /g)).toHaveLength(2);
    for (const token of [TELEGRAM_TOKEN, SLACK_BOT_TOKEN]) expect(secrets.stdout + secrets.stderr).not.toContain(token);
    const fixture = bedrockPluginFixture()!;
    const bedrockSpec = ctx.assistant.plugins.split(" ").find((spec) => spec.startsWith("amazon-bedrock="));
    expect(bedrockSpec).toBe(`amazon-bedrock=@openclaw/amazon-bedrock-provider@${fixture.version}@UNPINNED`);
    expect(await installBedrockPlugin(tc, fixture, bedrockSpec!, state, liveConfig)).toMatch(/Installed plugin: amazon-bedrock/);

    const merge = run(tc.node, [path.join(root, HOST_LAYOUT.libDir, "merge-config.mjs"), "--managed", managed, "--live", liveConfig, "--applied", path.join(state, "applied.json"), "--openclaw-dir", tc.packageDir, "--disable", "channels.slack"]);
    expect(merge.status).toBe(0);

    ns = `oc-ch-${process.pid}`;
    expect(run("ip", ["netns", "add", ns]).status).toBe(0);
    run("ip", ["-n", ns, "link", "set", "lo", "up"]);
    gatewayToken = "gw".padEnd(48, "0123456789abcdef");
    const unitEnv: NodeJS.ProcessEnv = { PATH: tc.path, HOME: state, OPENCLAW_STATE_DIR: state, OPENCLAW_CONFIG_PATH: liveConfig, OPENCLAW_NO_AUTO_UPDATE: "1", NO_COLOR: "1", OPENCLAW_GATEWAY_TOKEN: gatewayToken, OPENCLAW_AWS_PRIVATE_IP: "127.0.0.1" };
    // EnvironmentFile= as systemd reads it: KEY='value' lines.
    for (const line of fs.readFileSync(secretsEnv, "utf8").split("\n").filter(Boolean)) {
      const [, key, value] = /^([A-Z_]+)='(.*)'$/.exec(line)!;
      unitEnv[key] = value;
    }
    gateway = startProcess("gateway", "ip", ["netns", "exec", ns, tc.node, path.join(tc.packageDir, "openclaw.mjs"), "gateway", "run"], { env: unitEnv, cwd: state });
    processes.push(gateway);
    await waitFor("the gateway's /healthz", 180_000, () => {
      if (gateway.child.exitCode !== null) throw new Error(`gateway exited ${gateway.child.exitCode}:\n${gateway.output()}`);
      return run("ip", ["netns", "exec", ns, "curl", "-fsS", "http://127.0.0.1:18789/healthz"]).status === 0 ? true : undefined;
    }, 2000);
  });

  afterAll(async () => {
    for (const p of processes.reverse()) await stopProcess(p);
    if (ns) run("ip", ["netns", "del", ns]);
  });

  it("writes the token under the stack's key into a 0600 EnvironmentFile, and nothing for the channel that is off (one token not set, one under aws/ssm)", () => {
    expect(fs.statSync(secretsEnv).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(secretsEnv, "utf8")).toBe(`TELEGRAM_BOT_TOKEN='${TELEGRAM_TOKEN}'\n`);
    const live = JSON.parse(fs.readFileSync(liveConfig, "utf8"));
    expect(live.channels.telegram).toEqual({ enabled: true, botToken: { source: "env", provider: "default", id: "TELEGRAM_BOT_TOKEN" } });
    expect(live.channels.slack.enabled).toBe(false);
  });

  it("the gateway has Telegram configured with its token and Slack off; the token is in no argv, file or log but the EnvironmentFile", async () => {
    const status = await new Promise<string>((resolve, reject) =>
      execFile("ip", ["netns", "exec", ns, tc.node, path.join(tc.packageDir, "openclaw.mjs"), "channels", "status", "--json"], { env: { PATH: tc.path, HOME: path.dirname(liveConfig), OPENCLAW_STATE_DIR: path.dirname(liveConfig), OPENCLAW_CONFIG_PATH: liveConfig, OPENCLAW_GATEWAY_TOKEN: gatewayToken, OPENCLAW_NO_AUTO_UPDATE: "1", NO_COLOR: "1" }, timeout: 180_000, maxBuffer: 16 << 20 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    const parsed = JSON.parse(status) as { channelAccounts?: Record<string, { enabled?: boolean }[]> };
    expect({ status: parsed.channelAccounts ? "has channelAccounts" : status.slice(0, 2000) }).toEqual({ status: "has channelAccounts" });
    const accounts = parsed.channelAccounts!;
    expect(accounts.telegram[0]).toMatchObject({ configured: true, enabled: true, tokenSource: "config", tokenStatus: "available" });
    expect(accounts.slack?.[0]?.enabled ?? false).toBe(false);

    expect(fs.readFileSync(`/proc/${gateway.child.pid}/cmdline`, "utf8")).not.toContain(TELEGRAM_TOKEN);
    // The gateway keeps writing its state (it renames staging folders into place): what vanishes between
    // the listing and the read holds nothing any more.
    const vanished = (error: unknown) => (error as NodeJS.ErrnoException).code === "ENOENT";
    const entries = (dir: string) => {
      try {
        return fs.readdirSync(dir, { withFileTypes: true });
      } catch (error) {
        if (vanished(error)) return [];
        throw error;
      }
    };
    const holds = (file: string) => {
      try {
        return fs.readFileSync(file).includes(TELEGRAM_TOKEN);
      } catch (error) {
        if (vanished(error)) return false;
        throw error;
      }
    };
    const files = (dir: string): string[] => entries(dir).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
    const holders = files(work).filter(holds);
    expect(holders).toEqual([secretsEnv]);
    expect(gateway.output()).not.toContain(TELEGRAM_TOKEN);
  });
});
