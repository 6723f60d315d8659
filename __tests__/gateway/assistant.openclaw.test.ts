/**
 * The gateway's rendered openclaw.json with a model and channels, checked by the real
 * `openclaw config validate`, and the config errors for the assistant's fields.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { validateConfig } from "../../src/config/load";
import { renderGatewayHost } from "../../src/gateway/gateway-context";
import { HOST_LAYOUT } from "../../src/host/layout";
import { contextsFor, RESOLVED_ADDRESSES } from "../hosts/fixtures";
import { configErrorOf } from "../helpers";
import { fileContent, run, tempDir, toolchain } from "../hosts/helpers";

jest.setTimeout(5 * 60_000);

function renderedConfig(raw: unknown): Record<string, unknown> {
  const ctx = contextsFor(validateConfig(raw, "test"), RESOLVED_ADDRESSES).gateway;
  return JSON.parse(fileContent(renderGatewayHost(ctx), HOST_LAYOUT.configPath));
}

describe("the gateway's openclaw.json with a Bedrock model and channels", () => {
  it("configures the default model through the instance role: provider, runtime URL of the region, limits, primary", () => {
    const config = renderedConfig({ region: "us-west-2" }) as { models: unknown; agents: { defaults: unknown } };
    expect(config.models).toEqual({
      providers: {
        "amazon-bedrock": {
          baseUrl: "https://bedrock-runtime.us-west-2.amazonaws.com",
          api: "bedrock-converse-stream",
          auth: "aws-sdk",
          models: [{ id: "us.anthropic.claude-sonnet-4-5-20250929-v1:0", name: "Claude Sonnet 4.5", input: ["text", "image"], contextWindow: 200000, maxTokens: 8192 }],
        },
      },
    });
    expect(config.agents.defaults).toMatchObject({ model: { primary: "amazon-bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0" } });
  });

  it("takes bedrockRegion and a custom model with its limits; without Bedrock there is no model", () => {
    const custom = renderedConfig({ openclaw: { bedrockRegion: "eu-central-1", model: { id: "eu.anthropic.claude-sonnet-4-5-20250929-v1:0", contextWindow: 200000, maxTokens: 4096 } } }) as { models: { providers: Record<string, { baseUrl: string; models: unknown[] }> } };
    expect(custom.models.providers["amazon-bedrock"].baseUrl).toBe("https://bedrock-runtime.eu-central-1.amazonaws.com");
    expect(custom.models.providers["amazon-bedrock"].models).toEqual([{ id: "eu.anthropic.claude-sonnet-4-5-20250929-v1:0", name: "eu.anthropic.claude-sonnet-4-5-20250929-v1:0", input: ["text"], contextWindow: 200000, maxTokens: 4096 }]);
    const none = renderedConfig({ iam: { bedrock: false, marketplace: false } }) as { models?: unknown; agents: { defaults: Record<string, unknown> } };
    expect(none.models).toBeUndefined();
    expect(none.agents.defaults.model).toBeUndefined();
  });

  it("refers to channel secrets only through env SecretRefs, never a literal", () => {
    const config = renderedConfig({ openclaw: { channels: ["telegram", "discord", "slack", "whatsapp"] } }) as { channels: Record<string, Record<string, unknown>> };
    expect(config.channels).toEqual({
      telegram: { enabled: true, botToken: { source: "env", provider: "default", id: "TELEGRAM_BOT_TOKEN" } },
      discord: { enabled: true, token: { source: "env", provider: "default", id: "DISCORD_BOT_TOKEN" } },
      slack: { enabled: true, mode: "socket", botToken: { source: "env", provider: "default", id: "SLACK_BOT_TOKEN" }, appToken: { source: "env", provider: "default", id: "SLACK_APP_TOKEN" } },
      whatsapp: { enabled: true },
    });
  });

  it.each([
    ["the default", {}],
    ["all four channels", { openclaw: { channels: ["telegram", "discord", "slack", "whatsapp"] } }],
    ["no Bedrock", { iam: { bedrock: false, marketplace: false } }],
  ])("passes the real `openclaw config validate` with no warning: %s", (_label, raw) => {
    const tc = toolchain();
    const dir = tempDir("assistant-config");
    try {
      const file = path.join(dir, "openclaw.json");
      fs.writeFileSync(file, JSON.stringify(renderedConfig(raw)));
      const env = { ...process.env, PATH: tc.path, HOME: dir, OPENCLAW_STATE_DIR: dir, OPENCLAW_CONFIG_PATH: file, OPENCLAW_NO_AUTO_UPDATE: "1", OPENCLAW_AWS_PRIVATE_IP: "10.0.1.23" };
      const r = run(tc.node, [path.join(tc.packageDir, "openclaw.mjs"), "config", "validate", "--json"], { env, cwd: dir });
      expect(JSON.parse(r.stdout)).toEqual({ valid: true, path: file, warnings: [] });
      expect(r.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("config errors for the assistant's fields", () => {

  it("names the field, the bad value and what is allowed", () => {
    expect(configErrorOf({ openclaw: { model: "gpt-4" } })).toMatch(/openclaw\.model: unknown Bedrock model "gpt-4": use one of us\.anthropic\.claude-sonnet-4-5-20250929-v1:0, .*; or, for another id, \{ "id": \.\.\., "contextWindow": \.\.\., "maxTokens": \.\.\. \}/);
    expect(configErrorOf({ openclaw: { model: { id: "x.y-v1:0", contextWindow: 200000 } } })).toMatch(/openclaw\.model/);
    expect(configErrorOf({ openclaw: { bedrockRegion: "mars-1" } })).toMatch(/openclaw\.bedrockRegion: must be an AWS region such as us-east-1 \(got "mars-1"\)/);
    expect(configErrorOf({ openclaw: { channels: ["irc"] } })).toMatch(/openclaw\.channels\[0\]|openclaw\.channels\.0/);
    expect(configErrorOf({ openclaw: { channels: ["slack", "slack"] } })).toMatch(/openclaw\.channels: must not name a channel twice/);
  });
});
