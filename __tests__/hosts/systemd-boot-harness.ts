/**
 * Boots rendered hosts on real systemd: each in its own systemd-nspawn container (a fresh overlay over
 * the cached Debian root), in its own network namespace, all joined by a private LAN, with IMDSv2 and
 * the AWS API (moto, behind a TLS front at the interface endpoint's address) in each namespace.
 * Used by systemd-boot.test.ts; everything it creates is undone by cleanUp(), also on process exit.
 *
 * What differs from an EC2 instance, and why (the accommodations, see also __tests__/hosts/container-root/):
 *   - the root is Debian bookworm (systemd 252 like Amazon Linux 2023), with a `dnf` shim that only checks
 *     packages are present, a stub amazon-cloudwatch-agent-ctl, and cloud-init limited to NoCloud with
 *     network config off (the test sets the addresses);
 *   - the AWS CLI reaches moto as it reaches AWS through an interface endpoint's private DNS: /etc/hosts maps
 *     <service>.<region>.amazonaws.com to the endpoint address, whose TLS certificate comes from a test CA
 *     that AWS_CA_BUNDLE names (a systemd DefaultEnvironment= drop-in). Debian's awscli 2.9 predates
 *     AWS_ENDPOINT_URL, and it ships its own CA bundle, so both are needed; Node programs (OpenClaw's
 *     Bedrock plugin) trust the CA through NODE_EXTRA_CA_CERTS, as the AWS SDK for JavaScript ignores
 *     AWS_CA_BUNDLE;
 *   - Node.js and OpenClaw are pre-seeded under /opt/openclaw-aws from the test toolchain (with the
 *     `.complete` markers the install scripts check), and the gateway's downloaded scripts with theirs:
 *     the namespaces have no route out (and moto's S3 is not behind the TLS front), so the boot takes the
 *     install steps' "already installed" path;
 *   - each container runs in a cgroup of its own with only cgroup v2 inside (SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1,
 *     Amazon Linux 2023's layout): the machine has no systemd to give each container its own cgroup;
 *   - the IAM role name and its credentials in IMDS are made up (`<host>-role`): moto accepts any
 *     credentials (the Bedrock stand-in checks signatures against them).
 */
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { IMDS_ADDRESS, NETNS_SERVICES_ENV, type NetnsServicesConfig } from "./systemd-boot-netns-services";
import { PROJECT_ROOT, startProcess, waitFor, type Started, type Toolchain } from "./helpers";

export const CACHE_DIR = path.join(PROJECT_ROOT, ".cache", "systemd-boot");
/** The private subnet's interface endpoint address, where the AWS API answers (as private DNS says). */
export const AWS_ENDPOINT_ADDRESS = "10.0.2.10";
/** The LAN's router (the VPC router's place in the subnet): the way to the AWS endpoint. */
const LAN_ROUTER = "10.0.1.1";
/** Services the hosts may call; their names resolve to AWS_ENDPOINT_ADDRESS in every container. */
const AWS_SERVICES = ["ssm", "sts", "ec2", "logs", "monitoring", "ssmmessages", "ec2messages", "secretsmanager", "kms"];
const LAN_PREFIX = 24;
/** Where a Nitro instance's udev rules present the EBS volume attached as /dev/sdf (AL2023). */
export const DATA_DEVICE = "/dev/sdf";

const CONTAINER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The machine's cgroup v2 hierarchy (on its own, or beside v1 as here). Each container's systemd gets a
 * cgroup of its own there (systemd-nspawn --keep-unit uses the one it is started in): two containers in
 * one cgroup would run their units in each other's cgroups.
 */
function cgroup2Root(): string {
  for (const candidate of ["/sys/fs/cgroup/unified", "/sys/fs/cgroup"]) {
    if (must("stat", ["-f", "-c", "%T", candidate], "reading the cgroup file system").trim() === "cgroup2fs") return candidate;
  }
  throw new Error("no cgroup v2 hierarchy on this machine");
}

/** Why the containers cannot run here, or undefined when they can. */
export function nspawnUnavailable(): string | undefined {
  if (process.platform !== "linux") return `systemd-nspawn needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return "needs root: systemd-nspawn, network namespaces, overlay mounts and loop devices";
  for (const tool of ["systemd-nspawn", "debootstrap", "ip", "nsenter", "losetup", "openssl"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) {
      return `${tool} is not installed (__tests__/prerequisites.sh installs systemd-container and debootstrap)`;
    }
  }
  return undefined;
}

// Every wait and timeout in this file is a hang guard, not a speed check: each is a few times what the
// step takes on a loaded 2-core machine (issue 16), so only a step that hangs trips it.
function must(command: string, args: readonly string[], what: string, timeoutMs = 180_000): string {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: timeoutMs });
  if (result.status !== 0) {
    throw new Error(`${what} failed (${command} ${args.join(" ")}): ${result.error?.message ?? ""}${result.stderr ?? ""}`);
  }
  return result.stdout;
}

// ---------------------------------------------------------------- the root and the OpenClaw layer

/** The cached Debian root (built by __tests__/hosts/container-root/build.sh the first time: a few minutes). */
export function containerRoot(): string {
  return must("bash", [path.join(__dirname, "container-root", "build.sh"), CACHE_DIR], "building the container root", 15 * 60_000).trim();
}

/** A host.env as bash reads it (single-quoted literals, no expansion). */
export function parseHostEnv(content: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of content.split("\n")) {
    const match = /^([A-Z_][A-Z0-9_]*)='([^']*)'$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return env;
}

/**
 * An overlay layer holding Node.js and OpenClaw where install-runtime.sh and install-openclaw.sh put
 * them, with their `.complete` markers (OpenClaw's holds its lock's sha256), made from the test toolchain
 * (hard links: no copy), which installs the same pinned tarballs and the same lock. Cached per versions and lock.
 */
export function openclawLayer(hostEnv: Record<string, string>, toolchain: Toolchain): string {
  const nodeVersion = hostEnv.OPENCLAW_AWS_NODEJS_VERSION;
  const openclawVersion = hostEnv.OPENCLAW_AWS_OPENCLAW_VERSION;
  const lockSha256 = hostEnv.OPENCLAW_AWS_OPENCLAW_LOCK_SHA256;
  const npmVersion = hostEnv.OPENCLAW_AWS_NPM_VERSION;
  if (hostEnv.OPENCLAW_AWS_INSTALL_METHOD !== "npm") throw new Error("the systemd-boot test seeds npm installs only");
  if (toolchain.nodeVersion !== nodeVersion || toolchain.openclawVersion !== openclawVersion || toolchain.lockSha256 !== lockSha256) {
    throw new Error(`the toolchain has node ${toolchain.nodeVersion} + openclaw ${toolchain.openclawVersion} (lock ${toolchain.lockSha256}), the hosts want ${nodeVersion} + ${openclawVersion} (lock ${lockSha256})`);
  }
  const layer = path.join(CACHE_DIR, `openclaw-node-${nodeVersion}-npm-${npmVersion}-openclaw-${openclawVersion}-${lockSha256.slice(0, 12)}`);
  if (fs.existsSync(path.join(layer, ".complete"))) return layer;
  const work = `${layer}.tmp`;
  fs.rmSync(work, { recursive: true, force: true });
  const nodeDir = path.join(work, "opt/openclaw-aws/node", nodeVersion);
  const openclawDir = path.join(work, "opt/openclaw-aws/openclaw", `npm-${openclawVersion}`);
  fs.mkdirSync(path.dirname(nodeDir), { recursive: true });
  fs.mkdirSync(path.dirname(openclawDir), { recursive: true });
  // The toolchain's node dir is laid out as install-runtime.sh lays it out; its openclaw project is what
  // install-openclaw.sh's `npm ci` of the same lock makes.
  must("cp", ["-al", path.dirname(toolchain.nodeBin), nodeDir], "linking the toolchain's node");
  must("cp", ["-al", toolchain.project, openclawDir], "linking the toolchain's openclaw");

  // The toolchain's npm is the pinned one, from its checked tarball (scripts/openclaw-toolchain.mjs).
  const npmPackage = JSON.parse(fs.readFileSync(path.join(nodeDir, "lib/node_modules/npm/package.json"), "utf8")) as { version: string };
  if (npmPackage.version !== npmVersion) throw new Error(`the toolchain has npm ${npmPackage.version}, the hosts want ${npmVersion}`);
  fs.symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", path.join(nodeDir, "bin/npm"));
  fs.symlinkSync("../lib/node_modules/npm/bin/npx-cli.js", path.join(nodeDir, "bin/npx"));
  fs.writeFileSync(path.join(nodeDir, ".complete"), "");
  fs.writeFileSync(path.join(openclawDir, ".complete"), `${lockSha256}\n`);
  fs.writeFileSync(path.join(work, ".complete"), "");
  fs.rmSync(layer, { recursive: true, force: true });
  fs.renameSync(work, layer);
  return layer;
}

/**
 * An overlay layer holding a host's downloaded files (its host-files.json from the render CLI) where
 * lib.sh's install_host_files writes them, root-owned with their modes, and its marker with the object's
 * sha256 (as host.env names it): the boot takes the "already installed" path, as for OpenClaw. The
 * download itself is proven against moto's S3 in install-host-files.test.ts. Undefined for a host that
 * downloads none.
 */
export function hostFilesLayer(host: RenderedHostDir, dir: string): string | undefined {
  const object = path.join(host.dir, "host-files.json");
  if (!fs.existsSync(object)) return undefined;
  const sha256 = crypto.createHash("sha256").update(fs.readFileSync(object)).digest("hex");
  if (sha256 !== host.env.OPENCLAW_AWS_HOST_FILES_SHA256) throw new Error(`${object} is not the object ${host.hostName}'s host.env names (${host.env.OPENCLAW_AWS_HOST_FILES_SHA256})`);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const file of JSON.parse(fs.readFileSync(object, "utf8")) as { path: string; mode: string; content: string }[]) {
    const target = path.join(dir, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content);
    fs.chmodSync(target, parseInt(file.mode, 8));
  }
  fs.writeFileSync(path.join(dir, host.env.OPENCLAW_AWS_LIB_DIR, ".host-files.complete"), `${sha256}\n`);
  return dir;
}

// ---------------------------------------------------------------- rendered hosts

export interface RenderedHostDir {
  readonly hostName: string;
  readonly role: "gateway" | "node";
  /** <render dir>/<host>: every file at its path on the host. */
  readonly dir: string;
  readonly env: Record<string, string>;
  /** The #cloud-config user data, placeholders and all. */
  readonly userData: string;
}

/** `npm run render -- <dir> --config <file>`: the hosts' user data and files, as the render CLI writes them. */
export function renderHosts(dir: string, configFile: string): RenderedHostDir[] {
  const args = [path.join(PROJECT_ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(PROJECT_ROOT, "scripts/render.ts"), dir, "--config", configFile];
  const result = spawnSync(process.execPath, args, { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 300_000 });
  if (result.status !== 0) throw new Error(`render failed: ${result.stderr}`);
  return fs.readdirSync(dir).map((hostName) => {
    const hostDir = path.join(dir, hostName);
    const env = parseHostEnv(fs.readFileSync(path.join(hostDir, "etc/openclaw-aws/host.env"), "utf8"));
    const role = env.OPENCLAW_AWS_ROLE;
    if (role !== "gateway" && role !== "node") throw new Error(`${hostName}: unknown role ${role}`);
    return { hostName, role, dir: hostDir, env, userData: fs.readFileSync(path.join(hostDir, "user-data.yaml"), "utf8") };
  });
}

/** The render CLI's placeholders for addresses AWS assigns at deploy time (scripts/render.ts). */
const ADDRESS_PLACEHOLDERS = { gatewayPublicAddress: "GATEWAY-ELASTIC-IP", gatewayPrivateAddress: "GATEWAY-PRIVATE-IP" };

/** The one place the deploy-time addresses go into the user data. */
export function assignAddresses(userData: string, addresses: { gatewayPrivateAddress: string; gatewayPublicAddress: string }): string {
  return userData
    .replaceAll(ADDRESS_PLACEHOLDERS.gatewayPrivateAddress, addresses.gatewayPrivateAddress)
    .replaceAll(ADDRESS_PLACEHOLDERS.gatewayPublicAddress, addresses.gatewayPublicAddress);
}

// ---------------------------------------------------------------- the AWS API's TLS front

export interface TestCa {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** A CA and, signed by it, a certificate for the AWS service names of `region`. */
export function makeTestCa(dir: string, region: string): TestCa {
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string) => path.join(dir, name);
  const sans = [`DNS:*.${region}.amazonaws.com`, ...AWS_SERVICES.map((service) => `DNS:${service}.${region}.amazonaws.com`), `IP:${AWS_ENDPOINT_ADDRESS}`].join(",");
  must("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=openclaw-aws systemd-boot test CA", "-keyout", file("ca.key"), "-out", file("ca.pem")], "making the test CA");
  must("openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", `/CN=*.${region}.amazonaws.com`, "-keyout", file("aws.key"), "-out", file("aws.csr")], "making the endpoint key");
  fs.writeFileSync(file("aws.ext"), `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\n`);
  must("openssl", ["x509", "-req", "-in", file("aws.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", file("aws.ext"), "-out", file("aws.pem")], "signing the endpoint certificate");
  return { caFile: file("ca.pem"), certFile: file("aws.pem"), keyFile: file("aws.key") };
}

/** A unix socket that forwards each connection to moto on loopback (the namespaces' way to it), or to another loopback port (the Bedrock phase's npm registry). */
export function bridgeToMoto(socketPath: string, motoPort: number): Promise<net.Server> {
  fs.rmSync(socketPath, { force: true });
  const server = net.createServer((client) => {
    const upstream = net.connect(motoPort, "127.0.0.1");
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve, reject) => server.once("error", reject).listen(socketPath, () => resolve(server)));
}

// ---------------------------------------------------------------- cleanup, also when jest dies

/**
 * Undo steps are shell commands, newest first. cleanUp() runs them; a detached reaper
 * (systemd-boot-reaper.sh) runs whatever is left once this process is gone, however it ended (jest's
 * sandbox never sees the process's own exit or signal events).
 */
interface UndoStep {
  name: string;
  command: string;
}
const undo: UndoStep[] = [];
let reaperFile: string | undefined;

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function shellCommand(...argv: string[]): string {
  return argv.map(shellQuote).join(" ");
}

function saveUndo(): void {
  if (!reaperFile) {
    reaperFile = path.join(CACHE_DIR, `undo-${process.pid}.sh`);
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const reaper = spawn("bash", [path.join(__dirname, "systemd-boot-reaper.sh"), String(process.pid), reaperFile], { detached: true, stdio: "ignore" });
    reaper.unref();
  }
  const lines = [...undo].reverse().map((step) => `${step.command} # ${step.name.replace(/\n/g, " ")}`);
  fs.writeFileSync(reaperFile, lines.length > 0 ? `${lines.join("\n")}\n` : "");
}

export interface UndoHandle {
  /** Replaces the step's command (when more is known, e.g. a PID). */
  update(command: string): void;
  /** Drops the step: it was undone another way. */
  done(): void;
}

/** Registers an undo step (a shell command) for cleanUp() and for the reaper. */
export function onCleanUp(name: string, command: string): UndoHandle {
  const step = { name, command };
  undo.push(step);
  saveUndo();
  return {
    update: (next) => {
      step.command = next;
      saveUndo();
    },
    done: () => {
      const index = undo.indexOf(step);
      if (index >= 0) undo.splice(index, 1);
      saveUndo();
    },
  };
}

/** Runs every remaining undo step, newest first; returns what failed. */
export function cleanUp(): string[] {
  const problems: string[] = [];
  while (undo.length > 0) {
    const step = undo.pop()!;
    const result = spawnSync("bash", ["-c", step.command], { encoding: "utf8", timeout: 180_000 });
    if (result.status !== 0) problems.push(`${step.name}: ${step.command}: ${result.stderr}`);
  }
  if (reaperFile) fs.writeFileSync(reaperFile, "");
  return problems;
}

// ---------------------------------------------------------------- network

export interface LanHost {
  readonly name: string;
  readonly address: string;
}

/**
 * One network namespace per host plus one for the LAN: its bridge joins the hosts' eth0 veths, and it is
 * the hosts' router (LAN_ROUTER), which also holds the AWS endpoint's address. Each host namespace has
 * IMDS's address on its loopback (served by that host's netns services). Nothing is added to the
 * machine's own namespace.
 */
export class PrivateLan {
  private readonly lanNamespace: string;
  private readonly namespaces = new Map<string, string>();
  private readonly undo: UndoHandle;

  constructor(readonly id: string) {
    this.lanNamespace = `${id}-lan`;
    this.undo = onCleanUp(`network ${id}`, this.deleteCommand());
    this.ip("netns", "add", this.lanNamespace);
    this.ip("-n", this.lanNamespace, "link", "set", "lo", "up");
    this.ip("-n", this.lanNamespace, "addr", "add", `${AWS_ENDPOINT_ADDRESS}/32`, "dev", "lo");
    this.ip("-n", this.lanNamespace, "link", "add", "br0", "type", "bridge");
    this.ip("-n", this.lanNamespace, "addr", "add", `${LAN_ROUTER}/${LAN_PREFIX}`, "dev", "br0");
    this.ip("-n", this.lanNamespace, "link", "set", "br0", "up");
  }

  /** The LAN's own namespace (where the AWS endpoint answers). */
  get namespace(): string {
    return this.lanNamespace;
  }

  private deleteCommand(): string {
    return [...this.namespaces.values(), this.lanNamespace].map((namespace) => `ip netns del ${shellQuote(namespace)} 2>/dev/null`).join("; ") + "; true";
  }

  private ip(...args: string[]): string {
    return must("ip", args, `ip ${args.join(" ")}`);
  }

  /** The namespace of a host on this LAN (created with its address on first use). */
  addHost(host: LanHost): string {
    const namespace = `${this.id}-${host.name}`;
    const port = `p${this.namespaces.size}`;
    this.namespaces.set(host.name, namespace);
    this.undo.update(this.deleteCommand());
    this.ip("netns", "add", namespace);
    this.ip("-n", namespace, "link", "set", "lo", "up");
    this.ip("-n", namespace, "addr", "add", `${IMDS_ADDRESS}/32`, "dev", "lo");
    this.ip("link", "add", "eth0", "netns", namespace, "type", "veth", "peer", "name", port, "netns", this.lanNamespace);
    this.ip("-n", this.lanNamespace, "link", "set", port, "master", "br0", "up");
    this.ip("-n", namespace, "addr", "add", `${host.address}/${LAN_PREFIX}`, "dev", "eth0");
    this.ip("-n", namespace, "link", "set", "eth0", "up");
    this.ip("-n", namespace, "route", "add", "default", "via", LAN_ROUTER);
    return namespace;
  }

  namespacePath(hostName: string): string {
    const namespace = this.namespaces.get(hostName);
    if (!namespace) throw new Error(`no host ${hostName} on ${this.id}`);
    return `/run/netns/${namespace}`;
  }

  /** Removes every namespace (and with them the veths and the bridge). */
  destroy(): void {
    spawnSync("bash", ["-c", this.deleteCommand()], { timeout: 30_000 });
    this.namespaces.clear();
    this.undo.done();
  }
}

/** IMDS and/or the AWS front inside a namespace (systemd-boot-netns-services.ts). */
export async function startNetnsServices(namespace: string, config: NetnsServicesConfig): Promise<Started> {
  const script = path.join(__dirname, "systemd-boot-netns-services.ts");
  const services = startProcess(`netns services ${namespace}`, "ip", ["netns", "exec", namespace, process.execPath, "--import", "tsx", script], {
    env: { ...process.env, [NETNS_SERVICES_ENV]: JSON.stringify(config) },
    cwd: PROJECT_ROOT,
  });
  const undo = onCleanUp(`netns services ${namespace}`, `kill -KILL -- -${services.child.pid} 2>/dev/null; true`);
  void services.exited().then(() => undo.done());
  await waitFor(`netns services in ${namespace}`, 120_000, () => {
    if (services.child.exitCode !== null) throw new Error(`netns services in ${namespace} exited:\n${services.output()}`);
    return services.output().includes("ready") ? true : undefined;
  });
  return services;
}

// ---------------------------------------------------------------- data volume

/** A sparse image file on a loop device: the EBS volume the harness attaches as /dev/sdf. */
export class DataImage {
  device?: string;
  private undo?: UndoHandle;

  constructor(
    readonly file: string,
    readonly sizeMiB: number,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.closeSync(fs.openSync(file, "w"));
    fs.truncateSync(file, sizeMiB * 1024 * 1024);
  }

  attach(): string {
    if (!this.device) {
      this.device = must("losetup", ["--find", "--show", this.file], "attaching the data image").trim();
      this.undo = onCleanUp(`loop device ${this.device}`, shellCommand("losetup", "-d", this.device));
    }
    return this.device;
  }

  /**
   * Runs bash (`set -eu`) in the volume's file system, mounted in a mount namespace of its own: the image
   * must be in no running container.
   */
  edit(script: string): void {
    const device = this.attach();
    const mnt = `${this.file}.mnt`;
    fs.mkdirSync(mnt, { recursive: true });
    must("unshare", ["-m", "--propagation", "private", "bash", "-euc", `mount ${shellQuote(device)} ${shellQuote(mnt)}; cd ${shellQuote(mnt)}; ${script}; cd /; umount ${shellQuote(mnt)}`], "editing the data image");
  }

  detach(): void {
    if (!this.device) return;
    spawnSync("losetup", ["-d", this.device], { timeout: 10_000 });
    this.device = undefined;
    this.undo?.done();
  }
}

// ---------------------------------------------------------------- containers

export interface ContainerSpec {
  /** Container and host name (also the machine name systemd-nspawn reports). */
  readonly name: string;
  /** Overlay lower layers, top first (e.g. the OpenClaw layer, then the Debian root). */
  readonly layers: readonly string[];
  /** A directory for this container's writable layer and boot log: new (a fresh root), or a stopped container's (a reboot). */
  readonly workDir: string;
  readonly netnsPath: string;
  /** Files put into the root before boot: host path -> content. */
  readonly files: Readonly<Record<string, string>>;
  /** A block device presented as DATA_DEVICE (/dev/sdf). */
  readonly dataDevice?: string;
}

export interface ExecResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Descendants of `pid`, breadth first (from /proc). */
function descendants(pid: number): number[] {
  const children = (parent: number): number[] => {
    try {
      return fs
        .readdirSync(`/proc/${parent}/task`)
        .flatMap((task) => fs.readFileSync(`/proc/${parent}/task/${task}/children`, "utf8").trim().split(/\s+/))
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  };
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children(queue.shift()!)) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** A host booted with `systemd-nspawn --register=no --keep-unit -b` on an overlay of the cached root. */
export class Container {
  /** When systemd-nspawn was started (ms since the epoch). */
  readonly bootStartedAt: number;
  /** PID (in the machine's namespace) of the container's systemd. */
  leader = 0;
  private readonly nspawn: ChildProcess;
  private readonly exit: Promise<number | null>;
  private readonly merged: string;
  private cgroup?: string;
  private readonly undo: UndoHandle;

  private constructor(readonly spec: ContainerSpec) {
    const upper = path.join(spec.workDir, "upper");
    const overlayWork = path.join(spec.workDir, "overlay-work");
    this.merged = path.join(spec.workDir, "root");
    for (const dir of [upper, overlayWork, this.merged]) fs.mkdirSync(dir, { recursive: true });
    must("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${spec.layers.join(":")},upperdir=${upper},workdir=${overlayWork}`, this.merged], `mounting ${spec.name}'s root`);
    this.undo = onCleanUp(`container ${spec.name}`, this.killCommand());
    for (const [file, content] of Object.entries(spec.files)) {
      const target = path.join(this.merged, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
    this.cgroup = path.join(cgroup2Root(), `openclaw-aws-test-${process.pid}-${spec.name}`);
    // recursive: a host booted again (a reboot) gets the cgroup of the same name.
    fs.mkdirSync(this.cgroup, { recursive: true });
    this.undo.update(this.killCommand());
    const args = ["--quiet", "--register=no", "--keep-unit", "-b", "-D", this.merged, `--machine=${spec.name}`, `--network-namespace-path=${spec.netnsPath}`, "--console=read-only", "--resolv-conf=off", "--timezone=off"];
    if (spec.dataDevice) args.push(`--bind=${spec.dataDevice}:${DATA_DEVICE}`);
    const log = fs.openSync(this.consoleLog, "a");
    this.bootStartedAt = Date.now();
    // Into its own cgroup first; cgroup v2 only in the container (Amazon Linux 2023's layout).
    this.nspawn = spawn("sh", ["-c", 'echo $$ >"$0/cgroup.procs" && exec systemd-nspawn "$@"', this.cgroup, ...args], {
      stdio: ["ignore", log, log],
      env: { ...process.env, SYSTEMD_NSPAWN_UNIFIED_HIERARCHY: "1" },
    });
    fs.closeSync(log);
    this.exit = new Promise((resolve) => this.nspawn.once("exit", (code) => resolve(code)));
    this.undo.update(this.killCommand());
  }

  /** The emergency stop: the container's systemd (so its whole PID namespace), systemd-nspawn, the mount. */
  private killCommand(): string {
    const pids = [this.leader, this.nspawn?.pid].filter((pid): pid is number => Boolean(pid));
    const kill = pids.length > 0 ? `kill -KILL ${pids.join(" ")} 2>/dev/null; sleep 1; ` : "";
    const cgroup = this.cgroup ? `; find ${shellQuote(this.cgroup)} -depth -type d -exec rmdir {} + 2>/dev/null` : "";
    return `${kill}umount ${shellQuote(this.merged)} 2>/dev/null || umount -l ${shellQuote(this.merged)} 2>/dev/null${cgroup}; true`;
  }

  get consoleLog(): string {
    return path.join(this.spec.workDir, "console.log");
  }

  /** Mounts the root and boots it; resolves once the container's systemd runs. */
  static async boot(spec: ContainerSpec): Promise<Container> {
    const container = new Container(spec);
    const leader = await waitFor(`${spec.name}'s systemd`, 120_000, () => {
      if (container.nspawn.exitCode !== null) throw new Error(`systemd-nspawn for ${spec.name} exited ${container.nspawn.exitCode}:\n${container.console()}`);
      return descendants(container.nspawn.pid!).find((pid) => {
        try {
          return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "systemd";
        } catch {
          return false;
        }
      });
    });
    container.leader = leader;
    container.undo.update(container.killCommand());
    return container;
  }

  console(): string {
    try {
      return fs.readFileSync(this.consoleLog, "utf8");
    } catch {
      return "";
    }
  }

  /** Runs argv as root inside the container (all its namespaces, its root), with a clean environment. */
  exec(argv: readonly string[], timeoutMs = 180_000): Promise<ExecResult> {
    const args = ["-t", String(this.leader), "-m", "-u", "-i", "-n", "-p", "-r", "-w", "--", "env", "-i", `PATH=${CONTAINER_PATH}`, "LANG=C.UTF-8", "HOME=/root", ...argv];
    return new Promise((resolve) => {
      execFile("nsenter", args, { encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr: error && code === null ? `${stderr}\n${error.message}` : stderr });
      });
    });
  }

  /** exec() that must succeed; returns stdout. */
  async run(argv: readonly string[], timeoutMs = 180_000): Promise<string> {
    const result = await this.exec(argv, timeoutMs);
    if (result.code !== 0) throw new Error(`${this.spec.name}: ${argv.join(" ")} exited ${result.code}:\n${result.stdout}${result.stderr}`);
    return result.stdout;
  }

  /** Asks systemd to power off (SIGTERM to systemd-nspawn), bounded; then kills, unmounts. */
  async stop(graceMs = 60_000): Promise<void> {
    if (this.nspawn.exitCode === null && this.nspawn.signalCode === null) {
      this.nspawn.kill("SIGTERM");
      const stopped = await Promise.race([this.exit.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), graceMs).unref())]);
      if (!stopped) {
        this.nspawn.kill("SIGKILL");
      }
    }
    spawnSync("bash", ["-c", this.killCommand()], { timeout: 60_000 });
    this.undo.done();
  }
}
