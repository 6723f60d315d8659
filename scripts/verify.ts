// Checks a REAL deployment from the outside, through SSM Run Command (no SSH, no open port):
//   - the gateway service openclaw-gateway is active, and /healthz answers {"ok":true,...}
//   - every node is listed paired and connected by the gateway (openclaw nodes status --connected --json)
//   - each node's openclaw-node service is active
//   - the certificate served on the gateway port has the fingerprint published in SSM (TLS only)
//   - one agent turn on the gateway ("Reply with the single word: pong") gets a non-empty answer; the
//     evidence names the model that answered (up to 180 s, whatever --timeout says: a cold turn is slow)
// One line per check with PASS/FAIL and its evidence; exit 1 on any FAIL.
//
//   npm run verify                              # the stack of the current config (openclaw.config.json / OPENCLAW_CONFIG)
//   npm run verify -- --outputs outputs.json    # outputs written by `cdktf deploy --outputs-file`
//
// Reads the outputs with `terraform output -json` in cdktf.out/stacks/<stack> unless --outputs is given.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { GetCommandInvocationCommand, GetParameterCommand, SendCommandCommand, SSMClient } from "@aws-sdk/client-ssm";
import { loadConfig } from "../src/config/load";
import type { OpenClawConfig } from "../src/config/schema";
import { clientSettings } from "./lib/aws-target";
import { runTerraform } from "./lib/cdktf";
import { Failure, runCli } from "./lib/cli";
import { PROJECT_ROOT, terraformEnv } from "./lib/terraform-env";
import {
  AGENT_TURN_TIMEOUT_SECONDS,
  COMMANDS,
  formatReport,
  judgeAgentTurn,
  judgeFingerprint,
  judgeHealth,
  judgeNodes,
  judgeServiceActive,
  parseOutputs,
  type CheckResult,
  type Invocation,
} from "./lib/verify-checks";

const TERMINAL = new Set(["Success", "Failed", "Cancelled", "TimedOut", "Cancelling", "DeliveryTimedOut", "ExecutionTimedOut", "Undeliverable", "Terminated", "InvalidPlatform", "AccessDenied"]);

export interface RunCommandOptions {
  /** How long to poll for the result. */
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/** AWS-RunShellScript on one instance, stopped by SSM after `timeoutMs`; polls GetCommandInvocation (bounded) until it ends. */
export async function runShell(ssm: SSMClient, instanceId: string, commands: readonly string[], { timeoutMs = 120_000, intervalMs = 2000 }: RunCommandOptions = {}): Promise<Invocation> {
  let commandId: string;
  const seconds = Math.max(30, Math.ceil(timeoutMs / 1000));
  try {
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        InstanceIds: [instanceId],
        // TimeoutSeconds bounds only the delivery; the document's executionTimeout bounds the run.
        Parameters: { commands: [...commands], executionTimeout: [String(seconds)] },
        TimeoutSeconds: seconds,
        Comment: "openclaw-aws verify",
      }),
    );
    commandId = sent.Command!.CommandId!;
  } catch (error) {
    return { status: "NotSent", stdout: "", stderr: `SendCommand failed: ${(error as Error).message}` };
  }
  const deadline = Date.now() + timeoutMs;
  let last = "Pending";
  while (Date.now() < deadline) {
    try {
      const invocation = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
      last = invocation.Status ?? last;
      if (TERMINAL.has(last)) {
        return {
          status: last,
          exitCode: invocation.ResponseCode,
          stdout: invocation.StandardOutputContent ?? "",
          stderr: invocation.StandardErrorContent ?? "",
        };
      }
    } catch (error) {
      // Right after SendCommand the invocation may not exist yet.
      if ((error as Error).name !== "InvocationDoesNotExist") return { status: "Error", stdout: "", stderr: (error as Error).message };
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return { status: "NoAnswer", stdout: "", stderr: `no result within ${timeoutMs / 1000} s (last status ${last}; is the SSM agent online?)` };
}

/** The stack's outputs: a cdktf outputs file, or `terraform output -json` in the synthesized stack folder. */
export async function readStackOutputs(stack: string, outputsFile?: string): Promise<Record<string, unknown>> {
  if (outputsFile) {
    const all = JSON.parse(fs.readFileSync(outputsFile, "utf8")) as Record<string, unknown>;
    return (stack in all ? all[stack] : all) as Record<string, unknown>;
  }
  const dir = path.join(PROJECT_ROOT, "cdktf.out", "stacks", stack);
  if (!fs.existsSync(dir)) throw new Error(`${dir} does not exist: deploy first (npm run deploy) or pass --outputs <file>`);
  const result = await runTerraform(["output", "-json"], { env: terraformEnv(), cwd: dir });
  if (result.code !== 0) throw new Error(`terraform output -json in ${dir} failed:\n${result.output}`);
  return JSON.parse(result.output) as Record<string, unknown>;
}

export interface VerifyOptions {
  readonly config: OpenClawConfig;
  readonly outputs: Record<string, unknown>;
  readonly ssm: SSMClient;
  readonly commandTimeoutMs?: number;
  readonly intervalMs?: number;
}

/** Runs every check; never throws for a failed check (it becomes a FAIL line). */
export async function verify({ config, outputs, ssm, commandTimeoutMs, intervalMs }: VerifyOptions): Promise<CheckResult[]> {
  const { gatewayInstanceId, nodeInstanceIds, fingerprintParameter } = parseOutputs(outputs);
  const run = (instanceId: string, commands: readonly string[]) => runShell(ssm, instanceId, commands, { timeoutMs: commandTimeoutMs, intervalMs });
  const { port, tls } = config.gateway;
  const gw = `gateway ${gatewayInstanceId}`;
  const results: CheckResult[] = [];

  results.push(judgeServiceActive(`${gw}: service openclaw-gateway`, "openclaw-gateway", await run(gatewayInstanceId, COMMANDS.serviceActive("openclaw-gateway"))));
  results.push(judgeHealth(`${gw}: ${tls ? "https" : "http"}://127.0.0.1:${port}/healthz`, await run(gatewayInstanceId, COMMANDS.health(port, tls))));
  const nodeNames = Object.keys(nodeInstanceIds);
  if (nodeNames.length > 0) {
    results.push(judgeNodes(`${gw}: nodes paired and connected`, nodeNames, await run(gatewayInstanceId, COMMANDS.nodesStatus())));
  }
  for (const [name, instanceId] of Object.entries(nodeInstanceIds)) {
    results.push(judgeServiceActive(`node ${name} ${instanceId}: service openclaw-node`, "openclaw-node", await run(instanceId, COMMANDS.serviceActive("openclaw-node"))));
  }
  if (tls && fingerprintParameter) {
    const name = `${gw}: certificate on port ${port} = ${fingerprintParameter}`;
    const published = await ssm.send(new GetParameterCommand({ Name: fingerprintParameter })).then(
      (answer) => ({ value: answer.Parameter?.Value }),
      (error: Error) => ({ error: error.message }),
    );
    results.push(
      "error" in published
        ? { name, pass: false, evidence: `cannot read ${fingerprintParameter}: ${published.error}` }
        : judgeFingerprint(name, published.value, await run(gatewayInstanceId, COMMANDS.servedFingerprint(port))),
    );
  }
  const turn = await runShell(ssm, gatewayInstanceId, COMMANDS.agentTurn(), { timeoutMs: AGENT_TURN_TIMEOUT_SECONDS * 1000, intervalMs });
  results.push(judgeAgentTurn(`${gw}: one agent turn`, turn));
  return results;
}

async function main(): Promise<number> {
  const usage = `usage: npm run verify [-- --outputs <cdktf outputs file>] [--stack <name>] [--timeout <seconds per command; the agent turn always gets ${AGENT_TURN_TIMEOUT_SECONDS}>]`;
  let values;
  try {
    ({ values } = parseArgs({
      options: { outputs: { type: "string" }, stack: { type: "string" }, timeout: { type: "string" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (error) {
    throw new Failure(`${(error as Error).message}\n${usage}`);
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const config = loadConfig({ cwd: PROJECT_ROOT, env: process.env });
  const stack = values.stack ?? config.stackName;
  const outputs = await readStackOutputs(stack, values.outputs);
  const ssm = new SSMClient(clientSettings(config.target, config.region));
  console.log(`Verifying stack ${stack} in ${config.region} through SSM Run Command${config.target.kind === "local" ? ` (local emulator ${config.target.endpoint}: it runs no commands, so the checks FAIL)` : ""}\n`);
  const results = await verify({ config, outputs, ssm, commandTimeoutMs: values.timeout ? Number(values.timeout) * 1000 : undefined });
  console.log(formatReport(results));
  return results.every((result) => result.pass) ? 0 : 1;
}

if (require.main === module) {
  runCli(async () => {
    process.exitCode = await main();
  });
}
