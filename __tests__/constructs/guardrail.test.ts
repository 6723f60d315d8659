import { GUARDRAIL_CONTENT_FILTERS, Guardrail } from "../../src/constructs/guardrail";
import { resourcesOf } from "../helpers";
import { referenceToOnly, synthConstruct } from "./bare-stack";

describe("Guardrail", () => {
  it("given a name, when synthesized, then a guardrail with the content filters and a prompt-attack filter on input, its blocked messages, and a version of it", () => {
    const { tf, exposed } = synthConstruct((stack) => {
      const guardrail = new Guardrail(stack, "guardrail", { name: "openclaw-guardrail" });
      return { id: guardrail.id, version: guardrail.version, arn: guardrail.arn };
    });
    const [[guardrailName, guardrail]] = resourcesOf(tf, "aws_bedrock_guardrail");
    expect(guardrail).toMatchObject({
      name: "openclaw-guardrail",
      blocked_input_messaging: expect.stringMatching(/blocked by the assistant's guardrail/),
      blocked_outputs_messaging: expect.stringMatching(/blocked by the assistant's guardrail/),
    });
    const filters = (guardrail.content_policy_config as { filters_config: unknown[] }[])[0].filters_config;
    expect(filters).toEqual(GUARDRAIL_CONTENT_FILTERS.map((f) => ({ type: f.type, input_strength: f.inputStrength, output_strength: f.outputStrength })));
    expect(filters).toContainEqual({ type: "PROMPT_ATTACK", input_strength: "HIGH", output_strength: "NONE" });

    const [[, version]] = resourcesOf(tf, "aws_bedrock_guardrail_version");
    expect(version.guardrail_arn).toBe(referenceToOnly(tf, "aws_bedrock_guardrail", "guardrail_arn"));
    // A changed guardrail gets a new version (and so the gateway's config names it).
    expect((version.lifecycle as { replace_triggered_by: string[] }).replace_triggered_by).toEqual([`aws_bedrock_guardrail.${guardrailName}`]);
    expect(exposed).toEqual({
      id: referenceToOnly(tf, "aws_bedrock_guardrail", "guardrail_id"),
      version: referenceToOnly(tf, "aws_bedrock_guardrail_version", "version"),
      arn: referenceToOnly(tf, "aws_bedrock_guardrail", "guardrail_arn"),
    });
  });
});
