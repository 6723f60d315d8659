import * as fs from "node:fs";
import * as path from "node:path";
import { HOST_LAYOUT, type HostLayout } from "../../src/host/layout";
import { renderGatewayHost } from "../../src/gateway/gateway-context";
import { renderNodeHost } from "../../src/node/node-context";
import { TEMPLATES_DIR, type RenderedHost } from "../../src/host/render";
import { gatewayFixture, nodeFixture } from "../hosts/fixtures";
import { fileContent } from "../hosts/helpers";

/** The entries of the table that are the service user's name and id, not paths. */
const paths = Object.entries(HOST_LAYOUT).flatMap(([key, value]) => (typeof value === "string" && key !== "serviceUser" ? [[key, value] as const] : []));

/** host.env as bash and systemd read it: KEY='value'. */
function hostEnv(rendered: RenderedHost): Record<string, string> {
  return Object.fromEntries(
    fileContent(rendered, HOST_LAYOUT.hostEnv)
      .split("\n")
      .flatMap((line) => {
        const match = /^([A-Z_][A-Z0-9_]*)='([^']*)'$/.exec(line);
        return match ? [[match[1], match[2]]] : [];
      }),
  );
}

/** Which variable of host.env carries which entry of the table, for every host and for one role. */
const EVERY_HOST: Record<string, keyof HostLayout> = {
  OPENCLAW_AWS_PREFIX: "prefix",
  OPENCLAW_AWS_NODE: "node",
  OPENCLAW_AWS_OPENCLAW_ENTRY: "openclawEntry",
  OPENCLAW_AWS_BIN_DIR: "binDir",
  OPENCLAW_AWS_LIB_DIR: "libDir",
  OPENCLAW_AWS_ETC_DIR: "etcDir",
  OPENCLAW_AWS_RUNTIME_ENV: "runtimeEnv",
  OPENCLAW_AWS_CLOUDWATCH_AGENT_CONFIG: "cloudwatchAgentConfig",
  OPENCLAW_AWS_LOG_FILE: "bootLog",
  OPENCLAW_AWS_USER: "serviceUser",
  OPENCLAW_AWS_UID: "serviceUid",
  OPENCLAW_AWS_STATE_DIR: "stateDir",
  OPENCLAW_AWS_VOLUME_DIR: "volumeDir",
  OPENCLAW_AWS_VOLUME_STATE_DIR: "volumeStateDir",
  OPENCLAW_AWS_APP_LOG_DIR: "appLogDir",
};
// The gateway's live config is in its state dir, where OpenClaw writes it; the rendered one is what
// the boot merges into it. A node runs the rendered one.
const GATEWAY_ONLY: Record<string, keyof HostLayout> = {
  OPENCLAW_AWS_CONFIG_PATH: "liveConfigPath",
  OPENCLAW_AWS_MANAGED_CONFIG: "configPath",
  OPENCLAW_AWS_GATEWAY_TOKEN_ENV: "gatewayTokenEnv",
  OPENCLAW_AWS_CHANNEL_SECRETS_ENV: "channelSecretsEnv",
  OPENCLAW_AWS_TLS_DIR: "tlsDir",
  OPENCLAW_AWS_TLS_CERTIFICATE: "tlsCertificate",
  OPENCLAW_AWS_TLS_KEY: "tlsKey",
  OPENCLAW_AWS_PAIRING_DIR: "gatewayPairingDir",
  OPENCLAW_AWS_NODE_DEVICES: "nodeDevices",
};
const NODE_ONLY: Record<string, keyof HostLayout> = {
  OPENCLAW_AWS_CONFIG_PATH: "configPath",
  OPENCLAW_AWS_PAIRING_DIR: "nodePairingDir",
  OPENCLAW_AWS_NODE_GATEWAY_ENV: "nodeGatewayEnv",
  OPENCLAW_AWS_NODE_GATEWAY_CERTIFICATE: "nodeGatewayCertificate",
};

const fromTable = (variables: Record<string, keyof HostLayout>) =>
  Object.fromEntries(Object.entries(variables).map(([variable, key]) => [variable, String(HOST_LAYOUT[key])]));

/** The systemd units of a rendered host. */
const unitsOf = (rendered: RenderedHost) => rendered.files.filter((file) => file.path.startsWith(`${HOST_LAYOUT.systemdDir}/`));

/** `Key=value` lines of a unit, every value of each key. */
function unitSettings(content: string): Record<string, string[]> {
  const settings: Record<string, string[]> = {};
  for (const line of content.split("\n")) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match) (settings[match[1]] ??= []).push(match[2]);
  }
  return settings;
}

describe("HOST_LAYOUT", () => {
  it("holds only absolute, normalized paths (and the service user's name)", () => {
    for (const [key, value] of paths) {
      expect([key, path.posix.isAbsolute(value) && path.posix.normalize(value) === value && !value.endsWith("/")]).toEqual([key, true]);
    }
    expect(HOST_LAYOUT.serviceUser).toMatch(/^[a-z][a-z0-9-]*$/);
    // A system account's id, fixed: the data volume's files keep their owner on the next instance.
    expect(HOST_LAYOUT.serviceUid).toBeGreaterThan(0);
    expect(HOST_LAYOUT.serviceUid).toBeLessThan(1000);
  });

  it("keeps everything root writes or reads for the service outside what the service user can write", () => {
    // What the units may write (ReadWritePaths=), and the state folder on the volume that is bound at the state dir.
    const writable = [HOST_LAYOUT.stateDir, HOST_LAYOUT.appLogDir, HOST_LAYOUT.volumeStateDir];
    const inside = (file: string) => writable.some((dir) => file === dir || file.startsWith(`${dir}/`));
    const rootsFiles = [
      HOST_LAYOUT.hostEnv,
      HOST_LAYOUT.runtimeEnv,
      HOST_LAYOUT.gatewayTokenEnv,
      HOST_LAYOUT.channelSecretsEnv,
      HOST_LAYOUT.nodeGatewayEnv,
      HOST_LAYOUT.nodeGatewayCertificate,
      HOST_LAYOUT.tlsDir,
      HOST_LAYOUT.tlsCertificate,
      HOST_LAYOUT.tlsKey,
      HOST_LAYOUT.appliedConfigPath,
      HOST_LAYOUT.serviceLog,
      HOST_LAYOUT.bootLog,
      HOST_LAYOUT.cloudwatchAgentConfig,
      HOST_LAYOUT.configPath,
    ];
    for (const file of rootsFiles) expect([file, inside(file)]).toEqual([file, false]);
    // The volume's root-side files sit beside the state folder, not in it.
    for (const file of [HOST_LAYOUT.tlsDir, HOST_LAYOUT.appliedConfigPath]) expect(path.posix.dirname(file)).toBe(HOST_LAYOUT.volumeDir);
    expect(path.posix.dirname(HOST_LAYOUT.volumeStateDir)).toBe(HOST_LAYOUT.volumeDir);
  });

  describe("given the fixture gateway and node, when rendered", () => {
    const gateway = renderGatewayHost(gatewayFixture());
    const node = renderNodeHost(nodeFixture());

    it("then host.env carries the table's values, each role its own", () => {
      expect(hostEnv(gateway)).toMatchObject({ ...fromTable(EVERY_HOST), ...fromTable(GATEWAY_ONLY) });
      expect(hostEnv(node)).toMatchObject({ ...fromTable(EVERY_HOST), ...fromTable(NODE_ONLY) });
      const shared = new Set(Object.keys(GATEWAY_ONLY).filter((variable) => variable in NODE_ONLY));
      for (const variable of Object.keys(NODE_ONLY).filter((name) => !shared.has(name))) expect(hostEnv(gateway)[variable]).toBeUndefined();
      for (const variable of Object.keys(GATEWAY_ONLY).filter((name) => !shared.has(name))) expect(hostEnv(node)[variable]).toBeUndefined();
    });

    it("then every unit runs as the service user from the table's state dir, with the table's environment files and binaries", () => {
      const units = [...unitsOf(gateway), ...unitsOf(node)];
      expect(units.map((unit) => path.posix.basename(unit.path)).sort()).toEqual([
        "openclaw-gateway-watch.service",
        "openclaw-gateway-watch.timer",
        "openclaw-gateway.service",
        "openclaw-node-pairing.service",
        "openclaw-node.service",
      ]);
      const environmentFiles = new Set<string>([
        HOST_LAYOUT.hostEnv,
        HOST_LAYOUT.runtimeEnv,
        HOST_LAYOUT.gatewayTokenEnv,
        HOST_LAYOUT.channelSecretsEnv,
        HOST_LAYOUT.nodeGatewayEnv,
      ]);
      for (const unit of units.filter((candidate) => candidate.path.endsWith(".service"))) {
        const settings = unitSettings(unit.content);
        expect([unit.path, settings.User, settings.Group]).toEqual([unit.path, [HOST_LAYOUT.serviceUser], [HOST_LAYOUT.serviceUser]]);
        expect(settings.EnvironmentFile[0]).toBe(HOST_LAYOUT.hostEnv);
        // "-": optional (channel secrets exist only once a channel has its token).
        for (const file of settings.EnvironmentFile) expect(environmentFiles.has(file.replace(/^-/, ""))).toBe(true);
        expect(settings.Environment).toEqual(
          expect.arrayContaining([
            `HOME=${HOST_LAYOUT.stateDir}`,
            `OPENCLAW_STATE_DIR=${HOST_LAYOUT.stateDir}`,
            `OPENCLAW_CONFIG_PATH=${unit.path.includes("gateway") ? HOST_LAYOUT.liveConfigPath : HOST_LAYOUT.configPath}`,
          ]),
        );
        const [execStart] = settings.ExecStart;
        expect(execStart.startsWith(`${HOST_LAYOUT.node} ${HOST_LAYOUT.openclawEntry} `) || execStart.startsWith(`${HOST_LAYOUT.libDir}/`)).toBe(true);
        // The one step as root ("+"): the node's trust in the gateway, written where the service user cannot.
        expect([unit.path, settings.ExecStartPre ?? []]).toEqual([unit.path, unit.path.endsWith("/openclaw-node-pairing.service") ? [`+${HOST_LAYOUT.libDir}/node-trust.sh`] : []]);
        // Node.js's compile cache is the service user's (it could plant code in it): in no unit with a root step.
        const compileCache = (settings.Environment ?? []).includes(`NODE_COMPILE_CACHE=${HOST_LAYOUT.compileCacheDir}`);
        expect([unit.path, compileCache]).toEqual([unit.path, settings.ExecStartPre === undefined]);
        const writable = [HOST_LAYOUT.stateDir, HOST_LAYOUT.appLogDir, ...(compileCache ? [HOST_LAYOUT.compileCacheDir] : [])];
        if (settings.ReadWritePaths) expect(settings.ReadWritePaths).toEqual([writable.join(" ")]);
        if (settings.WorkingDirectory) expect(settings.WorkingDirectory).toEqual([HOST_LAYOUT.stateDir]);
      }
    });

    it("then the files land at the table's paths", () => {
      for (const rendered of [gateway, node]) {
        const files = rendered.files.map((file) => file.path);
        expect(files).toEqual(expect.arrayContaining([HOST_LAYOUT.hostEnv, HOST_LAYOUT.cloudwatchAgentConfig, HOST_LAYOUT.configPath, `${HOST_LAYOUT.binDir}/openclaw`]));
        const homes = [HOST_LAYOUT.libDir, HOST_LAYOUT.etcDir, HOST_LAYOUT.systemdDir, HOST_LAYOUT.binDir, path.posix.dirname(HOST_LAYOUT.configPath), "/etc/rsyslog.d", "/etc/logrotate.d"];
        for (const file of files) expect([file, homes.includes(path.posix.dirname(file))]).toEqual([file, true]);
      }
    });
  });

  it("is the only place the units and host.env spell a layout path (outside comments)", () => {
    const templates = ["common/host.env", ...["gateway", "node"].flatMap((role) =>
      fs.readdirSync(path.join(TEMPLATES_DIR, role)).filter((file) => /\.(service|timer)$/.test(file)).map((file) => `${role}/${file}`),
    )];
    for (const template of templates) {
      const code = fs.readFileSync(path.join(TEMPLATES_DIR, template), "utf8").split("\n").filter((line) => !line.startsWith("#"));
      for (const [key, value] of paths) {
        expect([template, key, code.some((line) => line.includes(value))]).toEqual([template, key, false]);
      }
    }
  });
});
