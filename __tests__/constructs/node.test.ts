import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import type { NodeRecord } from "../../src/config/hosts";
import { NodeHost } from "../../src/constructs/node";
import { propertiesOf } from "../helpers";
import { referenceToOnly, synthConstruct } from "./bare-stack";

const NODE: NodeRecord = {
  name: "arm",
  hostName: "openclaw-arm",
  roleName: "openclaw-arm-ec2-role",
  alarmLabel: "Arm",
  instance: { instanceType: "t4g.small", architecture: "arm64", rootVolumeGb: 30 },
  pairingParameter: "/openclaw/openclaw/nodes/arm/pairing",
};

describe("NodeHost", () => {
  it("given its record, user data and ids, when synthesized, then it is one host of the record's settings with that user data", () => {
    const { json, tf, exposed } = synthConstruct((stack) => {
      const parameter = new SsmParameter(stack, "parameter", { name: "/p", type: "String", value: "pending" });
      const node = new NodeHost(stack, "node", {
        host: NODE,
        userData: "#!/bin/bash\necho gateway at 10.0.1.23\n",
        subnetId: "subnet-1",
        securityGroupId: "sg-node",
        instanceProfileName: "node-profile",
        dependsOn: [parameter],
        ignoreSecurityGroupDrift: false,
      });
      return { instanceId: node.instance.id };
    });
    expect(propertiesOf(tf, "aws_instance")).toHaveLength(1);
    expect(json).toHaveResourceWithProperties(Instance, {
      instance_type: "t4g.small",
      root_block_device: expect.objectContaining({ volume_size: 30 }),
      subnet_id: "subnet-1",
      vpc_security_group_ids: ["sg-node"],
      iam_instance_profile: "node-profile",
      depends_on: [`aws_ssm_parameter.${Object.keys(tf.resource.aws_ssm_parameter)[0]}`],
      user_data_base64: '${base64gzip("#!/bin/bash\\necho gateway at 10.0.1.23\\n")}',
      tags: { Name: "openclaw-arm" },
    });
    expect(propertiesOf(tf, "aws_instance")[0].key_name).toBeUndefined();
    // The AMI follows the record's architecture.
    expect(json).toHaveDataSourceWithProperties(DataAwsSsmParameter, { name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64" });
    expect(exposed.instanceId).toBe(referenceToOnly(tf, "aws_instance", "id"));
  });
});
