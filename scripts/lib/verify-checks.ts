// The judgement half of `npm run verify`: what each check runs on a host (through SSM Run Command) and
// how its output is judged. Pure functions, so the verdicts are tested without a host.

export interface CheckResult {
  readonly name: string;
  readonly pass: boolean;
  /** What the verdict rests on: the host's answer, or why there was none. */
  readonly evidence: string;
}

/** What an SSM AWS-RunShellScript invocation gave back. */
export interface Invocation {
  /** Success, Failed, TimedOut, Cancelled, ... or "NoAnswer" when polling gave up. */
  readonly status: string;
  readonly exitCode?: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The agent-turn check's prompt: short, and any model answers it with one word. */
export const AGENT_TURN_PROMPT = "Reply with the single word: pong";
/** How long the agent turn may take on the host, in seconds: a cold model turn can be slow. */
export const AGENT_TURN_TIMEOUT_SECONDS = 180;
/** The session the agent turn runs in: its own, so the user's main session never sees it. */
export const AGENT_TURN_SESSION_KEY = "openclaw-aws-verify";

/** Shell commands of each check. The gateway CLI wrapper runs OpenClaw as the `openclaw` service user. */
export const COMMANDS = {
  serviceActive: (unit: string) => [`systemctl is-active ${unit}`],
  health: (port: number, tls: boolean) => [`curl -sS -m 10 ${tls ? "-k https" : "http"}://127.0.0.1:${port}/healthz`],
  nodesStatus: () => ["/usr/local/bin/openclaw nodes status --connected --json"],
  servedFingerprint: (port: number) => [
    `echo | openssl s_client -connect 127.0.0.1:${port} -servername localhost 2>/dev/null | openssl x509 -noout -fingerprint -sha256`,
  ],
  // One turn through the running gateway (`--local` would need the state dir the gateway holds). The
  // wrapper reads the token from the gateway's environment file, never from argv. Three nested bounds:
  // the CLI's own deadline, a hard-kill backstop (docs/cli/agent.md advises one for wrappers), then SSM's.
  // jq drops the system prompt report, most of the ~12 KB answer, so the JSON fits SSM's 24,000
  // characters of output; pipefail keeps the CLI's exit status.
  agentTurn: (timeoutSeconds: number = AGENT_TURN_TIMEOUT_SECONDS) => [
    "set -o pipefail",
    `timeout -k 10 ${timeoutSeconds - 15} /usr/local/bin/openclaw agent --session-key ${AGENT_TURN_SESSION_KEY} --message '${AGENT_TURN_PROMPT}' --json --timeout ${timeoutSeconds - 30}` +
      ` | jq -c 'del(.result.meta.systemPromptReport)'`,
  ],
} as const;

const oneLine = (text: string, max = 200) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
};

/** Evidence for an invocation that did not give a usable answer, or undefined when it did. */
function noAnswer(invocation: Invocation): string | undefined {
  if (invocation.status !== "Success" && invocation.stdout.trim() === "") {
    return `command ${invocation.status}${invocation.exitCode !== undefined ? ` (exit ${invocation.exitCode})` : ""}${invocation.stderr ? `: ${oneLine(invocation.stderr)}` : ""}`;
  }
  if (invocation.stdout.trim() === "") {
    return `no output${invocation.stderr ? ` (stderr: ${oneLine(invocation.stderr)})` : ""}`;
  }
  return undefined;
}

/** `systemctl is-active <unit>` prints "active" (and exits 0) only for a running unit. */
export function judgeServiceActive(name: string, unit: string, invocation: Invocation): CheckResult {
  const missing = noAnswer(invocation);
  if (missing) return { name, pass: false, evidence: `${unit}: ${missing}` };
  const state = invocation.stdout.trim().split("\n").pop()!.trim();
  return { name, pass: state === "active" && (invocation.exitCode ?? 0) === 0, evidence: `${unit}: ${state}` };
}

/** The gateway's /healthz answers JSON with ok: true. */
export function judgeHealth(name: string, invocation: Invocation): CheckResult {
  const missing = noAnswer(invocation);
  if (missing) return { name, pass: false, evidence: missing };
  const body = invocation.stdout.trim();
  try {
    const parsed = JSON.parse(body) as { ok?: unknown };
    return { name, pass: parsed.ok === true, evidence: oneLine(body) };
  } catch {
    return { name, pass: false, evidence: `not JSON: ${oneLine(body)}` };
  }
}

interface NodeStatus {
  readonly displayName?: string;
  readonly paired?: boolean;
  readonly connected?: boolean;
}

/** Every expected node (by display name) is listed paired and connected by `openclaw nodes status --connected --json`. */
export function judgeNodes(name: string, expected: readonly string[], invocation: Invocation): CheckResult {
  const missing = noAnswer(invocation);
  if (missing) return { name, pass: false, evidence: missing };
  let nodes: NodeStatus[];
  try {
    nodes = ((JSON.parse(invocation.stdout) as { nodes?: NodeStatus[] }).nodes ?? []) as NodeStatus[];
  } catch {
    return { name, pass: false, evidence: `not JSON: ${oneLine(invocation.stdout)}` };
  }
  const connected = nodes.filter((node) => node.paired === true && node.connected === true).map((node) => node.displayName ?? "?");
  const absent = expected.filter((node) => !connected.includes(node));
  return {
    name,
    pass: absent.length === 0,
    evidence: absent.length === 0 ? `connected: ${connected.join(", ") || "(none expected)"}` : `not connected: ${absent.join(", ")}; connected: ${connected.join(", ") || "none"}`,
  };
}

/** "AB:CD:..." / "sha256 Fingerprint=ab:cd..." / "abcd..." → "ABCD...". */
export function normalizeFingerprint(text: string): string {
  const value = text.includes("=") ? text.slice(text.lastIndexOf("=") + 1) : text;
  return value.replace(/[^0-9A-Fa-f]/g, "").toUpperCase();
}

/** The certificate served on the gateway port has the fingerprint published in SSM. */
export function judgeFingerprint(name: string, published: string | undefined, invocation: Invocation): CheckResult {
  const missing = noAnswer(invocation);
  if (missing) return { name, pass: false, evidence: missing };
  const served = normalizeFingerprint(invocation.stdout.trim().split("\n").pop()!);
  if (!published || published === "pending") {
    return { name, pass: false, evidence: `served ${served}; the SSM parameter holds ${published ? '"pending" (not published yet)' : "nothing"}` };
  }
  const expected = normalizeFingerprint(published);
  if (served.length !== 64) return { name, pass: false, evidence: `no SHA-256 fingerprint in the answer: ${oneLine(invocation.stdout)}` };
  return { name, pass: served === expected, evidence: served === expected ? `SHA-256 ${served}` : `served ${served}, SSM has ${expected}` };
}

/** What `openclaw agent --json` prints (openclaw@2026.9.6): the parts the verdict reads. */
interface AgentTurnAnswer {
  /** false in the CLI's error envelope, which then has `error` instead of `result`. */
  readonly ok?: boolean;
  readonly error?: { readonly message?: string };
  /** "ok", "error", "timeout", "in_flight", ... */
  readonly status?: string;
  readonly result?: {
    readonly payloads?: readonly { readonly text?: string | null; readonly isError?: boolean }[];
    readonly meta?: {
      readonly durationMs?: number;
      readonly error?: { readonly message?: string };
      readonly agentMeta?: { readonly provider?: string; readonly model?: string };
    };
  };
}

/**
 * What to do about the Bedrock errors a turn ends with (docs/troubleshooting.md, "When verify's agent turn fails", has the rest). As
 * openclaw@2026.9.6 with its Bedrock plugin reports them in the turn's error.
 */
const TURN_ERROR_HINTS: readonly (readonly [RegExp, string])[] = [
  [
    /AccessDeniedException/,
    "the instance role may not invoke this model (iam.bedrock), or the account has no access to it: enable it in the Bedrock console (Model access) in the Bedrock region, and check openclaw.model's id or inference profile",
  ],
  [/guardrail_intervened/, "the Bedrock guardrail (openclaw.guardrail) blocked the prompt or the answer; the user saw \"Agent run failed\""],
];

function withHint(message: string): string {
  const hint = TURN_ERROR_HINTS.find(([pattern]) => pattern.test(message))?.[1];
  return hint ? `${message} (${hint})` : message;
}

/** The agent turn completed (status "ok") with a non-empty answer; the evidence names the model that answered. */
export function judgeAgentTurn(name: string, invocation: Invocation): CheckResult {
  const missing = noAnswer(invocation);
  if (missing) return { name, pass: false, evidence: missing };
  let turn: AgentTurnAnswer;
  try {
    turn = JSON.parse(invocation.stdout) as AgentTurnAnswer;
  } catch {
    return { name, pass: false, evidence: `not JSON: ${oneLine(invocation.stdout)}` };
  }
  // The CLI's error envelope: no model auth, provider refused, gateway unreachable, ...
  if (turn.ok === false || turn.error) return { name, pass: false, evidence: oneLine(turn.error?.message ?? "ok: false without a message") };
  const meta = turn.result?.meta;
  const agent = meta?.agentMeta;
  const model = agent?.provider && agent.model ? `${agent.provider}/${agent.model}` : "(model not reported)";
  const payloads = turn.result?.payloads ?? [];
  const text = (errors: boolean) =>
    payloads
      .filter((payload) => (payload.isError === true) === errors)
      .map((payload) => payload.text ?? "")
      .join(" ")
      .trim();
  if (turn.status !== "ok") {
    const why = meta?.error?.message ?? (text(true) || "no error message");
    return { name, pass: false, evidence: `${model}: turn ${turn.status ?? "without a status"}: ${withHint(oneLine(why))}` };
  }
  const answer = text(false);
  if (!answer) return { name, pass: false, evidence: `${model}: empty answer` };
  const took = meta?.durationMs !== undefined ? ` in ${(meta.durationMs / 1000).toFixed(1)} s` : "";
  return { name, pass: true, evidence: `${model} answered "${oneLine(answer, 80)}"${took}` };
}

/** One line per check, then the verdict. */
export function formatReport(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((result) => result.name.length), 10);
  const lines = results.map((result) => `${result.pass ? "PASS" : "FAIL"}  ${result.name.padEnd(width)}  ${result.evidence}`);
  const failed = results.filter((result) => !result.pass).length;
  lines.push("", failed === 0 ? `All ${results.length} checks passed.` : `${failed} of ${results.length} checks FAILED.`);
  return lines.join("\n");
}

/** The stack outputs verify needs, from `terraform output -json` ({name: {value}}) or a cdktf outputs file ({name: value}). */
export function parseOutputs(raw: Record<string, unknown>): { gatewayInstanceId: string; nodeInstanceIds: Record<string, string>; fingerprintParameter?: string } {
  const value = (name: string): unknown => {
    const entry = raw[name];
    return entry !== null && typeof entry === "object" && "value" in (entry as object) ? (entry as { value: unknown }).value : entry;
  };
  const gatewayInstanceId = value("gateway_instance_id");
  if (typeof gatewayInstanceId !== "string" || !gatewayInstanceId) throw new Error("the stack has no gateway_instance_id output: is it deployed?");
  const nodes = value("node_instance_ids");
  const nodeInstanceIds = typeof nodes === "string" ? (JSON.parse(nodes) as Record<string, string>) : ((nodes ?? {}) as Record<string, string>);
  const fingerprint = value("gateway_tls_fingerprint_parameter");
  return { gatewayInstanceId, nodeInstanceIds, fingerprintParameter: typeof fingerprint === "string" ? fingerprint : undefined };
}
