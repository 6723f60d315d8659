/**
 * Every AWS-visible name of a deployment, derived in one place from the stack name. The default stack
 * keeps seed 000's names exactly (openclaw-gw, openclaw-sg, openclaw-ec2-role, OpenClaw-GW-CPU-High);
 * any other stack name is inserted after "openclaw" so dev and prod can share an account.
 */
import type { OpenClawConfig } from "./schema";

const DEFAULT_STACK = "openclaw";

/** Tag on every data volume, valued with the stack's prefix: what the snapshot policy selects (its snapshots carry it too). */
export const DATA_VOLUME_TAG = "OpenClawDataVolume";

export interface DeploymentNames {
  /** "openclaw" or "openclaw-<stack>": starts every resource name. */
  readonly prefix: string;
  /** "OpenClaw" or "OpenClaw-<stack>": starts every alarm name, as in seed 000. */
  readonly alarmPrefix: string;
  readonly keyPair: string;
  readonly gatewaySecurityGroup: string;
  readonly nodeSecurityGroup: string;
  readonly endpointSecurityGroup: string;
  readonly gatewayRole: string;
  readonly alarmTopic: string;
  readonly trail: string;
  readonly applicationLogGroup: string;
  readonly systemLogGroup: string;
  /** The trail's log group (with audit.cloudTrail). */
  readonly trailLogGroup: string;
  /** The VPC flow logs' group (network mode "create" with network.flowLogs). */
  readonly flowLogGroup: string;
  /** SSM parameter path every shared value lives under, e.g. "/openclaw/openclaw" (seed 002's layout). */
  readonly parameterPath: string;
  /** Alias of the stack's KMS key, which encrypts every secret of the stack: "alias/<prefix>". */
  readonly kmsAlias: string;
  readonly stateKey: string;
  /** The bootstrap stack that creates the state bucket. */
  readonly stateStack: string;
}

export function deploymentNames(config: Pick<OpenClawConfig, "stackName" | "state">): DeploymentNames {
  const { stackName } = config;
  const suffix = stackName === DEFAULT_STACK ? "" : `-${stackName}`;
  const prefix = `openclaw${suffix}`;
  return {
    prefix,
    alarmPrefix: `OpenClaw${suffix}`,
    keyPair: `${prefix}-key`,
    gatewaySecurityGroup: `${prefix}-sg`,
    nodeSecurityGroup: `${prefix}-node-sg`,
    endpointSecurityGroup: `${prefix}-endpoints-sg`,
    gatewayRole: `${prefix}-ec2-role`,
    alarmTopic: `${prefix}-alarms`,
    trail: `${prefix}-trail`,
    applicationLogGroup: `/${prefix}/application`,
    systemLogGroup: `/${prefix}/system`,
    trailLogGroup: `/${prefix}/cloudtrail`,
    flowLogGroup: `/${prefix}/vpc-flow-logs`,
    parameterPath: `/openclaw/${stackName}`,
    kmsAlias: `alias/${prefix}`,
    stateKey: config.state.key ?? `openclaw/${stackName}/terraform.tfstate`,
    stateStack: `${stackName}-state`,
  };
}

/** The tag every resource carries with the stack's name: the cost allocation tag the budget counts by. */
export const STACK_TAG = "Stack";

/** Tags on every resource of the deployment: the project's own, then the configuration's. */
export function deploymentTags(config: Pick<OpenClawConfig, "stackName" | "tags">): Record<string, string> {
  return { Project: "openclaw", [STACK_TAG]: config.stackName, ManagedBy: "cdktf", ...config.tags };
}

/** Region of the state bucket: its own setting, else the deployment's. */
export function stateRegion(config: Pick<OpenClawConfig, "state" | "region">): string {
  return config.state.region ?? config.region;
}

/** Host name of the gateway or of a node: "<prefix>-<name>". */
export function hostName(names: DeploymentNames, name: string): string {
  return `${names.prefix}-${name}`;
}

/** The install-files bucket (OpenClaw's lock): globally unique, so it carries the account and the region. */
export function installBucketName(names: DeploymentNames, accountId: string, region: string): string {
  return `${names.prefix}-pkg-${accountId}-${region}`;
}

/** Instance role of one node: each node has its own, so it can read only its own pairing parameter. */
export function nodeRoleName(names: DeploymentNames, nodeName: string): string {
  return `${names.prefix}-${nodeName}-ec2-role`;
}
