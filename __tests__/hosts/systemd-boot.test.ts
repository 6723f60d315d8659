/**
 * The hosts' rendered user data booted on real systemd (issue 9, "A host boot on real systemd"): the
 * gateway and one node, each in its own systemd-nspawn container on a private LAN, cloud-init (NoCloud)
 * running the boot scripts, moto as the AWS API, an IMDSv2 endpoint per container. It shows cloud-init
 * finishes, the units run under their real sandbox, the gateway answers /healthz (inside its container
 * and from the node's over the LAN), the node pairs and connects, the gateway runs a command on it, and
 * after a token rotation the node reconnects with its device token; it prints boot-to-healthy and
 * boot-to-paired. What differs from EC2 is listed in systemd-boot-harness.ts. With the Bedrock plugin
 * fixture, the gateway runs the real Bedrock provider plugin from its first boot, and a phase of its own
 * (systemd-boot-bedrock.ts) shows it answering verify's agent turn through a Bedrock stand-in.
 * Skipped, loudly, only where systemd-nspawn cannot run (not root, not installed).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import type * as net from "node:net";
import * as path from "node:path";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient, GetParameterCommand } from "@aws-sdk/client-ssm";
import { startMoto, stopMoto, type Moto } from "../../scripts/lib/moto";
import { deploymentHosts } from "../../src/config/hosts";
import { validateConfig } from "../../src/config/load";
import { deploymentNames } from "../../src/config/names";
import { HOST_LAYOUT } from "../../src/host/layout";
import { changes, payloadTraces, plantTricks, snapshot, wrapperAtRootTerminal } from "./attacker";
import { stopProcess, tempDir, toolchain, waitFor, type Started } from "./helpers";
import { BEDROCK_PHASE_CONFIG, bedrockPhaseSkipReason, describeBedrockPhase, startBedrockPhase, type BedrockPhase } from "./systemd-boot-bedrock";
import { roleCredentials } from "./systemd-boot-netns-services";
import {
  AWS_ENDPOINT_ADDRESS,
  Container,
  DATA_DEVICE,
  DataImage,
  PrivateLan,
  assignAddresses,
  bridgeToMoto,
  cleanUp,
  containerRoot,
  makeTestCa,
  nspawnUnavailable,
  onCleanUp,
  openclawLayer,
  hostFilesLayer,
  renderHosts,
  startNetnsServices,
  type RenderedHostDir,
  type TestCa,
  type UndoHandle,
} from "./systemd-boot-harness";

jest.setTimeout(30 * 60_000);

/** Where the containers find the test CA the AWS endpoint's certificate is signed by. */
const TEST_CA_IN_CONTAINER = "/etc/openclaw-aws-test/aws-ca.pem";
/** Addresses on the private LAN (the default config's public subnet) and the Elastic IP stand-in. */
const GATEWAY_ADDRESS = "10.0.1.10";
const NODE_ADDRESS = "10.0.1.20";
const ELASTIC_IP = "198.51.100.10"; // TEST-NET-2: only a name in the certificate, never contacted
/** Bounds: cloud-init on both hosts, and the node's pairing after that. */
const BOOT_TIMEOUT_MS = 12 * 60_000;
const PAIRING_TIMEOUT_MS = 6 * 60_000;

const skipReason = nspawnUnavailable();

/** The service user's uid on the instance that wrote an earlier-layout volume (useradd's pick there). */
const EARLIER_UID = 990;
/**
 * A volume of this version (what the service user planted in its state folder too), put back into the
 * layout that data-volume.sh, gateway-cert.sh and boot-gateway.sh left before issue 17: the volume's root
 * is the state dir, all of it the service user's (its uid on that instance), but aws/tls (root's folder
 * and certificate; the key the service user's).
 */
const EARLIER_LAYOUT = [
  // Run as root on this machine: refuse to follow a link the service user planted where it moves files.
  'for dir in openclaw/aws openclaw/aws/tls; do if [ -L "$dir" ]; then echo "refusing: $dir is a link" >&2; exit 1; fi; done',
  "shopt -s dotglob",
  "mv openclaw/* . && rmdir openclaw",
  "mkdir -p aws/tls && mv tls/gateway.key tls/gateway.crt aws/tls/ && rmdir tls",
  "mv openclaw.applied.json aws/",
  `chown -R ${EARLIER_UID}:${EARLIER_UID} . && chown root:root aws/tls aws/tls/gateway.crt`,
  "chmod 0600 aws/tls/gateway.key && chmod 0644 aws/tls/gateway.crt && chmod 0755 aws/tls && chmod 0750 .",
].join("; ");

/**
 * A root path as AWS runs it (channels_apply_command through the SSM agent, a systemd service): with
 * systemd's DefaultEnvironment, which here names the test CA of the AWS endpoint (containerFiles).
 * Container.exec starts from an empty environment.
 */
function asRootPath(argv: readonly string[]): string[] {
  return ["env", `AWS_CA_BUNDLE=${TEST_CA_IN_CONTAINER}`, ...argv];
}

/** A host's place on the LAN. */
interface LanPlace {
  readonly rendered: RenderedHostDir;
  readonly address: string;
  readonly namespace: string;
}

/** One instance booted at a place: its IMDS + AWS endpoint services and its container. */
interface BootedHost extends LanPlace {
  readonly instanceId: string;
  readonly services: Started;
  readonly container: Container;
}

/** What the gateway's node.list (`openclaw nodes status --json`) says about a node. */
interface NodeStatus {
  displayName?: string;
  nodeId?: string;
  paired?: boolean;
  connected?: boolean;
}

if (skipReason) {
  console.warn(`\n*** systemd-boot test SKIPPED: ${skipReason} ***\n`);
  test.skip(`boots the hosts on real systemd (skipped: ${skipReason})`, () => undefined);
} else {
  describe("the rendered hosts on real systemd (systemd-nspawn, cloud-init NoCloud, moto)", () => {
    const region = "us-east-1";
    let work: string;
    let moto: Moto | undefined;
    let motoUndo: UndoHandle | undefined;
    let bridge: net.Server | undefined;
    let ssm: SSMClient;
    let cloudwatch: CloudWatchClient;
    let ca: TestCa;
    /** Each role's overlay layers, top first: the gateway's downloaded scripts, OpenClaw, the Debian root. */
    let layers: Record<RenderedHostDir["role"], string[]>;
    let lan: PrivateLan;
    let awsEndpoint: Started | undefined;
    let dataImage: DataImage;
    let nodeDataImage: DataImage;
    /** Every instance booted, for afterAll. */
    const booted: BootedHost[] = [];
    let gateway: BootedHost;
    let node: BootedHost;
    let healthyAt: Promise<number>;
    let pairedAt: Promise<NodeStatus & { at: number }>;
    let bedrock: BedrockPhase | undefined;

    /** The files a container gets besides the cached root: seed, names, the AWS endpoint's trust. */
    function containerFiles(host: RenderedHostDir, instanceId: string): Record<string, string> {
      const userData = assignAddresses(host.userData, { gatewayPrivateAddress: GATEWAY_ADDRESS, gatewayPublicAddress: ELASTIC_IP });
      const serviceNames = ["ssm", "sts", "ec2", "logs", "monitoring", "secretsmanager", "kms", "bedrock-runtime"].map((service) => `${service}.${region}.amazonaws.com`);
      // The test CA for the AWS CLI and for Node (the AWS SDK for JavaScript ignores AWS_CA_BUNDLE); the test's npm registry.
      const environment = [`AWS_CA_BUNDLE=${TEST_CA_IN_CONTAINER}`, `NODE_EXTRA_CA_CERTS=${TEST_CA_IN_CONTAINER}`, ...(bedrock?.environment ?? [])];
      return {
        "/var/lib/cloud/seed/nocloud/user-data": userData,
        "/var/lib/cloud/seed/nocloud/meta-data": `instance-id: ${instanceId}\nlocal-hostname: ${host.hostName}\n`,
        "/etc/hostname": `${host.hostName}\n`,
        "/etc/hosts": `127.0.0.1 localhost\n::1 localhost\n127.0.1.1 ${host.hostName}\n${AWS_ENDPOINT_ADDRESS} ${serviceNames.join(" ")}\n`,
        [TEST_CA_IN_CONTAINER]: fs.readFileSync(ca.caFile, "utf8"),
        "/etc/systemd/system.conf.d/90-openclaw-aws-test.conf": `[Manager]\nDefaultEnvironment=${environment.join(" ")}\n`,
      };
    }

    /** Starts a new instance (its own IMDS facts, a fresh root) at `place`; `name` names its work dir. */
    async function bootInstance(place: LanPlace, name: string, dataDevice?: string): Promise<BootedHost> {
      const instanceId = `i-0${crypto.randomBytes(8).toString("hex")}`;
      const credentials = roleCredentials();
      bedrock?.standIn.trust(credentials);
      const services = await startNetnsServices(place.namespace, {
        imds: { instanceId, localIpv4: place.address, region, availabilityZone: `${region}a`, role: `${place.rendered.hostName}-role`, credentials },
      });
      const container = await Container.boot({
        name: place.rendered.hostName,
        layers: layers[place.rendered.role],
        workDir: path.join(work, name),
        netnsPath: `/run/netns/${place.namespace}`,
        files: containerFiles(place.rendered, instanceId),
        dataDevice,
      });
      const host = { ...place, instanceId, services, container };
      booted.push(host);
      return host;
    }

    function place(rendered: RenderedHostDir, address: string): LanPlace {
      return { rendered, address, namespace: lan.addHost({ name: rendered.hostName, address }) };
    }

    /** The nodes connected to the gateway, through the `openclaw` wrapper: node.list, as the gateway's watch timer asks it. */
    async function gatewayNodes(): Promise<NodeStatus[]> {
      const result = await gateway.container.exec(["/usr/local/bin/openclaw", "gateway", "call", "node.list", "--json"], 60_000);
      if (result.code !== 0) return [];
      return ((JSON.parse(result.stdout) as { nodes?: NodeStatus[] }).nodes ?? []).filter((n) => n.connected);
    }

    /** The invocation ids of the node's units: a unit started again (and so `openclaw connect` run again) gets a new one. */
    const nodeUnitRuns = (units = ["openclaw-node-pairing.service", "openclaw-node.service"]) =>
      node.container.run(["systemctl", "show", "-p", "InvocationID", "--value", ...units]);

    /** The node as the gateway lists it, once it is paired and connected again. */
    async function nodeConnected(): Promise<NodeStatus | undefined> {
      return (await gatewayNodes()).find((n) => n.displayName === node.rendered.hostName && n.paired && n.connected);
    }

    /** nodeConnected(), while the node's service is also running. */
    async function nodeRunningAndConnected(): Promise<NodeStatus | undefined> {
      if ((await node.container.exec(["systemctl", "is-active", "--quiet", "openclaw-node.service"], 10_000)).code !== 0) return undefined;
      return nodeConnected();
    }

    /** The highest value the watch timer published for a host's metric in the last ten minutes. */
    async function highestMetric(metric: string, host: string): Promise<number | undefined> {
      const now = Date.now();
      const { Datapoints } = await cloudwatch.send(
        new GetMetricStatisticsCommand({
          Namespace: gateway.rendered.env.OPENCLAW_AWS_METRICS_NAMESPACE,
          MetricName: metric,
          Dimensions: [{ Name: "Host", Value: host }],
          Statistics: ["Maximum"],
          Period: 600,
          StartTime: new Date(now - 600_000),
          EndTime: new Date(now + 60_000),
        }),
      );
      return Math.max(...(Datapoints ?? []).map((point) => point.Maximum!));
    }

    async function ssmValue(name: string): Promise<string | undefined> {
      return (await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter?.Value;
    }

    /** Whether a parameter exists (a join code exists only while the gateway has one outstanding). */
    async function ssmExists(name: string): Promise<boolean> {
      try {
        await ssm.send(new GetParameterCommand({ Name: name }));
        return true;
      } catch (error) {
        if ((error as Error).name === "ParameterNotFound") return false;
        throw error;
      }
    }

    /** The journal of a container's units, for the failure message. */
    async function diagnostics(host: BootedHost): Promise<string> {
      const result = await host.container.exec(["sh", "-c", "systemctl --failed --no-pager; tail -n 60 /var/log/cloud-init-output.log; journalctl -n 60 --no-pager -u 'openclaw*'"], 30_000);
      return `--- ${host.rendered.hostName}\n${result.stdout}${result.stderr}`;
    }

    beforeAll(async () => {
      work = tempDir("systemd-boot");
      const started = Date.now();
      const tc = toolchain();
      const root = containerRoot();
      // The default configuration (gateway + one node, TLS on 443), whatever openclaw.config.json says,
      // with a guardrail for the Bedrock phase. Without the plugin fixture, without the Bedrock model: its
      // provider plugin is not on the npm registry reachable here, and OpenClaw refuses to start without it.
      const rawConfig = bedrockPhaseSkipReason ? { iam: { bedrock: false, marketplace: false } } : BEDROCK_PHASE_CONFIG;
      fs.writeFileSync(path.join(work, "config.json"), `${JSON.stringify(rawConfig)}\n`);
      const rendered = renderHosts(path.join(work, "rendered"), path.join(work, "config.json"));
      const gatewayRendered = rendered.find((host) => host.role === "gateway")!;
      const nodeRendered = rendered.find((host) => host.role === "node")!;
      expect(gatewayRendered.env.AWS_DEFAULT_REGION).toBe(region);
      const shared = [openclawLayer(gatewayRendered.env, tc), root];
      layers = { gateway: [hostFilesLayer(gatewayRendered, path.join(work, "gateway-host-files"))!, ...shared], node: shared };
      process.stdout.write(`systemd-boot: root, OpenClaw layer and rendering ready after ${Math.round((Date.now() - started) / 1000)} s\n`);

      // AWS: moto on loopback, reached from the namespaces through a unix socket.
      moto = await startMoto({ logFile: path.join(work, "moto.log") });
      motoUndo = onCleanUp("moto", `kill -TERM -- -${moto.pid} 2>/dev/null; true`);
      bridge = await bridgeToMoto(path.join(work, "aws.sock"), moto.port);
      ssm = new SSMClient({ endpoint: moto.endpoint, region, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
      cloudwatch = new CloudWatchClient({ endpoint: moto.endpoint, region, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
      // What Terraform creates: the stack's key and its alias, the token's secret without a value
      // (src/constructs/secrets.ts), and the shared parameters with the placeholder (shared-parameters.ts).
      const env = gatewayRendered.env;
      const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
      const kms = new KMSClient({ endpoint: moto.endpoint, region, credentials });
      const key = await kms.send(new CreateKeyCommand({ Description: "the stack's key" }));
      await kms.send(new CreateAliasCommand({ AliasName: env.OPENCLAW_AWS_KMS_KEY, TargetKeyId: key.KeyMetadata!.KeyId }));
      const secrets = new SecretsManagerClient({ endpoint: moto.endpoint, region, credentials });
      await secrets.send(new CreateSecretCommand({ Name: env.OPENCLAW_AWS_GATEWAY_TOKEN_SECRET, KmsKeyId: env.OPENCLAW_AWS_KMS_KEY }));
      const parameters: [string, "String" | "SecureString"][] = [];
      if (env.OPENCLAW_AWS_GATEWAY_TLS === "true") {
        parameters.push([env.OPENCLAW_AWS_PARAM_GATEWAY_TLS_FINGERPRINT, "String"], [env.OPENCLAW_AWS_PARAM_GATEWAY_TLS_CERTIFICATE, "String"]);
      }
      for (const [name, type] of parameters) {
        await ssm.send(new PutParameterCommand({ Name: name, Type: type, Value: env.OPENCLAW_AWS_PLACEHOLDER }));
      }
      // Each node's entry in the node list, as its NodeHost construct creates it (no join code: the gateway makes those).
      const config = validateConfig(rawConfig, "config.json");
      const [listed] = deploymentHosts(config, deploymentNames(config)).nodes;
      expect(listed.pairingParameter).toBe(nodeRendered.env.OPENCLAW_AWS_PARAM_NODE_PAIRING);
      await ssm.send(new PutParameterCommand({ Name: listed.listParameter, Type: "String", Value: JSON.stringify(listed.listEntry) }));

      if (!bedrockPhaseSkipReason) bedrock = await startBedrockPhase(work, region, validateConfig(rawConfig, "config.json").openclaw.model as string);
      ca = makeTestCa(path.join(work, "ca"), region);
      lan = new PrivateLan(`oc${process.pid}`);
      awsEndpoint = await startNetnsServices(lan.namespace, {
        aws: { address: AWS_ENDPOINT_ADDRESS, certFile: ca.certFile, keyFile: ca.keyFile, socket: path.join(work, "aws.sock"), routes: bedrock?.routes },
        relays: bedrock?.relays,
      });
      dataImage = new DataImage(path.join(work, "gateway-data.img"), 1024);
      nodeDataImage = new DataImage(path.join(work, "node-data.img"), 512);
      [gateway, node] = await Promise.all([
        bootInstance(place(gatewayRendered, GATEWAY_ADDRESS), "gateway-1", dataImage.attach()),
        bootInstance(place(nodeRendered, NODE_ADDRESS), "node-1", nodeDataImage.attach()),
      ]);

      // Measured from the moment systemd-nspawn started each container.
      const health = ["curl", "-fsS", "-m", "5", "--cacert", "/var/lib/openclaw-aws/tls/gateway.crt", `https://${GATEWAY_ADDRESS}:${env.OPENCLAW_AWS_GATEWAY_PORT}/healthz`];
      healthyAt = waitFor("the gateway's /healthz", BOOT_TIMEOUT_MS, async () => ((await gateway.container.exec(health, 10_000)).code === 0 ? Date.now() : undefined), 1000);
      pairedAt = waitFor("the node to be paired and connected", BOOT_TIMEOUT_MS + PAIRING_TIMEOUT_MS, async () => {
        const found = await nodeRunningAndConnected();
        return found ? { ...found, at: Date.now() } : undefined;
      }, 3000);
      // Settled here so that a failure shows in the tests that need them, not as an unhandled rejection.
      healthyAt.catch(() => undefined);
      pairedAt.catch(() => undefined);
    });

    afterAll(async () => {
      const problems: string[] = [];
      for (const host of booted.reverse()) {
        await host.container.stop().catch((error: Error) => problems.push(error.message));
        await stopProcess(host.services, 5_000);
      }
      if (awsEndpoint) await stopProcess(awsEndpoint, 5_000);
      bridge?.close();
      await bedrock?.close();
      if (moto) await stopMoto(moto.pid);
      motoUndo?.done();
      problems.push(...cleanUp());
      expect(problems).toEqual([]);
    });

    /** Waits (bounded) for cloud-init's result and expects no errors in it. */
    async function expectCloudInitDone(host: BootedHost): Promise<void> {
      const result = await waitFor(`cloud-init on ${host.rendered.hostName}`, BOOT_TIMEOUT_MS, async () => {
        const read = await host.container.exec(["cat", "/run/cloud-init/result.json"], 10_000);
        return read.code === 0 ? (JSON.parse(read.stdout) as { v1: { errors: string[] } }) : undefined;
      }, 3000);
      const message = result.v1.errors.length > 0 ? await diagnostics(host) : "";
      expect({ host: host.rendered.hostName, errors: result.v1.errors, message }).toEqual({ host: host.rendered.hostName, errors: [], message: "" });
      expect(await host.container.run(["cloud-init", "status", "--long"])).toMatch(/status: done/);
    }

    test("cloud-init finishes without errors on both hosts", async () => {
      for (const host of [gateway, node]) {
        await expectCloudInitDone(host);
        // The boot script ran to its end (runcmd), and the dnf shim and the agent stub saw what AL2023 would get.
        const bootLog = await host.container.run(["cat", "/var/log/openclaw-boot.log"]);
        expect(bootLog).toMatch(new RegExp(`boot of ${host.rendered.role} ${host.rendered.hostName} finished`));
        expect(bootLog).toMatch(/dnf \(test shim\): already installed: -y -q openssl jq tar gzip rsyslog amazon-cloudwatch-agent/);
        expect(bootLog).toMatch(/Node\.js \S+ already installed/);
        expect(bootLog).toMatch(/openclaw@\S+ \(lock [0-9a-f]+\) already installed/);
        expect(await host.container.run(["cat", "/var/log/amazon-cloudwatch-agent-ctl.calls"])).toMatch(/^-a fetch-config -m ec2 -c file:\/etc\/openclaw-aws\/amazon-cloudwatch-agent\.json -s$/m);
      }
    });

    test("the units run under their sandbox, as the service user, and no unit failed", async () => {
      const checks: [BootedHost, string[]][] = [
        [gateway, ["openclaw-gateway.service", "openclaw-gateway-watch.timer", "rsyslog.service"]],
        [node, ["openclaw-node.service", "rsyslog.service"]],
      ];
      for (const [host, units] of checks) {
        for (const unit of units) {
          const state = await host.container.exec(["systemctl", "is-active", unit]);
          expect(`${unit}: ${state.stdout.trim()}`).toBe(`${unit}: active`);
        }
        const failed = await host.container.run(["systemctl", "list-units", "--failed", "--plain", "--no-legend", "--no-pager"]);
        expect(failed.trim() === "" ? "" : `${failed}\n${await diagnostics(host)}`).toBe("");
        const service = units[0];
        // Every ${VAR} the host's openclaw.json names is in its unit's environment.
        expect(await host.container.run(["journalctl", "--no-pager", "-o", "cat", "-u", service])).not.toMatch(/Missing env var/);
        const pid = (await host.container.run(["systemctl", "show", "-P", "MainPID", service])).trim();
        expect(Number(pid)).toBeGreaterThan(0);
        expect((await host.container.run(["ps", "-o", "user=", "-p", pid])).trim()).toBe("openclaw");
        // The sandbox is in force for that process: no new privileges, /usr read-only (ProtectSystem=:
        // "strict" makes all of / read-only, "full" mounts /usr read-only on its own).
        expect(await host.container.run(["grep", "^NoNewPrivs:", `/proc/${pid}/status`])).toMatch(/NoNewPrivs:\s+1/);
        const mounts = await host.container.run(["cat", `/proc/${pid}/mountinfo`]);
        expect(mounts).toMatch(/^\S+ \S+ \S+ \S+ \/(usr)? ro\b/m);
        // Node.js's compile cache: the service user's, in a folder of root's, and in use (OpenClaw's code compiled).
        expect(await host.container.run(["stat", "-c", "%n %U:%G %a", "/var/cache", HOST_LAYOUT.compileCacheDir])).toBe(`/var/cache root:root 755\n${HOST_LAYOUT.compileCacheDir} openclaw:openclaw 700\n`);
        expect(Number(await host.container.run(["bash", "-c", `find ${HOST_LAYOUT.compileCacheDir} -type f | wc -l`]))).toBeGreaterThan(0);
      }
    });

    test("the gateway answers /healthz inside its container and from the node over the private LAN", async () => {
      const at = await healthyAt;
      const port = gateway.rendered.env.OPENCLAW_AWS_GATEWAY_PORT;
      const inside = await gateway.container.run(["curl", "-fsS", "-m", "10", "--cacert", "/var/lib/openclaw-aws/tls/gateway.crt", `https://${GATEWAY_ADDRESS}:${port}/healthz`]);
      expect(JSON.parse(inside)).toMatchObject({ ok: true });
      // The node trusts the certificate the gateway published in SSM (node-trust.sh keeps a copy, root's).
      await waitFor("the gateway certificate on the node", PAIRING_TIMEOUT_MS, async () => ((await node.container.exec(["test", "-s", "/etc/openclaw-aws/gateway.crt"])).code === 0 ? true : undefined), 2000);
      const fromNode = await node.container.run(["curl", "-fsS", "-m", "10", "--cacert", "/etc/openclaw-aws/gateway.crt", `https://${GATEWAY_ADDRESS}:${port}/healthz`]);
      expect(JSON.parse(fromNode)).toMatchObject({ ok: true });
      process.stdout.write(`systemd-boot: gateway boot-to-healthy ${((at - gateway.container.bootStartedAt) / 1000).toFixed(1)} s\n`);
    });

    test("the node pairs through SSM and connects; the gateway withdraws the used join code", async () => {
      const paired = await pairedAt;
      expect(paired).toMatchObject({ displayName: node.rendered.hostName, paired: true, connected: true });
      process.stdout.write(
        `systemd-boot: node boot-to-paired ${((paired.at - node.container.bootStartedAt) / 1000).toFixed(1)} s ` +
          `(gateway boot to node paired: ${((paired.at - gateway.container.bootStartedAt) / 1000).toFixed(1)} s)\n`,
      );
      const pairing = node.rendered.env.OPENCLAW_AWS_PARAM_NODE_PAIRING;
      await waitFor("the join code to be withdrawn", 3 * 60_000, async () => ((await ssmExists(pairing)) ? undefined : true), 5000);
    });

    test("the gateway runs a command on the node (system.which)", async () => {
      await pairedAt;
      const invoke = await gateway.container.exec(
        ["/usr/local/bin/openclaw", "nodes", "invoke", "--node", node.rendered.hostName, "--command", "system.which", "--params", '{"bins":["uname"]}', "--json"],
        60_000,
      );
      expect(invoke.code === 0 ? "" : `${invoke.stdout}${invoke.stderr}`).toBe("");
      const result = JSON.parse(invoke.stdout) as { ok: boolean; payload: { bins: Record<string, string> } };
      expect(result.ok).toBe(true);
      expect(result.payload.bins.uname).toMatch(/\/uname$/);
    });

    test(`each host formats its blank data volume (${DATA_DEVICE}) once and runs on it, mounted by UUID, its state folder bound at the state dir`, async () => {
      await pairedAt;
      for (const [host, image] of [[gateway, dataImage], [node, nodeDataImage]] as const) {
        const size = await host.container.run(["blockdev", "--getsize64", DATA_DEVICE]);
        expect(Number(size)).toBe(image.sizeMiB * 1024 * 1024);
        const bootLog = await host.container.run(["cat", "/var/log/openclaw-boot.log"]);
        expect(bootLog.match(/is blank: formatting it/g)).toHaveLength(1);
        const uuid = (await host.container.run(["blkid", "-p", "-s", "UUID", "-o", "value", DATA_DEVICE])).trim();
        const fstab = await host.container.run(["cat", "/etc/fstab"]);
        expect(fstab).toContain(`UUID=${uuid} /var/lib/openclaw-aws ext4 defaults,noatime,nofail 0 2`);
        expect(fstab).toContain("/var/lib/openclaw-aws/openclaw /var/lib/openclaw none bind,nofail,x-systemd.requires-mounts-for=/var/lib/openclaw-aws 0 0");
        expect((await host.container.run(["findmnt", "-n", "-o", "SOURCE,TARGET", "/var/lib/openclaw"])).trim()).toMatch(/\[\/openclaw\] \/var\/lib\/openclaw$/);
        // The volume's root is root's, its state folder the service user's (fixed uid).
        // 0750 as the boot makes it; OpenClaw tightens its state dir to 0700 once it runs a command that writes there.
        expect(await host.container.run(["stat", "-c", "%n %U:%G %a", "/var/lib/openclaw-aws", "/var/lib/openclaw"])).toMatch(/^\/var\/lib\/openclaw-aws root:root 755\n\/var\/lib\/openclaw openclaw:openclaw 7[05]0\n$/);
        // The state OpenClaw writes is on it (the gateway's live config, the node's pairing), and root's TLS key beside it.
        const onVolume = host === gateway ? ["/var/lib/openclaw-aws/tls/gateway.key", "/var/lib/openclaw/openclaw.json"] : ["/var/lib/openclaw/aws/joined-fingerprint"];
        // Mounted by UUID, it is the one device that carries it: the volume attached as DATA_DEVICE.
        // A file under the bound state folder shows the folder too: "/dev/sdf[/openclaw]".
        const sourceOf = (file: string) => (file.startsWith("/var/lib/openclaw/") ? `${DATA_DEVICE}[/openclaw]` : DATA_DEVICE);
        for (const file of onVolume) expect([file, (await host.container.run(["findmnt", "-n", "-o", "SOURCE", "-T", file])).trim()]).toEqual([file, sourceOf(file)]);
      }
    });

    describeBedrockPhase(() => ({ gateway, phase: bedrock, healthy: healthyAt }));

    test("the gateway's watch timer publishes the node connected and itself healthy", async () => {
      // Once a minute; a round publishes what the round before learned of the node's device.
      await waitFor("the watch timer to publish the node connected", 3 * 60_000, async () => ((await highestMetric("NodeConnected", node.rendered.hostName)) === 1 ? true : undefined), 5000);
      expect(await highestMetric("GatewayHealthy", gateway.rendered.env.OPENCLAW_AWS_HOST_NAME)).toBe(1);
    });

    /** Root's view of each host before the attacker planted anything (attacker.ts snapshot). */
    const beforeAttack = new Map<BootedHost, Map<string, string>>();

    /**
     * Issue 17: the service user (OpenClaw's agent) as an attacker on both hosts. It plants every trick of
     * attacker.ts; then every root path runs: on the gateway the boot again (channels_apply_command), the
     * token rotation, the watch timer's round and `sudo openclaw` at a root terminal; on the node the
     * boot again, `sudo openclaw` at a root terminal, and its units restarted (node-trust.sh, root's step
     * before the node). It passes only if no payload ran as root and nothing outside the state dir changed
     * owner, mode or content. The replaced gateway below then boots on the planted volume.
     */
    describe("the service user as an attacker (issue 17)", () => {
      test("plants every trick as the service user", async () => {
        for (const host of [gateway, node]) {
          beforeAttack.set(host, await snapshot(host.container));
          const planted = await plantTricks(host.container, host.rendered.role);
          process.stdout.write(`systemd-boot: attacker on ${host.rendered.hostName}: ${JSON.stringify(planted)}\n`);
          // Every trick is in place but the hard links to root's files: fs.protected_hardlinks refuses them, or
          // they would cross from the bind-mounted state folder to another mount.
          for (const [trick, outcome] of Object.entries(planted)) {
            const refused = trick.startsWith("hardlink-");
            const shown = refused ? outcome.replace(/^refused: .*(Operation not permitted|Invalid cross-device link)$/, "refused") : outcome;
            expect([trick, shown]).toEqual([trick, refused ? "refused" : "planted"]);
          }
        }
      });

      test("the gateway's root paths: the boot again, the token rotation, the watch timer's round, sudo openclaw at a root terminal; the node reconnects with its device token", async () => {
        const nodeBefore = { device: (await nodeConnected())?.nodeId, unitRuns: await nodeUnitRuns() };
        expect(nodeBefore.device).toBeTruthy();
        for (const step of [`${gateway.rendered.env.OPENCLAW_AWS_LIB_DIR}/boot-gateway.sh`, `${gateway.rendered.env.OPENCLAW_AWS_LIB_DIR}/gateway-rotate-token.sh`]) {
          const ran = await gateway.container.exec(asRootPath([step]), 15 * 60_000);
          expect({ step, code: ran.code, tail: ran.code === 0 ? "" : `${ran.stdout}${ran.stderr}`.slice(-3000) }).toEqual({ step, code: 0, tail: "" });
        }
        const round = await gateway.container.exec(["systemctl", "start", "openclaw-gateway-watch.service"], 10 * 60_000);
        expect(round.code === 0 ? "" : `${round.stdout}${round.stderr}${await diagnostics(gateway)}`).toBe("");
        // Whatever the agent pushed into a terminal stayed in runuser's own: the root shell read nothing.
        expect(await wrapperAtRootTerminal(gateway.container, "nodes status --json")).not.toMatch(/ROOT READ/);
        // The gateway restarted with a new token: the node is back as the same device, and neither of its
        // units ran again (so no `openclaw connect`, no join code used).
        const back = await waitFor("the node to reconnect after the token rotation", PAIRING_TIMEOUT_MS, nodeConnected, 5000);
        expect(back.nodeId).toBe(nodeBefore.device);
        expect(await nodeUnitRuns()).toBe(nodeBefore.unitRuns);
      });

      test("the node's root paths: the boot again, sudo openclaw at a root terminal, the node's units restarted", async () => {
        const ran = await node.container.exec(asRootPath([`${node.rendered.env.OPENCLAW_AWS_LIB_DIR}/boot-node.sh`]), 15 * 60_000);
        expect(ran.code === 0 ? "" : `${ran.stdout}${ran.stderr}`.slice(-3000)).toBe("");
        expect(await wrapperAtRootTerminal(node.container, "config validate")).not.toMatch(/ROOT READ/);
        // What a reboot runs as root before the node (node-trust.sh, the pairing unit's ExecStartPre=+), without
        // the reboot itself: a container has no udev, so systemd cannot mount the volume by UUID from fstab
        // (on EC2 udev names it; docs/security.md says so).
        const restarted = await node.container.exec(["systemctl", "restart", "openclaw-node-pairing.service", "openclaw-node.service"], 10 * 60_000);
        expect(restarted.code === 0 ? "" : `${restarted.stdout}${restarted.stderr}${await diagnostics(node)}`).toBe("");
        // The pairing unit ran again and found the node paired: no join code needed.
        const pairingRun = (await nodeUnitRuns(["openclaw-node-pairing.service"])).trim();
        expect(await node.container.run(["journalctl", "--no-pager", "-o", "cat", `_SYSTEMD_INVOCATION_ID=${pairingRun}`])).toMatch(/already paired with this gateway/);
        await waitFor("the node to reconnect after its units restarted", PAIRING_TIMEOUT_MS, nodeRunningAndConnected, 5000);
      });

      test("no payload ran as root, and nothing outside the state dir changed owner, mode or content", async () => {
        // What root rewrites itself between the snapshots, and why.
        const allowed = new Map([
          ["/etc/openclaw-aws/gateway-token.env", "the rotation's new token (owner and mode checked below)"],
        ]);
        for (const host of [gateway, node]) {
          const traces = await payloadTraces(host.container);
          process.stdout.write(`systemd-boot: attacker on ${host.rendered.hostName}: payloads ran as uids ${JSON.stringify(traces.nodeOptionsUids)}, TIOCSTI ${JSON.stringify(traces.tiocsti)}\n`);
          expect(traces.asRoot).toEqual([]);
          // The payloads were live: OpenClaw ran them, as the service user only.
          expect(traces.nodeOptionsUids).toEqual([String(HOST_LAYOUT.serviceUid)]);
          expect(changes(beforeAttack.get(host)!, await snapshot(host.container), allowed)).toEqual([]);
        }
        expect(await gateway.container.run(["stat", "-c", "%U:%G %a", "/etc/openclaw-aws/gateway-token.env"])).toBe("root:root 600\n");
        // The CloudWatch agent (root) reads only files of root's in folders of root's that no one else may write.
        const collected = JSON.parse(await gateway.container.run(["cat", "/etc/openclaw-aws/amazon-cloudwatch-agent.json"])).logs.logs_collected.files.collect_list as { file_path: string }[];
        for (const { file_path: file } of collected) {
          const folder = await gateway.container.run(["stat", "-c", "%U %a", file.replace(/\/[^/]+$/, "")]);
          expect([file, folder.trim()]).toEqual([file, "root 755"]);
          const own = await gateway.container.exec(["stat", "-c", "%U %F", file]);
          if (own.code === 0) expect([file, own.stdout.trim()]).toEqual([file, "root regular file"]);
        }
      });
    });

    /**
     * The upgrade case: a replaced gateway (a fresh root, a new instance id) on the same data volume keeps
     * its state: the volume is kept, not formatted again; the TLS key (so the fingerprint the node pins),
     * the device pairings and the live config are on it. The volume, the attacker's tricks in it, is first
     * put back, by hand, into the layout of the versions before issue 17 (EARLIER_LAYOUT), so the new
     * gateway's boot migrates it as root over what the service user planted: no payload may run as root,
     * and what root keeps on the volume comes back as it was before the attack.
     */
    describe("a replaced gateway on the same data volume, of the earlier layout, planted by the attacker", () => {
      let before: { fingerprint?: string; node?: NodeStatus; nodeUnitRuns?: string };
      let replacement: BootedHost;

      test("a fresh gateway container boots on the same data image, migrates it, runs no payload as root and becomes healthy", async () => {
        await pairedAt;
        const attacked = gateway;
        before = {
          fingerprint: await ssmValue(attacked.rendered.env.OPENCLAW_AWS_PARAM_GATEWAY_TLS_FINGERPRINT),
          node: await nodeConnected(),
          nodeUnitRuns: await nodeUnitRuns(),
        };
        expect(before.node?.nodeId).toBeTruthy();
        await attacked.container.stop();
        await stopProcess(attacked.services, 5_000);
        dataImage.edit(EARLIER_LAYOUT);
        replacement = await bootInstance({ rendered: attacked.rendered, address: attacked.address, namespace: attacked.namespace }, "gateway-2", dataImage.attach());
        gateway = replacement;
        await expectCloudInitDone(replacement);
        const bootLog = await replacement.container.run(["cat", "/var/log/openclaw-boot.log"]);
        expect(bootLog).toMatch(/has a filesystem: keeping it/);
        expect(bootLog).not.toMatch(/is blank: formatting it/);
        expect(bootLog).toMatch(new RegExp(`migrating the data volume from the earlier layout \\(its root was the state dir, of uid ${EARLIER_UID}\\)`));
        expect(bootLog).toMatch(/kept the gateway's TLS key and certificate/);
        expect(bootLog).toMatch(/kept the applied config/);
        // Every file of the service user's is the fixed uid's now; the volume's root and the TLS folder root's.
        expect((await replacement.container.run(["find", "/var/lib/openclaw", "-xdev", "-uid", String(EARLIER_UID)])).trim()).toBe("");
        expect(await replacement.container.run(["stat", "-c", "%n %U:%G %a", "/var/lib/openclaw-aws", "/var/lib/openclaw-aws/tls", "/var/lib/openclaw-aws/tls/gateway.key"])).toBe(
          "/var/lib/openclaw-aws root:root 755\n/var/lib/openclaw-aws/tls root:openclaw 750\n/var/lib/openclaw-aws/tls/gateway.key root:openclaw 640\n",
        );
        // The earlier layout's TLS folder stays in the state dir (root never deletes or chowns through the
        // service user's tree): root's, so the service user can plant nothing in it.
        expect(await replacement.container.run(["stat", "-c", "%U:%G %a", "/var/lib/openclaw/aws/tls"])).toBe("root:root 755\n");
        // The migration and the boot ran as root over the planted state: no payload ran as root, and what root
        // keeps on the volume (TLS key and certificate, applied config, lost+found) is as it was before the attack.
        expect((await payloadTraces(replacement.container)).asRoot).toEqual([]);
        const now = await snapshot(replacement.container);
        const rootSide = [...beforeAttack.get(attacked)!].filter(([file]) => file.startsWith("/var/lib/openclaw-aws/"));
        expect(rootSide.filter(([file, was]) => now.get(file) !== was && file !== "/var/lib/openclaw-aws/openclaw")).toEqual([]);
        process.stdout.write(`systemd-boot: replaced gateway boot-to-cloud-init-done ${((Date.now() - replacement.container.bootStartedAt) / 1000).toFixed(1)} s\n`);
      });

      test("keeps the TLS fingerprint and the node's pairing (the node reconnects with its device token)", async () => {
        expect(await ssmValue(gateway.rendered.env.OPENCLAW_AWS_PARAM_GATEWAY_TLS_FINGERPRINT)).toBe(before.fingerprint);
        const reconnected = await waitFor("the node to reconnect to the replaced gateway", 3 * 60_000, nodeConnected, 5000);
        expect(reconnected.nodeId).toBe(before.node?.nodeId);
        process.stdout.write(`systemd-boot: node reconnected to the replaced gateway ${((Date.now() - replacement.container.bootStartedAt) / 1000).toFixed(1)} s after its boot\n`);
        // No new join code was needed: neither node unit ran again, so the node never ran `openclaw connect`.
        expect(await nodeUnitRuns()).toBe(before.nodeUnitRuns);
        // A code the gateway's watch timer minted while the node was away (it may, once a minute) is withdrawn
        // by its next run now that the node is connected.
        await waitFor("the gateway to withdraw a join code minted while the node reconnected", PAIRING_TIMEOUT_MS, async () =>
          (await ssmExists(node.rendered.env.OPENCLAW_AWS_PARAM_NODE_PAIRING)) ? undefined : true, 5000);
      });
    });
  });
}
