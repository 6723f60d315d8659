/**
 * The one configuration of an OpenClaw deployment. Every field has a documented default; the
 * defaults are seed 000's Gateway + Node hosts inside seed 002's locked-down network.
 *
 * Only this module and ./load.ts know about raw input: constructs receive `OpenClawConfig`,
 * which has already passed every check below.
 */
import { z } from "zod";
import versions from "./versions.json";

/** Verified OpenClaw release; the host templates are proven against it (see README). */
export const DEFAULT_OPENCLAW_VERSION = versions.openclaw;
/** The fork seed 000 builds from when `openclaw.install.method` is "source". */
export const SEED_SOURCE_REPOSITORY = "https://github.com/Joseph19820124/openclaw.git";

/** Retention values CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;

function isIpv4Cidr(value: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return false;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return false;
  // Host bits must be zero, as AWS requires for VPC, subnet and rule CIDRs.
  const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  return address % 2 ** (32 - prefix) === 0;
}

const cidr = z
  .string()
  .refine(isIpv4Cidr, { error: "must be an IPv4 CIDR block with its host bits zero, e.g. 10.0.1.0/24" });

const cidrList = z.array(cidr);

const instanceType = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "must be an EC2 instance type such as t3.medium or t4g.small" });

const dataVolumeGb = z
  .number()
  .int({ error: "must be a whole number of GiB" })
  .min(1, { error: "must be at least 1 GiB" })
  .max(16384, { error: "must be at most 16384 GiB (gp3 limit)" });

const rootVolumeGb = z
  .number()
  .int({ error: "must be a whole number of GiB" })
  .min(8, { error: "must be at least 8 GiB (Amazon Linux 2023 needs it)" })
  .max(16384, { error: "must be at most 16384 GiB (gp3 limit)" });

// Host names end up in IAM role names ("openclaw-<stack>-<name>-ec2-role"), which AWS caps at 64.
const hostName = z
  .string()
  .max(24, { error: "must be at most 24 characters" })
  .regex(NAME, { error: "must be lower-case letters, digits and dashes, starting with a letter" });

const tcpPort = z
  .number()
  .int({ error: "must be a whole number" })
  .min(1, { error: "must be between 1 and 65535" })
  .max(65535, { error: "must be between 1 and 65535" });

const npmInstall = z.strictObject({
  /** Install the `openclaw` npm package. */
  method: z.literal("npm"),
  /** Exact version (not a range, not "latest": a host must get what was verified). @default "2026.9.6" */
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, { error: 'must be an exact version such as "2026.9.6"' })
    .default(DEFAULT_OPENCLAW_VERSION),
});

const sourceInstall = z.strictObject({
  /** Build from a git repository, as seed 000 does (`pnpm install && pnpm build`). */
  method: z.literal("source"),
  /** @default the seed's fork */
  repository: z
    .string()
    .regex(/^https:\/\/\S+$/, { error: "must be an https:// git URL" })
    .default(SEED_SOURCE_REPOSITORY),
  /** Branch, tag or commit to check out (shallow). @default "main" */
  ref: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/, { error: "must be a branch, tag or commit" })
    .default("main"),
});

const nodeHost = z.strictObject({
  /** Node name; the host is named `<prefix>-<name>`, and it is the node's display name in OpenClaw. */
  name: hostName,
  /** @default "t3.small" */
  instanceType: instanceType.default("t3.small"),
  /** @default 100 */
  rootVolumeGb: rootVolumeGb.default(100),
  /** The node's data volume (gp3, encrypted), holding its OpenClaw state. @default 10 */
  dataVolumeGb: dataVolumeGb.default(10),
});

export const configSchema = z
  .strictObject({
    /**
     * Distinguishes deployments in one account: every resource name starts with "openclaw" for the
     * default stack and with "openclaw-<stackName>" for any other. @default "openclaw"
     */
    stackName: z
      .string()
      .max(20, { error: "must be at most 20 characters" })
      .regex(NAME, { error: "must be lower-case letters, digits and dashes, starting with a letter" })
      .default("openclaw"),
    /** @default "us-east-1" */
    region: z
      .string()
      .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, { error: 'must be an AWS region such as "us-east-1"' })
      .default("us-east-1"),
    /** Zone of the subnets and hosts. @default "<region>a" */
    availabilityZone: z
      .string()
      .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d[a-z]$/, { error: 'must be an availability zone such as "us-east-1a"' })
      .optional(),
    /** Extra tags on every resource. @default {} */
    tags: z.record(z.string(), z.string()).default({}),

    network: z
      .discriminatedUnion(
        "mode",
        [
          z.strictObject({
            /** A new VPC with a public subnet (hosts) and a private subnet (endpoints), no NAT (seed 002). */
            mode: z.literal("create"),
            /** @default "10.0.0.0/16" */
            vpcCidr: cidr.default("10.0.0.0/16"),
            /** Hosts live here, with outbound internet through the internet gateway. @default "10.0.1.0/24" */
            publicSubnetCidr: cidr.default("10.0.1.0/24"),
            /** The interface endpoints live here. @default "10.0.2.0/24" */
            privateSubnetCidr: cidr.default("10.0.2.0/24"),
          }),
          z.strictObject({
            /** The account's default VPC and its default subnet in the zone (seed 000). */
            mode: z.literal("default"),
          }),
        ],
        { error: 'must be "create" or "default"' },
      )
      .prefault({ mode: "create" }),

    /** Interface endpoints with private DNS, so AWS API traffic stays in the VPC. Each @default true */
    endpoints: z
      .strictObject({
        bedrockRuntime: z.boolean().default(true),
        ssm: z.boolean().default(true),
        ssmmessages: z.boolean().default(true),
        ec2messages: z.boolean().default(true),
      })
      .prefault({}),

    openclaw: z
      .strictObject({
        /** @default { method: "npm", version: "2026.9.6" } */
        install: z
          .discriminatedUnion("method", [npmInstall, sourceInstall], {
            error: 'must be "npm" or "source"',
          })
          .prefault({ method: "npm" }),
      })
      .prefault({}),

    gateway: z
      .strictObject({
        /** Host name suffix: the host is `<prefix>-<name>`. @default "gw" */
        name: hostName.default("gw"),
        /** @default "t3.medium" */
        instanceType: instanceType.default("t3.medium"),
        /** @default 100 */
        rootVolumeGb: rootVolumeGb.default(100),
        /** The gateway's data volume (gp3, encrypted): its whole OpenClaw state, TLS key and live config. @default 20 */
        dataVolumeGb: dataVolumeGb.default(20),
        /** Create the gateway's data volume from this EBS snapshot (restore; see README). @default none */
        restoreSnapshotId: z
          .string()
          .regex(/^snap-[0-9a-f]{8,17}$/, { error: "must be an EBS snapshot id such as snap-0123456789abcdef0" })
          .optional(),
        /** Port the gateway listens on. @default 443 */
        port: tcpPort.default(443),
        /** "lan": all interfaces (nodes and public clients can reach it); "loopback": SSM port forwarding only. @default "lan" */
        bind: z.enum(["lan", "loopback"], { error: 'must be "lan" or "loopback"' }).default("lan"),
        /** Serve wss:// with a certificate made on the host. @default true */
        tls: z.boolean().default(true),
        /** Internet CIDRs allowed to reach the gateway port. @default [] (nodes and SSM only) */
        publicCidrs: cidrList.default([]),
        /** A fixed public address (EIP) for the gateway. @default true */
        elasticIp: z.boolean().default(true),
        /**
         * The gateway's fixed private address, which every node connects to; it stays the same when the
         * gateway is replaced. @default host 10 of the hosts' subnet (10.0.1.10 with the default network)
         */
        privateIp: z
          .string()
          .regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/, { error: "must be an IPv4 address such as 10.0.1.10" })
          .refine((ip) => ip.split(".").every((octet) => Number(octet) <= 255), { error: "must be an IPv4 address such as 10.0.1.10" })
          .optional(),
      })
      .prefault({}),

    /** Node hosts that connect to the gateway. @default [{ name: "node", instanceType: "t3.small", rootVolumeGb: 100 }] */
    nodes: z.array(nodeHost).prefault([{ name: "node" }]),

    dataVolume: z
      .strictObject({
        /** Let `destroy` delete the hosts' data volumes. @default false (destroy stops at them; see README) */
        deleteOnDestroy: z.boolean().default(false),
        /** Daily snapshots of every data volume kept (Data Lifecycle Manager). @default 7 */
        snapshotRetention: z
          .number()
          .int({ error: "must be a whole number of snapshots" })
          .min(1, { error: "must be at least 1" })
          .max(1000, { error: "must be at most 1000 (Data Lifecycle Manager limit)" })
          .default(7),
      })
      .prefault({}),

    ssh: z
      .strictObject({
        /** CIDRs allowed to SSH (22) to the hosts. @default [] (no SSH; SSM Session Manager is the way in) */
        allowedCidrs: cidrList.default([]),
      })
      .prefault({}),

    /** @default { mode: "generate", name: "openclaw-key" } */
    keyPair: z
      .discriminatedUnion(
        "mode",
        [
          z.strictObject({
            /** RSA 2048 key made by Terraform (tls provider); the private key is a sensitive output. */
            mode: z.literal("generate"),
            /** @default "<prefix>-key" */
            name: z.string().regex(/^[\w.-]{1,255}$/, { error: "must be a key pair name" }).optional(),
          }),
          z.strictObject({
            /** Your own public key. */
            mode: z.literal("import"),
            /** @default "<prefix>-key" */
            name: z.string().regex(/^[\w.-]{1,255}$/, { error: "must be a key pair name" }).optional(),
            publicKey: z
              .string()
              .regex(/^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( .*)?$/, {
                error: "must be an OpenSSH public key (ssh-rsa, ssh-ed25519 or ecdsa-sha2-nistp*)",
              }),
          }),
          z.strictObject({
            /** No key pair: hosts are reached through SSM Session Manager only. */
            mode: z.literal("none"),
          }),
        ],
        { error: 'must be "generate", "import" or "none"' },
      )
      .default({ mode: "generate" }),

    iam: z
      .strictObject({
        /** Bedrock invoke permissions for the gateway (seed 002). @default true */
        bedrock: z.boolean().default(true),
        /** Marketplace subscribe for third-party Bedrock models, only when called via Bedrock. @default true */
        marketplace: z.boolean().default(true),
      })
      .prefault({}),

    monitoring: z
      .strictObject({
        /** CloudWatch agent metrics namespace. @default "OpenClaw" */
        namespace: z.string().regex(/^[A-Za-z0-9./_#:-]{1,255}$/, { error: "must be a CloudWatch namespace" }).default("OpenClaw"),
        /** @default 30 */
        logRetentionDays: z
          .number()
          .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
            error: `must be one of ${LOG_RETENTION_DAYS.join(", ")}`,
          })
          .default(30),
        /** Address subscribed to the alarm topic (AWS sends a confirmation mail). @default none */
        alarmEmail: z.email({ error: "must be an e-mail address" }).optional(),
      })
      .prefault({}),

    audit: z
      .strictObject({
        /** A CloudTrail trail with its own encrypted, private bucket. @default true */
        cloudTrail: z.boolean().default(true),
        /** Days the trail's log files are kept. @default 365 */
        retentionDays: z.number().int().min(1, { error: "must be at least 1 day" }).default(365),
        /** Let `destroy` delete the trail bucket with its logs. @default false (destroy stops at a non-empty bucket) */
        deleteLogsOnDestroy: z.boolean().default(false),
      })
      .prefault({}),

    state: z
      .strictObject({
        /** S3 bucket for Terraform state; env OPENCLAW_STATE_BUCKET also sets it. @default none (local state) */
        bucket: z
          .string()
          .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be a valid S3 bucket name" })
          .optional(),
        /** @default "openclaw/<stackName>/terraform.tfstate" */
        key: z.string().min(1).optional(),
        /** @default the deployment's region */
        region: z.string().optional(),
      })
      .prefault({}),

    /** Where to deploy. Set through env OPENCLAW_LOCAL_ENDPOINT, not by hand. */
    target: z
      .discriminatedUnion("kind", [
        z.strictObject({ kind: z.literal("aws") }),
        z.strictObject({
          /** A local AWS API emulator (moto); emulator accommodations apply only here. */
          kind: z.literal("local"),
          endpoint: z.url({ error: "must be a URL such as http://127.0.0.1:5000" }),
        }),
      ])
      .default({ kind: "aws" }),
  })
  .superRefine((config, ctx) => {
    const zone = config.availabilityZone;
    if (zone !== undefined && !zone.startsWith(config.region)) {
      ctx.addIssue({
        code: "custom",
        path: ["availabilityZone"],
        input: zone,
        message: `must be a zone of region ${config.region}, e.g. ${config.region}a`,
      });
    }
    if (config.network.mode === "create") {
      const { vpcCidr, publicSubnetCidr, privateSubnetCidr } = config.network;
      for (const [key, subnet] of [
        ["publicSubnetCidr", publicSubnetCidr],
        ["privateSubnetCidr", privateSubnetCidr],
      ] as const) {
        if (!cidrContains(vpcCidr, subnet)) {
          ctx.addIssue({
            code: "custom",
            path: ["network", key],
            input: subnet,
            message: `must lie inside network.vpcCidr ${vpcCidr}`,
          });
        }
      }
      if (cidrContains(publicSubnetCidr, privateSubnetCidr) || cidrContains(privateSubnetCidr, publicSubnetCidr)) {
        ctx.addIssue({
          code: "custom",
          path: ["network", "privateSubnetCidr"],
          input: privateSubnetCidr,
          message: `must not overlap network.publicSubnetCidr ${publicSubnetCidr}`,
        });
      }
    }
    const privateIp = config.gateway.privateIp;
    if (privateIp !== undefined && config.network.mode === "create") {
      // AWS reserves the first four addresses and the last one of every subnet.
      const subnet = config.network.publicSubnetCidr;
      const [base, prefix] = parseCidr(subnet);
      const offset = parseCidr(`${privateIp}/32`)[0] - base;
      if (!cidrContains(subnet, `${privateIp}/32`) || offset < 4 || offset === 2 ** (32 - prefix) - 1) {
        ctx.addIssue({
          code: "custom",
          path: ["gateway", "privateIp"],
          input: privateIp,
          message: `must be an address AWS lets an instance use in network.publicSubnetCidr ${subnet} (not its first four or its last)`,
        });
      }
    }
    const names = new Set<string>([config.gateway.name]);
    config.nodes.forEach((node, index) => {
      if (names.has(node.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["nodes", index, "name"],
          input: node.name,
          message: "must be unique and differ from gateway.name",
        });
      }
      names.add(node.name);
    });
    if (config.nodes.length > 0 && config.gateway.bind !== "lan") {
      ctx.addIssue({
        code: "custom",
        path: ["gateway", "bind"],
        input: config.gateway.bind,
        message: 'must be "lan" when there are nodes (they connect over the VPC); set nodes to [] for a loopback gateway',
      });
    }
    if (config.nodes.length > 0 && !config.gateway.tls) {
      ctx.addIssue({
        code: "custom",
        path: ["gateway", "tls"],
        input: false,
        message: "must be true when there are nodes: a node pins the gateway certificate's fingerprint",
      });
    }
    if (config.gateway.publicCidrs.length > 0 && (config.gateway.bind !== "lan" || !config.gateway.tls)) {
      ctx.addIssue({
        code: "custom",
        path: ["gateway", "publicCidrs"],
        input: config.gateway.publicCidrs,
        message: 'need gateway.bind "lan" and gateway.tls true: the gateway is never exposed to the internet without TLS',
      });
    }
    if (config.gateway.publicCidrs.length > 0 && !config.gateway.elasticIp) {
      ctx.addIssue({
        code: "custom",
        path: ["gateway", "elasticIp"],
        input: false,
        message: "must be true when gateway.publicCidrs is set: clients and the certificate need a fixed address",
      });
    }
    if (config.ssh.allowedCidrs.length > 0 && config.keyPair.mode === "none") {
      ctx.addIssue({
        code: "custom",
        path: ["ssh", "allowedCidrs"],
        input: config.ssh.allowedCidrs,
        message: 'need a key pair: set keyPair.mode to "generate" or "import", or leave ssh.allowedCidrs empty',
      });
    }
    if (!config.iam.bedrock && config.iam.marketplace) {
      ctx.addIssue({
        code: "custom",
        path: ["iam", "marketplace"],
        input: true,
        message: "only applies with iam.bedrock true (it is granted only for calls made through Bedrock)",
      });
    }
  });

/** Raw, user-written configuration (every field optional). */
export type OpenClawConfigInput = z.input<typeof configSchema>;
/** Validated configuration with every default filled in. */
export type OpenClawConfig = z.output<typeof configSchema>;
export type NodeHostConfig = OpenClawConfig["nodes"][number];

function cidrContains(outer: string, inner: string): boolean {
  const [outerBase, outerPrefix] = parseCidr(outer);
  const [innerBase, innerPrefix] = parseCidr(inner);
  if (innerPrefix < outerPrefix) return false;
  const size = 2 ** (32 - outerPrefix);
  return Math.floor(innerBase / size) === Math.floor(outerBase / size);
}

/** Terraform's `cidrhost(cidr, n)`: the n-th address of a block, e.g. ("10.0.1.0/24", 10) is "10.0.1.10". */
export function cidrHost(cidr: string, hostNumber: number): string {
  const address = parseCidr(cidr)[0] + hostNumber;
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

function parseCidr(value: string): [number, number] {
  const [address, prefix] = value.split("/");
  return [address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0), Number(prefix)];
}
export type DeploymentTarget = OpenClawConfig["target"];
