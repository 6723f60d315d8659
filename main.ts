/**
 * Composes the deployment: the validated configuration in, the stacks out. Nothing is synthesized
 * unless the configuration is valid.
 */
import { App } from "cdktf";
import { ConfigError, loadConfig } from "./src/config/load";
import { deploymentNames, deploymentTags, stateRegion } from "./src/config/names";
import { OpenClawStack } from "./src/stacks/openclaw-stack";
import { StateStack } from "./src/stacks/state-stack";

function main(): void {
  const config = loadConfig({ cwd: process.cwd(), env: process.env });
  const app = new App();
  new OpenClawStack(app, config.stackName, { config });
  if (config.state.bucket) {
    new StateStack(app, deploymentNames(config).stateStack, {
      bucket: config.state.bucket,
      region: stateRegion(config),
      target: config.target,
      tags: deploymentTags(config),
    });
  }
  app.synth();
}

try {
  main();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // The problems, without a stack trace. `cdktf synth` repeats an app's stderr in its closing error block,
  // so under cdktf they show twice; `npm run validate` (run by `npm run synth`) shows them once.
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
