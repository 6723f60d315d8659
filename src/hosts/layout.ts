/**
 * Where everything lives on a host: the one table the file manifests, host.env (which the scripts
 * read) and the systemd units (through the render) all take their paths from.
 */
const PREFIX = "/opt/openclaw-aws";
const ETC_DIR = "/etc/openclaw-aws";
const LIB_DIR = "/usr/local/lib/openclaw-aws";
const STATE_DIR = "/var/lib/openclaw";
const APP_LOG_DIR = "/var/log/openclaw";
const OPENCLAW_ETC_DIR = "/etc/openclaw";

export const HOST_LAYOUT = {
  /** Node.js and OpenClaw installs, each version in its own folder behind a `current` link. */
  prefix: PREFIX,
  nodeBin: `${PREFIX}/node/current/bin`,
  node: `${PREFIX}/node/current/bin/node`,
  openclawEntry: `${PREFIX}/openclaw/current/openclaw.mjs`,
  /** Where node, npm, npx and the `openclaw` wrapper are linked for people on the host. */
  binDir: "/usr/local/bin",
  /** The host scripts. */
  libDir: LIB_DIR,
  /** The settings of this host: rendered (host.env) and made at boot (runtime.env, token). */
  etcDir: ETC_DIR,
  hostEnv: `${ETC_DIR}/host.env`,
  runtimeEnv: `${ETC_DIR}/runtime.env`,
  cloudwatchAgentConfig: `${ETC_DIR}/amazon-cloudwatch-agent.json`,
  gatewayTokenEnv: `${ETC_DIR}/gateway-token.env`,
  bootLog: "/var/log/openclaw-boot.log",
  systemdDir: "/etc/systemd/system",
  /** The service user and its state (HOME, OPENCLAW_STATE_DIR): the mount point of the host's data volume. */
  serviceUser: "openclaw",
  stateDir: STATE_DIR,
  /**
   * The device name the data volume is attached as. On Nitro instances it appears as an NVMe device,
   * and Amazon Linux's udev rules (amazon-ec2-utils) link this name to it; Xen instances show /dev/xvdf.
   */
  dataDevice: "/dev/sdf",
  /** The swap file on hosts with less than 4 GiB of memory (on the root volume). */
  swapFile: "/swapfile-openclaw",
  workspace: `${STATE_DIR}/workspace`,
  /** A node's copy of the gateway's certificate and fingerprint, refreshed before every start. */
  nodeGatewayDir: `${STATE_DIR}/aws`,
  nodeGatewayEnv: `${STATE_DIR}/aws/gateway.env`,
  /** The rendered openclaw.json: the node's config; on the gateway the keys the project owns (merged into the live one). */
  configPath: `${OPENCLAW_ETC_DIR}/openclaw.json`,
  /** The gateway's live config, which OpenClaw itself writes (config set, plugins install, the Control UI). */
  liveConfigPath: `${STATE_DIR}/openclaw.json`,
  /** What the last boot merged into the live config (to remove what the project no longer configures). */
  appliedConfigPath: `${STATE_DIR}/aws/openclaw.applied.json`,
  /** The channel secrets read from SSM, for the gateway unit (EnvironmentFile, mode 0600). */
  channelSecretsEnv: `${ETC_DIR}/channel-secrets.env`,
  /** The gateway's certificate and key, on the data volume: a replaced gateway keeps its fingerprint. */
  tlsDir: `${STATE_DIR}/aws/tls`,
  tlsCertificate: `${STATE_DIR}/aws/tls/gateway.crt`,
  tlsKey: `${STATE_DIR}/aws/tls/gateway.key`,
  appLogDir: APP_LOG_DIR,
  appLog: `${APP_LOG_DIR}/openclaw.log`,
} as const;

export type HostLayout = typeof HOST_LAYOUT;
