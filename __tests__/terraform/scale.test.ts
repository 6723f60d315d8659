/**
 * A deployment with 250 nodes (issue 11, "Scale"): it synthesizes, every host's user data passes the
 * 16 KB check (the node list is in SSM, not in any user data), and Terraform plans it against the
 * emulator of global-setup.ts (offline provider mirror). The bench (`npm run bench`) measures how fast.
 */
import fs from "node:fs";
import path from "node:path";
import { Testing } from "cdktf";
import { validateConfig } from "../../src/config/load";
import { expandForEach } from "../../src/cost/for-each";
import { OpenClawStack } from "../../src/stacks/openclaw-stack";
import { applyTerraformEnv } from "../../scripts/lib/terraform-env";

const NODE_COUNT = 250;

// Measured on 2 cores (2026-12-06): the plan of the 3,073 resource instances takes about 65 s (72 CPU-s,
// 440 MiB, nearly all in Terraform itself; 151 CPU-s and 1.2 GiB when each node's resources named
// `aws_instance.node[each.key]`, see sameKey); the synth takes about a second (the nodes are resources made per key).
jest.setTimeout(600_000);

const endpoint = process.env.OPENCLAW_TEST_ENDPOINT;

interface SynthesizedStack {
  locals?: Record<string, unknown>;
  resource: Record<string, Record<string, { tags?: Record<string, string>; depends_on?: string[] }>>;
}

function scaleConfig() {
  return validateConfig(
    {
      stackName: "scale",
      // "generate" needs the tls provider, which the offline mirror lacks (see plan.test.ts).
      keyPair: { mode: "none" },
      nodes: Array.from({ length: NODE_COUNT }, (_, index) => ({ name: `node-${index + 1}` })),
      target: { kind: "local", endpoint: endpoint! },
    },
    "test",
  );
}

test(`${NODE_COUNT} nodes synthesize (one instance per node and the gateway) and plan against the emulator`, () => {
  expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  applyTerraformEnv();
  const config = scaleConfig();
  const stack = new OpenClawStack(Testing.app(), config.stackName, { config });
  const dir = Testing.fullSynth(stack);
  const synthesized = JSON.parse(fs.readFileSync(path.join(dir, "stacks", config.stackName, "cdk.tf.json"), "utf8")) as SynthesizedStack;
  // The nodes are one aws_instance made per key: what Terraform plans is one per node.
  expect(Object.keys(synthesized.resource.aws_instance)).toHaveLength(2);
  const tf = expandForEach(synthesized);
  const names = Object.values(tf.resource.aws_instance).map((instance) => instance.tags?.Name);
  expect(names).toHaveLength(NODE_COUNT + 1);
  expect(names).toContain("openclaw-scale-gw");
  expect(names).toContain(`openclaw-scale-node-${NODE_COUNT}`);
  // No host waits for another host's resources: each depends on the shared parameters and secrets only.
  for (const instance of Object.values(tf.resource.aws_instance)) expect(instance.depends_on?.length).toBeLessThanOrEqual(5);
  expect(dir).toPlanSuccessfully();
});
