/**
 * Where everything lives on a host: the one table the file manifests, host.env (which the scripts
 * read) and the systemd units (through the render) all take their paths from.
 */
const PREFIX = "/opt/openclaw-aws";
const ETC_DIR = "/etc/openclaw-aws";
const LIB_DIR = "/usr/local/lib/openclaw-aws";
const STATE_DIR = "/var/lib/openclaw";
const VOLUME_DIR = "/var/lib/openclaw-aws";
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
  /**
   * The service user, which OpenClaw's agent acts as (so: the attacker root must never trust), and its
   * fixed uid and gid: files on the data volume keep their owner on the next instance without a chown.
   * Below 1000 (a system account), apart from the ids useradd hands out (from 999 down on Amazon Linux);
   * the boot stops, naming it, if the id is taken.
   */
  serviceUser: "openclaw",
  serviceUid: 870,
  /** Its state (HOME, OPENCLAW_STATE_DIR): a bind mount of the state folder on the data volume. */
  stateDir: STATE_DIR,
  /**
   * Where the data volume is mounted (root's, 0755): the state folder (bind-mounted at stateDir) and,
   * beside it where the service user cannot replace them, what root keeps across instances.
   */
  volumeDir: VOLUME_DIR,
  volumeStateDir: `${VOLUME_DIR}/openclaw`,
  /**
   * The device name the data volume is attached as. On Nitro instances it appears as an NVMe device,
   * and Amazon Linux's udev rules (amazon-ec2-utils) link this name to it; Xen instances show /dev/xvdf.
   */
  dataDevice: "/dev/sdf",
  /** The swap file on hosts with less than 4 GiB of memory (on the root volume). */
  swapFile: "/swapfile-openclaw",
  workspace: `${STATE_DIR}/workspace`,
  /** A node's copy of the gateway's certificate and fingerprint (root writes them before every pairing). */
  nodeGatewayEnv: `${ETC_DIR}/gateway.env`,
  nodeGatewayCertificate: `${ETC_DIR}/gateway.crt`,
  /** The node's pairing step's own files (as the service user): its join target, output, paired marker. */
  nodePairingDir: `${STATE_DIR}/aws`,
  /** The gateway's watch timer's pairing files (as the service user): codes minted, and the device each node joined as. */
  gatewayPairingDir: `${STATE_DIR}/aws-pairing`,
  nodeDevices: `${STATE_DIR}/aws-pairing/devices.json`,
  /** The rendered openclaw.json: the node's config; on the gateway the keys the project owns (merged into the live one). */
  configPath: `${OPENCLAW_ETC_DIR}/openclaw.json`,
  /** The gateway's live config, which OpenClaw itself writes (config set, plugins install, the Control UI). */
  liveConfigPath: `${STATE_DIR}/openclaw.json`,
  /** What the last boot merged into the live config (to remove what the project no longer configures). */
  appliedConfigPath: `${VOLUME_DIR}/openclaw.applied.json`,
  /** The channel secrets read from SSM, for the gateway unit (EnvironmentFile, mode 0600). */
  channelSecretsEnv: `${ETC_DIR}/channel-secrets.env`,
  /**
   * The gateway's certificate and key, on the data volume (a replaced gateway keeps its fingerprint), in a
   * folder of root's that the service may read (group) but not change.
   */
  tlsDir: `${VOLUME_DIR}/tls`,
  tlsCertificate: `${VOLUME_DIR}/tls/gateway.crt`,
  tlsKey: `${VOLUME_DIR}/tls/gateway.key`,
  /** OpenClaw's own log (its CLI, Control UI and `openclaw logs` read it); the service user's folder. */
  appLogDir: APP_LOG_DIR,
  appLog: `${APP_LOG_DIR}/openclaw.log`,
  /**
   * Node.js's compile cache for the service user's OpenClaw processes (NODE_COMPILE_CACHE, on the root
   * volume) instead of each unit's private /tmp, which every start emptied: what the boot's CLI runs
   * compiled, the gateway's first start reuses; a restart takes about 21 CPU-s instead of 31 and a timer's
   * CLI call about 1 CPU-s less (measured). The service user writes it, so only its processes may read it:
   * root never runs Node.js with it.
   */
  compileCacheDir: "/var/cache/openclaw",
  /**
   * The OpenClaw services' output (their journal, through rsyslog): a file of root's in a folder of root's,
   * which the CloudWatch agent (root) ships as the application log instead of anything the service user can replace.
   */
  serviceLog: "/var/log/openclaw-services.log",
  rsyslogConfig: "/etc/rsyslog.d/60-openclaw-aws.conf",
  logrotateConfig: "/etc/logrotate.d/openclaw-aws",
} as const;

export type HostLayout = typeof HOST_LAYOUT;
