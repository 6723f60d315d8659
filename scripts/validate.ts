/**
 * Validates the configuration as `cdktf synth` reads it (env OPENCLAW_CONFIG, else openclaw.config.json,
 * else the defaults) and prints the result once: the stacks it would synthesize, or every problem with its
 * field and the fix. `npm run synth` runs it first, so a bad configuration is reported once, before cdktf
 * (which repeats an app's error output) starts.
 *
 *   npm run validate
 */
import { loadConfig } from "../src/config/load";
import { deploymentNames } from "../src/config/names";
import { runCli } from "./lib/cli";

runCli(() => {
  const config = loadConfig({ cwd: process.cwd(), env: process.env });
  const stacks = [config.stackName, ...(config.state.bucket ? [deploymentNames(config).stateStack] : [])];
  console.log(`OpenClaw configuration is valid: stacks ${stacks.join(", ")}`);
});
