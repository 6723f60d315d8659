/**
 * The created guardrail (src/constructs/guardrail.ts) is valid Terraform for hashicorp/aws 5.100.0 and
 * plans against the emulator of global-setup.ts, in a stack of its own: the deployment stack leaves it
 * out on the local target, because moto 5.2 has no Bedrock Guardrails API to create it with (its
 * bedrock service has model customization, logging configuration and tags only), so it cannot be
 * deployed there. Creating it is what only AWS shows.
 */
import fs from "node:fs";
import path from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { Guardrail } from "../../src/constructs/guardrail";
import { addAwsProvider } from "../../src/stacks/aws-provider";
import { applyTerraformEnv } from "../../scripts/lib/terraform-env";

jest.setTimeout(180_000);

const endpoint = process.env.OPENCLAW_TEST_ENDPOINT;

beforeAll(() => {
  expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  applyTerraformEnv();
});

test("the guardrail and its version are valid Terraform and plan against the emulator", () => {
  const stack = new TerraformStack(Testing.app(), "guardrail");
  addAwsProvider(stack, { region: "us-east-1", target: { kind: "local", endpoint: endpoint! }, tags: { Project: "openclaw-aws" } });
  new Guardrail(stack, "guardrail", { name: "openclaw-guardrail" });
  const dir = Testing.fullSynth(stack);
  const tf = JSON.parse(fs.readFileSync(path.join(dir, "stacks", "guardrail", "cdk.tf.json"), "utf8")) as { resource: Record<string, unknown> };
  expect(Object.keys(tf.resource).sort()).toEqual(["aws_bedrock_guardrail", "aws_bedrock_guardrail_version"]);
  expect(dir).toBeValidTerraform();
  expect(dir).toPlanSuccessfully();
});
