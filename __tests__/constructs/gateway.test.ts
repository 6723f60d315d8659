import { Eip } from "@cdktf/provider-aws/lib/eip";
import { EipAssociation } from "@cdktf/provider-aws/lib/eip-association";
import { propertiesOf, resourcesOf, synthStack } from "../helpers";

describe("Gateway", () => {
  it("is seed 000's t3.medium with 100 GB, its own Elastic IP allocated first and associated", () => {
    const { json, tf } = synthStack();
    const [[gatewayId, gateway]] = resourcesOf(tf, "aws_instance").filter(([, instance]) => (instance.tags as Record<string, string>).Name === "openclaw-gw");
    expect(gateway).toMatchObject({ instance_type: "t3.medium", root_block_device: expect.objectContaining({ volume_size: 100 }) });
    expect(json).toHaveResourceWithProperties(Eip, { domain: "vpc", tags: { Name: "openclaw-gw" } });
    expect(json).toHaveResourceWithProperties(EipAssociation, {
      allocation_id: expect.stringMatching(/^\$\{aws_eip\.[^.]+\.allocation_id\}$/),
      instance_id: `\${aws_instance.${gatewayId}.id}`,
    });
    // The boot script gets the address, so it can go into the certificate.
    expect(gateway.user_data_base64).toMatch(/\$\{aws_eip\.[^.]+\.public_ip\}/);
    expect(gateway.vpc_security_group_ids).toEqual([expect.stringContaining("security-groups_gateway")]);
  });

  it("has no Elastic IP when turned off (seed 002's private gateway)", () => {
    const { json, tf } = synthStack({ nodes: [], gateway: { elasticIp: false, bind: "loopback", tls: false } });
    expect(json).not.toHaveResource(Eip);
    expect(json).not.toHaveResource(EipAssociation);
    expect(String(propertiesOf(tf, "aws_instance")[0].user_data_base64)).not.toContain("aws_eip");
  });
});
