import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroups, type SecurityGroupsProps } from "../../src/constructs/security-groups";
import { deploymentNames } from "../../src/config/names";
import { configWith, propertiesOf, resourcesOf, type TerraformJson } from "../helpers";
import { synthConstruct } from "./bare-stack";

/** The rules of one kind, with the groups they belong to and come from resolved to their names. */
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

/** The default deployment's groups: gateway on 443, nodes and endpoints present, nothing from the internet. */
const props: SecurityGroupsProps = {
  vpcId: "vpc-1",
  names: deploymentNames(configWith()),
  gatewayPort: 443,
  gatewayPublicCidrs: [],
  withNodes: true,
  sshCidrs: [],
  withEndpoints: true,
};

function synthGroups(overrides: Partial<SecurityGroupsProps> = {}) {
  return synthConstruct((stack) => {
    const groups = new SecurityGroups(stack, "security-groups", { ...props, ...overrides });
    return { gatewayGroupId: groups.gatewayGroupId, nodeGroupId: groups.nodeGroupId, endpointGroupId: groups.endpointGroupId };
  });
}

describe("SecurityGroups", () => {
  it("given no public CIDR and no SSH CIDR, when synthesized, then nothing is admitted from the internet: the gateway port only from the nodes, no SSH", () => {
    const { json, tf } = synthGroups();
    for (const name of ["openclaw-sg", "openclaw-node-sg", "openclaw-endpoints-sg"]) {
      expect(json).toHaveResourceWithProperties(SecurityGroup, { name, vpc_id: "vpc-1", tags: { Name: name } });
    }
    // Every rule is its own resource: no inline rules.
    for (const group of propertiesOf(tf, "aws_security_group")) {
      expect(group.ingress).toBeUndefined();
      expect(group.egress).toBeUndefined();
    }
    const ingress = rules(tf, "aws_vpc_security_group_ingress_rule");
    expect(ingress).toEqual(
      expect.arrayContaining([
        { group: "openclaw-sg", port: 443, toPort: 443, cidr: undefined, from: "openclaw-node-sg" },
        { group: "openclaw-endpoints-sg", port: 443, toPort: 443, cidr: undefined, from: "openclaw-sg" },
        { group: "openclaw-endpoints-sg", port: 443, toPort: 443, cidr: undefined, from: "openclaw-node-sg" },
      ]),
    );
    expect(ingress).toHaveLength(3);
  });

  it("given gateway port 8443, when synthesized, then the hosts get out on 443 and 80 only, and the nodes to the gateway port", () => {
    const egress = rules(synthGroups({ gatewayPort: 8443 }).tf, "aws_vpc_security_group_egress_rule");
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

  it("given a public CIDR and an SSH CIDR (seed 000), when synthesized, then the gateway port and SSH open to those CIDRs only", () => {
    const { tf } = synthGroups({ gatewayPublicCidrs: ["0.0.0.0/0"], sshCidrs: ["198.51.100.0/24"] });
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

  it("given no nodes and no endpoints, when synthesized, then only the gateway group exists and it hands out no other group", () => {
    const { tf, exposed } = synthGroups({ withNodes: false, withEndpoints: false });
    expect(propertiesOf(tf, "aws_security_group").map((group) => group.name)).toEqual(["openclaw-sg"]);
    expect(Object.keys(exposed)).toEqual(["gatewayGroupId"]);
  });

  it("given no nodes, when synthesized, then there is no node group and the endpoints take 443 from the gateway only", () => {
    const { tf } = synthGroups({ withNodes: false });
    expect(propertiesOf(tf, "aws_security_group").map((group) => group.name).sort()).toEqual(["openclaw-endpoints-sg", "openclaw-sg"]);
    expect(rules(tf, "aws_vpc_security_group_ingress_rule")).toEqual([
      { group: "openclaw-endpoints-sg", port: 443, toPort: 443, cidr: undefined, from: "openclaw-sg" },
    ]);
  });

  it("given the emulator accommodation, when synthesized, then only rules that reference a group lose their description", () => {
    const described = (tf: TerraformJson) =>
      [...propertiesOf(tf, "aws_vpc_security_group_ingress_rule"), ...propertiesOf(tf, "aws_vpc_security_group_egress_rule")].map((rule) => ({
        referencesGroup: rule.referenced_security_group_id !== undefined,
        description: rule.description,
      }));
    const onAws = described(synthGroups({ sshCidrs: ["198.51.100.0/24"] }).tf);
    expect(onAws.every((rule) => typeof rule.description === "string")).toBe(true);
    const onEmulator = described(synthGroups({ sshCidrs: ["198.51.100.0/24"], omitReferencedRuleDescriptions: true }).tf);
    expect(onEmulator.filter((rule) => rule.referencesGroup).map((rule) => rule.description)).toEqual([undefined, undefined, undefined, undefined]);
    expect(onEmulator.filter((rule) => !rule.referencesGroup).every((rule) => typeof rule.description === "string")).toBe(true);
  });

  it("given everything, when synthesized, then it hands out the id of each group", () => {
    const { tf, exposed } = synthGroups();
    const idOf = (name: string) => {
      const [[id]] = resourcesOf(tf, "aws_security_group").filter(([, group]) => group.name === name);
      return `\${aws_security_group.${id}.id}`;
    };
    expect(exposed).toEqual({ gatewayGroupId: idOf("openclaw-sg"), nodeGroupId: idOf("openclaw-node-sg"), endpointGroupId: idOf("openclaw-endpoints-sg") });
  });
});
