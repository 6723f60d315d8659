import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { propertiesOf, resourcesOf, synthStack, type TerraformJson } from "../helpers";

/** Ingress rules with the group they belong to resolved to its name. */
function rules(tf: TerraformJson, type: "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule") {
  const groupNames = Object.fromEntries(resourcesOf(tf, "aws_security_group").map(([id, group]) => [id, group.name as string]));
  const groupOf = (reference: unknown) => {
    const id = /aws_security_group\.([^.]+)\.id/.exec(String(reference))?.[1];
    return id ? groupNames[id] : undefined;
  };
  return propertiesOf(tf, type).map((rule) => ({
    group: groupOf(rule.security_group_id),
    port: rule.from_port,
    toPort: rule.to_port,
    cidr: rule.cidr_ipv4,
    from: groupOf(rule.referenced_security_group_id),
  }));
}

describe("SecurityGroups", () => {
  it("admits nothing from the internet by default: the gateway port only from the nodes, no SSH", () => {
    const { json, tf } = synthStack();
    expect(json).toHaveResourceWithProperties(SecurityGroup, { name: "openclaw-sg" });
    expect(json).toHaveResourceWithProperties(SecurityGroup, { name: "openclaw-node-sg" });
    expect(json).toHaveResourceWithProperties(SecurityGroup, { name: "openclaw-endpoints-sg" });
    for (const group of propertiesOf(tf, "aws_security_group")) {
      expect(group.ingress).toBeUndefined();
      expect(group.egress).toBeUndefined();
    }
    expect(rules(tf, "aws_vpc_security_group_ingress_rule")).toEqual(
      expect.arrayContaining([
        { group: "openclaw-sg", port: 443, toPort: 443, cidr: undefined, from: "openclaw-node-sg" },
        { group: "openclaw-endpoints-sg", port: 443, toPort: 443, cidr: undefined, from: "openclaw-sg" },
        { group: "openclaw-endpoints-sg", port: 443, toPort: 443, cidr: undefined, from: "openclaw-node-sg" },
      ]),
    );
    expect(rules(tf, "aws_vpc_security_group_ingress_rule")).toHaveLength(3);
  });

  it("lets the hosts out on 443 and 80 only, and the nodes to the gateway port", () => {
    const { tf } = synthStack({ gateway: { port: 8443 } });
    const egress = rules(tf, "aws_vpc_security_group_egress_rule");
    expect(egress).toEqual(
      expect.arrayContaining([
        { group: "openclaw-sg", port: 443, toPort: 443, cidr: "0.0.0.0/0", from: undefined },
        { group: "openclaw-sg", port: 80, toPort: 80, cidr: "0.0.0.0/0", from: undefined },
        { group: "openclaw-node-sg", port: 443, toPort: 443, cidr: "0.0.0.0/0", from: undefined },
        { group: "openclaw-node-sg", port: 80, toPort: 80, cidr: "0.0.0.0/0", from: undefined },
        { group: "openclaw-node-sg", port: 8443, toPort: 8443, cidr: undefined, from: "openclaw-sg" },
      ]),
    );
    expect(egress).toHaveLength(5);
  });

  it("opens seed 000's public gateway port and SSH only to the configured CIDRs", () => {
    const { tf } = synthStack({
      gateway: { publicCidrs: ["0.0.0.0/0"] },
      ssh: { allowedCidrs: ["198.51.100.0/24"] },
    });
    const ingress = rules(tf, "aws_vpc_security_group_ingress_rule");
    expect(ingress).toEqual(
      expect.arrayContaining([
        { group: "openclaw-sg", port: 443, toPort: 443, cidr: "0.0.0.0/0", from: undefined },
        { group: "openclaw-sg", port: 22, toPort: 22, cidr: "198.51.100.0/24", from: undefined },
        { group: "openclaw-node-sg", port: 22, toPort: 22, cidr: "198.51.100.0/24", from: undefined },
      ]),
    );
    expect(ingress.filter((rule) => rule.cidr === "0.0.0.0/0")).toHaveLength(1);
  });

  it("has no node group without nodes", () => {
    const { tf } = synthStack({ nodes: [] });
    expect(propertiesOf(tf, "aws_security_group").map((group) => group.name).sort()).toEqual(["openclaw-endpoints-sg", "openclaw-sg"]);
  });
});
