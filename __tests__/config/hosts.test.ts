import { deploymentHosts, isPrivilegedPort, PARAMETER_PLACEHOLDER } from "../../src/config/hosts";
import { deploymentNames } from "../../src/config/names";
import { configWith } from "../helpers";

const hostsOf = (overrides: Parameters<typeof configWith>[0]) => {
  const config = configWith(overrides);
  return deploymentHosts(config, deploymentNames(config));
};

describe("deploymentHosts", () => {
  it("gives the default gateway and node seed 000's names, roles and instances", () => {
    const hosts = hostsOf({});
    expect(hosts.gateway).toEqual({
      name: "gw",
      hostName: "openclaw-gw",
      roleName: "openclaw-ec2-role",
      tokenSecret: "openclaw/openclaw/gateway/token",
      instance: { instanceType: "t3.medium", architecture: "x86_64", rootVolumeGb: 100 },
      dataVolume: { sizeGb: 20, snapshotId: undefined },
      // Host 10 of the default hosts' subnet 10.0.1.0/24.
      privateIp: "10.0.1.10",
    });
    expect(hosts.nodes).toEqual([
      {
        name: "node",
        hostName: "openclaw-node",
        roleName: "openclaw-node-ec2-role",
        instance: { instanceType: "t3.small", architecture: "x86_64", rootVolumeGb: 100 },
        dataVolume: { sizeGb: 10, snapshotId: undefined },
        pairingParameter: "/openclaw/openclaw/nodes/node/pairing",
        listParameter: "/openclaw/openclaw/gateway/nodes/node",
        listEntry: { displayName: "openclaw-node", pairingParameter: "/openclaw/openclaw/nodes/node/pairing" },
      },
    ]);
    expect(hosts.gateway.tokenSecret).toBe("openclaw/openclaw/gateway/token");
    expect(hosts.gatewayParameters).toEqual({
      tlsFingerprint: "/openclaw/openclaw/gateway/tls-fingerprint",
      tlsCertificate: "/openclaw/openclaw/gateway/tls-certificate",
      nodeList: "/openclaw/openclaw/gateway/nodes",
    });
  });

  it("gives the gateway the configured private address, or none in the default VPC (Terraform computes it there)", () => {
    expect(hostsOf({ gateway: { privateIp: "10.0.1.77" } }).gateway.privateIp).toBe("10.0.1.77");
    expect(hostsOf({ network: { mode: "create", publicSubnetCidr: "10.0.8.0/24" } }).gateway.privateIp).toBe("10.0.8.10");
    expect(hostsOf({ network: { mode: "default" } }).gateway.privateIp).toBeUndefined();
  });

  it("takes each host's architecture from its instance type", () => {
    const hosts = hostsOf({ gateway: { instanceType: "t4g.medium" }, nodes: [{ name: "x86", instanceType: "t3.large" }, { name: "arm", instanceType: "c7g.medium", rootVolumeGb: 30 }] });
    expect(hosts.gateway.instance.architecture).toBe("arm64");
    expect(hosts.nodes.map((node) => [node.name, node.instance])).toEqual([
      ["x86", { instanceType: "t3.large", architecture: "x86_64", rootVolumeGb: 100 }],
      ["arm", { instanceType: "c7g.medium", architecture: "arm64", rootVolumeGb: 30 }],
    ]);
  });

  it("puts the stack name into every name and parameter path, one record per node", () => {
    const hosts = hostsOf({ stackName: "dev", nodes: [{ name: "node-1" }, { name: "node-2" }] });
    expect(hosts.gateway).toMatchObject({ hostName: "openclaw-dev-gw", roleName: "openclaw-dev-ec2-role" });
    expect(hosts.nodes.map(({ hostName, roleName, pairingParameter }) => ({ hostName, roleName, pairingParameter }))).toEqual([
      { hostName: "openclaw-dev-node-1", roleName: "openclaw-dev-node-1-ec2-role", pairingParameter: "/openclaw/dev/nodes/node-1/pairing" },
      { hostName: "openclaw-dev-node-2", roleName: "openclaw-dev-node-2-ec2-role", pairingParameter: "/openclaw/dev/nodes/node-2/pairing" },
    ]);
    expect(hosts.gateway.tokenSecret).toBe("openclaw/dev/gateway/token");
  });

  it("has no node records without nodes", () => {
    expect(hostsOf({ nodes: [] }).nodes).toEqual([]);
  });

  it("creates parameters with the placeholder the hosts read as not published yet", () => {
    expect(PARAMETER_PLACEHOLDER).toBe("pending");
  });
});

describe("isPrivilegedPort", () => {
  it("is true below 1024 only", () => {
    expect([22, 443, 1023, 1024, 8443, 18789].map((port) => [port, isPrivilegedPort(port)])).toEqual([
      [22, true],
      [443, true],
      [1023, true],
      [1024, false],
      [8443, false],
      [18789, false],
    ]);
  });
});
