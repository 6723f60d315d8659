/**
 * A deployment with 250 nodes (issue 11, "Scale"): it synthesizes, every host's user data passes the
 * 16 KB check, and Terraform plans it against the emulator of global-setup.ts (offline provider mirror).
 * The bench (`npm run bench`) measures how fast; this checks that it works at all.
 */
import fs from "node:fs";
import path from "node:path";
import { Testing } from "cdktf";
import { validateConfig } from "../../src/config/load";
import { OpenClawStack } from "../../src/stacks/openclaw-stack";
import { applyTerraformEnv } from "../../scripts/lib/terraform-env";

const NODE_COUNT = 250;

// Measured on 2 cores shared with other work (load ~12): synth ~150 s, terraform init + plan of the
// 2,550 resources ~330 s; ~165 s of CPU in all.
jest.setTimeout(600_000);

const endpoint = process.env.OPENCLAW_TEST_ENDPOINT;

interface SynthesizedStack {
  resource: Record<string, Record<string, { tags?: Record<string, string> }>>;
}

let dir: string;
let tf: SynthesizedStack;

beforeAll(() => {
  expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  applyTerraformEnv();
  const config = validateConfig(
    {
      stackName: "scale",
      // "generate" needs the tls provider, which the offline mirror lacks (see plan.test.ts).
      keyPair: { mode: "none" },
      nodes: Array.from({ length: NODE_COUNT }, (_, index) => ({ name: `node-${index + 1}` })),
      target: { kind: "local", endpoint: endpoint! },
    },
    "test",
  );
  const stack = new OpenClawStack(Testing.app(), config.stackName, { config });
  dir = Testing.fullSynth(stack);
  tf = JSON.parse(fs.readFileSync(path.join(dir, "stacks", config.stackName, "cdk.tf.json"), "utf8")) as SynthesizedStack;
});

test(`${NODE_COUNT} nodes synthesize: one instance per node and the gateway`, () => {
  const names = Object.values(tf.resource.aws_instance).map((instance) => instance.tags?.Name);
  expect(names).toHaveLength(NODE_COUNT + 1);
  expect(names).toContain("openclaw-scale-gw");
  expect(names).toContain(`openclaw-scale-node-${NODE_COUNT}`);
});

test(`${NODE_COUNT} nodes plan successfully against the emulator`, () => {
  expect(dir).toPlanSuccessfully();
});
