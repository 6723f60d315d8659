/**
 * `npm run verify` (scripts/verify.ts): the verdicts on real command output, the check commands run for
 * real against local servers (curl, openssl s_client), and the SSM Run Command plumbing against the
 * emulator. moto accepts SendCommand and answers GetCommandInvocation with "Success" and no output (it
 * runs nothing), so there every check must FAIL: what a PASS looks like is shown on real output here.
 */
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { ListCommandsCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { validateConfig } from "../../src/config/load";
import { runShell, verify } from "../../scripts/verify";
import {
  COMMANDS,
  formatReport,
  judgeFingerprint,
  judgeHealth,
  judgeNodes,
  judgeServiceActive,
  normalizeFingerprint,
  parseOutputs,
  type Invocation,
} from "../../scripts/lib/verify-checks";
import { EMULATOR_CREDENTIALS } from "../../src/config/emulator";
import { REGION, testEndpoint } from "./deployment";

const ok = (stdout: string, exitCode = 0): Invocation => ({ status: "Success", exitCode, stdout, stderr: "" });
describe("verdicts", () => {
  test("service: only 'active' passes", () => {
    expect(judgeServiceActive("svc", "openclaw-gateway", ok("active\n")).pass).toBe(true);
    expect(judgeServiceActive("svc", "openclaw-gateway", { status: "Failed", exitCode: 3, stdout: "inactive\n", stderr: "" })).toEqual({
      name: "svc",
      pass: false,
      evidence: "openclaw-gateway: inactive",
    });
    expect(judgeServiceActive("svc", "openclaw-node", ok("activating\n", 3)).pass).toBe(false);
    expect(judgeServiceActive("svc", "openclaw-node", ok("")).evidence).toBe("openclaw-node: no output");
  });

  test("health: JSON with ok true passes; anything else fails with the answer as evidence", () => {
    expect(judgeHealth("h", ok('{"ok":true,"status":"live"}'))).toEqual({ name: "h", pass: true, evidence: '{"ok":true,"status":"live"}' });
    expect(judgeHealth("h", ok('{"ok":false}')).pass).toBe(false);
    expect(judgeHealth("h", ok("<html>")).evidence).toBe("not JSON: <html>");
    expect(judgeHealth("h", { status: "Failed", exitCode: 7, stdout: "", stderr: "curl: (7) Failed to connect to 127.0.0.1 port 443" }).evidence).toBe(
      "command Failed (exit 7): curl: (7) Failed to connect to 127.0.0.1 port 443",
    );
    expect(judgeHealth("h", { status: "NoAnswer", stdout: "", stderr: "no result within 120 s" }).pass).toBe(false);
  });

  test("nodes: every expected node must be listed paired and connected (the shape of openclaw nodes status --json)", () => {
    const status = JSON.stringify({
      nodes: [
        { displayName: "openclaw-node-1", paired: true, connected: true, approvalState: "approved" },
        { displayName: "openclaw-node-2", paired: true, connected: false },
      ],
    });
    expect(judgeNodes("n", ["openclaw-node-1"], ok(status))).toEqual({ name: "n", pass: true, evidence: "connected: openclaw-node-1" });
    expect(judgeNodes("n", ["openclaw-node-1", "openclaw-node-2"], ok(status))).toEqual({
      name: "n",
      pass: false,
      evidence: "not connected: openclaw-node-2; connected: openclaw-node-1",
    });
    expect(judgeNodes("n", ["openclaw-node"], ok("Error: gateway unreachable")).pass).toBe(false);
  });

  test("fingerprint: openssl's form and the published form compare equal; pending or different fails", () => {
    const hex = "AB".repeat(32);
    const colons = hex.match(/../g)!.join(":");
    expect(normalizeFingerprint(`sha256 Fingerprint=${colons}`)).toBe(hex);
    expect(normalizeFingerprint(colons.toLowerCase())).toBe(hex);
    expect(judgeFingerprint("f", colons, ok(`sha256 Fingerprint=${colons}\n`)).pass).toBe(true);
    expect(judgeFingerprint("f", "CD".repeat(32), ok(`sha256 Fingerprint=${colons}`)).evidence).toBe(`served ${hex}, SSM has ${"CD".repeat(32)}`);
    expect(judgeFingerprint("f", "pending", ok(`sha256 Fingerprint=${colons}`)).pass).toBe(false);
    expect(judgeFingerprint("f", colons, ok("")).pass).toBe(false);
  });

  test("report: one PASS/FAIL line per check and the verdict", () => {
    const report = formatReport([
      { name: "a", pass: true, evidence: "fine" },
      { name: "bb", pass: false, evidence: "broken" },
    ]);
    expect(report.split("\n")).toEqual(["PASS  a           fine", "FAIL  bb          broken", "", "1 of 2 checks FAILED."]);
  });

  test("outputs: terraform output -json and cdktf outputs files both work", () => {
    const expected = { gatewayInstanceId: "i-1", nodeInstanceIds: { "openclaw-node": "i-2" }, fingerprintParameter: "/openclaw/openclaw/gateway/tls-fingerprint" };
    expect(
      parseOutputs({
        gateway_instance_id: { value: "i-1" },
        node_instance_ids: { value: '{"openclaw-node": "i-2"}' },
        gateway_tls_fingerprint_parameter: { value: "/openclaw/openclaw/gateway/tls-fingerprint" },
      }),
    ).toEqual(expected);
    expect(
      parseOutputs({ gateway_instance_id: "i-1", node_instance_ids: '{"openclaw-node": "i-2"}', gateway_tls_fingerprint_parameter: "/openclaw/openclaw/gateway/tls-fingerprint" }),
    ).toEqual(expected);
    expect(() => parseOutputs({})).toThrow(/gateway_instance_id/);
  });
});

describe("the check commands, run for real against local servers", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-"));
  let server: https.Server;
  let plain: http.Server;
  let published: string;

  beforeAll(async () => {
    // A self-signed certificate as the gateway makes one, and its fingerprint as gateway-publish.sh publishes it.
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=openclaw-gw",
      "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
    published = execFileSync("bash", ["-c", `openssl x509 -in ${dir}/cert.pem -noout -fingerprint -sha256 | cut -d= -f2`], { encoding: "utf8" }).trim();
    const answer = (_: http.IncomingMessage, response: http.ServerResponse) => {
      response.setHeader("content-type", "application/json");
      response.end('{"ok":true,"status":"live"}');
    };
    server = https.createServer({ key: fs.readFileSync(path.join(dir, "key.pem")), cert: fs.readFileSync(path.join(dir, "cert.pem")) }, answer);
    plain = http.createServer(answer);
    await Promise.all([server, plain].map((s) => new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))));
  });

  afterAll(async () => {
    await Promise.all([server, plain].map((s) => new Promise((resolve) => s.close(resolve))));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // Asynchronously: the servers live in this process, a synchronous child would block them.
  const inChild = async (commands: readonly string[]) =>
    new Promise<Invocation>((resolve) => {
      execFile("bash", ["-c", commands.join("\n")], { timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ status: error ? "Failed" : "Success", exitCode: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  test("health over https (-k) and http", async () => {
    const tlsPort = (server.address() as AddressInfo).port;
    const plainPort = (plain.address() as AddressInfo).port;
    expect(judgeHealth("h", await inChild(COMMANDS.health(tlsPort, true))).pass).toBe(true);
    expect(judgeHealth("h", await inChild(COMMANDS.health(plainPort, false))).pass).toBe(true);
    // Nothing listens on the https port over plain http: FAIL.
    expect(judgeHealth("h", await inChild(COMMANDS.health(tlsPort, false))).pass).toBe(false);
  });

  test("the served certificate's fingerprint equals the published one; another certificate's does not", async () => {
    const port = (server.address() as AddressInfo).port;
    const served = await inChild(COMMANDS.servedFingerprint(port));
    expect(judgeFingerprint("f", published, served)).toEqual({ name: "f", pass: true, evidence: `SHA-256 ${normalizeFingerprint(published)}` });
    expect(judgeFingerprint("f", "00".repeat(32), served).pass).toBe(false);
  });
});

describe("SSM Run Command plumbing against the emulator (it runs nothing: every check FAILs)", () => {
  const ssm = new SSMClient({ endpoint: testEndpoint(), region: REGION, credentials: EMULATOR_CREDENTIALS });

  test("SendCommand + GetCommandInvocation round trip", async () => {
    const invocation = await runShell(ssm, "i-0123456789abcdef0", ["systemctl is-active openclaw-gateway"], { timeoutMs: 120_000, intervalMs: 200 });
    expect(invocation).toEqual({ status: "Success", exitCode: 0, stdout: "", stderr: "" });
  });

  test("the agent turn's command is bounded: SSM stops it after 180 s, and it is delivered within that", async () => {
    const agentTurn = COMMANDS.agentTurn();
    await runShell(ssm, "i-0123456789abcdef1", agentTurn, { timeoutMs: 180_000, intervalMs: 200 });
    const { Commands = [] } = await ssm.send(new ListCommandsCommand({ InstanceId: "i-0123456789abcdef1" }));
    const sent = Commands.find((command) => command.Parameters?.commands?.join("\n") === agentTurn.join("\n"));
    expect(sent).toMatchObject({ DocumentName: "AWS-RunShellScript", TimeoutSeconds: 180, Parameters: { executionTimeout: ["180"] } });
    // Inside SSM's bound: the CLI's own deadline, then the backstop that kills it.
    expect(agentTurn.join("\n")).toMatch(/^set -o pipefail\ntimeout -k 10 165 \/usr\/local\/bin\/openclaw agent .* --json --timeout 150 \| jq /);
  });

  test("verify() on a deployment's outputs: one FAIL line per check, with why", async () => {
    await ssm.send(new PutParameterCommand({ Name: "/openclaw/verify-test/gateway/tls-fingerprint", Type: "String", Value: "pending", Overwrite: true }));
    const config = validateConfig({ stackName: "verify-test", target: { kind: "local", endpoint: testEndpoint() } });
    const results = await verify({
      config,
      outputs: {
        gateway_instance_id: "i-0aaaaaaaaaaaaaaaa",
        node_instance_ids: '{"openclaw-verify-test-node": "i-0bbbbbbbbbbbbbbbb"}',
        gateway_tls_fingerprint_parameter: "/openclaw/verify-test/gateway/tls-fingerprint",
      },
      ssm,
      commandTimeoutMs: 120_000,
      intervalMs: 200,
    });
    expect(results.map((result) => [result.pass, result.name])).toEqual([
      [false, "gateway i-0aaaaaaaaaaaaaaaa: service openclaw-gateway"],
      [false, "gateway i-0aaaaaaaaaaaaaaaa: https://127.0.0.1:443/healthz"],
      [false, "gateway i-0aaaaaaaaaaaaaaaa: nodes paired and connected"],
      [false, "node openclaw-verify-test-node i-0bbbbbbbbbbbbbbbb: service openclaw-node"],
      [false, "gateway i-0aaaaaaaaaaaaaaaa: certificate on port 443 = /openclaw/verify-test/gateway/tls-fingerprint"],
      [false, "gateway i-0aaaaaaaaaaaaaaaa: one agent turn"],
    ]);
    expect(results[0].evidence).toBe("openclaw-gateway: no output");
    expect(results[5].evidence).toBe("no output");
    expect(formatReport(results)).toMatch(/6 of 6 checks FAILED\.$/);
  });

  test("an unreadable fingerprint parameter is a FAIL line and the agent turn still runs", async () => {
    const config = validateConfig({ stackName: "verify-test", target: { kind: "local", endpoint: testEndpoint() } });
    const results = await verify({
      config,
      outputs: { gateway_instance_id: "i-0aaaaaaaaaaaaaaaa", node_instance_ids: "{}", gateway_tls_fingerprint_parameter: "/openclaw/verify-test/gateway/no-such-parameter" },
      ssm,
      commandTimeoutMs: 120_000,
      intervalMs: 200,
    });
    expect(results.map((result) => result.name.replace(/^gateway i-0a+: /, ""))).toEqual([
      "service openclaw-gateway",
      "https://127.0.0.1:443/healthz",
      "certificate on port 443 = /openclaw/verify-test/gateway/no-such-parameter",
      "one agent turn",
    ]);
    expect(results[2].evidence).toMatch(/^cannot read \/openclaw\/verify-test\/gateway\/no-such-parameter: /);
  });
});
