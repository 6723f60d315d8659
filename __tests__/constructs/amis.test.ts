import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { Amis } from "../../src/constructs/amis";
import { synthConstruct } from "./bare-stack";

describe("Amis", () => {
  it("given hosts of two architectures, when each asks for its AMI, then there is one lookup per architecture, shared", () => {
    const { json, tf, exposed } = synthConstruct((stack) => {
      const amis = new Amis(stack, "amis");
      return { gateway: amis.idFor("x86_64"), node: amis.idFor("x86_64"), arm: amis.idFor("arm64") };
    });
    expect(Object.keys(tf.data.aws_ssm_parameter)).toHaveLength(2);
    expect(json).toHaveDataSourceWithProperties(DataAwsSsmParameter, { name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" });
    expect(json).toHaveDataSourceWithProperties(DataAwsSsmParameter, { name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64" });
    expect(exposed.gateway).toBe(exposed.node);
    expect(exposed.arm).not.toBe(exposed.gateway);
    const lookupOf = (reference: string) => tf.data.aws_ssm_parameter[/data\.aws_ssm_parameter\.([^.]+)\.value/.exec(reference)![1]] as { name: string };
    expect(lookupOf(exposed.arm).name).toMatch(/-arm64$/);
  });
});
