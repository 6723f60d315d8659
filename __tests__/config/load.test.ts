import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig, validateConfig } from "../../src/config/load";

function problemsOf(raw: unknown): string[] {
  try {
    validateConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error("configuration was accepted");
}

describe("validateConfig", () => {
  it("fills every default: seed 000's hosts inside seed 002's network", () => {
    const config = validateConfig({});
    expect(config.region).toBe("us-east-1");
    expect(config.network).toEqual({
      mode: "create",
      vpcCidr: "10.0.0.0/16",
      publicSubnetCidr: "10.0.1.0/24",
      privateSubnetCidr: "10.0.2.0/24",
      flowLogs: true,
    });
    expect(config.endpoints).toEqual({ bedrockRuntime: true, ssm: true, ssmmessages: true, ec2messages: true });
    expect(config.gateway).toMatchObject({ instanceType: "t3.medium", rootVolumeGb: 100, port: 443, tls: true, elasticIp: true });
    expect(config.gateway.publicCidrs).toEqual([]);
    expect(config.nodes).toEqual([{ name: "node", instanceType: "t3.small", rootVolumeGb: 100, dataVolumeGb: 10 }]);
    expect(config.ssh.allowedCidrs).toEqual([]);
    // No SSH, so no key pair: its private key would only sit in Terraform's state.
    expect(config.keyPair).toEqual({ mode: "none" });
    expect(config.openclaw.install).toEqual({ method: "npm", version: "2026.9.6" });
    expect(config.target).toEqual({ kind: "aws" });
  });

  it("names the field, the bad value and what is allowed", () => {
    expect(problemsOf({ gateway: { port: 70000 } })).toEqual(["gateway.port: must be between 1 and 65535 (got 70000)"]);
    expect(problemsOf({ region: "moon-1" })).toEqual([
      'region: is not an AWS region (@aws-sdk/core 3.981.0 partitions); e.g. us-east-1, eu-west-1, ap-southeast-2 (got "moon-1")',
    ]);
    expect(problemsOf({ gateway: { instanceType: "big" } })).toEqual([
      'gateway.instanceType: is not an EC2 instance type; e.g. t3.medium, t3.small, t4g.small (arm64) (got "big")',
    ]);
    expect(problemsOf({ monitoring: { logRetentionDays: 10 } })[0]).toMatch(
      /^monitoring\.logRetentionDays: must be one of 1, 3, 5, 7, 14, 30.* \(got 10\)$/,
    );
    expect(problemsOf({ ssh: { allowedCidrs: ["10.0.0.1/24"] } })).toEqual([
      'ssh.allowedCidrs[0]: must be an IPv4 CIDR block with its host bits zero, e.g. 10.0.1.0/24 (got "10.0.0.1/24")',
    ]);
    expect(problemsOf({ openclaw: { install: { method: "npm", version: "latest" } } })).toEqual([
      'openclaw.install.version: must be an exact version such as "2026.9.6" (got "latest")',
    ]);
  });

  it("rejects unknown settings, so a typo is never silently ignored", () => {
    expect(problemsOf({ gatway: {} })).toEqual(["gatway: unknown setting; remove it or check its spelling"]);
    expect(problemsOf({ gateway: { tls: { enabled: true } } })).toEqual(['gateway.tls: must be a boolean (got {"enabled":true})']);
  });

  it("reports every problem at once", () => {
    expect(problemsOf({ gateway: { port: 0 }, nodes: [{}], keyPair: { mode: "rsa" } })).toEqual([
      "gateway.port: must be between 1 and 65535 (got 0)",
      "nodes[0].name: is required (expected string)",
      'keyPair.mode: must be "generate", "import" or "none" (got "rsa")',
    ]);
  });

  it("checks settings against each other", () => {
    expect(problemsOf({ network: { mode: "create", publicSubnetCidr: "10.1.0.0/24" } })).toEqual([
      'network.publicSubnetCidr: must lie inside network.vpcCidr 10.0.0.0/16 (got "10.1.0.0/24")',
    ]);
    expect(problemsOf({ network: { mode: "create", privateSubnetCidr: "10.0.1.0/25" } })).toEqual([
      'network.privateSubnetCidr: must not overlap network.publicSubnetCidr 10.0.1.0/24 (got "10.0.1.0/25")',
    ]);
    expect(problemsOf({ availabilityZone: "eu-west-1a" })).toEqual([
      'availabilityZone: must be a zone of region us-east-1: us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f (moto 5.2.1 of 2026-05-20) (got "eu-west-1a")',
    ]);
    expect(problemsOf({ nodes: [{ name: "alpha" }, { name: "alpha" }] })[0]).toMatch(/^nodes\[1\]\.name: must be unique/);
    expect(problemsOf({ gateway: { bind: "loopback" } })[0]).toMatch(/^gateway\.bind: must be "lan" when there are nodes/);
    expect(problemsOf({ gateway: { tls: false } })[0]).toMatch(/^gateway\.tls: must be true when there are nodes/);
    expect(problemsOf({ nodes: [], gateway: { tls: false, publicCidrs: ["0.0.0.0/0"] } })[0]).toMatch(
      /^gateway\.publicCidrs: need gateway\.bind "lan" and gateway\.tls true/,
    );
    expect(problemsOf({ gateway: { elasticIp: false, publicCidrs: ["0.0.0.0/0"] } })[0]).toMatch(/^gateway\.elasticIp: must be true/);
    expect(problemsOf({ keyPair: { mode: "none" }, ssh: { allowedCidrs: ["192.0.2.0/24"] } })[0]).toMatch(
      /^ssh\.allowedCidrs: need a key pair/,
    );
    expect(problemsOf({ iam: { bedrock: false } })[0]).toMatch(/^iam\.marketplace: only applies with iam\.bedrock true/);
  });
});

describe("loadConfig", () => {
  const folder = () => mkdtempSync(join(tmpdir(), "openclaw-config-"));

  it("uses the defaults when there is no openclaw.config.json", () => {
    expect(loadConfig({ cwd: folder(), env: {} })).toEqual(validateConfig({}));
  });

  it("reads openclaw.config.json from the project root", () => {
    const cwd = folder();
    writeFileSync(join(cwd, "openclaw.config.json"), JSON.stringify({ stackName: "prod", nodes: [] }));
    const config = loadConfig({ cwd, env: {} });
    expect(config.stackName).toBe("prod");
    expect(config.nodes).toEqual([]);
  });

  it("reads the file named by OPENCLAW_CONFIG and lets env settings win", () => {
    const cwd = folder();
    writeFileSync(join(cwd, "dev.json"), JSON.stringify({ stackName: "dev", state: { bucket: "from-file" } }));
    const config = loadConfig({
      cwd,
      env: { OPENCLAW_CONFIG: "dev.json", OPENCLAW_STATE_BUCKET: "from-env", OPENCLAW_LOCAL_ENDPOINT: "http://127.0.0.1:5000" },
    });
    expect(config.stackName).toBe("dev");
    expect(config.state.bucket).toBe("from-env");
    expect(config.target).toEqual({ kind: "local", endpoint: "http://127.0.0.1:5000" });
  });

  it("says which file is missing or broken", () => {
    const cwd = folder();
    expect(() => loadConfig({ cwd, env: { OPENCLAW_CONFIG: "nope.json" } })).toThrow(/OPENCLAW_CONFIG: file ".*nope\.json" does not exist/);
    writeFileSync(join(cwd, "openclaw.config.json"), "{ stackName: ");
    expect(() => loadConfig({ cwd, env: {} })).toThrow(/openclaw\.config\.json[\s\S]*not valid JSON at line 1, column 3: expected a string in double quotes/);
  });

  it("validates env values like file values", () => {
    expect(() => loadConfig({ cwd: folder(), env: { OPENCLAW_STATE_BUCKET: "Bad_Bucket" } })).toThrow(
      /state\.bucket: must be a valid S3 bucket name: .* \(got "Bad_Bucket"\)/,
    );
  });
});
