/**
 * Construct tests build one construct on its own, in an empty stack, from props the test spells out
 * (GIVEN), synthesize that stack (WHEN) and assert its resources (THEN). What the stack makes of the
 * configuration (which props a construct gets, how constructs refer to each other) is the stack-level
 * tests' business (__tests__/stacks/).
 */
import { Testing, TerraformOutput, TerraformStack } from "cdktf";
import { AwsEnvironment } from "../../src/aws-environment";
import { expandForEach } from "../../src/cost/for-each";
import type { Synthesized, TerraformJson } from "../helpers";

export interface SynthesizedConstruct extends Synthesized {
  /**
   * The attributes `build` returned (a construct's public members: ids, names, ARNs), as they are
   * written into the Terraform JSON, e.g. "${aws_instance.host_instance_1234.id}".
   */
  readonly exposed: Record<string, string>;
}

/**
 * Synthesizes an empty stack after `build` added what the test gives (a construct and, where it needs
 * them, the resources it refers to). Attributes `build` returns become outputs, so a test can assert
 * what a construct hands to the rest of the stack; undefined ones are left out.
 */
export function synthConstruct(build: (stack: TerraformStack) => Record<string, string | undefined> | void): SynthesizedConstruct {
  const stack = new TerraformStack(Testing.app(), "bare");
  const attributes = build(stack) ?? {};
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) new TerraformOutput(stack, name, { value });
  }
  const json = Testing.synth(stack);
  const tf = expandForEach(JSON.parse(json) as TerraformJson);
  const exposed = Object.fromEntries(Object.entries(tf.output ?? {}).map(([name, output]) => [name, String(output.value)]));
  return { json, tf, exposed };
}

/** The `${type.name.attribute}` reference to an attribute of the only resource of one type in the stack. */
export function referenceToOnly(tf: TerraformJson, type: string, attribute: string): string {
  const names = Object.keys(tf.resource?.[type] ?? {});
  if (names.length !== 1) throw new Error(`expected one ${type}, found ${names.length}`);
  return `\${${type}.${names[0]}.${attribute}}`;
}

/** The partition, region and account construct tests deploy into, as plain values. */
export const TEST_ENVIRONMENT = new AwsEnvironment("aws", "us-east-1", "123456789012");
