/**
 * The known-model table against the Bedrock provider plugin's own (its discovery table of context
 * windows, read from the plugin fixture: skipped, saying so, without it), and the ARNs IAM grants.
 */
import { execFileSync } from "node:child_process";
import { AwsEnvironment } from "../../src/aws-environment";
import { BEDROCK_MODELS, bedrockGuardrailArn, bedrockModelArns, foundationModelOf } from "../../src/config/bedrock-models";
import { bedrockPluginFixture, bedrockPluginSkipReason } from "../hosts/bedrock-plugin-fixture";

/** KNOWN_CONTEXT_WINDOWS of the plugin's discovery.js: foundation model id -> tokens. */
function pluginContextWindows(tarball: string): Map<string, number> {
  const source = execFileSync("tar", ["-xzOf", tarball, "package/discovery.js"], { encoding: "utf8" });
  const table = /const KNOWN_CONTEXT_WINDOWS = \{([^}]*)\}/.exec(source);
  if (!table) throw new Error("the plugin's discovery.js has no KNOWN_CONTEXT_WINDOWS table");
  return new Map([...table[1].matchAll(/"([^"]+)":\s*([0-9.e]+)/g)].map(([, id, tokens]) => [id, Number(tokens)]));
}

const skip = bedrockPluginSkipReason();
const withFixture = skip ? test.skip : test;

withFixture(`every known model's context window is the Bedrock plugin's own${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const windows = pluginContextWindows(bedrockPluginFixture()!.tarball);
  const ours = Object.entries(BEDROCK_MODELS).map(([id, model]) => [foundationModelOf(id), model.contextWindow]);
  expect(ours).toEqual(ours.map(([id]) => [id, windows.get(String(id))]));
  // Every Claude model the plugin knows by exact id and that is on Bedrock as a US profile is in the table.
  const claude = [...windows.keys()].filter((id) => id.startsWith("anthropic.claude-") && !/claude-3|mythos/.test(id));
  expect(claude.filter((id) => !Object.hasOwn(BEDROCK_MODELS, `us.${id}`))).toEqual([]);
});

test("a profile is granted in the Bedrock region and its foundation model in any region; a guardrail by its id", () => {
  const account = new AwsEnvironment("aws", "us-east-1", "123456789012");
  expect(bedrockModelArns(account, "us.anthropic.claude-sonnet-5")).toEqual([
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-5",
    "arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-5",
  ]);
  expect(bedrockModelArns(account, "anthropic.claude-sonnet-5")).toEqual(["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-5"]);
  expect(bedrockGuardrailArn(account, "gr1a2b3c")).toBe("arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1a2b3c");
});
