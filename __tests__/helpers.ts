import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { validateConfig } from "../src/config/load";
import type { OpenClawConfig, OpenClawConfigInput } from "../src/config/schema";
import { expandForEach } from "../src/cost/for-each";
import { OpenClawStack } from "../src/stacks/openclaw-stack";

/** A validated configuration: the defaults plus `overrides`. */
export function configWith(overrides: OpenClawConfigInput = {}): OpenClawConfig {
  return validateConfig(overrides, "test");
}

export interface Synthesized {
  /** The stack's Terraform JSON as text, for the cdktf matchers. */
  readonly json: string;
  /**
   * The same, parsed, with each `for_each` resource written out per key as Terraform plans it
   * (`aws_instance.node["node-1"]`, its `each.*` put in): what a deployment of it has.
   */
  readonly tf: TerraformJson;
}

export interface TerraformJson {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data: Record<string, Record<string, Record<string, unknown>>>;
  readonly output: Record<string, { value: unknown; sensitive?: boolean; description?: string }>;
  readonly terraform: Record<string, unknown>;
  readonly provider: Record<string, unknown[]>;
  readonly locals?: Record<string, unknown>;
  readonly moved?: { from: string; to: string }[];
}

/** The message validateConfig rejects `raw` with, or "" when it accepts it. */
export function configErrorOf(raw: unknown): string {
  try {
    validateConfig(raw, "test");
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

/** Synthesizes the whole deployment stack for a configuration. */
export function synthStack(overrides: OpenClawConfigInput = {}): Synthesized {
  const app = Testing.app();
  const stack = new OpenClawStack(app, "test", { config: configWith(overrides) });
  const json = Testing.synth(stack);
  return { json, tf: expandForEach(JSON.parse(json) as TerraformJson) };
}

/** Every resource of one Terraform type, as [local name, properties]. */
export function resourcesOf(tf: TerraformJson, type: string): [string, Record<string, unknown>][] {
  return Object.entries(tf.resource[type] ?? {});
}

/** The properties of every resource of one type. */
export function propertiesOf(tf: TerraformJson, type: string): Record<string, unknown>[] {
  return resourcesOf(tf, type).map(([, properties]) => properties);
}

/** The defaults and every configuration in examples/ (read from the folder, so a new example is covered), by name. */
export function defaultAndExamples(): [string, Record<string, unknown>][] {
  const examples = join(__dirname, "../examples");
  return [
    ["default", {}],
    ...readdirSync(examples)
      .filter((file) => file.endsWith(".json"))
      .sort()
      .map((file): [string, Record<string, unknown>] => [file, JSON.parse(readFileSync(join(examples, file), "utf8"))]),
  ];
}

const GZIPPED_LITERAL = /^\$\{base64gzip\("((?:[^"\\]|\\.)*)"\)\}$/s;
const GZIPPED_SHARED = /^\$\{base64gzip\(replace\(local\.([\w-]+)\["([\w-]+)"\], "([^"]+)", "([^"]+)"\)\)\}$/;
const HCL_ESCAPE = /\\(?:u([0-9a-fA-F]{4})|(.))/gs;
const HCL_SIMPLE: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/**
 * An instance's user data as Terraform gzips it, from a synthesized (and expanded) stack: the gateway's
 * `base64gzip("<literal>")`, a node's `base64gzip(replace(local.node_user_data["<arch>"], <placeholder>,
 * <name>))`. What Terraform fills in (e.g. a computed address) stays as its `${...}` reference.
 */
export function userDataText(tf: TerraformJson, instance: Record<string, unknown>): string {
  const expression = String(instance.user_data_base64);
  const literal = GZIPPED_LITERAL.exec(expression);
  if (literal) return literal[1].replace(HCL_ESCAPE, (_, code: string | undefined, char: string) => (code ? String.fromCharCode(parseInt(code, 16)) : HCL_SIMPLE[char]));
  const shared = GZIPPED_SHARED.exec(expression);
  if (!shared) throw new Error(`user data in an unexpected form: ${expression.slice(0, 200)}`);
  const [, local, architecture, placeholder, name] = shared;
  const template = String((tf.locals?.[local] as Record<string, string> | undefined)?.[architecture]);
  return template.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{").replaceAll(placeholder, name);
}
