/**
 * The user data's literals as Terraform itself evaluates them (`terraform console`, no provider): the
 * full suite's tier, beside host.test.ts, which checks the same functions without Terraform.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hclStringLiteral, terraformTemplateLiteral } from "../../src/host/host";
import { terraformEnv } from "../terraform-env";

/** What Terraform makes of `expression` in a configuration of these locals (terraform console, no provider). */
function evaluate(expression: string, locals: Record<string, string> = {}): string {
  const folder = mkdtempSync(join(tmpdir(), "hcl-"));
  writeFileSync(join(folder, "main.tf.json"), JSON.stringify({ locals }));
  const evaluated = execFileSync("terraform", ["console"], { cwd: folder, input: `base64encode(${expression})\n`, env: terraformEnv() }).toString();
  return Buffer.from(JSON.parse(evaluated.trim()) as string, "base64").toString();
}

const SHELL_SCRIPT = [
  "#!/bin/bash",
  'echo "${HOME}" \'%{x}\' $((1 + 2)) \\n\ttab',
  'jq -r \'.a["b"]\' <<< "{}"',
  "printf '%s\\n' \"$${doubled}\" 100% $$",
].join("\n");

describe("terraformTemplateLiteral", () => {
  it("keeps shell syntax literal when Terraform evaluates it as a string in its JSON", () => {
    expect(evaluate("local.script", { script: terraformTemplateLiteral(SHELL_SCRIPT) })).toBe(SHELL_SCRIPT);
  });
});

describe("hclStringLiteral", () => {
  it("keeps shell syntax literal when Terraform evaluates it", () => {
    expect(evaluate(`"${hclStringLiteral(SHELL_SCRIPT)}"`)).toBe(SHELL_SCRIPT);
  });
});
