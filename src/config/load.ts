/**
 * The edge: reads the configuration file and environment, validates them once, and either returns a
 * complete `OpenClawConfig` or throws a `ConfigError` that lists every problem with its field, the bad
 * value and what is allowed.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";
import type { z } from "zod";
import { configSchema, maskUrlCredentials, terraformTemplateIssues, type InputIssue, type OpenClawConfig } from "./schema";

/** File read from the project root when env OPENCLAW_CONFIG names no other. */
export const DEFAULT_CONFIG_FILE = "openclaw.config.json";

/** A bad configuration. `message` is the complete text to show the user, as is (no stack trace). */
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
  const raw = source === "defaults" ? {} : readConfigFile(file);
  return validateConfig(withEnvironment(raw, env), source);
}

/** Validates an in-memory configuration (tests and tools use this directly). */
export function validateConfig(raw: unknown, source = "configuration"): OpenClawConfig {
  const templates = terraformTemplateIssues(raw);
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (templates.length === 0 && result.success) return result.data;
  const issues: InputIssue[] = [...templates, ...(result.success ? [] : result.error.issues.flatMap(flattenIssue))];
  throw new ConfigError(source, describeByField(issues));
}

/** A configuration file as written (JSON with comments), unvalidated; a syntax error is a ConfigError. */
export function readConfigFile(file: string): unknown {
  try {
    return parseJsonc(readFileSync(file, "utf8"));
  } catch (error) {
    if (error instanceof JsoncSyntaxError) throw new ConfigError(file, [error.message]);
    throw error;
  }
}

class JsoncSyntaxError extends Error {}

/** What each of jsonc-parser's error codes means, said for someone editing the file. */
const SYNTAX_PROBLEMS: Readonly<Record<string, string>> = {
  InvalidSymbol: "expected a string in double quotes, a number, true, false or null",
  InvalidNumberFormat: "expected a number",
  PropertyNameExpected: "expected a key in double quotes",
  ValueExpected: "expected a value (object, array, string, number, true, false or null)",
  ColonExpected: 'expected ":" after the key',
  CommaExpected: 'expected "," or the closing "}" or "]"',
  CloseBraceExpected: 'expected "," or "}"',
  CloseBracketExpected: 'expected "," or "]"',
  EndOfFileExpected: "expected the end of the file after the top-level value",
  InvalidCommentToken: "expected a comment (// or /* */)",
  UnexpectedEndOfComment: "expected the end of the /* comment */",
  UnexpectedEndOfString: 'expected a string closed on its line with " (escapes: \\" \\\\ \\n \\uXXXX ...)',
  UnexpectedEndOfNumber: "expected the rest of the number",
  InvalidUnicode: "expected a \\uXXXX escape with four hex digits",
  InvalidEscapeCharacter: "expected an escape such as \\\" \\\\ \\n or \\uXXXX",
  InvalidCharacter: "expected no control character (a raw tab or line break) inside a string",
};

/**
 * JSON with comments (`//`, `/* *\/`) and trailing commas, as users annotate their configs, parsed by
 * jsonc-parser (VS Code's). Errors name the line and column and show the line; a key given twice is an
 * error (JSON.parse silently keeps the last one).
 */
export function parseJsonc(text: string): unknown {
  const fail = (problem: string, offset: number): never => {
    const before = text.slice(0, offset).split("\n");
    const line = before.length;
    const column = before[before.length - 1].length + 1;
    throw new JsoncSyntaxError(`not valid JSON at line ${line}, column ${column}: ${problem}\n      ${text.split("\n")[line - 1]}\n      ${" ".repeat(column - 1)}^`);
  };
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, allowEmptyContent: false });
  const [first] = errors;
  if (first || !tree) {
    const offset = first?.offset ?? 0;
    const found = offset >= text.length ? "the end of the file" : JSON.stringify(text.slice(offset, offset + 12).split("\n")[0]);
    return fail(`${first ? SYNTAX_PROBLEMS[printParseErrorCode(first.error)] : SYNTAX_PROBLEMS.ValueExpected}, found ${found}`, offset);
  }
  const value = (node: Node): unknown => {
    if (node.type === "array") return (node.children ?? []).map(value);
    if (node.type !== "object") return node.value;
    const entries = new Map<string, unknown>();
    for (const [key, item] of (node.children ?? []).map((property) => property.children as [Node, Node])) {
      if (entries.has(key.value as string)) fail(`${JSON.stringify(key.value)} is given twice; each key may appear once`, key.offset);
      entries.set(key.value as string, value(item));
    }
    // fromEntries defines own properties: a "__proto__" key stays a key (then fails as unknown).
    return Object.fromEntries(entries);
  };
  return value(tree);
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

/** Record-key issues carry their reason inside; every other issue stands alone. */
function flattenIssue(issue: z.core.$ZodIssue): InputIssue[] {
  if (issue.code === "invalid_key") {
    return issue.issues.map((inner) => ({ path: issue.path, input: issue.input, message: `key ${inner.message}` }));
  }
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      path: [...issue.path, key],
      input: undefined,
      message: "unknown setting; remove it or check its spelling",
    }));
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return [{ path: issue.path, input: undefined, message: `is required (expected ${issue.expected})` }];
  }
  // A discriminated union reports the whole object; the discriminator is what was wrong.
  const input = "input" in issue ? issue.input : undefined;
  const key = issue.path[issue.path.length - 1];
  const shown = issue.code === "invalid_union" && isRecord(input) && typeof key === "string" && key in input ? input[key] : input;
  return [{ path: issue.path, input: shown, message: issue.code === "invalid_type" && issue.message.startsWith("Invalid input") ? `must be ${EXPECTED[issue.expected] ?? `a ${issue.expected}`}` : issue.message }];
}

/** Zod's type names as a config author reads them. */
const EXPECTED: Record<string, string> = {
  object: "an object { ... }",
  array: "an array [ ... ]",
  record: 'an object of names to values, e.g. { "Owner": "ops" }',
  int: "a whole number",
};

/** One line per field: its path, every distinct complaint about it, and the value it had. */
function describeByField(issues: readonly InputIssue[]): string[] {
  const byField = new Map<string, { messages: string[]; input: unknown }>();
  for (const issue of issues) {
    const field = fieldPath(issue.path);
    const entry = byField.get(field) ?? { messages: [], input: issue.input };
    if (!entry.messages.includes(issue.message)) entry.messages.push(issue.message);
    byField.set(field, entry);
  }
  return [...byField].map(([field, { messages, input }]) => `${field}: ${messages.join("; ")}${input === undefined ? "" : ` (got ${formatValue(input)})`}`);
}

/** `nodes[1].name`, `tags["a b"]`, as one would write it in JavaScript. */
export function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(top level)";
  return path
    .map((part, index) => {
      if (typeof part === "number") return `[${part}]`;
      const key = String(part);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return index === 0 ? key : `.${key}`;
      return `[${JSON.stringify(key)}]`;
    })
    .join("");
}

/** The bad value as JSON, credentials in URLs masked, long values cut. */
function formatValue(value: unknown): string {
  const text = JSON.stringify(value, (_key, item: unknown) => (typeof item === "string" ? maskUrlCredentials(item) : item)) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 100)}…(${text.length} characters)` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
