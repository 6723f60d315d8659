/**
 * What every host's templates know: the deployment-wide settings and this host's identity. Values may
 * be Terraform tokens (strings such as the EIP address) that cdktf resolves when the rendered text is
 * synthesized.
 */
import type { Architecture } from "../config/aws-facts";
import { PARAMETER_PLACEHOLDER, type Deployment, type GatewayParameters, type HostRecord } from "../config/hosts";
import { NPM_REGISTRY, OPENCLAW_PIN, openclawLockSha256, PNPM_PINS } from "../config/pins";
import { HOST_METRICS } from "../monitoring/metrics";
import { NODE_RUNTIMES, packageTarball, type NodeRuntime, type PackageTarball } from "./runtime";

/** Where the host downloads OpenClaw's lock (the stack's install-files bucket), and the hash it checks it against. */
export interface OpenClawLock {
  readonly bucket: string;
  readonly key: string;
  readonly sha256: string;
}

/** The key of the lock object: named by its hash (install-files.ts puts it there). */
export function openclawLockKey(sha256: string): string {
  return `openclaw-lock/${sha256}/package-lock.json`;
}

/** How OpenClaw gets onto the host. */
export type OpenClawInstall =
  | { readonly method: "npm"; readonly version: string; readonly lock: OpenClawLock }
  | { readonly method: "source"; readonly repository: string; readonly commit: string; readonly pnpm: PackageTarball };

/** Where the CloudWatch agent sends metrics and logs. */
export interface MonitoringTargets {
  /** This host's own namespace (HOST_METRICS.namespace): its agent's metrics, and on the gateway the health metrics. */
  readonly namespace: string;
  readonly applicationLogGroup: string;
  readonly systemLogGroup: string;
}

/** The SSM parameters a host's scripts read or write, and the value that means "not published yet". */
export interface HostParameters extends GatewayParameters {
  readonly placeholder: string;
}

/** Everything every host template gets. */
export interface HostContext {
  readonly stackName: string;
  readonly region: string;
  /** Host name, e.g. "openclaw-gw"; also the node's display name. */
  readonly hostName: string;
  readonly architecture: Architecture;
  readonly runtime: NodeRuntime;
  readonly openclaw: OpenClawInstall;
  /** The stack's install-files bucket: OpenClaw's lock and the host-files objects. */
  readonly installBucket: string;
  /** The npm registry plugin tarballs are downloaded from (their integrity is pinned). */
  readonly npmRegistry: string;
  readonly parameters: HostParameters;
  readonly monitoring: MonitoringTargets;
}

/** The deployment-wide part of a context, and this host's identity; `installBucket` holds OpenClaw's lock. */
export function hostContext({ config, names, hosts }: Deployment, host: HostRecord, installBucket: string): HostContext {
  const install = config.openclaw.install;
  const lockSha256 = openclawLockSha256();
  return {
    stackName: config.stackName,
    region: config.region,
    hostName: host.hostName,
    architecture: host.instance.architecture,
    runtime: NODE_RUNTIMES[host.instance.architecture],
    openclaw:
      install.method === "npm"
        ? { method: "npm", version: OPENCLAW_PIN.version, lock: { bucket: installBucket, key: openclawLockKey(lockSha256), sha256: lockSha256 } }
        : { method: "source", repository: install.repository, commit: install.ref, pnpm: packageTarball(PNPM_PINS[host.instance.architecture]) },
    installBucket,
    npmRegistry: NPM_REGISTRY,
    parameters: { ...hosts.gatewayParameters, placeholder: PARAMETER_PLACEHOLDER },
    monitoring: {
      namespace: HOST_METRICS.namespace(config.monitoring.namespace, host.hostName),
      applicationLogGroup: names.applicationLogGroup,
      systemLogGroup: names.systemLogGroup,
    },
  };
}
