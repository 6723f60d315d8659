/**
 * What the host templates need to know, per host. Constructs build these from the validated
 * configuration; values may be Terraform tokens (strings such as the EIP address) that
 * cdktf resolves when the rendered text is synthesized.
 */

/** CPU architecture of an EC2 instance type, as AWS names it in AMI parameter paths. */
export type Architecture = "x86_64" | "arm64";

/** A Node.js runtime for one architecture, downloaded and checked on the host. */
export interface NodeRuntime {
  /** Node.js version, e.g. "24.22.0". */
  readonly version: string;
  /** Where the host downloads the runtime from. */
  readonly url: string;
  /** Subresource-integrity string (sha512-...) the download must match. */
  readonly integrity: string;
  /**
   * npm for this runtime (architecture-independent): the registry tarball of the `npm` package,
   * unpacked next to the Node binary the way Node's own distribution lays it out.
   */
  readonly npm: PackageTarball;
}

/** A package tarball the host downloads and checks (added by the host side). */
export interface PackageTarball {
  readonly version: string;
  readonly url: string;
  /** Subresource-integrity string (sha512-...). */
  readonly integrity: string;
}

/** How OpenClaw gets onto the host. */
export type OpenClawInstall =
  | { readonly method: "npm"; readonly version: string }
  | { readonly method: "source"; readonly repository: string; readonly ref: string };

/** SSM parameter names (full paths) the hosts share. */
export interface SharedParameters {
  /** SecureString: the gateway's auth token. Written by the gateway, read by nodes. */
  readonly gatewayToken: string;
  /** String: SHA-256 fingerprint of the gateway's self-signed certificate. */
  readonly gatewayTlsFingerprint: string;
  /** String: the gateway's certificate (PEM, public). */
  readonly gatewayTlsCertificate: string;
  /** Per node display name: SecureString the gateway uses to hand that node its pairing material. */
  readonly nodePairing: Readonly<Record<string, string>>;
  /** Value Terraform creates every parameter with; hosts treat it as "not published yet". */
  readonly placeholder: string;
}

/** Where the CloudWatch agent sends metrics and logs. */
export interface MonitoringTargets {
  readonly namespace: string;
  readonly applicationLogGroup: string;
  readonly systemLogGroup: string;
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
  readonly parameters: SharedParameters;
  readonly monitoring: MonitoringTargets;
}

export interface GatewayHostContext extends HostContext {
  readonly gateway: {
    readonly port: number;
    /** "lan" listens on all interfaces; "loopback" only on 127.0.0.1 (reach it with SSM port forwarding). */
    readonly bind: "lan" | "loopback";
    readonly tls: boolean;
    /** The Elastic IP, when the gateway has one: goes into the certificate's SANs. */
    readonly publicAddress?: string;
    /** Display names of the nodes the gateway should pair automatically. */
    readonly nodeNames: readonly string[];
  };
}

export interface NodeHostContext extends HostContext {
  readonly gateway: {
    /** Gateway private address the node connects to over the VPC. */
    readonly host: string;
    readonly port: number;
    readonly tls: boolean;
  };
}

/** One file a host gets, at its path on the host. */
export interface HostFile {
  readonly path: string;
  /** Octal mode, e.g. "0644". */
  readonly mode: string;
  readonly content: string;
}

/** What a host receives: its files, and the cloud-init user data that writes them and boots the host. */
export interface RenderedHost {
  readonly files: readonly HostFile[];
  /** The raw user data (before gzip and base64). */
  readonly userData: string;
}
