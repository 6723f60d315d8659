/**
 * A stand-in for Amazon Bedrock's runtime endpoint (`bedrock-runtime.<region>.amazonaws.com`), serving
 * ConverseStream the way the real Bedrock provider plugin calls it, and checking what real Bedrock would
 * before it answers:
 *   - the path is POST /model/<model id or inference profile>/converse-stream, for the configured model;
 *   - the SigV4 signature, recomputed here (canonical request, string to sign, signing key: AWS's
 *     published algorithm with node:crypto, not the SDK's signer) with the role credentials the
 *     instance's IMDS served: key id, service `bedrock`, the Bedrock region, the date, the session token
 *     header (signed);
 *   - the guardrail fields (`guardrailConfig`) in the request body: the configured guardrail, or none.
 * A request that fails a check gets the error real Bedrock gives (403 InvalidSignatureException /
 * UnrecognizedClientException, 400 ValidationException); every request is recorded with its checks.
 * Answers in AWS event-stream framing (application/vnd.amazon.eventstream, encoded with
 * @smithy/core's codec): messageStart, contentBlockDelta, contentBlockStop, messageStop, metadata. What
 * it answers is set by `answer`: text, a refusal (HTTP 403 AccessDeniedException, as when model access
 * is not granted), or a guardrail intervention (stopReason "guardrail_intervened").
 * Listens on a unix socket: the systemd-boot test's TLS front passes it the decrypted connections for the
 * endpoint's name, HTTP/2 (what the AWS SDK negotiates with Bedrock) or HTTP/1.1.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as http2 from "node:http2";
import * as net from "node:net";
import { EventStreamCodec, type Message } from "@smithy/core/event-streams";
import type { RoleCredentials } from "./systemd-boot-netns-services";

/** How the stand-in answers the next requests. */
export type BedrockAnswer =
  | { readonly kind: "text"; readonly text: string }
  /** HTTP 403 AccessDeniedException: what an account without access to the model gets. */
  | { readonly kind: "refuse" }
  /** The guardrail's blocked-input message, then stopReason "guardrail_intervened". */
  | { readonly kind: "guardrail"; readonly text: string };

/** The message real Bedrock sends when the account has no access to the model. */
export const ACCESS_DENIED_MESSAGE = "You don't have access to the model with the specified model ID.";

export interface GuardrailExpectation {
  readonly guardrailIdentifier: string;
  readonly guardrailVersion: string;
}

/** One check on a request: what was checked and what was found. */
export interface RequestCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** The part of a ConverseStream request body the tests read. */
export interface ConverseBody {
  readonly messages?: readonly { readonly role?: string; readonly content?: readonly { readonly text?: string }[] }[];
  readonly guardrailConfig?: Record<string, unknown>;
  readonly inferenceConfig?: Record<string, unknown>;
}

export interface ConverseRequest {
  /** When it arrived (ms since the epoch). */
  readonly at: number;
  /** "h2" or "http/1.1": what the client spoke. */
  readonly protocol: string;
  readonly method: string;
  readonly path: string;
  /** The model id or inference profile from the path, decoded. */
  readonly modelId: string;
  readonly body: ConverseBody;
  readonly checks: readonly RequestCheck[];
  /** What it was answered: an answer kind, or the AWS error it got. */
  readonly answered: string;
}

export interface BedrockStandInOptions {
  readonly socketPath: string;
  /** The Bedrock region: the signature's scope and the endpoint's host name. */
  readonly region: string;
  /** `openclaw.model`: the model id or inference profile the path must name. */
  readonly modelId: string;
  /** The guardrail every request must carry; undefined: none may. */
  readonly guardrail?: GuardrailExpectation;
}

export interface BedrockStandIn {
  readonly requests: ConverseRequest[];
  /** How the next requests are answered (default: the text "pong"). */
  answer: BedrockAnswer;
  /** Accepts signatures made with these credentials (an instance role's, as its IMDS serves them). */
  trust(credentials: RoleCredentials): void;
  close(): Promise<void>;
}

const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const EVENT_STREAM = "application/vnd.amazon.eventstream";

const utf8 = {
  toUtf8: (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8"),
  fromUtf8: (text: string) => new Uint8Array(Buffer.from(text, "utf8")),
};
const codec = new EventStreamCodec(utf8.toUtf8, utf8.fromUtf8);

// ---------------------------------------------------------------- SigV4, as AWS documents it

const hmac = (key: crypto.BinaryLike, data: string) => crypto.createHmac("sha256", key).update(data).digest();
const sha256Hex = (data: crypto.BinaryLike) => crypto.createHash("sha256").update(data).digest("hex");

/** RFC 3986 encoding of a URI component, as SigV4 wants it. */
const uriEncode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The canonical request. Services other than S3 encode each path segment twice: the path as sent is
 * already encoded once (a model id's ":" arrives as %3A), so each segment is encoded again here.
 */
function canonicalRequest(method: string, rawPath: string, headers: Record<string, string>, signedHeaders: readonly string[], payloadHash: string): string {
  const [pathPart, query = ""] = rawPath.split("?", 2);
  const canonicalPath = pathPart.split("/").map(uriEncode).join("/") || "/";
  const canonicalQuery = query
    .split("&")
    .filter(Boolean)
    .map((pair) => pair.split("=", 2).map((part) => uriEncode(decodeURIComponent(part ?? ""))))
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${value ?? ""}`)
    .join("&");
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${(headers[name] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  return [method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders.join(";"), payloadHash].join("\n");
}

interface Authorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

function parseAuthorization(value: string | undefined): Authorization | undefined {
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(value ?? "");
  if (!match) return undefined;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(";"), signature };
}

/**
 * The signature for this request under `secretAccessKey`, recomputed from the request itself: the body's
 * own hash (an x-amz-content-sha256 header that does not match it fails).
 */
function expectedSignature(auth: Authorization, secretAccessKey: string, method: string, rawPath: string, headers: Record<string, string>, body: Buffer): string {
  const amzDate = headers["x-amz-date"] ?? "";
  const payloadHash = sha256Hex(body);
  if ((headers["x-amz-content-sha256"] ?? payloadHash) !== payloadHash) return "the x-amz-content-sha256 header is not the body's hash";
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest(method, rawPath, headers, auth.signedHeaders, payloadHash))].join("\n");
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, auth.date), auth.region), auth.service), "aws4_request");
  return crypto.createHmac("sha256", signingKey).update(stringToSign).digest("hex");
}

/** "20261204T101500Z" -> ms since the epoch. */
function amzDateMs(value: string | undefined): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? "");
  return match ? Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5], +match[6]) : NaN;
}

// ---------------------------------------------------------------- answers

function event(type: string, payload: object): Uint8Array {
  const message: Message = {
    headers: {
      ":event-type": { type: "string", value: type },
      ":content-type": { type: "string", value: "application/json" },
      ":message-type": { type: "string", value: "event" },
    },
    body: utf8.fromUtf8(JSON.stringify(payload)),
  };
  return codec.encode(message);
}

/** The events of one streamed answer: `text` in one delta, then the stop reason and usage. */
function answerEvents(text: string, stopReason: string): Uint8Array[] {
  return [
    event("messageStart", { p: "abcdefgh", role: "assistant" }),
    event("contentBlockDelta", { p: "abcd", contentBlockIndex: 0, delta: { text } }),
    event("contentBlockStop", { p: "abcdefghij", contentBlockIndex: 0 }),
    event("messageStop", { p: "abcdef", stopReason }),
    event("metadata", { p: "ab", usage: { inputTokens: 1200, outputTokens: 3, totalTokens: 1203 }, metrics: { latencyMs: 250 } }),
  ];
}

type Reply = (status: number, headers: Record<string, string>, chunks: readonly Uint8Array[]) => void;

/** An AWS JSON error (restJson1): the type in x-amzn-ErrorType and the message in the body. */
function awsError(reply: Reply, status: number, type: string, message: string): string {
  reply(status, { "content-type": "application/json", "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` }, [utf8.fromUtf8(JSON.stringify({ message }))]);
  return `${status} ${type}`;
}

// ---------------------------------------------------------------- the server

export async function startBedrockStandIn(options: BedrockStandInOptions): Promise<BedrockStandIn> {
  const trusted = new Map<string, RoleCredentials>();
  const requests: ConverseRequest[] = [];
  const host = `bedrock-runtime.${options.region}.amazonaws.com`;
  const standIn: BedrockStandIn = {
    requests,
    answer: { kind: "text", text: "pong" },
    trust: (credentials) => void trusted.set(credentials.accessKeyId, credentials),
    close: () => close(),
  };

  function handle(request: http.IncomingMessage | http2.Http2ServerRequest, body: Buffer, reply: Reply): void {
    // Over HTTP/2 the host is the :authority pseudo-header, and the SDK signs it under that name.
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined && (name === ":authority" || !name.startsWith(":"))) headers[name] = Array.isArray(value) ? value.join(",") : value;
    }
    const hostHeader = headers.host ?? headers[":authority"];
    const method = request.method ?? "";
    const rawPath = request.url ?? "";
    const pathMatch = /^\/model\/([^/?]+)\/converse-stream$/.exec(rawPath);
    const modelId = pathMatch ? decodeURIComponent(pathMatch[1]) : "";
    const checks: RequestCheck[] = [];
    const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });

    check("operation", method === "POST" && pathMatch !== null, `${method} ${rawPath}`);
    check("model", modelId === options.modelId, `model ${JSON.stringify(modelId)}, configured ${JSON.stringify(options.modelId)}`);
    check("host", hostHeader === host, `host ${hostHeader}`);
    const auth = parseAuthorization(headers.authorization);
    const credentials = auth && trusted.get(auth.accessKeyId);
    check("credential", credentials !== undefined, auth ? `key id ${auth.accessKeyId}${credentials ? " (the instance role's, from IMDS)" : " (not an instance role's)"}` : "no SigV4 Authorization header");
    check("scope", auth?.service === "bedrock" && auth.region === options.region, auth ? `service ${auth.service}, region ${auth.region}` : "none");
    const skew = Math.abs(Date.now() - amzDateMs(headers["x-amz-date"]));
    check("date", skew <= MAX_CLOCK_SKEW_MS && auth?.date === headers["x-amz-date"]?.slice(0, 8), `x-amz-date ${headers["x-amz-date"]}, ${Math.round(skew / 1000)} s off`);
    const signedToken = auth?.signedHeaders.includes("x-amz-security-token") ?? false;
    check("session token", credentials !== undefined && headers["x-amz-security-token"] === credentials.sessionToken && signedToken, signedToken ? "x-amz-security-token signed" : "x-amz-security-token missing or unsigned");
    const signsHost = auth !== undefined && (auth.signedHeaders.includes("host") || auth.signedHeaders.includes(":authority"));
    const signatureOk = auth !== undefined && credentials !== undefined && signsHost && expectedSignature(auth, credentials.secretAccessKey, method, rawPath, headers, body) === auth.signature;
    check("signature", signatureOk, `SignedHeaders=${auth?.signedHeaders.join(";") ?? "-"}`);
    let parsed: ConverseBody = {};
    try {
      parsed = JSON.parse(body.toString("utf8")) as ConverseBody;
    } catch {
      check("body", false, "not JSON");
    }
    const guardrail = parsed.guardrailConfig;
    check(
      "guardrail",
      options.guardrail
        ? guardrail?.guardrailIdentifier === options.guardrail.guardrailIdentifier && guardrail?.guardrailVersion === options.guardrail.guardrailVersion
        : guardrail === undefined,
      `guardrailConfig ${JSON.stringify(guardrail ?? null)}`,
    );

    const failed = (name: string) => checks.some((c) => c.name === name && !c.ok);
    let answered: string;
    if (failed("credential")) answered = awsError(reply, 403, "UnrecognizedClientException", "The security token included in the request is invalid.");
    else if (failed("signature") || failed("session token") || failed("scope") || failed("date") || failed("host")) {
      answered = awsError(reply, 403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided.");
    } else if (failed("operation") || failed("model") || failed("body")) answered = awsError(reply, 400, "ValidationException", "The provided model identifier is invalid.");
    else if (failed("guardrail")) answered = awsError(reply, 400, "ValidationException", "The guardrail identifier or version provided in the request does not exist.");
    else if (standIn.answer.kind === "refuse") answered = awsError(reply, 403, "AccessDeniedException", ACCESS_DENIED_MESSAGE);
    else {
      const stopReason = standIn.answer.kind === "guardrail" ? "guardrail_intervened" : "end_turn";
      reply(200, { "content-type": EVENT_STREAM, "x-amzn-requestid": crypto.randomUUID() }, answerEvents(standIn.answer.text, stopReason));
      answered = standIn.answer.kind;
    }
    const protocol = request.httpVersionMajor === 2 ? "h2" : "http/1.1";
    requests.push({ at: Date.now(), protocol, method, path: rawPath, modelId, body: parsed, checks, answered });
  }

  /** The same handler for both protocols: read the body, then answer. */
  function onRequest(request: http.IncomingMessage | http2.Http2ServerRequest, response: http.ServerResponse | http2.Http2ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () =>
      handle(request, Buffer.concat(chunks), (status, headers, body) => {
        response.writeHead(status, headers);
        response.end(Buffer.concat(body));
      }),
    );
  }

  const h2 = http2.createServer(onRequest);
  const h1 = http.createServer(onRequest);
  const sockets = new Set<net.Socket>();
  // HTTP/2 starts with its connection preface ("PRI * HTTP/2.0..."); anything else is HTTP/1.1.
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.once("data", (head: Buffer) => {
      socket.pause();
      socket.unshift(head);
      if (head.subarray(0, 5).toString("latin1") === "PRI *") h2.emit("connection", socket);
      else {
        h1.emit("connection", socket);
        // The HTTP/1.1 parser reads 'data' events: let them flow again (HTTP/2 reads the socket itself).
        socket.resume();
      }
    });
  });
  fs.rmSync(options.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.socketPath, resolve));

  /** Stops listening and drops open connections (the gateway's SDK keeps its HTTP/2 session open). */
  function close(): Promise<void> {
    for (const socket of sockets) socket.destroy();
    h2.close();
    h1.close();
    return new Promise((resolve) => server.close(() => resolve()));
  }
  return standIn;
}

/** The checks every request passed; throws naming the first request and check that did not. */
export function allChecksPassed(requests: readonly ConverseRequest[]): string[] {
  const names = new Set<string>();
  for (const request of requests) {
    for (const c of request.checks) {
      if (!c.ok) throw new Error(`the Bedrock stand-in's ${c.name} check failed on ${request.method} ${request.path}: ${c.detail}`);
      names.add(c.name);
    }
  }
  return [...names];
}
