/**
 * What an EC2 instance finds on its network besides other hosts, for the systemd-boot test's containers.
 * Runs inside a network namespace (`ip netns exec <ns> node --import tsx <this file>`), configured by the
 * JSON in env OPENCLAW_AWS_NETNS_SERVICES (see NetnsServicesConfig), serving either or both of:
 *   - imds, in a container's namespace: IMDSv2 at 169.254.169.254:80: PUT /latest/api/token, then
 *     GET /latest/meta-data/... with that token, answering this instance's facts and fake role
 *     credentials (unknown paths: 404, no token: 401);
 *   - aws, in the LAN's namespace: the AWS API at <aws.address>:443 over TLS, with a certificate for
 *     *.<region>.amazonaws.com: the containers' /etc/hosts point the service names there, as an interface
 *     endpoint's private DNS does. Each connection is passed on, decrypted, through the unix socket
 *     <aws.socket>, which the test forwards to moto_server on the machine's loopback (which a namespace
 *     cannot reach); a host name in <aws.routes> (by TLS SNI) goes to its own socket instead, with HTTP/2
 *     offered (ALPN) as AWS offers it (the Bedrock runtime stand-in);
 *   - relays, in the LAN's namespace: plain TCP at <address>:<port> passed on through a unix socket (the
 *     test's npm registry).
 * Prints "ready" once they listen; stops on SIGTERM.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as tls from "node:tls";

export interface NetnsServicesConfig {
  readonly imds?: {
    readonly instanceId: string;
    readonly localIpv4: string;
    readonly region: string;
    readonly availabilityZone: string;
    /** The instance profile's role: its credentials are served under iam/security-credentials/. */
    readonly role: string;
    /** The role's credentials (made up: moto accepts any; the Bedrock stand-in checks signatures with them). */
    readonly credentials: RoleCredentials;
  };
  readonly aws?: {
    readonly address: string;
    readonly certFile: string;
    readonly keyFile: string;
    readonly socket: string;
    /** Host name (TLS server name) -> the unix socket that serves it instead of moto. */
    readonly routes?: Readonly<Record<string, string>>;
  };
  readonly relays?: readonly { readonly address: string; readonly port: number; readonly socket: string }[];
}

/** An instance role's temporary credentials, as IMDS serves them. */
export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** Fresh made-up role credentials (an ASIA... key id, as STS issues for roles). */
export function roleCredentials(): RoleCredentials {
  return {
    accessKeyId: `ASIA${crypto.randomBytes(8).toString("hex").toUpperCase()}`,
    secretAccessKey: crypto.randomBytes(30).toString("base64"),
    sessionToken: crypto.randomBytes(60).toString("base64"),
  };
}

export const IMDS_ADDRESS = "169.254.169.254";
export const NETNS_SERVICES_ENV = "OPENCLAW_AWS_NETNS_SERVICES";

type ImdsConfig = NonNullable<NetnsServicesConfig["imds"]>;
type AwsConfig = NonNullable<NetnsServicesConfig["aws"]>;
type RelayConfig = NonNullable<NetnsServicesConfig["relays"]>[number];

function metadata(config: ImdsConfig): Map<string, string> {
  const now = new Date();
  const credentials = {
    Code: "Success",
    LastUpdated: now.toISOString().replace(/\.\d+Z$/, "Z"),
    Type: "AWS-HMAC",
    AccessKeyId: config.credentials.accessKeyId,
    SecretAccessKey: config.credentials.secretAccessKey,
    Token: config.credentials.sessionToken,
    Expiration: new Date(now.getTime() + 6 * 3600_000).toISOString().replace(/\.\d+Z$/, "Z"),
  };
  return new Map([
    ["instance-id", config.instanceId],
    ["local-ipv4", config.localIpv4],
    ["placement/region", config.region],
    ["placement/availability-zone", config.availabilityZone],
    ["iam/security-credentials/", config.role],
    [`iam/security-credentials/${config.role}`, JSON.stringify(credentials, null, 2)],
  ]);
}

function serveImds(config: ImdsConfig): Promise<void> {
  const facts = metadata(config);
  const tokens = new Set<string>();
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://imds");
    const answer = (status: number, body: string) => {
      response.writeHead(status, { "content-type": "text/plain" });
      response.end(body);
    };
    if (request.method === "PUT" && url.pathname === "/latest/api/token") {
      if (!request.headers["x-aws-ec2-metadata-token-ttl-seconds"]) return answer(400, "missing TTL header");
      const token = crypto.randomBytes(32).toString("base64url");
      tokens.add(token);
      return answer(200, token);
    }
    // IMDSv2 only, as the hosts are configured (http_tokens = required).
    const token = request.headers["x-aws-ec2-metadata-token"];
    if (typeof token !== "string" || !tokens.has(token)) return answer(401, "");
    const prefix = "/latest/meta-data/";
    const value = request.method === "GET" && url.pathname.startsWith(prefix) ? facts.get(url.pathname.slice(prefix.length)) : undefined;
    return value === undefined ? answer(404, "") : answer(200, value);
  });
  return new Promise((resolve, reject) => server.once("error", reject).listen(80, IMDS_ADDRESS, resolve));
}

/** Pipes a connection both ways to a unix socket. */
function passOn(client: net.Socket, socket: string): void {
  const upstream = net.connect(socket);
  client.on("error", () => upstream.destroy());
  upstream.on("error", () => client.destroy());
  client.pipe(upstream).pipe(client);
}

function serveAws(config: AwsConfig): Promise<void> {
  const routes = config.routes ?? {};
  const server = tls.createServer(
    {
      cert: fs.readFileSync(config.certFile),
      key: fs.readFileSync(config.keyFile),
      // Only clients that offer ALPN get here: HTTP/2 for a routed name (as AWS answers the Bedrock
      // runtime's SDK), HTTP/1.1 for moto, which speaks nothing else.
      ALPNCallback: ({ servername, protocols }) =>
        Object.hasOwn(routes, servername) && protocols.includes("h2") ? "h2" : protocols.includes("http/1.1") ? "http/1.1" : undefined,
    },
    (client) => {
      // The server name the client sent (SNI); Node sets it on the socket.
      const servername = (client as tls.TLSSocket & { servername?: string | false }).servername;
      passOn(client, servername && Object.hasOwn(routes, servername) ? routes[servername] : config.socket);
    },
  );
  return new Promise((resolve, reject) => server.once("error", reject).listen(443, config.address, resolve));
}

function serveRelay(config: RelayConfig): Promise<void> {
  const server = net.createServer((client) => passOn(client, config.socket));
  return new Promise((resolve, reject) => server.once("error", reject).listen(config.port, config.address, resolve));
}

async function main(): Promise<void> {
  const raw = process.env[NETNS_SERVICES_ENV];
  if (!raw) throw new Error(`${NETNS_SERVICES_ENV} is not set`);
  const config = JSON.parse(raw) as NetnsServicesConfig;
  await Promise.all([config.imds && serveImds(config.imds), config.aws && serveAws(config.aws), ...(config.relays ?? []).map(serveRelay)]);
  process.stdout.write("ready\n");
  process.once("SIGTERM", () => process.exit(0));
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`netns services: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
