/**
 * `openclaw.guardrail` through the stack: the guardrail it creates or the one it names reaches the
 * gateway's openclaw.json (the Bedrock plugin's `guardrail` setting), the gateway role may apply exactly
 * that guardrail, the cost estimate prices a created one; on the emulator none is created.
 */
import { estimateMonthlyCost } from "../../src/cost/estimate";
import { configErrorOf, propertiesOf, resourcesOf, synthStack, userDataText, type TerraformJson } from "../helpers";

/** The gateway role's inline policy statements. */
function gatewayStatements(tf: TerraformJson): { Sid: string; Action: string[]; Resource: unknown }[] {
  const policy = propertiesOf(tf, "aws_iam_role_policy").find((candidate) => candidate.name === "openclaw-ec2-role-policy");
  return JSON.parse(String(policy?.policy)).Statement;
}

/** The Bedrock plugin's guardrail setting in the gateway's rendered openclaw.json (from its user data). */
function renderedGuardrail(tf: TerraformJson): unknown {
  const gateway = propertiesOf(tf, "aws_instance").find((instance) => (instance.tags as Record<string, string>).Name === "openclaw-gw")!;
  // #cloud-config, then its JSON.
  const cloudConfig = JSON.parse(userDataText(tf, gateway).replace(/^#cloud-config\n/, "")) as { write_files: { path: string; content: string }[] };
  const file = cloudConfig.write_files.find((candidate) => candidate.path === "/etc/openclaw/openclaw.json");
  if (!file) throw new Error("no /etc/openclaw/openclaw.json in the gateway's user data");
  const json = JSON.parse(file.content) as { plugins: { entries: Record<string, { config?: { guardrail?: unknown } }> } };
  return json.plugins.entries["amazon-bedrock"]?.config?.guardrail;
}

describe("openclaw.guardrail", () => {
  it('{ "create": true }: the stack creates and versions a guardrail; the gateway names that version and may apply only it; the estimate prices it', () => {
    const { tf } = synthStack({ openclaw: { guardrail: { create: true } } });
    const [[name, guardrail]] = resourcesOf(tf, "aws_bedrock_guardrail");
    expect(guardrail.name).toBe("openclaw-guardrail");
    const [[versionName]] = resourcesOf(tf, "aws_bedrock_guardrail_version");
    expect(renderedGuardrail(tf)).toEqual({ guardrailIdentifier: `\${aws_bedrock_guardrail.${name}.guardrail_id}`, guardrailVersion: `\${aws_bedrock_guardrail_version.${versionName}.version}` });
    expect(gatewayStatements(tf).find((statement) => statement.Sid === "BedrockGuardrail")).toEqual({
      Sid: "BedrockGuardrail",
      Effect: "Allow",
      Action: ["bedrock:ApplyGuardrail"],
      Resource: `\${aws_bedrock_guardrail.${name}.guardrail_arn}`,
    });
    const item = estimateMonthlyCost(tf).items.find((line) => line.item.startsWith("aws_bedrock_guardrail."));
    expect(item).toMatchObject({ category: "Bedrock Guardrails", unit: "1k text units" });
    expect(item?.monthly).toBeGreaterThan(0);
  });

  it('{ "id", "version" }: no resource; the gateway names it and may apply exactly it, in the Bedrock region', () => {
    const { tf } = synthStack({ openclaw: { guardrail: { id: "gr1a2b3c", version: "2" }, bedrockRegion: "us-west-2" } });
    expect(resourcesOf(tf, "aws_bedrock_guardrail")).toEqual([]);
    expect(renderedGuardrail(tf)).toEqual({ guardrailIdentifier: "gr1a2b3c", guardrailVersion: "2" });
    const statement = gatewayStatements(tf).find((candidate) => candidate.Sid === "BedrockGuardrail");
    expect(statement?.Resource).toMatch(/^arn:\$\{data\.aws_partition\.[^.]+\.partition\}:bedrock:us-west-2:\$\{data\.aws_caller_identity\.[^.]+\.account_id\}:guardrail\/gr1a2b3c$/);
  });

  it("none by default: no guardrail setting, no statement", () => {
    const { tf } = synthStack();
    expect(renderedGuardrail(tf)).toBeUndefined();
    expect(gatewayStatements(tf).map((statement) => statement.Sid)).not.toContain("BedrockGuardrail");
  });

  it("on the emulator (moto has no Guardrails API) a created guardrail is left out, and the gateway runs without one", () => {
    const { tf } = synthStack({ openclaw: { guardrail: { create: true } }, target: { kind: "local", endpoint: "http://127.0.0.1:5000" } });
    expect(resourcesOf(tf, "aws_bedrock_guardrail")).toEqual([]);
    expect(renderedGuardrail(tf)).toBeUndefined();
    expect(gatewayStatements(tf).map((statement) => statement.Sid)).not.toContain("BedrockGuardrail");
  });

  it("bad settings are refused, naming the field and the fix", () => {
    expect(configErrorOf({ openclaw: { guardrail: { id: "gr1a2b3c" } } })).toMatch(/openclaw\.guardrail: must be \{ "id": "<guardrail id>", "version": "<version>" \} or \{ "create": true \}/);
    expect(configErrorOf({ openclaw: { guardrail: { create: true } }, iam: { bedrock: false, marketplace: false } })).toMatch(/openclaw\.guardrail: only applies with iam\.bedrock true/);
    expect(configErrorOf({ openclaw: { guardrail: { create: true }, bedrockRegion: "eu-central-1" } })).toMatch(
      /openclaw\.guardrail: the stack creates its guardrail in us-east-1, but the gateway calls Bedrock in eu-central-1: create the guardrail in eu-central-1 yourself and name it/,
    );
  });
});
