/**
 * The edge: reads the configuration file and environment, validates them once, and either returns a
 * complete `OpenClawConfig` or throws a `ConfigError` that lists every problem with its field, the bad
 * value and what is allowed.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { z } from "zod";
import { configSchema, type OpenClawConfig } from "./schema";

/** File read from the project root when env OPENCLAW_CONFIG names no other. */
export const DEFAULT_CONFIG_FILE = "openclaw.config.json";

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid OpenClaw configuration (${source}):\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export interface LoadOptions {
  /** Folder the default config file is looked up in. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Reads, merges and validates: the file (if any), then env overrides. */
export function loadConfig({ cwd, env }: LoadOptions): OpenClawConfig {
  const named = env.OPENCLAW_CONFIG;
  const file = resolve(cwd, named ?? DEFAULT_CONFIG_FILE);
  const source = existsSync(file) ? file : "defaults";
  if (named !== undefined && !existsSync(file)) {
    throw new ConfigError("OPENCLAW_CONFIG", [
      `OPENCLAW_CONFIG: file ${JSON.stringify(file)} does not exist; point it at a JSON config such as examples/gateway-node.json, or unset it to use ${DEFAULT_CONFIG_FILE} or the defaults`,
    ]);
  }
  const raw = source === "defaults" ? {} : readJson(file);
  return validateConfig(withEnvironment(raw, env), source);
}

/** Validates an in-memory configuration (tests and tools use this directly). */
export function validateConfig(raw: unknown, source = "configuration"): OpenClawConfig {
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new ConfigError(source, result.error.issues.map(describeIssue));
  return result.data;
}

function readJson(file: string): unknown {
  const text = readFileSync(file, "utf8");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [`not valid JSON: ${(error as Error).message}`]);
  }
}

/** Env settings win over the file: they are how CI and the local target steer a deployment. */
function withEnvironment(raw: unknown, env: NodeJS.ProcessEnv): unknown {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const config = { ...(raw as Record<string, unknown>) };
  if (env.OPENCLAW_STATE_BUCKET) {
    const state = typeof config.state === "object" && config.state !== null ? config.state : {};
    config.state = { ...state, bucket: env.OPENCLAW_STATE_BUCKET };
  }
  if (env.OPENCLAW_LOCAL_ENDPOINT) {
    config.target = { kind: "local", endpoint: env.OPENCLAW_LOCAL_ENDPOINT };
  }
  return config;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
  if (issue.code === "unrecognized_keys") {
    return `${field}: unknown setting ${issue.keys.map((key) => JSON.stringify(key)).join(", ")}; remove it or check its spelling`;
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return `${field}: is required (expected ${issue.expected})`;
  }
  const got = "input" in issue && issue.input !== undefined ? ` (got ${JSON.stringify(issue.input)})` : "";
  const message = issue.code === "invalid_type" ? `must be a ${issue.expected}` : issue.message;
  return `${field}: ${message}${got}`;
}
