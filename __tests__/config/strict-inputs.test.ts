import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { ConfigError, fieldPath, loadConfig, parseJsonc, validateConfig } from "../../src/config/load";
import { configSchema } from "../../src/config/schema";
import { BAD_CONFIGS } from "./bad-configs";

function messageOf(raw: unknown): string {
  try {
    validateConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(raw)}`);
}

describe("bad configurations", () => {
  it.each(BAD_CONFIGS.map((bad) => [bad.why, bad] as const))("rejects %s, naming the field and what is allowed", (_why, bad) => {
    const lines = messageOf(bad.config).split("\n");
    const line = lines.find((candidate) => candidate.startsWith(`  - ${bad.field}: `));
    expect({ lines, line }).toEqual({ lines, line: expect.stringMatching(bad.hint) });
  });

  it("shows a secret in a URL masked, never in full", () => {
    const message = messageOf({ openclaw: { install: { method: "source", repository: "https://u:ghp_secret123@github.com/x/y.git" } } });
    expect(message).not.toContain("ghp_secret123");
    expect(message).not.toContain("u:");
  });

  it("says each problem once, one line per field", () => {
    const message = messageOf({ tags: { Owner: '${file("/etc/passwd")}' } });
    expect(message.split("\n")).toHaveLength(2);
  });
});

/** Every string leaf of the schema, as a path pattern: `nodes[].name`, `tags{}` (values), `tags<key>`. */
function schemaStringPaths(): Set<string> {
  const paths = new Set<string>();
  type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; items?: JsonSchema; additionalProperties?: JsonSchema | boolean; propertyNames?: JsonSchema; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; allOf?: JsonSchema[] };
  const walk = (schema: JsonSchema, path: string): void => {
    for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) walk(branch, path);
    if (schema.type === "string") paths.add(path);
    for (const [key, child] of Object.entries(schema.properties ?? {})) walk(child, path === "" ? key : `${path}.${key}`);
    if (schema.items) walk(schema.items, `${path}[]`);
    if (typeof schema.additionalProperties === "object") {
      walk(schema.additionalProperties, `${path}{}`);
      paths.add(`${path}<key>`);
    }
  };
  walk(z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as JsonSchema, "");
  return paths;
}

const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ8t1i0T3Y5J2m6v0m3wqz8x9XxQv6b0Yp1c2d3e4f5g user@host";
/** Complete configurations: together they set every string the schema has, in every union branch. */
const COMPLETE_CONFIGS = [
  {
    stackName: "prod",
    region: "us-east-1",
    availabilityZone: "us-east-1b",
    tags: { Owner: "ops" },
    network: { mode: "create", vpcCidr: "10.0.0.0/16", publicSubnetCidr: "10.0.1.0/24", privateSubnetCidr: "10.0.2.0/24" },
    openclaw: {
      install: { method: "source", repository: "https://github.com/openclaw/openclaw.git", ref: "eb377ac59e6c9fd6c7705028034812becf00271b" },
      model: "us.anthropic.claude-haiku-4-5-20251001-v1:0",
      bedrockRegion: "us-west-2",
      channels: ["telegram"],
    },
    gateway: { name: "gw", instanceType: "t3.medium", publicCidrs: ["192.0.2.0/24"], bind: "lan", privateIp: "10.0.1.20", restoreSnapshotId: "snap-0123456789abcdef0" },
    nodes: [{ name: "node", instanceType: "t3.small" }],
    ssh: { allowedCidrs: ["198.51.100.0/24"] },
    keyPair: { mode: "import", name: "my-key", publicKey: SSH_KEY },
    monitoring: { namespace: "OpenClaw", alarmEmail: "ops@example.com" },
    budget: { monthlyUsd: 300, scope: "account", dailyBedrockUsd: 20 },
    state: { bucket: "prod-openclaw-state", key: "openclaw/prod/terraform.tfstate", region: "us-east-2" },
    target: { kind: "local", endpoint: "http://127.0.0.1:5000" },
  },
  {
    network: { mode: "default" },
    openclaw: {
      install: { method: "npm", version: "2026.9.6" },
      model: { id: "eu.anthropic.claude-sonnet-4-5-20250929-v1:0", name: "Claude Sonnet 4.5 (EU)", contextWindow: 200000, maxTokens: 8192, input: ["text"] },
      guardrail: { id: "gr1a2b3c4d5e", version: "1" },
    },
    budget: { dailyBedrockTokens: 2_000_000 },
    keyPair: { mode: "generate", name: "gen-key" },
    target: { kind: "aws" },
  },
];

/** Every string in a value, with its real path and its pattern path. */
function stringLeaves(value: unknown, path: PropertyKey[] = [], pattern = ""): { path: PropertyKey[]; pattern: string }[] {
  if (typeof value === "string") return [{ path, pattern }];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringLeaves(item, [...path, index], `${pattern}[]`));
  if (value === null || typeof value !== "object") return [];
  const isRecord = pattern === "tags";
  return Object.entries(value).flatMap(([key, child]) => [
    ...(isRecord ? [{ path: [...path, key], pattern: `${pattern}<key>` }] : []),
    ...stringLeaves(child, [...path, key], isRecord ? `${pattern}{}` : pattern === "" ? key : `${pattern}.${key}`),
  ]);
}

function withString(config: unknown, path: PropertyKey[], replace: (old: string) => string, asKey: boolean): unknown {
  const copy = structuredClone(config) as Record<PropertyKey, unknown>;
  const parent = path.slice(0, -1).reduce<Record<PropertyKey, unknown>>((node, key) => node[key] as Record<PropertyKey, unknown>, copy);
  const last = path[path.length - 1];
  if (asKey) {
    parent[replace(String(last))] = parent[last];
    delete parent[last];
  } else {
    parent[last] = replace(parent[last] as string);
  }
  return copy;
}

describe("Terraform injection", () => {
  const INTERPOLATION = '${file("/etc/passwd")}';
  const leaves = COMPLETE_CONFIGS.flatMap((config) => stringLeaves(config).map((leaf) => ({ config, ...leaf })));

  it("the complete configurations are valid and set every string field of the schema", () => {
    for (const config of COMPLETE_CONFIGS) expect(() => validateConfig(config)).not.toThrow();
    const covered = new Set(leaves.map((leaf) => leaf.pattern));
    const discriminators = new Set(["network.mode", "openclaw.install.method", "keyPair.mode", "target.kind", "gateway.bind"]);
    const missing = [...schemaStringPaths()].filter((path) => !covered.has(path) && !discriminators.has(path));
    expect(missing).toEqual([]);
  });

  it.each(["${", "%{"])("rejects %s in every string, keys included, naming the field", (opener) => {
    const injected = INTERPOLATION.replace("${", opener);
    for (const leaf of leaves) {
      const asKey = leaf.pattern.endsWith("<key>");
      const config = withString(leaf.config, leaf.path, (old) => `${old}${injected}`, asKey);
      const field = asKey ? fieldPath([...leaf.path.slice(0, -1), `${String(leaf.path[leaf.path.length - 1])}${injected}`]) : fieldPath(leaf.path);
      expect({ field, line: messageOf(config).split("\n").find((line) => line.startsWith(`  - ${field}: `)) }).toEqual({
        field,
        line: expect.stringContaining("must not contain ${ or %{"),
      });
    }
  });
});

describe("field paths", () => {
  it("reads like JavaScript", () => {
    expect(fieldPath(["nodes", 1, "name"])).toBe("nodes[1].name");
    expect(fieldPath(["tags", "a b"])).toBe('tags["a b"]');
    expect(fieldPath(["tags", "Owner"])).toBe("tags.Owner");
    expect(fieldPath([])).toBe("(top level)");
  });
});

describe("parseJsonc (jsonc-parser)", () => {
  it("accepts comments and trailing commas", () => {
    const text = `{
  // the production stack
  "stackName": "prod", /* inline */
  "nodes": [{ "name": "a1", }, ],
  "url": "https://x/*not a comment*/",
}`;
    expect(parseJsonc(text)).toEqual({ stackName: "prod", nodes: [{ name: "a1" }], url: "https://x/*not a comment*/" });
  });

  it("parses what JSON.parse parses, the same way", () => {
    const text = JSON.stringify({ a: [1, -2.5e3, true, false, null, "é\u0001\n\"\\"], b: { c: {} } });
    expect(parseJsonc(text)).toEqual(JSON.parse(text));
  });

  it("reports line and column, and shows the line", () => {
    expect(() => parseJsonc('{\n  "gateway": {\n    "port": 443\n  ]\n}')).toThrow(
      'not valid JSON at line 4, column 3: expected "," or the closing "}" or "]", found "]"\n        ]\n        ^',
    );
    expect(() => parseJsonc('{ "a": 1 /* open')).toThrow(/line 1, column 10: expected the end of the \/\* comment \*\//);
    expect(() => parseJsonc('{ "a": tru }')).toThrow(/line 1, column 8: expected a string in double quotes, a number, true, false or null, found "tru }"/);
    expect(() => parseJsonc("")).toThrow(/line 1, column 1: expected a value .* found the end of the file/);
  });

  it("rejects a key given twice, which JSON.parse would silently resolve", () => {
    expect(() => parseJsonc('{"a": 1,\n "a": 2}')).toThrow(/line 2, column 2: "a" is given twice/);
  });

  it("keeps __proto__ a plain key, so it is rejected as an unknown setting", () => {
    const parsed = parseJsonc('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(messageOf(parsed)).toContain("__proto__: unknown setting");
  });

  it("reports a broken file by name with line and column through loadConfig", () => {
    const cwd = mkdtempSync(join(tmpdir(), "openclaw-jsonc-"));
    writeFileSync(join(cwd, "openclaw.config.json"), '{\n  "stackName": "prod"\n  "region": "us-east-1"\n}');
    expect(() => loadConfig({ cwd, env: {} })).toThrow(
      `Invalid OpenClaw configuration (${join(cwd, "openclaw.config.json")}):\n  - not valid JSON at line 3, column 3: expected "," or the closing "}" or "]", found "\\"region\\": \\"u"`,
    );
  });
});
