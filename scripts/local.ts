// The local target: the whole deployment on a local AWS API (moto), no AWS account needed.
//
//   npm run local                                        # the defaults
//   npm run local -- --config examples/multi-node.json   # any config file instead
//   npm run local:destroy                                # destroys what was deployed, stops the emulator
//
// Uses env OPENCLAW_LOCAL_ENDPOINT when set (an emulator you run yourself; never stopped here); otherwise
// starts moto_server on a free 127.0.0.1 port and leaves it running for local:destroy. Everything it keeps
// (emulator PID and endpoint, configs, SSH key, synth output, bootstrap state) is under .cache/local/,
// readable by you only; local:destroy removes it. The work is scripts/lib/local-deployment.ts's, which
// the end-to-end tests drive too.
import { parseArgs } from "node:util";
import { ConfigError } from "../src/config/load";
import { Failure, runCli } from "./lib/cli";
import { LocalDeployment } from "./lib/local-deployment";

const USAGE = "usage: npm run local [-- --config <file>]   |   npm run local:destroy";

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(0);

async function deploy(configFile: string | undefined): Promise<void> {
  const started = Date.now();
  const deployment = await LocalDeployment.open({ configFile, endpoint: process.env.OPENCLAW_LOCAL_ENDPOINT });
  const result = await deployment.deploy();
  const outputs = deployment.outputs();
  const resources = await deployment.resourceCount();
  console.log(`\n== Outputs of ${deployment.stack}`);
  for (const [name, value] of Object.entries(outputs)) {
    if (name === "ssh_private_key_pem") continue;
    console.log(`${name} = ${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
  console.log("\n== Summary");
  console.log(`Stack ${deployment.stack}: ${resources} resources on the local emulator ${deployment.endpoint}.`);
  console.log(`State: s3://${deployment.bucket}/${deployment.stateKey} (locked with ${deployment.stateKey}.tflock while Terraform runs).`);
  console.log(`Took ${seconds(started)} s (cdktf deploy ${deployment.stack}: ${result.seconds.toFixed(0)} s).`);
  console.log("The emulator records the API calls; no machine boots, so nothing runs on these hosts.");
  console.log("Remove it all with: npm run local:destroy");
}

async function destroy(): Promise<void> {
  const started = Date.now();
  const { recorded, failed } = await LocalDeployment.destroyAll();
  if (!recorded) return;
  console.log(`Took ${seconds(started)} s.`);
  if (failed.length > 0) throw new Failure(failed.join("\n\n"));
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ options: { config: { type: "string" }, help: { type: "boolean", short: "h" } }, allowPositionals: true });
  } catch (error) {
    throw new Failure(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
  } else if (positionals[0] === "destroy" && positionals.length === 1) {
    await destroy();
  } else if (positionals.length > 0) {
    throw new Failure(`unknown argument ${positionals.join(" ")}; ${USAGE}`);
  } else {
    await deploy(values.config);
  }
}

runCli(main, (error) => {
  if (!(error instanceof ConfigError) && process.argv[2] !== "destroy" && LocalDeployment.emulatorLeftRunning()) {
    console.error("The emulator keeps running: npm run local:destroy removes what was deployed and stops it.");
  }
});
