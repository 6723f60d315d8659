/**
 * Issue 9 "no cascade", proven at synth: what one host's resources hold never depends on how many other
 * hosts there are, and the gateway's address does not depend on its instance.
 */
import { resourcesOf, synthStack, userDataText, type TerraformJson } from "../helpers";

const nodes = (count: number) => Array.from({ length: count }, (_, index) => ({ name: `node-${index + 1}` }));

function instanceByName(tf: TerraformJson, name: string): Record<string, unknown> {
  const found = resourcesOf(tf, "aws_instance").find(([, instance]) => (instance.tags as Record<string, string>).Name === name);
  if (!found) throw new Error(`no instance ${name}`);
  return found[1];
}

describe("no cascading replacements", () => {
  it("adding a node changes neither the gateway's user data nor the first node's", () => {
    const one = synthStack({ nodes: nodes(1) }).tf;
    const two = synthStack({ nodes: nodes(2) }).tf;
    for (const host of ["openclaw-gw", "openclaw-node-1"]) {
      expect(userDataText(two, instanceByName(two, host))).toBe(userDataText(one, instanceByName(one, host)));
      expect(instanceByName(two, host).user_data_base64).toBe(instanceByName(one, host).user_data_base64);
      expect(instanceByName(two, host).private_ip).toBe(instanceByName(one, host).private_ip);
    }
  });

  it("the gateway's user data is the same with 250 nodes as with 1", () => {
    const one = instanceByName(synthStack({ nodes: nodes(1) }).tf, "openclaw-gw").user_data_base64;
    const many = synthStack({ nodes: nodes(250) }).tf;
    expect(instanceByName(many, "openclaw-gw").user_data_base64).toBe(one);
    expect(resourcesOf(many, "aws_instance")).toHaveLength(251);
  });

  it("the gateway has a fixed private address in the hosts' subnet, which is what the nodes embed", () => {
    const { tf } = synthStack();
    const gateway = instanceByName(tf, "openclaw-gw");
    expect(gateway.private_ip).toBe("10.0.1.10");
    expect(userDataText(tf, instanceByName(tf, "openclaw-node"))).toContain("OPENCLAW_AWS_GATEWAY_HOST='10.0.1.10'");
    expect(userDataText(tf, instanceByName(tf, "openclaw-node"))).not.toContain("aws_instance");
    expect(tf.output.gateway_private_ip.value).toBe("10.0.1.10");

    expect(instanceByName(synthStack({ gateway: { privateIp: "10.0.1.200" } }).tf, "openclaw-gw").private_ip).toBe("10.0.1.200");
    expect(() => synthStack({ gateway: { privateIp: "10.0.2.10" } })).toThrow(/gateway\.privateIp: must be an address AWS lets an instance use in network\.publicSubnetCidr 10\.0\.1\.0\/24/);
    expect(() => synthStack({ gateway: { privateIp: "10.0.1.3" } })).toThrow(/gateway\.privateIp/);
    expect(() => synthStack({ gateway: { privateIp: "10.0.1.255" } })).toThrow(/gateway\.privateIp/);
    expect(() => synthStack({ gateway: { privateIp: "10.0.1.300" } })).toThrow(/gateway\.privateIp: must be an IPv4 address/);
  });

  it("in the default VPC the address is host 10 of the default subnet, worked out by Terraform", () => {
    const { tf } = synthStack({ network: { mode: "default" } });
    const [[subnetId]] = resourcesOf({ ...tf, resource: tf.data } as TerraformJson, "aws_subnet").filter(([id]) => id.startsWith("gateway_subnet"));
    const expected = `\${cidrhost(data.aws_subnet.${subnetId}.cidr_block, 10)}`;
    expect(instanceByName(tf, "openclaw-gw").private_ip).toBe(expected);
    expect(userDataText(tf, instanceByName(tf, "openclaw-node"))).toContain(`OPENCLAW_AWS_GATEWAY_HOST='\${cidrhost(data.aws_subnet.${subnetId}.cidr_block, 10)}'`);
  });

  it("another OpenClaw (here: a source build) changes the hosts' user data (they are replaced) but not the gateway's address", () => {
    const before = synthStack().tf;
    const after = synthStack({ openclaw: { install: { method: "source" } } }).tf;
    for (const host of ["openclaw-gw", "openclaw-node"]) {
      expect(userDataText(after, instanceByName(after, host))).not.toBe(userDataText(before, instanceByName(before, host)));
      expect(instanceByName(after, host).user_data_replace_on_change).toBe(true);
    }
    expect(instanceByName(after, "openclaw-gw").private_ip).toBe(instanceByName(before, "openclaw-gw").private_ip);
    // The data volumes: the same resources (addresses) with the same attributes, so none is replaced.
    expect(before.resource.aws_ebs_volume).toBeDefined();
    expect(after.resource.aws_ebs_volume).toEqual(before.resource.aws_ebs_volume);
    for (const volume of Object.values(after.resource.aws_ebs_volume)) expect(JSON.stringify(volume)).not.toMatch(/aws_instance/);
  });

  it("adding a node adds only that node's resources: no other resource changes but the dashboard, which draws every host", () => {
    const one = synthStack({ nodes: nodes(1) }).tf;
    const two = synthStack({ nodes: nodes(2) }).tf;
    // Outputs and the cost estimate list the nodes by design; resources must not, except the dashboard:
    // it is a display, updated in place (its name, its only identity, stays), never replaced.
    for (const [type, resources] of Object.entries(one.resource)) {
      if (type === "aws_cloudwatch_dashboard") continue;
      for (const [id, resource] of Object.entries(resources)) expect({ type, id, resource: two.resource[type]?.[id] }).toEqual({ type, id, resource });
    }
    const [[id, dashboard]] = Object.entries(one.resource.aws_cloudwatch_dashboard);
    expect(two.resource.aws_cloudwatch_dashboard[id].dashboard_name).toBe(dashboard.dashboard_name);
    expect(two.resource.aws_cloudwatch_dashboard[id].dashboard_body).toContain("openclaw-node-2");
  });
});
