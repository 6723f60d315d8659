/**
 * The Bedrock stand-in refuses what real Bedrock refuses: requests signed by the AWS SDK's own signer
 * (@smithy/signature-v4, a second implementation beside the stand-in's) are accepted, and each thing a
 * request can get wrong (secret, key id, service, region, body, session token, model, guardrail) is
 * answered with Bedrock's error and recorded as the check that failed. Its answers decode with the event
 * stream codec the SDK uses. Over HTTP/2 (as the SDK talks to Bedrock) and HTTP/1.1.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as http2 from "node:http2";
import * as net from "node:net";
import * as path from "node:path";
import { EventStreamCodec } from "@smithy/core/event-streams";
import { SignatureV4 } from "@smithy/signature-v4";
import { ACCESS_DENIED_MESSAGE, startBedrockStandIn, type BedrockStandIn } from "./bedrock-converse-stand-in";
import { tempDir } from "./helpers";
import { roleCredentials, type RoleCredentials } from "./systemd-boot-netns-services";

const REGION = "us-east-1";
const HOST = `bedrock-runtime.${REGION}.amazonaws.com`;
const MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const GUARDRAIL = { guardrailIdentifier: "gr1a2b3c", guardrailVersion: "2" };

const toBytes = (data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof data === "string" ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);

/** node:crypto as the signer's hash (sha256, or HMAC-SHA256 with a secret). */
class NodeSha256 {
  private readonly hash: crypto.Hash | crypto.Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? crypto.createHmac("sha256", toBytes(secret)) : crypto.createHash("sha256");
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface RequestSpec {
  credentials?: RoleCredentials;
  service?: string;
  region?: string;
  model?: string;
  body?: object;
  /** Changes the signed request before it is sent. */
  tamper?: (request: { headers: Record<string, string>; body: string }) => void;
  protocol?: "h2" | "http/1.1";
}

describe("the Bedrock ConverseStream stand-in", () => {
  let dir: string;
  let socketPath: string;
  let standIn: BedrockStandIn;
  const role = roleCredentials();

  beforeAll(async () => {
    dir = tempDir("bedrock-stand-in");
    socketPath = path.join(dir, "bedrock.sock");
    standIn = await startBedrockStandIn({ socketPath, region: REGION, modelId: MODEL, guardrail: GUARDRAIL });
    standIn.trust(role);
  });

  afterAll(async () => {
    await standIn.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A ConverseStream request as the SDK signs it, sent over the unix socket. */
  async function send(spec: RequestSpec = {}): Promise<Sent> {
    const credentials = spec.credentials ?? role;
    const body = JSON.stringify(spec.body ?? { messages: [{ role: "user", content: [{ text: "Reply with the single word: pong" }] }], guardrailConfig: GUARDRAIL });
    const signer = new SignatureV4({
      service: spec.service ?? "bedrock",
      region: spec.region ?? REGION,
      credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
      sha256: NodeSha256,
    });
    const h2 = (spec.protocol ?? "h2") === "h2";
    // As the SDK's host-header middleware does: over HTTP/2 the host goes in (and is signed as) :authority.
    const unsigned = {
      method: "POST",
      protocol: "https:",
      hostname: HOST,
      path: `/model/${encodeURIComponent(spec.model ?? MODEL)}/converse-stream`,
      query: {},
      headers: { [h2 ? ":authority" : "host"]: HOST, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
      body,
    };
    const signed = (await signer.sign(unsigned)) as typeof unsigned;
    const request = { headers: { ...signed.headers }, body };
    spec.tamper?.(request);
    return h2 ? sendH2(signed.path, request) : sendH1(signed.path, request);
  }

  function sendH2(requestPath: string, request: { headers: Record<string, string>; body: string }): Promise<Sent> {
    return new Promise((resolve, reject) => {
      const session = http2.connect(`http://${HOST}`, { createConnection: () => net.connect(socketPath) });
      session.on("error", reject);
      const stream = session.request({ ":method": "POST", ":path": requestPath, ...request.headers });
      const chunks: Buffer[] = [];
      let responseHeaders: http2.IncomingHttpHeaders = {};
      stream.on("response", (h) => (responseHeaders = h));
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        session.close();
        resolve({ status: Number(responseHeaders[":status"]), headers: responseHeaders as Record<string, string>, body: Buffer.concat(chunks) });
      });
      stream.on("error", reject);
      stream.end(request.body);
    });
  }

  function sendH1(requestPath: string, request: { headers: Record<string, string>; body: string }): Promise<Sent> {
    return new Promise((resolve, reject) => {
      const req = http.request({ socketPath, method: "POST", path: requestPath, headers: request.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end(request.body);
    });
  }

  /** The event stream's events: [type, payload]. */
  function events(body: Buffer): [string, Record<string, unknown>][] {
    const codec = new EventStreamCodec((bytes) => Buffer.from(bytes).toString("utf8"), (text) => new Uint8Array(Buffer.from(text)));
    const out: [string, Record<string, unknown>][] = [];
    for (let offset = 0; offset < body.length; ) {
      const length = body.readUInt32BE(offset);
      const message = codec.decode(new Uint8Array(body.subarray(offset, offset + length)));
      out.push([String(message.headers[":event-type"].value), JSON.parse(Buffer.from(message.body).toString("utf8"))]);
      offset += length;
    }
    return out;
  }

  const lastChecks = () => standIn.requests[standIn.requests.length - 1];
  const failedChecks = () => lastChecks().checks.filter((check) => !check.ok).map((check) => check.name);
  const errorType = (sent: Sent) => String(sent.headers["x-amzn-errortype"]).split(":")[0];

  test.each(["h2", "http/1.1"] as const)("a request the SDK signed with the role's credentials gets the answer as an event stream (%s)", async (protocol) => {
    standIn.answer = { kind: "text", text: "pong" };
    const sent = await send({ protocol });
    expect(sent.status).toBe(200);
    expect(sent.headers["content-type"]).toBe("application/vnd.amazon.eventstream");
    expect(events(sent.body).map(([type]) => type)).toEqual(["messageStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"]);
    expect(events(sent.body)[1][1]).toMatchObject({ contentBlockIndex: 0, delta: { text: "pong" } });
    expect(events(sent.body)[3][1]).toMatchObject({ stopReason: "end_turn" });
    expect(failedChecks()).toEqual([]);
    expect(lastChecks()).toMatchObject({ protocol, modelId: MODEL, answered: "text" });
  });

  test.each<[string, () => RequestSpec, number, string, string[]]>([
    ["another secret for the same key id", () => ({ credentials: { ...role, secretAccessKey: "not-the-secret" } }), 403, "InvalidSignatureException", ["signature"]],
    ["a key id IMDS never served", () => ({ credentials: roleCredentials() }), 403, "UnrecognizedClientException", ["credential", "session token", "signature"]],
    ["service bedrock-runtime in the scope", () => ({ service: "bedrock-runtime" }), 403, "InvalidSignatureException", ["scope"]],
    ["another region in the scope", () => ({ region: "us-west-2" }), 403, "InvalidSignatureException", ["scope"]],
    ["a body changed after signing", () => ({ tamper: (r) => (r.body = r.body.replace("pong", "pwnd")) }), 403, "InvalidSignatureException", ["signature"]],
    ["no session token", () => ({ tamper: (r) => delete r.headers["x-amz-security-token"] }), 403, "InvalidSignatureException", ["session token", "signature"]],
    ["another model", () => ({ model: "us.anthropic.claude-opus-4-5-20251101-v1:0" }), 400, "ValidationException", ["model"]],
    ["no guardrail", () => ({ body: { messages: [] } }), 400, "ValidationException", ["guardrail"]],
  ])("refuses %s", async (_label, spec, status, type, failed) => {
    const sent = await send(spec());
    expect([sent.status, errorType(sent)]).toEqual([status, type]);
    expect(failedChecks()).toEqual(failed);
  });

  test("answers 403 AccessDeniedException when told to refuse (no model access), and guardrail_intervened when its guardrail blocks", async () => {
    standIn.answer = { kind: "refuse" };
    const refused = await send();
    expect([refused.status, errorType(refused), JSON.parse(refused.body.toString()).message]).toEqual([403, "AccessDeniedException", ACCESS_DENIED_MESSAGE]);
    standIn.answer = { kind: "guardrail", text: "blocked" };
    const blocked = events((await send()).body);
    expect(blocked[1][1]).toMatchObject({ delta: { text: "blocked" } });
    expect(blocked[3][1]).toMatchObject({ stopReason: "guardrail_intervened" });
    standIn.answer = { kind: "text", text: "pong" };
  });
});
