import { PNPM_PINS, tarballUrl } from "../../src/config/pins";
import { gunzipSync, gzipSync } from "node:zlib";
import { NODE_RUNTIMES } from "../../src/host/runtime";
import { configWith } from "../helpers";
import { GATEWAY_DOWNLOADED_FILES, renderGatewayHost } from "../../src/gateway/gateway-context";
import { renderNodeHost } from "../../src/node/node-context";
import { cloudConfig, type HostFile } from "../../src/host/render";
import { EIP_TOKEN, PRIVATE_IP_TOKEN, exampleContexts, exampleHosts, exampleFiles, gatewayFixture, nodeFixture } from "../hosts/fixtures";
import { fileContent } from "../hosts/helpers";

interface CloudConfig {
  write_files: { path: string; permissions: string; owner: string; content: string }[];
  runcmd: string[][];
}

function parseUserData(userData: string): CloudConfig {
  expect(userData.startsWith("#cloud-config\n")).toBe(true);
  return JSON.parse(userData.slice("#cloud-config\n".length)) as CloudConfig;
}

/** host.env as systemd/bash read it: KEY='value'. */
function hostEnv(content: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of content.split("\n")) {
    const m = /^([A-Z_][A-Z0-9_]*)='([^']*)'$/.exec(line);
    if (m) env[m[1]] = m[2];
    else expect(line === "" || line.startsWith("#")).toBe(true);
  }
  return env;
}

describe("renderGatewayHost", () => {
  const rendered = renderGatewayHost(gatewayFixture());

  it("writes every file through cloud-init but the downloaded ones (its host-files object), and runs the boot script", () => {
    const doc = parseUserData(rendered.userData);
    const downloaded = (JSON.parse(rendered.hostFiles!.body) as HostFile[]).map((f) => f.path);
    expect(downloaded).toEqual(GATEWAY_DOWNLOADED_FILES.map((spec) => spec.path));
    const carried = rendered.files.filter((f) => !downloaded.includes(f.path));
    expect(doc.write_files.map((f) => f.path)).toEqual(carried.map((f) => f.path));
    // The user data names the object: host.env carries its key and sha256.
    const env = hostEnv(fileContent(rendered, "/etc/openclaw-aws/host.env"));
    expect([env.OPENCLAW_AWS_HOST_FILES_KEY, env.OPENCLAW_AWS_HOST_FILES_SHA256]).toEqual([rendered.hostFiles!.key, rendered.hostFiles!.sha256]);
    for (const [i, f] of doc.write_files.entries()) {
      expect(f.content).toBe(carried[i].content);
      expect(f.permissions).toMatch(/^0[0-7]{3}$/);
      expect(f.owner).toBe("root:root");
    }
    expect(doc.runcmd).toEqual([["/bin/bash", "/usr/local/lib/openclaw-aws/boot-gateway.sh"]]);
    expect(rendered.files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        "/etc/openclaw/openclaw.json",
        "/etc/openclaw-aws/amazon-cloudwatch-agent.json",
        "/etc/systemd/system/openclaw-gateway.service",
        "/etc/systemd/system/openclaw-gateway-watch.service",
        "/etc/systemd/system/openclaw-gateway-watch.timer",
        "/usr/local/lib/openclaw-aws/boot-gateway.sh",
      ]),
    );
  });

  it("passes Terraform tokens through untouched", () => {
    const env = hostEnv(fileContent(rendered, "/etc/openclaw-aws/host.env"));
    expect(env.OPENCLAW_AWS_GATEWAY_PUBLIC_ADDRESS).toBe(EIP_TOKEN);
    expect(rendered.userData).toContain(JSON.stringify(EIP_TOKEN).slice(1, -1));
  });

  it("writes the real OpenClaw keys, with no token in the file", () => {
    const config = JSON.parse(fileContent(rendered, "/etc/openclaw/openclaw.json"));
    expect(config.gateway).toEqual({
      mode: "local",
      bind: "lan",
      port: 443,
      tls: { enabled: true, autoGenerate: false, certPath: "/var/lib/openclaw-aws/tls/gateway.crt", keyPath: "/var/lib/openclaw-aws/tls/gateway.key" },
      auth: { mode: "token" },
    });
    expect(config.logging.file).toMatch(/^\/var\/log\/openclaw\//);
    expect(config.plugins.entries["device-pair"].config.publicUrl).toBe("https://${OPENCLAW_AWS_PRIVATE_IP}:443");
    expect(config.update).toEqual({ checkOnStart: false, auto: { enabled: false } });
  });

  it("grants CAP_NET_BIND_SERVICE only for a port below 1024", () => {
    const low = fileContent(rendered, "/etc/systemd/system/openclaw-gateway.service");
    expect(low).toMatch(/^AmbientCapabilities=CAP_NET_BIND_SERVICE$/m);
    expect(low).toMatch(/^CapabilityBoundingSet=CAP_NET_BIND_SERVICE$/m);
    const high = fileContent(renderGatewayHost(gatewayFixture({ port: 18789 })), "/etc/systemd/system/openclaw-gateway.service");
    expect(high).not.toMatch(/AmbientCapabilities/);
    expect(high).toMatch(/^CapabilityBoundingSet=$/m);
  });

  it("carries OpenClaw's own unit settings and the token only through a 0600 EnvironmentFile", () => {
    const unit = fileContent(rendered, "/etc/systemd/system/openclaw-gateway.service");
    for (const line of [
      "User=openclaw",
      "Restart=always",
      "RestartSec=5",
      "RestartPreventExitStatus=78",
      "StartLimitBurst=10",
      "StartLimitIntervalSec=300",
      "TimeoutStopSec=330",
      "SuccessExitStatus=0 143",
      "KillMode=mixed",
      "Environment=OPENCLAW_NO_AUTO_UPDATE=1",
      "EnvironmentFile=/etc/openclaw-aws/gateway-token.env",
      "NoNewPrivileges=yes",
      "ProtectSystem=strict",
      "ReadWritePaths=/var/lib/openclaw /var/log/openclaw /var/cache/openclaw",
      "Environment=NODE_COMPILE_CACHE=/var/cache/openclaw",
    ]) {
      expect(unit.split("\n")).toContain(line);
    }
    expect(unit).toMatch(/^ExecStart=\S+\/bin\/node \S+\/openclaw\.mjs gateway run$/m);
    expect(unit).not.toMatch(/--token|OPENCLAW_GATEWAY_TOKEN=/);
  });

  it("reads the node list from SSM: host.env names its path, no file lists nodes", () => {
    const env = fileContent(rendered, "/etc/openclaw-aws/host.env");
    expect(env).toContain("OPENCLAW_AWS_PARAM_NODE_LIST='/openclaw/test/gateway/nodes'\n");
    // Join codes are SecureStrings under the stack's key.
    expect(env).toContain("OPENCLAW_AWS_KMS_KEY='alias/openclaw-test'\n");
    expect(rendered.files.map((f) => f.path)).not.toContain("/etc/openclaw-aws/nodes.tsv");
    expect(fileContent(rendered, "/usr/local/lib/openclaw-aws/gateway-watch.sh")).toContain('--path "$OPENCLAW_AWS_PARAM_NODE_LIST"');
  });

  it("collects the OpenClaw services' output, /var/log/messages and the boot log: only files of root's, the agent running as root", () => {
    const cw = JSON.parse(fileContent(rendered, "/etc/openclaw-aws/amazon-cloudwatch-agent.json"));
    const files = cw.logs.logs_collected.files.collect_list;
    expect(files).toEqual([
      expect.objectContaining({ file_path: "/var/log/openclaw-services.log", log_group_name: "/openclaw-test/application" }),
      expect.objectContaining({ file_path: "/var/log/messages", log_group_name: "/openclaw-test/system" }),
      expect.objectContaining({ file_path: "/var/log/openclaw-boot.log", log_group_name: "/openclaw-test/system" }),
    ]);
    expect(cw.agent.run_as_user).toBe("root");
    // rsyslog writes the services' journal there (their SyslogIdentifier), and logrotate rotates it.
    expect(fileContent(rendered, "/etc/rsyslog.d/60-openclaw-aws.conf")).toContain('if $programname startswith "openclaw-" then {\n  action(type="omfile" file="/var/log/openclaw-services.log"');
    expect(fileContent(rendered, "/etc/systemd/system/openclaw-gateway.service")).toMatch(/^SyslogIdentifier=openclaw-gateway$/m);
    expect(fileContent(rendered, "/etc/logrotate.d/openclaw-aws")).toMatch(/^\/var\/log\/openclaw-services\.log \{$/m);
    expect(cw.metrics.namespace).toBe("OpenClaw/test");
    expect(cw.metrics.append_dimensions).toEqual({ InstanceId: "${aws:InstanceId}", InstanceType: "${aws:InstanceType}" });
    // CPU is EC2's own CPUUtilization (free): the agent sends only what EC2 cannot see.
    expect(cw.metrics.metrics_collected.cpu).toBeUndefined();
    expect(cw.metrics.metrics_collected.mem.measurement).toEqual(["mem_used_percent"]);
    expect(cw.metrics.metrics_collected.disk).toMatchObject({ measurement: ["disk_used_percent"], resources: ["/"] });
    expect(fileContent(rendered, "/usr/local/lib/openclaw-aws/boot-gateway.sh")).toContain('"${OPENCLAW_AWS_LIB_DIR}/prepare-host.sh"');
    expect(fileContent(rendered, "/usr/local/lib/openclaw-aws/prepare-host.sh")).toMatch(/packages=\(.*rsyslog.*\)[\s\S]*dnf install/);
  });

  it("refuses values host.env cannot hold; names and TLS for nodes are the schema's rules", () => {
    expect(() => renderGatewayHost(gatewayFixture({}, { region: "eu-west-1'; rm -rf /" }))).toThrow(/quote/);
    expect(() => configWith({ gateway: { name: "gw 1" } })).toThrow(/gateway\.name/);
    expect(() => configWith({ gateway: { tls: false } })).toThrow(/gateway\.tls/);
    expect(() => renderGatewayHost(gatewayFixture({ tls: false }))).not.toThrow();
  });

  it("hands each node its join code through that node's own parameter, named in its node-list entry", () => {
    const hosts = exampleHosts("multi-node.json");
    const contexts = exampleContexts("multi-node.json");
    const gatewayFiles = renderGatewayHost(contexts.gateway).files.map((f) => f.content).join("\n");
    hosts.nodes.forEach((node, index) => {
      expect(node.listParameter).toBe(`${hosts.gatewayParameters.nodeList}/${node.name}`);
      expect(node.listEntry).toEqual({ displayName: node.hostName, pairingParameter: node.pairingParameter });
      expect(fileContent(renderNodeHost(contexts.nodes[index]), "/etc/openclaw-aws/host.env")).toContain(
        `OPENCLAW_AWS_PARAM_NODE_PAIRING='${node.pairingParameter}'\n`,
      );
      // Nothing of a node is in the gateway's files: adding one never changes the gateway.
      expect(gatewayFiles).not.toContain(node.hostName);
    });
  });

  it("keeps the user data well under 16 KB after gzip, for every example", () => {
    for (const file of exampleFiles()) {
      const contexts = exampleContexts(file);
      for (const userData of [renderGatewayHost(contexts.gateway).userData, ...contexts.nodes.map((n) => renderNodeHost(n).userData)]) {
        const gz = gzipSync(Buffer.from(userData), { level: 6 });
        expect(gz.length).toBeLessThan(16 * 1024);
        expect(gunzipSync(gz).toString()).toBe(userData);
      }
    }
  });
});

describe("renderNodeHost", () => {
  const rendered = renderNodeHost(nodeFixture());

  it("connects to the gateway's private address with a pinned fingerprint", () => {
    const env = hostEnv(fileContent(rendered, "/etc/openclaw-aws/host.env"));
    expect(env.OPENCLAW_AWS_GATEWAY_HOST).toBe(PRIVATE_IP_TOKEN);
    expect(env.OPENCLAW_AWS_GATEWAY_PORT).toBe("443");
    expect(env.OPENCLAW_AWS_PARAM_NODE_PAIRING).toBe("/openclaw/test/nodes/node-1/pairing");
    const unit = fileContent(rendered, "/etc/systemd/system/openclaw-node.service");
    expect(unit).toMatch(
      /^ExecStart=\S+\/bin\/node \S+\/openclaw\.mjs node run --host \$\{OPENCLAW_AWS_GATEWAY_HOST\} --port \$\{OPENCLAW_AWS_GATEWAY_PORT\} --tls --tls-fingerprint \$\{OPENCLAW_AWS_GATEWAY_TLS_FINGERPRINT\} --display-name \$\{OPENCLAW_AWS_HOST_NAME\}$/m,
    );
    expect(unit).toMatch(/^Requires=openclaw-node-pairing\.service$/m);
    expect(parseUserData(rendered.userData).runcmd).toEqual([["/bin/bash", "/usr/local/lib/openclaw-aws/boot-node.sh"]]);
  });

  it("uses the runtime of the host's architecture", () => {
    const arm = renderNodeHost(nodeFixture({}, { architecture: "arm64", runtime: NODE_RUNTIMES.arm64 }));
    const env = hostEnv(fileContent(arm, "/etc/openclaw-aws/host.env"));
    expect(env.OPENCLAW_AWS_ARCH).toBe("arm64");
    expect(env.OPENCLAW_AWS_NODEJS_URL).toBe(NODE_RUNTIMES.arm64.url);
    expect(env.OPENCLAW_AWS_NODEJS_INTEGRITY).toBe(NODE_RUNTIMES.arm64.integrity);
  });

  it("renders the source install settings", () => {
    const commit = "eb377ac59e6c9fd6c7705028034812becf00271b";
    const pnpm = { version: PNPM_PINS.x86_64.version, url: tarballUrl(PNPM_PINS.x86_64), integrity: PNPM_PINS.x86_64.integrity };
    const src = renderNodeHost(nodeFixture({}, { openclaw: { method: "source", repository: "https://example.com/openclaw.git", commit, pnpm } }));
    const env = hostEnv(fileContent(src, "/etc/openclaw-aws/host.env"));
    expect(env).toMatchObject({
      OPENCLAW_AWS_INSTALL_METHOD: "source",
      OPENCLAW_AWS_OPENCLAW_REPOSITORY: "https://example.com/openclaw.git",
      OPENCLAW_AWS_OPENCLAW_COMMIT: commit,
      OPENCLAW_AWS_PNPM_URL: "https://registry.npmjs.org/@pnpm/exe.linux-x64/-/exe.linux-x64-12.3.4.tgz",
      OPENCLAW_AWS_PNPM_INTEGRITY: PNPM_PINS.x86_64.integrity,
    });
    expect(env.OPENCLAW_AWS_OPENCLAW_VERSION).toBeUndefined();
    expect(env.OPENCLAW_AWS_OPENCLAW_LOCK_SHA256).toBeUndefined();
  });

  it("refuses a node without a TLS gateway (the schema's rule: join codes need TLS)", () => {
    expect(() => configWith({ gateway: { tls: false }, nodes: [{ name: "node-1" }] })).toThrow(/gateway\.tls: must be true when there are nodes/);
  });
});

describe("cloudConfig", () => {
  it("keeps arbitrary content intact (quotes, newlines, YAML-looking text, ${...})", () => {
    const content = "a: 'b'\n- \"c\"\n${HOME} {{x}} \\ \t# not a comment\n";
    const doc = parseUserData(cloudConfig([{ path: "/x", mode: "0600", content }], "/x"));
    expect(doc.write_files[0].content).toBe(content);
  });
});
