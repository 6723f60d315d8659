import { Eip } from "@cdktf/provider-aws/lib/eip";
import { EipAssociation } from "@cdktf/provider-aws/lib/eip-association";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import type { GatewayRecord } from "../../src/config/hosts";
import { GatewayHost, type GatewayHostProps } from "../../src/gateway/gateway-host";
import { propertiesOf } from "../helpers";
import { referenceToOnly, synthConstruct } from "../constructs/bare-stack";
import { placement } from "../host/placement";

const GATEWAY: GatewayRecord = {
  name: "gw",
  hostName: "openclaw-gw",
  roleName: "openclaw-ec2-role",
  instance: { instanceType: "t3.medium", architecture: "x86_64", rootVolumeGb: 100 },
  dataVolume: { sizeGb: 20 },
  tokenSecret: "openclaw/openclaw/gateway/token",
  privateIp: "10.0.1.10",
};

/** The gateway of `props`, with a parameter to wait for; `addresses` collects what its user data was rendered with. */
function synthGateway(props: Pick<GatewayHostProps, "elasticIp">, addresses: (string | undefined)[] = []) {
  return synthConstruct((stack) => {
    const parameter = new SsmParameter(stack, "parameter", { name: "/p", type: "String", value: "pending" });
    const gateway = new GatewayHost(stack, "gateway", {
      host: GATEWAY,
      renderUserData: (publicAddress) => {
        addresses.push(publicAddress);
        return `#!/bin/bash\necho "address: ${publicAddress ?? "none"}"\n`;
      },
      ami: "ami-0123456789abcdef0",
      placement: placement({ securityGroupId: "sg-gateway", instanceProfileName: "gateway-profile", keyName: "openclaw-key", dependsOn: [parameter] }),
      ...props,
    });
    return { instanceId: gateway.instance.id, publicIp: gateway.publicIp };
  });
}

describe("GatewayHost", () => {
  it("given its record and an Elastic IP, when synthesized, then it is one host of the record's settings, in the given subnet, group and profile", () => {
    const { json, tf } = synthGateway({ elasticIp: true });
    expect(propertiesOf(tf, "aws_instance")).toHaveLength(1);
    expect(json).toHaveResourceWithProperties(Instance, {
      instance_type: "t3.medium",
      root_block_device: expect.objectContaining({ volume_size: 100 }),
      subnet_id: "subnet-1",
      vpc_security_group_ids: ["sg-gateway"],
      iam_instance_profile: "gateway-profile",
      key_name: "openclaw-key",
      depends_on: [`aws_ssm_parameter.${Object.keys(tf.resource.aws_ssm_parameter)[0]}`],
      tags: { Name: "openclaw-gw" },
      // The record's fixed address: every instance the gateway is replaced by gets it.
      private_ip: "10.0.1.10",
    });
  });

  it("given a record without an address (the default VPC), when synthesized, then it takes host 10 of its subnet, as Terraform computes it", () => {
    const { tf } = synthConstruct((stack) => {
      const gateway = new GatewayHost(stack, "gateway", {
        host: { ...GATEWAY, privateIp: undefined },
        elasticIp: false,
        renderUserData: () => "#!/bin/bash\n",
        ami: "ami-0123456789abcdef0",
        placement: placement({ securityGroupId: "sg-gateway", instanceProfileName: "gateway-profile" }),
      });
      return { privateIp: gateway.privateIp };
    });
    const [[subnet]] = Object.entries(tf.data.aws_subnet);
    expect(propertiesOf(tf, "aws_instance")[0].private_ip).toBe(`\${cidrhost(data.aws_subnet.${subnet}.cidr_block, 10)}`);
  });

  it("given an Elastic IP, when synthesized, then the EIP is allocated first, handed to the user data (for the certificate) and associated", () => {
    const addresses: (string | undefined)[] = [];
    const { json, tf, exposed } = synthGateway({ elasticIp: true }, addresses);
    expect(json).toHaveResourceWithProperties(Eip, { domain: "vpc", tags: { Name: "openclaw-gw" } });
    expect(json).toHaveResourceWithProperties(EipAssociation, {
      allocation_id: referenceToOnly(tf, "aws_eip", "allocation_id"),
      instance_id: referenceToOnly(tf, "aws_instance", "id"),
    });
    expect(addresses).toHaveLength(1);
    expect(String(propertiesOf(tf, "aws_instance")[0].user_data_base64)).toContain(`address: ${referenceToOnly(tf, "aws_eip", "public_ip")}`);
    expect(exposed).toEqual({ instanceId: referenceToOnly(tf, "aws_instance", "id"), publicIp: referenceToOnly(tf, "aws_eip", "public_ip") });
  });

  it("given no Elastic IP (seed 002's private gateway), when synthesized, then there is no EIP and the user data is rendered without an address", () => {
    const addresses: (string | undefined)[] = [];
    const { json, tf, exposed } = synthGateway({ elasticIp: false }, addresses);
    expect(json).not.toHaveResource(Eip);
    expect(json).not.toHaveResource(EipAssociation);
    expect(addresses).toEqual([undefined]);
    expect(String(propertiesOf(tf, "aws_instance")[0].user_data_base64)).toContain("address: none");
    expect(exposed.publicIp).toBeUndefined();
  });
});
