/**
 * `npm run verify`'s agent turn (COMMANDS.agentTurn, judgeAgentTurn) with the real OpenClaw:
 *   - the verdicts on what `openclaw agent --json` really printed (fixtures/agent-turn/, captured with
 *     openclaw@2026.9.6 against a real gateway on loopback, trimmed by the check's own jq filter; the
 *     bedrock-* ones on the systemd-boot test's gateway with the real Bedrock plugin, Bedrock refusing
 *     and its guardrail intervening);
 *   - the check's exact command run against a real gateway on loopback: with no model configured (the
 *     failure a deployment without Bedrock gets), with a loopback model stand-in that answers "pong"
 *     through the OpenAI-compatible chat API (the success shape), and with the stand-in refusing with
 *     HTTP 403 (how a provider's denied request comes back). The host's /usr/local/bin/openclaw wrapper
 *     becomes the toolchain's `openclaw` with the gateway's environment; the token is never in argv.
 * The check on a gateway with the real Bedrock plugin answering: systemd-boot-bedrock.ts.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { AGENT_TURN_PROMPT, COMMANDS, judgeAgentTurn, type Invocation } from "../../scripts/lib/verify-checks";
import { freePort, startProcess, stopProcess, tempDir, toolchain, waitFor, type Started } from "../hosts/helpers";

jest.setTimeout(12 * 60_000);

const FIXTURES = path.join(__dirname, "fixtures", "agent-turn");
/** A captured answer as SSM would hand it over: the CLI exits 0 on a completed turn, 1 otherwise. */
const captured = (name: string, exitCode = 1): Invocation => ({
  status: exitCode === 0 ? "Success" : "Failed",
  exitCode,
  stdout: fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8"),
  stderr: "",
});

describe("verdicts on the answers openclaw agent --json gave", () => {
  test("a completed turn passes and names the model that answered", () => {
    expect(judgeAgentTurn("t", captured("ok", 0))).toEqual({ name: "t", pass: true, evidence: 'standin/pong-1 answered "pong" in 4.1 s' });
  });

  test("the CLI's error envelope fails with its message: no model auth, provider refused, gateway unreachable", () => {
    expect(judgeAgentTurn("t", captured("no-model-auth"))).toEqual({
      name: "t",
      pass: false,
      evidence: "No route-compatible authentication source is configured for openai.",
    });
    expect(judgeAgentTurn("t", captured("provider-http-403")).evidence).toBe(
      "⚠️ standin/pong-1 request failed (authentication failed, HTTP 403). Re-authenticate the provider and try again.",
    );
    expect(judgeAgentTurn("t", captured("gateway-unreachable")).evidence).toMatch(/^Gateway not reachable at ws:\/\/127\.0\.0\.1:28789 \(ECONNREFUSED\)\. Start it with/);
  });

  test("Bedrock's refusal and a guardrail intervention fail with the provider's error and what to do about it", () => {
    const model = "amazon-bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    expect(judgeAgentTurn("t", captured("bedrock-access-denied"))).toEqual({
      name: "t",
      pass: false,
      evidence: `${model}: turn error: AccessDeniedException: You don't have access to the model with the specified model ID. (the instance role may not invoke this model (iam.bedrock), or the account has no access to it: enable it in the Bedrock console (Model access) in the Bedrock region, and check openclaw.model's id or inference profile)`,
    });
    expect(judgeAgentTurn("t", captured("bedrock-guardrail-intervened")).evidence).toBe(
      `${model}: turn error: guardrail_intervened (the Bedrock guardrail (openclaw.guardrail) blocked the prompt or the answer; the user saw "Agent run failed")`,
    );
  });

  test("a turn that ended in error fails, although its error payload has text", () => {
    expect(judgeAgentTurn("t", captured("incomplete-turn"))).toEqual({
      name: "t",
      pass: false,
      evidence: "standin/pong-1: turn error: Agent couldn't generate a response.",
    });
  });

  test("a completed turn with no text fails", () => {
    const turn = JSON.parse(captured("ok", 0).stdout) as { result: { payloads: { text: string }[] } };
    turn.result.payloads[0].text = " ";
    expect(judgeAgentTurn("t", { status: "Success", exitCode: 0, stdout: JSON.stringify(turn), stderr: "" }).evidence).toBe("standin/pong-1: empty answer");
  });

  test("no answer at all: the backstop's exit 124, SSM's own timeout, output that is not JSON", () => {
    expect(judgeAgentTurn("t", { status: "Failed", exitCode: 124, stdout: "", stderr: "" })).toEqual({ name: "t", pass: false, evidence: "command Failed (exit 124)" });
    expect(judgeAgentTurn("t", { status: "NoAnswer", stdout: "", stderr: "no result within 180 s" }).evidence).toBe("command NoAnswer: no result within 180 s");
    expect(judgeAgentTurn("t", { status: "Failed", exitCode: 1, stdout: "openclaw: run with sudo", stderr: "" }).evidence).toBe("not JSON: openclaw: run with sudo");
  });
});

describe("the check's command against a real gateway on loopback", () => {
  const token = "verify-agent-turn-test-token-0123456789abcdef";
  let dir: string;
  let configPath: string;
  let gatewayPort: number;
  let env: NodeJS.ProcessEnv;
  let gateway: Started;
  let model: http.Server;
  /** How the model stand-in answers, and the prompts it was sent. */
  let refuse = false;
  const prompts: string[] = [];

  /** A chat-completions stream with one word, or HTTP 403 as a provider that denies the call. */
  function answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      prompts.push(body);
      if (refuse) {
        response.writeHead(403, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { message: "not authorized to perform: bedrock:InvokeModelWithResponseStream", code: "AccessDeniedException" } }));
        return;
      }
      const chunk = (delta: object, finish: string | null, extra = {}) =>
        `data: ${JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 0, model: "pong-1", choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(chunk({ role: "assistant", content: "pong" }, null));
      response.write(chunk({}, "stop", { usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 } }));
      response.end("data: [DONE]\n\n");
    });
  }

  const writeConfig = (withModel: boolean) => {
    const modelPort = (model.address() as AddressInfo).port;
    const models = {
      models: {
        mode: "merge",
        providers: {
          standin: {
            baseUrl: `http://127.0.0.1:${modelPort}/v1`,
            apiKey: "standin",
            api: "openai-completions",
            models: [{ id: "pong-1", name: "Pong stand-in", reasoning: false, input: ["text"], contextWindow: 32000, maxTokens: 1024 }],
          },
        },
      },
      agents: { defaults: { model: { primary: "standin/pong-1" } } },
    };
    const config = { gateway: { mode: "local", bind: "loopback", port: gatewayPort, auth: { mode: "token" } }, update: { checkOnStart: false }, ...(withModel ? models : {}) };
    fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  };

  /** COMMANDS.agentTurn as SSM runs it, with the host's wrapper replaced by the toolchain's CLI (asynchronously: the stand-in answers from this process). */
  const runCheck = () =>
    new Promise<Invocation>((resolve) => {
      const script = COMMANDS.agentTurn(90).map((line) => line.replace("/usr/local/bin/openclaw", toolchain().openclaw)).join("\n");
      execFile("bash", ["-c", script], { env, timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ status: error ? "Failed" : "Success", exitCode: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    const tc = toolchain();
    dir = tempDir("verify-turn");
    configPath = path.join(dir, "openclaw.json");
    model = http.createServer(answer);
    await new Promise<void>((resolve) => model.listen(0, "127.0.0.1", resolve));
    gatewayPort = await freePort();
    writeConfig(false);
    env = { PATH: tc.path, HOME: dir, OPENCLAW_STATE_DIR: dir, OPENCLAW_CONFIG_PATH: configPath, OPENCLAW_NO_AUTO_UPDATE: "1", NO_COLOR: "1", OPENCLAW_GATEWAY_TOKEN: token };
    gateway = startProcess("gateway", tc.openclaw, ["gateway", "run", "--port", String(gatewayPort)], { env, cwd: dir });
    await waitFor("the gateway's /healthz", 180_000, async () => {
      if (gateway.child.exitCode !== null) throw new Error(`the gateway exited ${gateway.child.exitCode}:\n${gateway.output()}`);
      const health = await fetch(`http://127.0.0.1:${gatewayPort}/healthz`).then((r) => r.json() as Promise<{ ok?: boolean }>, () => undefined);
      return health?.ok === true ? true : undefined;
    });
  });

  afterAll(async () => {
    if (gateway) await stopProcess(gateway);
    await new Promise((resolve) => model?.close(resolve));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("no model configured: FAIL with the CLI's error, no token anywhere", async () => {
    const invocation = await runCheck();
    expect(invocation.exitCode).toBe(1);
    expect(judgeAgentTurn("t", invocation)).toEqual({ name: "t", pass: false, evidence: "No route-compatible authentication source is configured for openai." });
    expect(invocation.stdout + invocation.stderr).not.toContain(token);
  });

  test("a model that answers: PASS, naming the model; the prompt reached it", async () => {
    const reloads = () => gateway.output().split("config hot reload applied").length;
    const before = reloads();
    writeConfig(true);
    await waitFor("the gateway to reload its config", 180_000, () => (reloads() > before ? true : undefined));
    const invocation = await runCheck();
    const verdict = judgeAgentTurn("t", invocation);
    expect(verdict).toMatchObject({ pass: true, evidence: expect.stringMatching(/^standin\/pong-1 answered "pong" in \d+\.\d s$/) });
    expect(invocation.exitCode).toBe(0);
    // One line of JSON without the system prompt report: far below SSM's 24,000 characters.
    expect(invocation.stdout.trim().split("\n")).toHaveLength(1);
    expect(invocation.stdout).not.toContain("systemPromptReport");
    expect(invocation.stdout.length).toBeLessThan(8000);
    expect(prompts.some((body) => body.includes(AGENT_TURN_PROMPT))).toBe(true);
    expect(invocation.stdout + invocation.stderr).not.toContain(token);
  });

  test("a model that refuses (HTTP 403): FAIL with the provider's failure", async () => {
    refuse = true;
    const invocation = await runCheck();
    expect(judgeAgentTurn("t", invocation)).toEqual({
      name: "t",
      pass: false,
      evidence: "⚠️ standin/pong-1 request failed (authentication failed, HTTP 403). Re-authenticate the provider and try again.",
    });
  });
});
