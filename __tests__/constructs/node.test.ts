import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { VolumeAttachment } from "@cdktf/provider-aws/lib/volume-attachment";
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
  dataVolume: { sizeGb: 10 },
  pairingParameter: "/openclaw/openclaw/nodes/arm/pairing",
  listParameter: "/openclaw/openclaw/gateway/nodes/arm",
  listEntry: { displayName: "openclaw-arm", pairingParameter: "/openclaw/openclaw/nodes/arm/pairing" },
};

describe("NodeHost", () => {
  it("given its record, user data and ids, when synthesized, then it is one host of the record's settings with that user data", () => {
    const { json, tf, exposed } = synthConstruct((stack) => {
      const parameter = new SsmParameter(stack, "parameter", { name: "/p", type: "String", value: "pending" });
      const node = new NodeHost(stack, "node", {
        host: NODE,
        userData: "#!/bin/bash\necho gateway at 10.0.1.23\n",
        ami: "ami-0123456789abcdef0",
      subnetId: "subnet-1",
        securityGroupId: "sg-node",
        instanceProfileName: "node-profile",
        dependsOn: [parameter],
        ignoreSecurityGroupDrift: false,
        dataVolumePolicy: { availabilityZone: "us-east-1a", deleteOnDestroy: false, backupTag: { key: "OpenClawDataVolume", value: "openclaw" } },
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
      depends_on: [`aws_ssm_parameter.${Object.entries(tf.resource.aws_ssm_parameter).find(([, parameter]) => (parameter as { name: string }).name === "/p")![0]}`],
      user_data_base64: '${base64gzip("#!/bin/bash\\necho gateway at 10.0.1.23\\n")}',
      tags: { Name: "openclaw-arm" },
    });
    expect(propertiesOf(tf, "aws_instance")[0].key_name).toBeUndefined();
    expect(json).toHaveResourceWithProperties(Instance, { ami: "ami-0123456789abcdef0" });
    expect(exposed.instanceId).toBe(referenceToOnly(tf, "aws_instance", "id"));
  });

  it("given its record, when synthesized, then its node-list entry tells the gateway its display name and pairing parameter, and its data volume is attached", () => {
    const { json, tf } = synthConstruct((stack) => {
      new NodeHost(stack, "node", {
        host: NODE,
        userData: "#!/bin/bash\n",
        ami: "ami-0123456789abcdef0",
      subnetId: "subnet-1",
        securityGroupId: "sg-node",
        instanceProfileName: "node-profile",
        dependsOn: [],
        ignoreSecurityGroupDrift: false,
        dataVolumePolicy: { availabilityZone: "us-east-1a", deleteOnDestroy: false, backupTag: { key: "OpenClawDataVolume", value: "openclaw" } },
      });
    });
    const [entry] = propertiesOf(tf, "aws_ssm_parameter");
    expect(entry).toMatchObject({ name: "/openclaw/openclaw/gateway/nodes/arm", type: "String" });
    expect(JSON.parse(String(entry.value))).toEqual({ displayName: "openclaw-arm", pairingParameter: "/openclaw/openclaw/nodes/arm/pairing" });
    // Terraform owns the entry's value: no ignore_changes, so a renamed node updates it.
    expect(entry.lifecycle).toBeUndefined();
    expect(json).toHaveResourceWithProperties(EbsVolume, { size: 10, availability_zone: "us-east-1a", encrypted: true });
    expect(json).toHaveResourceWithProperties(VolumeAttachment, { device_name: "/dev/sdf", instance_id: referenceToOnly(tf, "aws_instance", "id") });
  });
});
