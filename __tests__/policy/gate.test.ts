/**
 * The policy gate: every rule of ./rules.ts over the synthesized JSON of the defaults and of every
 * example (the folder is read, so a new example is covered), with the state bootstrap stack for the
 * bucket rules. Prints the findings per configuration, then asserts each rule per configuration.
 */
import { Testing } from "cdktf";
import { StateStack } from "../../src/stacks/state-stack";
import { configWith, defaultAndExamples, synthStack, type TerraformJson } from "../helpers";
import { RULES, type GateInput } from "./rules";


function stateStackJson(region: string): TerraformJson {
  const stack = new StateStack(Testing.app(), "gate-state", { bucket: "gate-openclaw-state", region, target: { kind: "aws" }, tags: {} });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

function gateInput(name: string, raw: Record<string, unknown>): GateInput {
  const config = configWith(raw);
  return {
    config: name,
    stack: synthStack(raw).tf,
    stateStack: stateStackJson(config.region),
    // Read loosely, so the same gate also runs against a main without the setting (flow logs then count as asked for).
    flowLogs: (config.network as { flowLogs?: boolean }).flowLogs ?? true,
  };
}

const CONFIGS = defaultAndExamples();

const inputs = new Map(CONFIGS.map(([name, raw]) => [name, gateInput(name, raw)]));
const findings = new Map(CONFIGS.map(([name]) => [name, new Map(RULES.map((rule) => [rule.id, rule.check(inputs.get(name)!)]))]));


beforeAll(() => {
  const lines = [...findings].map(([config, byRule]) => {
    const all = [...byRule].flatMap(([rule, list]) => list.map((finding) => `    [${rule}] ${finding}`));
    return `${config}: ${all.length} finding(s)\n${all.join("\n")}`;
  });
  process.stdout.write(`Policy gate findings\n${lines.join("\n")}\n`);
});

describe.each(RULES.map((rule) => [rule.id, rule] as const))("%s", (id, rule) => {
  for (const [config] of CONFIGS) {
    test(`${config}: ${rule.description}`, () => {
      expect(findings.get(config)!.get(id)).toEqual([]);
    });
  }
});
