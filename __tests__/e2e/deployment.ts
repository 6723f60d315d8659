/**
 * The end-to-end tests' deployments: each is the LocalDeployment of `npm run local`
 * (scripts/lib/local-deployment.ts), kept in its own folder .cache/e2e/<name>/ with its own moto_server
 * and its own state bucket. moto's DescribeTrails ignores the name filter and its DeleteTrail ignores
 * the ARN the provider sends, so a trail left by an earlier deployment would break the next one on a
 * shared emulator.
 */
import fs from "node:fs";
import path from "node:path";
import { LocalDeployment } from "../../scripts/lib/local-deployment";
import { PROJECT_ROOT } from "../../scripts/lib/terraform-env";

export const REGION = "us-east-1";
/** moto's account. */
export const ACCOUNT = "123456789012";

export function testEndpoint(): string {
  const endpoint = process.env.OPENCLAW_TEST_ENDPOINT;
  if (!endpoint) throw new Error("OPENCLAW_TEST_ENDPOINT is not set: the jest globalSetup starts the emulator");
  return endpoint;
}

/**
 * Opens a deployment of `example` (examples/<example>.json; the defaults when not given) on a new
 * emulator of its own, quietly (each cdktf run's output is kept in <stack folder>/<run>.log).
 * `release()` stops the emulator and removes what the deployment wrote, as `npm run local:destroy` does.
 */
export async function openDeployment(example?: string): Promise<LocalDeployment> {
  const name = example ?? "default";
  const options = { root: path.join(PROJECT_ROOT, ".cache", "e2e", name), stateBucket: `openclaw-e2e-${name}`, log: () => {}, onOutput: () => {} };
  // What an interrupted earlier run left: its emulator is stopped, its folder starts empty.
  await LocalDeployment.release(options);
  fs.rmSync(options.root, { recursive: true, force: true });
  const deployment = await LocalDeployment.open({ ...options, configFile: example && path.join(PROJECT_ROOT, "examples", `${example}.json`) });
  // Interrupted runs skip afterAll: stop the emulator's group when this process ends at all.
  process.once("exit", () => {
    try {
      process.kill(-deployment.emulator.pid!, "SIGTERM");
    } catch {
      /* stopped */
    }
  });
  return deployment;
}
