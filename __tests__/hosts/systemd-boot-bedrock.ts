/**
 * The systemd-boot test's Bedrock phase (issue 19): the real @openclaw/amazon-bedrock-provider on the
 * booted gateway, from its first boot on.
 *   - The hosts are rendered from the default configuration (Bedrock on) with a guardrail named, so the
 *     gateway's boot runs the rendered install-plugins.sh, which installs the plugin by its package name
 *     from the npm registry npm is configured with: in the containers that is the test's registry (a
 *     systemd DefaultEnvironment= npm_config_registry, a test-only setting like AWS_CA_BUNDLE), reached
 *     through a relay on the LAN (as an npm mirror would be), serving the fixture tarball and passing
 *     every other package (the plugin's dependencies) through to the real registry.
 *   - The gateway's model calls go where the rendered config sends them, bedrock-runtime.<region>.amazonaws.com,
 *     through the same /etc/hosts mapping and TLS front as the other AWS services; the front hands that
 *     name's connections to the Bedrock stand-in (bedrock-converse-stand-in.ts), which checks what real
 *     Bedrock would (SigV4 against the instance role's IMDS credentials, model, session token, guardrail).
 *   - Then `npm run verify`'s agent-turn command runs on the gateway, as SSM would run it.
 * The accommodation: the fixture's bytes are not the public registry's tarball (see its README), so the
 * test registry serves the fixture under the pinned version and its own integrity; nothing on the hosts
 * is changed for it.
 */
import type * as net from "node:net";
import * as path from "node:path";
import { AGENT_TURN_PROMPT, COMMANDS, judgeAgentTurn, type Invocation } from "../../scripts/lib/verify-checks";
import { ACCESS_DENIED_MESSAGE, allChecksPassed, startBedrockStandIn, type BedrockStandIn } from "./bedrock-converse-stand-in";
import { BEDROCK_PLUGIN_PACKAGE, bedrockPluginFixture, bedrockPluginSkipReason, type BedrockPluginFixture } from "./bedrock-plugin-fixture";
import { realRegistry, startLocalNpmRegistry, type LocalNpmRegistry } from "./local-npm-registry";
import { AWS_ENDPOINT_ADDRESS, bridgeToMoto, type Container, type RenderedHostDir } from "./systemd-boot-harness";
import type { NetnsServicesConfig } from "./systemd-boot-netns-services";

/** The guardrail the rendered config names (an existing one: the stand-in plays Bedrock, which knows it). */
export const TEST_GUARDRAIL = { id: "gr0systemdboot", version: "3" };
/** Where the containers reach the test's npm registry: the LAN router's namespace, a relay to it. */
const REGISTRY_PORT = 4873;
/** What the stand-in answers a guardrail intervention with (the created guardrail's own message). */
const GUARDRAIL_MESSAGE = "This message was blocked by the assistant's guardrail.";

/** Why the phase does not run (no fixture), or undefined. */
export const bedrockPhaseSkipReason = bedrockPluginSkipReason();

/** The configuration the systemd-boot test renders: the default (Bedrock on) with a guardrail. */
export const BEDROCK_PHASE_CONFIG = { openclaw: { guardrail: TEST_GUARDRAIL } };

export interface BedrockPhase {
  readonly fixture: BedrockPluginFixture;
  /** `openclaw.model`: what the stand-in expects in the path. */
  readonly modelId: string;
  readonly registry: LocalNpmRegistry;
  readonly standIn: BedrockStandIn;
  /** The TLS front's routes and the LAN relays (systemd-boot-netns-services.ts). */
  readonly routes: NonNullable<NetnsServicesConfig["aws"]>["routes"];
  readonly relays: NonNullable<NetnsServicesConfig["relays"]>;
  /** systemd DefaultEnvironment= entries for the containers: the test's registry. */
  readonly environment: readonly string[];
  close(): Promise<void>;
}

/** The registry and the Bedrock stand-in, on unix sockets under `work` that the LAN's services reach. */
export async function startBedrockPhase(work: string, region: string, modelId: string): Promise<BedrockPhase> {
  const fixture = bedrockPluginFixture()!;
  const registry = await startLocalNpmRegistry([fixture.tarball], { upstream: realRegistry() });
  const registrySocket = path.join(work, "registry.sock");
  const bridge: net.Server = await bridgeToMoto(registrySocket, Number(new URL(registry.url).port));
  const bedrockSocket = path.join(work, "bedrock-runtime.sock");
  const standIn = await startBedrockStandIn({ socketPath: bedrockSocket, region, modelId, guardrail: { guardrailIdentifier: TEST_GUARDRAIL.id, guardrailVersion: TEST_GUARDRAIL.version } });
  return {
    fixture,
    modelId,
    registry,
    standIn,
    routes: { [`bedrock-runtime.${region}.amazonaws.com`]: bedrockSocket },
    relays: [{ address: AWS_ENDPOINT_ADDRESS, port: REGISTRY_PORT, socket: registrySocket }],
    environment: [`npm_config_registry=http://${AWS_ENDPOINT_ADDRESS}:${REGISTRY_PORT}/`],
    close: async () => {
      bridge.close();
      await standIn.close();
      await registry.close();
    },
  };
}

/** What the phase needs of the booted gateway. */
export interface BedrockPhaseGateway {
  readonly rendered: RenderedHostDir;
  readonly container: Container;
}

/** COMMANDS.agentTurn as SSM's AWS-RunShellScript runs it on the gateway: root, bash. */
async function agentTurn(container: Container): Promise<Invocation & { tookMs: number }> {
  const started = Date.now();
  const result = await container.exec(["bash", "-c", COMMANDS.agentTurn().join("\n")], 240_000);
  return { status: result.code === 0 ? "Success" : "Failed", exitCode: result.code ?? undefined, stdout: result.stdout, stderr: result.stderr, tookMs: Date.now() - started };
}

/**
 * The phase's tests, run in the test file's flow once the gateway is healthy (`healthy` resolves then).
 * `context` is read when the tests run (the boot happens in beforeAll).
 */
export function describeBedrockPhase(context: () => { gateway: BedrockPhaseGateway; phase: BedrockPhase | undefined; healthy: Promise<number> }): void {
  if (bedrockPhaseSkipReason) {
    test.skip(`the real Bedrock plugin on the gateway (skipped: ${bedrockPhaseSkipReason})`, () => undefined);
    return;
  }
  describe("the real Bedrock provider plugin on the gateway, answering through a Bedrock stand-in", () => {
    test("the boot installs it by its package name from the configured registry, and the gateway loads it", async () => {
      const { gateway, phase } = context();
      await context().healthy;
      const bootLog = await gateway.container.run(["cat", "/var/log/openclaw-boot.log"]);
      // Its integrity is not pinned (the registry the pins came from answers 404), so the boot installs it by name, saying so.
      expect(bootLog).toContain(`WARNING: plugin amazon-bedrock: ${BEDROCK_PLUGIN_PACKAGE}@${phase!.fixture.version} has no pinned integrity`);
      const requests = phase!.registry.requests;
      expect(requests).toContain(`GET /@openclaw%2famazon-bedrock-provider`);
      expect(requests).toContain(`GET /@openclaw/amazon-bedrock-provider/-/amazon-bedrock-provider-${phase!.fixture.version}.tgz`);
      const passedThrough = requests.filter((request) => request.includes("(upstream 200)"));
      expect(passedThrough.length).toBeGreaterThan(0);
      const listed = JSON.parse(await gateway.container.run(["/usr/local/bin/openclaw", "plugins", "list", "--json"], 120_000)) as { plugins: { id: string; version?: string; origin?: string; enabled?: boolean; status?: string; providerIds?: string[] }[] };
      expect(listed.plugins.find((plugin) => plugin.id === "amazon-bedrock")).toMatchObject({ version: phase!.fixture.version, origin: "global", enabled: true, providerIds: ["amazon-bedrock"] });
      const live = JSON.parse(await gateway.container.run(["cat", "/var/lib/openclaw/openclaw.json"])) as { plugins: { entries: Record<string, { config?: unknown }> } };
      expect(live.plugins.entries["amazon-bedrock"].config).toEqual({ guardrail: { guardrailIdentifier: TEST_GUARDRAIL.id, guardrailVersion: TEST_GUARDRAIL.version } });
      // The boot log's timestamps: from the install's start (its WARNING line) to the next step (the config merge).
      const at = (pattern: RegExp) => Date.parse(new RegExp(`^(\\S+Z) .*${pattern.source}`, "m").exec(bootLog)?.[1] ?? "");
      const installSeconds = (at(/merging /) - at(/WARNING: plugin amazon-bedrock/)) / 1000;
      process.stdout.write(`systemd-boot: the boot installed the plugin in ${installSeconds} s from the test registry (${passedThrough.length} dependency requests passed through to the real registry)\n`);
    });

    test("no AWS keys anywhere: the gateway has none in its environment, files or user data", async () => {
      const { gateway } = context();
      const pid = (await gateway.container.run(["systemctl", "show", "-P", "MainPID", "openclaw-gateway.service"])).trim();
      const environ = (await gateway.container.run(["cat", `/proc/${pid}/environ`])).split("\0").map((entry) => entry.split("=")[0]);
      for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_BEARER_TOKEN_BEDROCK", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"]) {
        expect(environ).not.toContain(key);
      }
      expect((await gateway.container.exec(["sh", "-c", "ls -d /root/.aws /var/lib/openclaw/.aws 2>/dev/null"])).stdout).toBe("");
      expect(gateway.rendered.userData).not.toMatch(/AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)|aws_access_key/i);
    });

    test("verify's agent turn PASSes naming the model; Bedrock got an h2 ConverseStream request signed with the instance role's IMDS credentials, carrying the guardrail", async () => {
      const { gateway, phase } = context();
      const before = phase!.standIn.requests.length;
      const turn = await agentTurn(gateway.container);
      const verdict = judgeAgentTurn("agent turn", turn);
      process.stdout.write(`systemd-boot: verify's agent turn: ${verdict.pass ? "PASS" : "FAIL"}  ${verdict.evidence} (command took ${(turn.tookMs / 1000).toFixed(1)} s)\n`);
      const requests = phase!.standIn.requests.slice(before);
      expect(requests.length).toBeGreaterThan(0);
      // First what Bedrock would have refused, if anything (it names the check).
      const checks = allChecksPassed(requests);
      expect(verdict).toMatchObject({ pass: true, evidence: expect.stringMatching(/^amazon-bedrock\/us\.anthropic\.claude-sonnet-4-5-20250929-v1:0 answered "pong" in \d+\.\d s$/) });
      expect(checks).toEqual(expect.arrayContaining(["operation", "model", "host", "credential", "scope", "date", "session token", "signature", "guardrail"]));
      const [first] = requests;
      expect(first).toMatchObject({ protocol: "h2", modelId: phase!.modelId, answered: "text" });
      expect(first.body.guardrailConfig).toMatchObject({ guardrailIdentifier: TEST_GUARDRAIL.id, guardrailVersion: TEST_GUARDRAIL.version });
      expect(JSON.stringify(first.body.messages)).toContain(AGENT_TURN_PROMPT);
      // The phase runs after the node's pairing, so boot-to-answer includes that wait.
      process.stdout.write(
        `systemd-boot: gateway boot-to-answer ${((Date.now() - gateway.container.bootStartedAt) / 1000).toFixed(1)} s (after the pairing tests); the Bedrock stand-in checked ${requests.length} request(s): ${checks.join(", ")}\n`,
      );
    });

    test("a refused request (HTTP 403 AccessDeniedException, no model access) FAILs verify with the provider's error and what to do", async () => {
      const { gateway, phase } = context();
      phase!.standIn.answer = { kind: "refuse" };
      const before = phase!.standIn.requests.length;
      const turn = await agentTurn(gateway.container);
      const verdict = judgeAgentTurn("agent turn", turn);
      process.stdout.write(`systemd-boot: verify's agent turn, Bedrock refusing: ${verdict.pass ? "PASS" : "FAIL"}  ${verdict.evidence}\n`);
      expect(phase!.standIn.requests.slice(before).map((request) => request.answered)).toContain("403 AccessDeniedException");
      expect(verdict.pass).toBe(false);
      expect(verdict.evidence).toContain(`amazon-bedrock/${phase!.modelId}: turn error: AccessDeniedException: ${ACCESS_DENIED_MESSAGE} (the instance role may not invoke this model`);
    });

    test("a guardrail intervention ends the turn with OpenClaw's \"Agent run failed\" and guardrail_intervened in its log; the gateway keeps running and answers the next turn", async () => {
      const { gateway, phase } = context();
      phase!.standIn.answer = { kind: "guardrail", text: GUARDRAIL_MESSAGE };
      const before = phase!.standIn.requests.length;
      const turn = await agentTurn(gateway.container);
      const verdict = judgeAgentTurn("agent turn", turn);
      process.stdout.write(`systemd-boot: verify's agent turn, guardrail intervening: ${verdict.pass ? "PASS" : "FAIL"}  ${verdict.evidence}\n`);
      expect(phase!.standIn.requests.slice(before).map((request) => request.answered)).toContain("guardrail");
      expect(verdict.evidence).toMatch(/: turn error: guardrail_intervened \(the Bedrock guardrail/);
      // The reply OpenClaw gives: not the guardrail's own message.
      const payloads = (JSON.parse(turn.stdout) as { result: { payloads: { text: string; isError?: boolean }[] } }).result.payloads;
      expect(payloads).toEqual([expect.objectContaining({ text: `⚠️ Agent run failed (model: amazon-bedrock/${phase!.modelId}).`, isError: true })]);
      expect(await gateway.container.run(["cat", "/var/log/openclaw/openclaw.log"])).toContain('"rawErrorPreview":"guardrail_intervened"');
      expect((await gateway.container.exec(["systemctl", "is-active", "openclaw-gateway.service"])).stdout.trim()).toBe("active");

      phase!.standIn.answer = { kind: "text", text: "pong" };
      const next = judgeAgentTurn("agent turn", await agentTurn(gateway.container));
      expect(next).toMatchObject({ pass: true, evidence: expect.stringContaining('answered "pong"') });
    });
  });
}
