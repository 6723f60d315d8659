import { resourcesOf, synthStack } from "../helpers";

describe("Node", () => {
  it("is seed 000's t3.small with 100 GB, told the gateway's private address", () => {
    const { tf } = synthStack();
    const instances = Object.fromEntries(
      resourcesOf(tf, "aws_instance").map(([id, instance]) => [(instance.tags as Record<string, string>).Name, { id, instance }]),
    );
    const node = instances["openclaw-node"].instance;
    expect(node).toMatchObject({ instance_type: "t3.small", root_block_device: expect.objectContaining({ volume_size: 100 }) });
    // The gateway's fixed address, not its instance's: replacing the gateway does not replace the node.
    expect(instances["openclaw-gw"].instance.private_ip).toBe("10.0.1.10");
    expect(node.user_data_base64).toContain(`OPENCLAW_AWS_GATEWAY_HOST='10.0.1.10'`);
    expect(node.vpc_security_group_ids).toEqual([expect.stringContaining("security-groups_node")]);
    expect(node.iam_instance_profile).toContain("iam_node-node-profile");
  });

  it("creates one host per configured node, each with its own name and type", () => {
    const { tf } = synthStack({
      nodes: [
        { name: "node-1" },
        { name: "node-2", instanceType: "t3.large" },
        { name: "arm", instanceType: "c7g.medium" },
      ],
    });
    const byName = Object.fromEntries(
      resourcesOf(tf, "aws_instance").map(([, instance]) => [(instance.tags as Record<string, string>).Name, instance.instance_type]),
    );
    expect(byName).toEqual({ "openclaw-gw": "t3.medium", "openclaw-node-1": "t3.small", "openclaw-node-2": "t3.large", "openclaw-arm": "c7g.medium" });
  });

  it("allows zero nodes", () => {
    const { tf } = synthStack({ nodes: [] });
    expect(resourcesOf(tf, "aws_instance")).toHaveLength(1);
    expect(tf.output.node_instance_ids.value).toBe("{}");
  });
});
