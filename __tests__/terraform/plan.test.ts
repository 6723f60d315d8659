/**
 * Terraform itself accepts what the app synthesizes: `terraform plan` (toPlanSuccessfully, which validates
 * first; toBeValidTerraform for what only real AWS gets) with hashicorp/aws 5.100.0 from the offline
 * mirror, against the moto_server of global-setup.ts (a plan reads the caller identity, the AMI parameters
 * and, for the default VPC, the account's network).
 *
 * keyPair "generate" needs the hashicorp/tls provider, which is NOT in the offline mirror: such configs
 * (examples/gateway-node.json: SSH allowed, so a generated key by default) are checked here at synth
 * level, and the same config with an imported key is planned for real. The defaults have no key pair.
 */
import fs from "node:fs";
import path from "node:path";
import { Testing } from "cdktf";
import { validateConfig } from "../../src/config/load";
import type { OpenClawConfigInput } from "../../src/config/schema";
import { OpenClawStack } from "../../src/stacks/openclaw-stack";
import { generateSshKeyPair } from "../../scripts/lib/ssh-key";
import { applyTerraformEnv, PROJECT_ROOT } from "../../scripts/lib/terraform-env";

// A plan: init + provider start + plan; 40-50 s each on 2 cores.
jest.setTimeout(180_000);

const endpoint = process.env.OPENCLAW_TEST_ENDPOINT;
const { publicKey } = generateSshKeyPair("plan-test");

function example(name: string): OpenClawConfigInput {
  return JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "examples", `${name}.json`), "utf8")) as OpenClawConfigInput;
}

/** Synthesizes a config for the local target (no state bucket: a local backend that plan -lock=false never writes). */
function fullSynth(raw: OpenClawConfigInput, target: OpenClawConfigInput["target"] = { kind: "local", endpoint: endpoint! }): { dir: string; tf: { resource: Record<string, unknown>; terraform: { required_providers: Record<string, unknown> } } } {
  const config = validateConfig({ ...raw, target }, "test");
  const app = Testing.app();
  const stack = new OpenClawStack(app, config.stackName, { config });
  const dir = Testing.fullSynth(stack);
  const tf = JSON.parse(fs.readFileSync(path.join(dir, "stacks", config.stackName, "cdk.tf.json"), "utf8"));
  return { dir, tf };
}

function withImportedKey(raw: OpenClawConfigInput): OpenClawConfigInput {
  return { ...raw, keyPair: { mode: "import", publicKey } };
}

beforeAll(() => {
  expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  applyTerraformEnv();
});

const examples = fs
  .readdirSync(path.join(PROJECT_ROOT, "examples"))
  .filter((file) => file.endsWith(".json"))
  .map((file) => file.replace(/\.json$/, ""))
  .sort();

/** Every config the suite checks: the defaults and every example, each as written or, if it generates its key, with an imported one. */
const generates = (raw: OpenClawConfigInput) => validateConfig(raw, "test").keyPair.mode === "generate";
const cases: { name: string; raw: OpenClawConfigInput; generatesKey: boolean }[] = [
  { name: "defaults", raw: {}, generatesKey: generates({}) },
  ...examples.map((name) => {
    const raw = example(name);
    return { name: `examples/${name}.json`, raw, generatesKey: generates(raw) };
  }),
];

test("the suite covers every example file, and both a configuration that generates its key and one that has none", () => {
  expect(examples).toEqual(expect.arrayContaining(["gateway-node", "multi-node", "private-gateway", "source-build"]));
  expect(cases.find((candidate) => candidate.name === "defaults")?.generatesKey).toBe(false);
  expect(cases.find((candidate) => candidate.name === "examples/gateway-node.json")?.generatesKey).toBe(true);
});

test("what only real AWS gets (the budget: the emulator cannot hold it) is valid Terraform", () => {
  const { dir, tf } = fullSynth(withImportedKey({}), { kind: "aws" });
  expect(tf.resource).toHaveProperty("aws_budgets_budget");
  expect(dir).toBeValidTerraform();
});

describe.each(cases)("$name", ({ raw, generatesKey }) => {
  if (generatesKey) {
    test('keyPair "generate" needs the tls provider, which the offline mirror lacks: checked at synth level only', () => {
      const { tf } = fullSynth(raw);
      expect(tf.terraform.required_providers).toHaveProperty("tls");
      expect(tf.resource).toHaveProperty("tls_private_key");
      expect(tf.resource).toHaveProperty("aws_key_pair");
      const mirror = fs.readFileSync(process.env.TF_CLI_CONFIG_FILE!, "utf8").match(/path\s*=\s*"([^"]+)"/)![1];
      // If this fails, the mirror gained the tls provider: plan these configs as written instead.
      expect(fs.existsSync(path.join(mirror, "registry.terraform.io", "hashicorp", "tls"))).toBe(false);
    });
  }

  const planned = generatesKey ? withImportedKey(raw) : raw;
  const label = generatesKey ? "with an imported key instead" : "as written";

  // A plan validates first: an invalid configuration fails it too.
  test(`is valid Terraform and plans successfully against the emulator (${label})`, () => {
    const { dir, tf } = fullSynth(planned);
    expect(tf.terraform.required_providers).not.toHaveProperty("tls");
    expect(dir).toPlanSuccessfully();
  });
});
