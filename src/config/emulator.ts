/**
 * The emulator profile: every way a deployment to the local AWS emulator (moto, `npm run local` and the
 * end-to-end tests) differs from one to AWS, in one place. Real AWS gets none of it: each answer below is
 * "no accommodation" for the `aws` target.
 */
import type { DeploymentTarget, OpenClawConfig } from "./schema";

/** Credentials the emulator accepts; never real ones towards it. */
export const EMULATOR_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" } as const;

/** Every AWS service the stacks call: on the emulator each is pointed at its endpoint. */
const EMULATED_SERVICES = ["ec2", "iam", "sts", "ssm", "s3", "cloudwatch", "logs", "sns", "cloudtrail", "kms", "secretsmanager", "bedrock"] as const;

/** What the emulator cannot do like AWS, each named for what the deployment does about it. */
export interface EmulatorAccommodations {
  /**
   * The trail is created with logging off: moto's StartLogging takes only the trail name while the
   * provider sends the ARN, and the apply would hang.
   */
  readonly trailLoggingOff: boolean;
  /**
   * Instances ignore `vpc_security_group_ids` drift: moto leaves an instance's own list empty when the
   * groups come with its network interface, so the plan would never settle.
   */
  readonly ignoreSecurityGroupDrift: boolean;
  /** Rules that reference a security group carry no description: moto drops it, so the plan would never settle. */
  readonly omitReferencedRuleDescriptions: boolean;
  /**
   * The state bucket takes plain HTTP: moto serves only HTTP and enforces a TLS-only bucket policy
   * (aws:SecureTransport) on objects, so Terraform could not read the state it keeps there.
   */
  readonly stateBucketOverHttp: boolean;
  /** The install-files bucket takes plain HTTP too: Terraform uploads OpenClaw's lock into it. */
  readonly installBucketOverHttp: boolean;
  /**
   * No snapshot policy: moto (5.2) has no Data Lifecycle Manager, and the apply would fail calling it.
   * The data volumes and their tag are there as on AWS.
   */
  readonly noSnapshotPolicy: boolean;
  /**
   * No guardrail is created for `openclaw.guardrail: { "create": true }`: moto (5.2) has no Bedrock
   * Guardrails API, and the apply would fail calling it. The gateway then runs without a guardrail
   * (a guardrail named by id is configured as on AWS).
   */
  readonly noGuardrail: boolean;
  /**
   * No budget: moto (5.2.1) creates one but has no DescribeSubscribersForNotification, which the provider
   * calls right after, so the apply would hang on retries. The alarm topic's policy is made as on AWS.
   */
  readonly noBudget: boolean;
}

const NONE: EmulatorAccommodations = {
  trailLoggingOff: false,
  ignoreSecurityGroupDrift: false,
  omitReferencedRuleDescriptions: false,
  stateBucketOverHttp: false,
  installBucketOverHttp: false,
  noSnapshotPolicy: false,
  noGuardrail: false,
  noBudget: false,
};

export function emulatorAccommodations(target: DeploymentTarget): EmulatorAccommodations {
  if (target.kind !== "local") return NONE;
  return { trailLoggingOff: true, ignoreSecurityGroupDrift: true, omitReferencedRuleDescriptions: true, stateBucketOverHttp: true, installBucketOverHttp: true, noSnapshotPolicy: true, noBudget: true, noGuardrail: true };
}

/**
 * `openclaw.guardrail` as the deployment applies it: the stack creates a `{ "create": true }` guardrail
 * except on the emulator (no Guardrails API), where the gateway then runs without one; a named one as set.
 */
export function appliedGuardrail(config: OpenClawConfig): OpenClawConfig["openclaw"]["guardrail"] {
  const setting = config.openclaw.guardrail;
  return setting && "create" in setting && emulatorAccommodations(config.target).noGuardrail ? undefined : setting;
}

/** AWS provider settings of the target: fake credentials and an endpoint per service on the emulator. */
export function emulatorProviderSettings(target: DeploymentTarget) {
  if (target.kind !== "local") return {};
  return {
    accessKey: EMULATOR_CREDENTIALS.accessKeyId,
    secretKey: EMULATOR_CREDENTIALS.secretAccessKey,
    skipCredentialsValidation: true,
    // The account id is requested (the emulator answers sts:GetCallerIdentity): without it the provider
    // reads every group-referencing security group rule back as "<account>/sg-..." and never settles.
    skipMetadataApiCheck: "true",
    s3UsePathStyle: true,
    endpoints: [Object.fromEntries(EMULATED_SERVICES.map((service) => [service, target.endpoint]))],
  };
}

/** S3 backend settings of the target: the state bucket on the emulator, with its credentials. */
export function emulatorBackendSettings(target: DeploymentTarget) {
  if (target.kind !== "local") return {};
  return {
    endpoints: { s3: target.endpoint, sts: target.endpoint, iam: target.endpoint },
    usePathStyle: true,
    accessKey: EMULATOR_CREDENTIALS.accessKeyId,
    secretKey: EMULATOR_CREDENTIALS.secretAccessKey,
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
  };
}
