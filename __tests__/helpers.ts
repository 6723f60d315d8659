import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { validateConfig } from "../src/config/load";
import type { OpenClawConfig, OpenClawConfigInput } from "../src/config/schema";
import { OpenClawStack } from "../src/stacks/openclaw-stack";

/** A validated configuration: the defaults plus `overrides`. */
export function configWith(overrides: OpenClawConfigInput = {}): OpenClawConfig {
  return validateConfig(overrides, "test");
}

export interface Synthesized {
  /** The stack's Terraform JSON as text, for the cdktf matchers. */
  readonly json: string;
  /** The same, parsed. */
  readonly tf: TerraformJson;
}

export interface TerraformJson {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data: Record<string, Record<string, Record<string, unknown>>>;
  readonly output: Record<string, { value: unknown; sensitive?: boolean; description?: string }>;
  readonly terraform: Record<string, unknown>;
  readonly provider: Record<string, unknown[]>;
}

/** Synthesizes the whole deployment stack for a configuration. */
export function synthStack(overrides: OpenClawConfigInput = {}): Synthesized {
  const app = Testing.app();
  const stack = new OpenClawStack(app, "test", { config: configWith(overrides) });
  const json = Testing.synth(stack);
  return { json, tf: JSON.parse(json) as TerraformJson };
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
