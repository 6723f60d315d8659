import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { randomBytes } from "node:crypto";
import type { Architecture } from "../../src/config/aws-facts";
import type { NodeRecord } from "../../src/config/hosts";
import { NodeHosts, type NodeHostsProps } from "../../src/node/node-hosts";
import { userDataText } from "../helpers";
import { synthConstruct } from "../constructs/bare-stack";
import { placement } from "../host/placement";

const record = (name: string, instanceType: string, architecture: Architecture): NodeRecord => ({
  name,
  hostName: `openclaw-${name}`,
  roleName: `openclaw-${name}-ec2-role`,
  instance: { instanceType, architecture, rootVolumeGb: 30 },
  dataVolume: { sizeGb: 10 },
  pairingParameter: `/openclaw/openclaw/nodes/${name}/pairing`,
  listParameter: `/openclaw/openclaw/gateway/nodes/${name}`,
  listEntry: { displayName: `openclaw-${name}`, pairingParameter: `/openclaw/openclaw/nodes/${name}/pairing` },
});

const PLACEHOLDER = "node-name-here";

/** An x86 node and an arm one, each architecture's user data naming the node and the gateway. */
const props: NodeHostsProps = {
  nodes: [record("node-1", "t3.small", "x86_64"), record("arm", "t4g.small", "arm64")],
  userDataTemplates: new Map<Architecture, string>([
    ["x86_64", `#!/bin/bash\necho "x86 node ${PLACEHOLDER}, gateway at 10.0.1.10, \${HOME}"\n`],
    ["arm64", `#!/bin/bash\necho "arm node ${PLACEHOLDER}"\n`],
  ]),
  namePlaceholder: PLACEHOLDER,
  ami: (node) => `ami-${node.instance.architecture}`,
  placement: placement({ securityGroupId: "sg-node", instanceProfileName: "${aws_iam_instance_profile.node_profile[each.key].name}" }),
};

describe("NodeHosts", () => {
  it("given two nodes, when synthesized, then each is a host of its own settings, named by its node, with its architecture's user data naming it", () => {
    const { tf, exposed } = synthConstruct((stack) => {
      const parameter = new SsmParameter(stack, "parameter", { name: "/p", type: "String", value: "pending" });
      const nodes = new NodeHosts(stack, "nodes", { ...props, placement: { ...props.placement, dependsOn: [parameter] } });
      return { each: nodes.instanceIdOfEach, arm: nodes.instanceId("arm") };
    });
    expect(Object.keys(tf.resource.aws_instance)).toEqual(['node["arm"]', 'node["node-1"]']);
    const x86 = tf.resource.aws_instance['node["node-1"]'];
    expect(x86).toMatchObject({
      ami: "ami-x86_64",
      instance_type: "t3.small",
      root_block_device: expect.objectContaining({ volume_size: 30 }),
      subnet_id: "subnet-1",
      vpc_security_group_ids: ["sg-node"],
      iam_instance_profile: '${aws_iam_instance_profile.node_profile["node-1"].name}',
      tags: { Name: "openclaw-node-1" },
      depends_on: [`aws_ssm_parameter.${Object.keys(tf.resource.aws_ssm_parameter).find((id) => id.startsWith("parameter"))}`],
    });
    expect(x86.key_name).toBeUndefined();
    expect(userDataText(tf, x86)).toBe('#!/bin/bash\necho "x86 node node-1, gateway at 10.0.1.10, ${HOME}"\n');
    expect(userDataText(tf, tf.resource.aws_instance['node["arm"]'])).toBe('#!/bin/bash\necho "arm node arm"\n');
    expect(tf.resource.aws_instance['node["arm"]']).toMatchObject({ ami: "ami-arm64", instance_type: "t4g.small" });
    // Each architecture's user data is in the plan once, whatever the number of nodes.
    expect(Object.keys(tf.locals?.node_user_data as object)).toEqual(["arm64", "x86_64"]);
    // For the same key, through a local of every copy's id: Terraform evaluates it once, not once per copy.
    expect(exposed).toEqual({ each: "${local.aws_instance_node_id_by_key[each.key]}", arm: '${aws_instance.node["arm"].id}' });
    expect(tf.locals?.aws_instance_node_id_by_key).toBe("${{ for key, val in aws_instance.node: key => val.id }}");
  });

  it("given two nodes, when synthesized, then each has a node-list entry telling the gateway its display name and pairing parameter, and its own data volume attached", () => {
    const { tf } = synthConstruct((stack) => {
      new NodeHosts(stack, "nodes", props);
    });
    const entry = tf.resource.aws_ssm_parameter['node_list_entry["arm"]'];
    expect(entry).toMatchObject({ name: "/openclaw/openclaw/gateway/nodes/arm", type: "String" });
    expect(JSON.parse(String(entry.value))).toEqual({ displayName: "openclaw-arm", pairingParameter: "/openclaw/openclaw/nodes/arm/pairing" });
    // Terraform owns the entry's value: no ignore_changes, so a renamed node updates it.
    expect(entry.lifecycle).toBeUndefined();
    expect(tf.resource.aws_ebs_volume['node_data["node-1"]']).toMatchObject({ size: 10, availability_zone: "us-east-1a", encrypted: true, tags: { Name: "openclaw-node-1-data" } });
    expect(tf.resource.aws_volume_attachment['node_data_attachment["node-1"]']).toMatchObject({
      device_name: "/dev/sdf",
      instance_id: '${aws_instance.node["node-1"].id}',
      volume_id: '${aws_ebs_volume.node_data["node-1"].id}',
    });
  });

  it("given an architecture's user data over EC2's 16 KB after gzip, when built, then it refuses, naming the node with the longest name", () => {
    const large = `${randomBytes(18 * 1024).toString("hex")} ${PLACEHOLDER}`;
    const nodes = [record("a", "t3.small", "x86_64"), record("longer-name", "t3.small", "x86_64")];
    expect(() =>
      synthConstruct((stack) => {
        new NodeHosts(stack, "nodes", { ...props, nodes, userDataTemplates: new Map([["x86_64", large]]) });
      }),
    ).toThrow(/the user data of host openclaw-longer-name is \d+ bytes after gzip; EC2 accepts at most 16384/);
  });
});
