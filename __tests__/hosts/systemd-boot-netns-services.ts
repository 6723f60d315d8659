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
 *     cannot reach).
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
    /** The instance profile's role: its (fake) credentials are served under iam/security-credentials/. */
    readonly role: string;
  };
  readonly aws?: { readonly address: string; readonly certFile: string; readonly keyFile: string; readonly socket: string };
}

export const IMDS_ADDRESS = "169.254.169.254";
export const NETNS_SERVICES_ENV = "OPENCLAW_AWS_NETNS_SERVICES";

type ImdsConfig = NonNullable<NetnsServicesConfig["imds"]>;
type AwsConfig = NonNullable<NetnsServicesConfig["aws"]>;

function metadata(config: ImdsConfig): Map<string, string> {
  const now = new Date();
  const credentials = {
    Code: "Success",
    LastUpdated: now.toISOString().replace(/\.\d+Z$/, "Z"),
    Type: "AWS-HMAC",
    AccessKeyId: "ASIAOPENCLAWAWSTEST1",
    SecretAccessKey: crypto.randomBytes(30).toString("base64"),
    Token: crypto.randomBytes(60).toString("base64"),
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

function serveAws(config: AwsConfig): Promise<void> {
  const server = tls.createServer({ cert: fs.readFileSync(config.certFile), key: fs.readFileSync(config.keyFile) }, (client) => {
    const upstream = net.connect(config.socket);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve, reject) => server.once("error", reject).listen(443, config.address, resolve));
}

async function main(): Promise<void> {
  const raw = process.env[NETNS_SERVICES_ENV];
  if (!raw) throw new Error(`${NETNS_SERVICES_ENV} is not set`);
  const config = JSON.parse(raw) as NetnsServicesConfig;
  await Promise.all([config.imds && serveImds(config.imds), config.aws && serveAws(config.aws)]);
  process.stdout.write("ready\n");
  process.once("SIGTERM", () => process.exit(0));
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`netns services: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
