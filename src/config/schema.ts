/**
 * The one configuration of an OpenClaw deployment. Every field has a documented default; the
 * defaults are seed 000's Gateway + Node hosts inside seed 002's locked-down network.
 *
 * Only this module and ./load.ts know about raw input: constructs receive `OpenClawConfig`,
 * which has already passed every check below.
 */
import { z } from "zod";
import {
  FACT_SOURCES,
  instanceTypeFacts,
  instanceTypesOfFamily,
  isInstanceTypeWithoutFacts,
  isOffered,
  isRegion,
  partitionOf,
  regionsOf,
  zonesOf,
} from "./aws-facts";
import { assistantFields } from "./assistant";
import { budgetFields, budgetIssues } from "./spend";
import { OPENCLAW_PIN, SOURCE_DEFAULT } from "./pins";

/** Verified OpenClaw release; the host templates are proven against it (see docs/hosts.md). */
export const DEFAULT_OPENCLAW_VERSION = OPENCLAW_PIN.version;

/** Retention values CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;

/**
 * Terraform evaluates `${...}` and `%{...}` in every string of its JSON, so a user string holding one
 * would run at plan time (`${file("/etc/passwd")}` reads the operator's file). Every user string is
 * rejected when it holds one, by one walk over the whole raw input (keys included: tag keys are
 * strings too), so no field, present or future, can miss the check. Rejecting beats escaping (`$${`):
 * no legitimate value here needs the sequence, the same strings also reach shell files on the hosts
 * where an escape would be wrong, and cdktf's own references are `${...}` tokens that a blanket escape
 * at synth would break.
 */
const TERRAFORM_TEMPLATE = /[$%]\{/;

export interface InputIssue {
  readonly path: readonly PropertyKey[];
  readonly input: unknown;
  readonly message: string;
}

export function terraformTemplateIssues(raw: unknown, path: PropertyKey[] = []): InputIssue[] {
  const message = "must not contain ${ or %{: Terraform would evaluate it as an expression (write the literal text without it)";
  if (typeof raw === "string") return TERRAFORM_TEMPLATE.test(raw) ? [{ path, input: raw, message }] : [];
  if (Array.isArray(raw)) return raw.flatMap((item, index) => terraformTemplateIssues(item, [...path, index]));
  if (raw === null || typeof raw !== "object") return [];
  return Object.entries(raw).flatMap(([key, value]) => [
    ...(TERRAFORM_TEMPLATE.test(key) ? [{ path: [...path, key], input: key, message: `key ${message}` }] : []),
    ...terraformTemplateIssues(value, [...path, key]),
  ]);
}

/** The URL with any user name and password replaced by "***", for messages and logs. */
export function maskUrlCredentials(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, "$1***@");
}

/** A URL check shared by every URL field: parseable, one of `protocols`, and no credentials in it. */
function url(protocols: readonly string[], example: string) {
  return z
    .string()
    .max(2048, { error: "must be at most 2048 characters" })
    .superRefine((value, ctx) => {
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        ctx.addIssue({ code: "custom", message: `must be a URL such as ${example}` });
        return;
      }
      if (parsed.username !== "" || parsed.password !== "" || /^[^/?#]*\/\/[^/?#]*@/.test(value)) {
        ctx.addIssue({
          code: "custom",
          input: maskUrlCredentials(value),
          message: `must not hold credentials (user:token@): they would be written to user data, host files and logs; make the repository public or reachable without them`,
        });
      } else if (parsed.search !== "" || parsed.hash !== "") {
        ctx.addIssue({ code: "custom", message: "must not have a ?query or #fragment" });
      } else if (!protocols.includes(parsed.protocol)) {
        ctx.addIssue({ code: "custom", message: `must be a ${protocols.map((protocol) => `${protocol}//`).join(" or ")} URL such as ${example}` });
      }
    });
}

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

// VPC and subnet CIDR blocks: AWS allows prefixes /16 (65,536 addresses) to /28 (16).
const vpcBlock = cidr.refine((value) => {
  const prefix = Number(value.split("/")[1]);
  return prefix >= 16 && prefix <= 28;
}, { error: "must have a prefix between /16 and /28 (AWS's limits for VPC and subnet blocks)" });

// A security group holds 60 inbound rules by default (VPC quota "Inbound or outbound rules per
// security group"); AWS refuses a duplicate rule outright.
const cidrList = z
  .array(cidr)
  .max(60, { error: "must list at most 60 CIDRs (the default quota of inbound rules per security group)" })
  .superRefine((cidrs, ctx) => {
    cidrs.forEach((value, index) => {
      if (cidrs.indexOf(value) !== index) {
        ctx.addIssue({ code: "custom", path: [index], input: value, message: "is listed twice (AWS rejects a duplicate rule)" });
      }
    });
  });

const instanceType = z
  .string()
  .max(64, { error: "must be at most 64 characters" })
  .superRefine((name, ctx) => {
    const facts = instanceTypeFacts(name);
    if (facts?.mac) {
      ctx.addIssue({ code: "custom", message: "is an EC2 Mac type: it runs only macOS on a Dedicated Host, and the hosts here run Amazon Linux 2023" });
    } else if (facts === undefined && isInstanceTypeWithoutFacts(name)) {
      ctx.addIssue({
        code: "custom",
        message: `is newer than (or retired before) the pinned instance type facts (${FACT_SOURCES.instanceTypes}), so its architecture is unknown; run scripts/update-aws-facts.mjs with a newer moto, or choose another type`,
      });
    } else if (facts === undefined) {
      const family = instanceTypesOfFamily(name.split(".")[0]);
      const hint = family.length > 0 ? `${name.split(".")[0]} sizes: ${family.join(", ")}` : "e.g. t3.medium, t3.small, t4g.small (arm64)";
      ctx.addIssue({ code: "custom", message: `is not an EC2 instance type; ${hint}` });
    }
  });

// gp3 volumes are 1-65,536 GiB (EC2 API reference for VolumeSize, @aws-sdk/client-ec2 3.1169.0).
const gp3VolumeGb = z
  .number()
  .int({ error: "must be a whole number of GiB" })
  .max(65536, { error: "must be at most 65536 GiB (gp3 limit)" });
const rootVolumeGb = gp3VolumeGb.min(8, { error: "must be at least 8 GiB (Amazon Linux 2023 needs it)" });
const dataVolumeGb = gp3VolumeGb.min(1, { error: "must be at least 1 GiB" });

// Host names end up in IAM role names ("openclaw-<stack>-<name>-ec2-role"), which AWS caps at 64.
const hostName = z
  .string()
  .max(24, { error: "must be at most 24 characters" })
  .regex(NAME, { error: "must be lower-case letters, digits and dashes, starting with a letter" });

const tcpPort = z
  .number()
  .int({ error: "must be a whole number" })
  .min(1, { error: "must be between 1 and 65535" })
  .max(65535, { error: "must be between 1 and 65535" })
  .refine((port) => port !== 22, { error: "must not be 22: sshd listens there on every host" });

// AWS tags (EC2, S3, IAM, CloudWatch alike): key 1-128 and value 0-256 of letters, digits, spaces and
// _ . : / = + - @; keys starting with "aws:" are reserved; 50 tags per resource, 3 of them the stack's.
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const STACK_TAGS = ["Project", "Stack", "ManagedBy"];
const tags = z
  .record(
    z
      .string()
      .min(1, { error: "must not be empty" })
      .max(128, { error: "must be at most 128 characters" })
      .regex(TAG_TEXT, { error: "may hold only letters, digits, spaces and _ . : / = + - @" })
      .refine((key) => !key.toLowerCase().startsWith("aws:"), { error: 'must not start with "aws:" (reserved by AWS)' })
      .refine((key) => !STACK_TAGS.includes(key), { error: `must not be ${STACK_TAGS.join(", ")}: the stack sets those` }),
    z
      .string()
      .max(256, { error: "must be at most 256 characters" })
      .regex(TAG_TEXT, { error: "may hold only letters, digits, spaces and _ . : / = + - @" }),
  )
  .refine((record) => Object.keys(record).length <= 50 - STACK_TAGS.length, {
    error: `must hold at most ${50 - STACK_TAGS.length} tags (AWS allows 50 per resource; the stack sets ${STACK_TAGS.length})`,
  });

/** An OpenSSH public key line whose base64 blob really is a key of the type it names. */
function isOpenSshPublicKey(line: string): boolean {
  const match = /^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)) ([A-Za-z0-9+/]+={0,2})(?: [\x20-\x7e]*)?$/.exec(line);
  if (!match) return false;
  const blob = Buffer.from(match[2], "base64");
  if (blob.length < 4) return false;
  const typeLength = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + typeLength).toString("latin1") === match[1];
}

/** S3 general purpose bucket naming rules (S3 User Guide, "Bucket naming rules"). */
function isBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes("..") &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)
  );
}

const npmInstall = z.strictObject({
  /**
   * Install the `openclaw` npm package: its locked tree (src/config/openclaw-lock/), every tarball checked
   * (see [What the hosts install](hosts.md#what-the-hosts-install-and-what-checks-it)).
   */
  method: z.literal("npm"),
  /**
   * Must be the pinned version (src/config/versions.json): the hosts install OpenClaw's locked tree, and the lock
   * is made for that version. Move to another with `node scripts/update-pins.mjs openclaw@<version>`.
   * @default "2026.9.6"
   */
  version: z
    .string()
    .max(64, { error: "must be at most 64 characters" })
    .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, { error: 'must be an exact version such as "2026.9.6"' })
    .refine((version) => !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version) || version === DEFAULT_OPENCLAW_VERSION, {
      error: `must be the pinned version "${DEFAULT_OPENCLAW_VERSION}": the hosts install OpenClaw's locked, hash-checked tree, made for that version (to move, run node scripts/update-pins.mjs openclaw@<version>, then npm test)`,
    })
    .default(DEFAULT_OPENCLAW_VERSION),
});

const sourceInstall = z.strictObject({
  /** Build from a git repository, as seed 000 does (`pnpm install --frozen-lockfile && pnpm build`) on each host. */
  method: z.literal("source"),
  /**
   * The https git URL to clone (no credentials in it).
   * @default "https://github.com/openclaw/openclaw.git" (upstream; the seed's fork is at 2026.2.x, without join codes)
   */
  repository: url(["https:"], "https://github.com/openclaw/openclaw.git")
    // host.env holds it single-quoted and git takes it as one argument: no quote, space or expansion.
    .refine((value) => !/[\s'"`$\\]/.test(value), { error: "must not contain spaces, quotes, $ or backslashes" })
    .default(SOURCE_DEFAULT.repository),
  /**
   * The commit to build, as its full 40-character SHA: a branch or tag is refused, they move; a commit
   * does not (the host checks it got exactly that commit).
   * @default "eb377ac59e6c9fd6c7705028034812becf00271b" (v2026.9.6, the commit the pinned npm package was built from)
   */
  ref: z
    .string()
    .regex(/^[0-9a-f]{40}$/, {
      error: "must be a full 40-character commit SHA (branches and tags move); find it with git ls-remote <repository> <tag or branch>",
    })
    .default(SOURCE_DEFAULT.commit),
});

/** Similar region names first ("us-east-9" -> us-east-1, us-east-2), else a few examples. */
function regionHint(name: string): string {
  const stem = name.replace(/\d+$/, "");
  const similar = regionsOf(partitionOf(`${stem}1`) ?? "aws").filter((candidate) => candidate.startsWith(stem) && stem.length > 2);
  return similar.length > 0 ? `${stem}* regions: ${similar.join(", ")}` : "e.g. us-east-1, eu-west-1, ap-southeast-2";
}

const region = z
  .string()
  .max(32, { error: "must be at most 32 characters" })
  .refine(isRegion, { error: (issue) => `is not an AWS region (${FACT_SOURCES.regions}); ${regionHint(String(issue.input))}` });

// EC2 key pair names: up to 255 ASCII characters; these are the ones that are also safe in a file name.
const keyPairName = z.string().regex(/^[\w.-]{1,255}$/, { error: "must be 1-255 letters, digits, _ . -" });

const nodeHost = z.strictObject({
  /** Node name, required: the host is `<prefix>-<name>` (`openclaw-<name>` in the default stack), and it is the node's display name in OpenClaw. */
  name: hostName,
  /** EC2 instance type of the node; Graviton types (t4g, c7g, m7g, ...) get the arm64 AMI and runtime. @default "t3.small" */
  instanceType: instanceType.default("t3.small"),
  /** Root volume (gp3, encrypted), GiB: the OS, Node.js and OpenClaw; replaced with the instance (holds nothing to keep). @default 100 */
  rootVolumeGb: rootVolumeGb.default(100),
  /**
   * The node's own data volume (gp3, encrypted), GiB, holding its OpenClaw state (see
   * [State that survives](state-and-upgrades.md#state-that-survives)). @default 10
   */
  dataVolumeGb: dataVolumeGb.default(10),
});

const configObject = z.strictObject({
  /**
   * Stack id, so deployments (dev, prod) share an account: every resource name starts with its prefix
   * (`<prefix>` here), `openclaw` for the default stack and `openclaw-<stackName>` for any other.
   * @default "openclaw"
   */
  stackName: z
    .string()
    .max(20, { error: "must be at most 20 characters" })
    .regex(NAME, { error: "must be lower-case letters, digits and dashes, starting with a letter" })
    .default("openclaw"),
  /** AWS region of the deployment (checked against the pinned list of regions). @default "us-east-1" */
  region: region.default("us-east-1"),
  /** Zone of the subnets and hosts; checked against the region's zones in the pinned facts. @default "<region>a" */
  availabilityZone: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/, { error: 'must be an availability zone such as "us-east-1a"' })
    .optional(),
  /** Extra tags on every resource, on top of the stack's own `Project`, `Stack` and `ManagedBy`. @default {} */
  tags: tags.default({}),

  /** Where the hosts live. @default "create" */
  network: z
    .discriminatedUnion(
      "mode",
      [
        z.strictObject({
          /** A new VPC with a public subnet (hosts) and a private subnet (endpoints), no NAT (seed 002). */
          mode: z.literal("create"),
          /** The VPC's block; checked: both subnets lie inside it and do not overlap. @default "10.0.0.0/16" */
          vpcCidr: vpcBlock.default("10.0.0.0/16"),
          /** Hosts live here, with outbound internet through the internet gateway. @default "10.0.1.0/24" */
          publicSubnetCidr: vpcBlock.default("10.0.1.0/24"),
          /** The interface endpoints live here. @default "10.0.2.0/24" */
          privateSubnetCidr: vpcBlock.default("10.0.2.0/24"),
          /**
           * VPC flow logs (all traffic) to the CloudWatch log group `/<prefix>/vpc-flow-logs`, kept
           * `monitoring.logRetentionDays`. @default true
           */
          flowLogs: z.boolean().default(true),
        }),
        z.strictObject({
          /** The account's default VPC and its default subnet in the zone (seed 000). */
          mode: z.literal("default"),
        }),
      ],
      { error: 'must be "create" or "default"' },
    )
    .prefault({ mode: "create" }),

  /**
   * Interface endpoints with private DNS, so AWS API traffic stays in the VPC. Session Manager needs the
   * last three (`ssm`, `ssmmessages`, `ec2messages`) together.
   */
  endpoints: z
    .strictObject({
      /** Bedrock Runtime, which the gateway's model calls go to. @default true */
      bedrockRuntime: z.boolean().default(true),
      /** SSM: parameters, and the SSM Agent's Run Command. @default true */
      ssm: z.boolean().default(true),
      /** SSM Session Manager's sessions (`aws ssm start-session`). @default true */
      ssmmessages: z.boolean().default(true),
      /** The SSM Agent's message channel. @default true */
      ec2messages: z.boolean().default(true),
    })
    .prefault({}),

  openclaw: z
    .strictObject({
      /** How the hosts get OpenClaw. @default { method: "npm", version: "2026.9.6" } */
      install: z
        .discriminatedUnion("method", [npmInstall, sourceInstall], {
          error: 'must be "npm" or "source"',
        })
        .prefault({ method: "npm" }),
      ...assistantFields,
    })
    .prefault({}),

  gateway: z
    .strictObject({
      /** Host name suffix: the host is `<prefix>-<name>` (`openclaw-gw` in the default stack). @default "gw" */
      name: hostName.default("gw"),
      /** EC2 instance type of the gateway; Graviton types (t4g, c7g, m7g, ...) get the arm64 AMI and runtime. @default "t3.medium" */
      instanceType: instanceType.default("t3.medium"),
      /** Root volume (gp3, encrypted), GiB: the OS, Node.js and OpenClaw; replaced with the instance (holds nothing to keep). @default 100 */
      rootVolumeGb: rootVolumeGb.default(100),
      /**
       * The gateway's data volume (gp3, encrypted), GiB: its whole OpenClaw state, TLS key and live config
       * (see [State that survives](state-and-upgrades.md#state-that-survives)). @default 20
       */
      dataVolumeGb: dataVolumeGb.default(20),
      /** Create the gateway's data volume from this EBS snapshot (a restore: see [Restore](state-and-upgrades.md#restore)). @default none */
      restoreSnapshotId: z
        .string()
        .regex(/^snap-[0-9a-f]{8,17}$/, { error: "must be an EBS snapshot id such as snap-0123456789abcdef0" })
        .optional(),
      /** Port the gateway listens on (below 1024 its unit gets `CAP_NET_BIND_SERVICE`). @default 443 */
      port: tcpPort.default(443),
      /**
       * `"lan"`: all interfaces (nodes and public clients can reach it); `"loopback"`: reachable only through SSM
       * port forwarding (needs `nodes: []`). @default "lan"
       */
      bind: z.enum(["lan", "loopback"], { error: 'must be "lan" or "loopback"' }).default("lan"),
      /** Serve wss:// with a certificate made on the host; required with nodes or `publicCidrs`. @default true */
      tls: z.boolean().default(true),
      /** Internet CIDRs allowed to reach the gateway port (seed 000: `["0.0.0.0/0"]`). @default [] (nodes and SSM only) */
      publicCidrs: cidrList.default([]),
      /** A fixed public address (EIP) for the gateway; required with `publicCidrs`. @default true */
      elasticIp: z.boolean().default(true),
      /**
       * The gateway's fixed private address, which every node connects to; it stays the same when the
       * gateway is replaced. In network mode `"default"` Terraform computes host 10 of the default subnet:
       * set this if that address is taken.
       * @default host 10 of the hosts' subnet (`10.0.1.10` with the default network)
       */
      privateIp: z
        .string()
        .refine((ip) => isIpv4Cidr(`${ip}/32`), { error: "must be an IPv4 address such as 10.0.1.10" })
        .optional(),
    })
    .prefault({}),

  /**
   * Zero or more node hosts that connect to the gateway (tested up to 250), each `<prefix>-<name>` with its
   * own data volume. Terraform's plan grows faster than the node count: on 2 cores, against the local emulator
   * with nothing deployed yet, about 10 s for one node and two minutes for 250 (real AWS adds the API calls
   * of every refresh). @default [{ name: "node", instanceType: "t3.small", rootVolumeGb: 100, dataVolumeGb: 10 }]
   */
  nodes: z.array(nodeHost).prefault([{ name: "node" }]),

  dataVolume: z
    .strictObject({
      /**
       * Let `destroy` delete the hosts' data volumes. @default false (destroy stops at them, on purpose: see
       * [Destroy](../README.md#destroy))
       */
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
      /**
       * CIDRs allowed to SSH (22) to the hosts (seed 002 disabled SSH with `"127.0.0.1/32"`; here that is the empty default).
       * @default [] (no SSH rule at all; SSM Session Manager is the way in)
       */
      allowedCidrs: cidrList.default([]),
    })
    .prefault({}),

  /**
   * The hosts' EC2 key pair.
   * @default { mode: "none" }, or `{ mode: "generate" }` when `ssh.allowedCidrs` is set: a key pair nobody
   * can use would only put a private key into Terraform's state.
   */
  keyPair: z
    .discriminatedUnion(
      "mode",
      [
        z.strictObject({
          /** RSA 2048 key made by Terraform (tls provider), so its private key is in the state; it is a sensitive output. */
          mode: z.literal("generate"),
          /** The key pair's name. @default "<prefix>-key" (`openclaw-key` in the default stack) */
          name: keyPairName.optional(),
        }),
        z.strictObject({
          /** Your own public key. */
          mode: z.literal("import"),
          /** The key pair's name. @default "<prefix>-key" (`openclaw-key` in the default stack) */
          name: keyPairName.optional(),
          /** The public key, one OpenSSH line (`ssh-ed25519 AAAA... comment`). */
          publicKey: z
            .string()
            .max(16384, { error: "must be at most 16384 characters" })
            .refine(isOpenSshPublicKey, {
              error: 'must be one OpenSSH public key line, "<type> <base64 key of that type> [comment]" (ssh-rsa, ssh-ed25519 or ecdsa-sha2-nistp*)',
            }),
        }),
        z.strictObject({
          /** No key pair: hosts are reached through SSM Session Manager only. */
          mode: z.literal("none"),
        }),
      ],
      { error: 'must be "generate", "import" or "none"' },
    )
    .optional(),

  iam: z
    .strictObject({
      /** Bedrock invoke permissions for the gateway (seed 002). @default true */
      bedrock: z.boolean().default(true),
      /**
       * AWS Marketplace subscribe for third-party Bedrock models, only when called via Bedrock
       * (`aws:CalledViaLast` = `bedrock.amazonaws.com`); needs `iam.bedrock`. @default true
       */
      marketplace: z.boolean().default(true),
    })
    .prefault({}),

  monitoring: z
    .strictObject({
      /**
       * Start of the CloudWatch namespaces: each host publishes only into `<namespace>/<host name>` (its
       * agent's metrics; the gateway's also the health of every host). @default "OpenClaw"
       */
      namespace: z
        .string()
        .regex(/^[A-Za-z0-9./_#: -]{1,255}$/, { error: "must be 1-255 of A-Z a-z 0-9 . / _ # : - and space (a CloudWatch namespace)" })
        .refine((namespace) => !namespace.startsWith("AWS/"), { error: 'must not start with "AWS/" (reserved for AWS services)' })
        .default("OpenClaw"),
      /**
       * Days CloudWatch Logs keeps the hosts', trail's and flow logs' events: one of CloudWatch's values (1, 3,
       * 5, 7, 14, 30, 60, 90, ...). @default 30
       */
      logRetentionDays: z
        .number()
        .int({ error: `must be one of ${LOG_RETENTION_DAYS.join(", ")}` })
        .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
          error: `must be one of ${LOG_RETENTION_DAYS.join(", ")}`,
        })
        .default(30),
      /** Address subscribed to the alarm topic (AWS sends a confirmation mail). @default none */
      alarmEmail: z.email({ error: "must be an e-mail address" }).max(254, { error: "must be at most 254 characters" }).optional(),
      /** One CloudWatch dashboard of the stack's hosts, model and alarms ($3 a month). @default true */
      dashboard: z.boolean().default(true),
    })
    .prefault({}),

  /** The monthly budget and the daily Bedrock token alarm (see [Spend](cost.md#spend)). */
  budget: budgetFields,

  audit: z
    .strictObject({
      /** A CloudTrail trail with its own encrypted, private bucket. @default true */
      cloudTrail: z.boolean().default(true),
      /** Days the trail's log files are kept. @default 365 */
      // S3 lifecycle expiration Days: "a non-zero positive integer" of the API's 32-bit Integer type.
      retentionDays: z
        .number()
        .int({ error: "must be a whole number of days" })
        .min(1, { error: "must be at least 1 day" })
        .max(2147483647, { error: "must be at most 2147483647 days (S3 lifecycle expiration limit)" })
        .default(365),
      /** Let `destroy` delete the trail bucket with its logs. @default false (destroy stops at the non-empty bucket, on purpose) */
      deleteLogsOnDestroy: z.boolean().default(false),
    })
    .prefault({}),

  state: z
    .strictObject({
      /**
       * S3 bucket for Terraform state, made once by `npm run bootstrap` and shared by any number of stacks
       * (each under its own `state.key`). Env `OPENCLAW_STATE_BUCKET` overrides it, but set here every shell
       * gets the same backend.
       * @default none: local state in `terraform.<stack>.tfstate` at the project root, which holds a generated
       * private key (`keyPair` `"generate"`; the `npm run` deploy commands run Terraform under `umask 077`)
       */
      bucket: z
        .string()
        .refine(isBucketName, {
          error: "must be a valid S3 bucket name: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit, no .., not an IP address, no reserved prefix or suffix",
        })
        .optional(),
      /** Key of the stack's state in the bucket; stacks sharing a bucket each have their own. @default "openclaw/<stackName>/terraform.tfstate" */
      key: z
        .string()
        .min(1, { error: "must not be empty" })
        .max(1024, { error: "must be at most 1024 characters (S3 key limit)" })
        .refine((key) => !key.startsWith("/") && !key.endsWith("/") && !key.includes("//"), {
          error: 'must not start or end with "/" or contain "//" (Terraform S3 backend rule)',
        })
        .refine((key) => !/\p{Cc}/u.test(key), { error: "must not contain control characters" })
        .optional(),
      /** Region of the state bucket, in the same partition as the deployment. @default the deployment's region */
      region: region.optional(),
    })
    .prefault({}),

  /** Where to deploy. Set through env `OPENCLAW_LOCAL_ENDPOINT` (what `npm run local` uses), not by hand. @default "aws" */
  target: z
    .discriminatedUnion("kind", [
      z.strictObject({
        /** AWS itself. */
        kind: z.literal("aws"),
      }),
      z.strictObject({
        /** A local AWS API emulator (moto); emulator accommodations apply only here. */
        kind: z.literal("local"),
        /** The emulator's URL. */
        endpoint: url(["http:", "https:"], "http://127.0.0.1:5000"),
      }),
    ])
    .default({ kind: "aws" }),
});

export const configSchema = configObject.superRefine((config, ctx) => {
  // A bad region has its own complaint; what depends on it is checked only against a real one.
  if (isRegion(config.region)) checkAgainstRegion(config, ctx);
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
    const privateIp = config.gateway.privateIp;
    if (privateIp !== undefined) {
      // AWS reserves the first four addresses and the last one of every subnet.
      const [base, prefix] = parseCidr(publicSubnetCidr);
      const offset = parseCidr(`${privateIp}/32`)[0] - base;
      if (!cidrContains(publicSubnetCidr, `${privateIp}/32`) || offset < 4 || offset === 2 ** (32 - prefix) - 1) {
        ctx.addIssue({
          code: "custom",
          path: ["gateway", "privateIp"],
          input: privateIp,
          message: `must be an address AWS lets an instance use in network.publicSubnetCidr ${publicSubnetCidr} (not its first four or its last)`,
        });
      }
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
  if (config.ssh.allowedCidrs.length > 0 && config.keyPair?.mode === "none") {
    ctx.addIssue({
      code: "custom",
      path: ["ssh", "allowedCidrs"],
      input: config.ssh.allowedCidrs,
      message: 'need a key pair: set keyPair.mode to "generate" or "import", or leave ssh.allowedCidrs empty',
    });
  }
  if (!config.iam.bedrock && config.openclaw.guardrail) {
    ctx.addIssue({
      code: "custom",
      path: ["openclaw", "guardrail"],
      input: config.openclaw.guardrail,
      message: "only applies with iam.bedrock true (a guardrail stands in front of the gateway's Bedrock model)",
    });
  }
  const bedrockRegion = config.openclaw.bedrockRegion ?? config.region;
  if (config.openclaw.guardrail && "create" in config.openclaw.guardrail && bedrockRegion !== config.region) {
    ctx.addIssue({
      code: "custom",
      path: ["openclaw", "guardrail"],
      input: config.openclaw.guardrail,
      message: `the stack creates its guardrail in ${config.region}, but the gateway calls Bedrock in ${bedrockRegion}: create the guardrail in ${bedrockRegion} yourself and name it, { "id": ..., "version": ... }`,
    });
  }
  // The model's price depends on the region: a bad region has its own complaint.
  if (isRegion(config.region)) for (const issue of budgetIssues(config)) ctx.addIssue({ code: "custom", ...issue });
  if (!config.iam.bedrock && config.iam.marketplace) {
    ctx.addIssue({
      code: "custom",
      path: ["iam", "marketplace"],
      input: true,
      message: "only applies with iam.bedrock true (it is granted only for calls made through Bedrock)",
    });
  }
}).transform((config) => ({ ...config, keyPair: config.keyPair ?? defaultKeyPair(config.ssh.allowedCidrs) }));

/** The key pair of a configuration that names none: one to generate when SSH is allowed, else none. */
function defaultKeyPair(sshCidrs: readonly string[]): NonNullable<z.output<typeof configObject>["keyPair"]> {
  return sshCidrs.length > 0 ? { mode: "generate" } : { mode: "none" };
}

/** Zone, state region and instance types against the facts of the (valid) region. */
function checkAgainstRegion(config: z.output<typeof configObject>, ctx: z.RefinementCtx): void {
  const zone = config.availabilityZone;
  const knownZones = zonesOf(config.region);
  if (zone !== undefined && (knownZones ? !knownZones.includes(zone) : !new RegExp(`^${config.region}[a-z]$`).test(zone))) {
    ctx.addIssue({
      code: "custom",
      path: ["availabilityZone"],
      input: zone,
      message: knownZones
        ? `must be a zone of region ${config.region}: ${knownZones.join(", ")} (${FACT_SOURCES.zones})`
        : `must be a zone of region ${config.region}, e.g. ${config.region}a`,
    });
  }
  if (config.state.region !== undefined && isRegion(config.state.region) && partitionOf(config.state.region) !== partitionOf(config.region)) {
    ctx.addIssue({
      code: "custom",
      path: ["state", "region"],
      input: config.state.region,
      message: `must be in the same partition (${partitionOf(config.region)}) as region ${config.region}: one set of credentials reaches both`,
    });
  }
  const hosts: [(string | number)[], string][] = [
    [["gateway", "instanceType"], config.gateway.instanceType],
    ...config.nodes.map((node, index): [(string | number)[], string] => [["nodes", index, "instanceType"], node.instanceType]),
  ];
  for (const [path, type] of hosts) {
    // An unknown type already has its own complaint.
    if (instanceTypeFacts(type) !== undefined && isOffered(type, config.region) === false) {
      ctx.addIssue({
        code: "custom",
        path,
        input: type,
        message: `is not offered in region ${config.region} (${FACT_SOURCES.instanceTypes}); choose a type the region offers, e.g. ${["t3.medium", "t3.small", "t4g.small"].filter((name) => isOffered(name, config.region)).join(", ")}`,
      });
    }
  }
}

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
