import { randomBytes } from "node:crypto";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { TerraformIterator, TerraformLocal } from "cdktf";
import { encodeUserData, Host, hclStringLiteral, terraformTemplateLiteral, type HostProps } from "../../src/host/host";
import { propertiesOf } from "../helpers";
import { referenceToOnly, synthConstruct } from "../constructs/bare-stack";
import { placement } from "./placement";

/** An x86 host with a 20 GB root volume, plainly given ids. */
const hostProps: HostProps = {
  name: "h",
  instance: { instanceType: "t3.small", rootVolumeGb: 20 },
  ami: "ami-0123456789abcdef0",
  placement: placement(),
  userDataBase64: encodeUserData("h", "#cloud-config\n{}\n"),
  dataVolume: { sizeGb: 10 },
};

const synthHost = (overrides: Partial<HostProps> = {}) =>
  synthConstruct((stack) => ({ instanceId: new Host(stack, "host", { ...hostProps, ...overrides }).instance.id }));

describe("Host", () => {
  it("given a t3.medium with 100 GB and its AMI, when synthesized, then it runs that AMI, IMDSv2 only, on an encrypted gp3 root volume", () => {
    const { json, tf, exposed } = synthHost({ name: "openclaw-gw", instance: { instanceType: "t3.medium", rootVolumeGb: 100 } });
    expect(json).toHaveResourceWithProperties(Instance, {
      ami: "ami-0123456789abcdef0",
      instance_type: "t3.medium",
      subnet_id: "subnet-1",
      vpc_security_group_ids: ["sg-1"],
      iam_instance_profile: "profile",
      associate_public_ip_address: true,
      metadata_options: { http_tokens: "required", http_endpoint: "enabled", http_put_response_hop_limit: 1 },
      root_block_device: { volume_type: "gp3", volume_size: 100, encrypted: true, delete_on_termination: true },
      user_data_replace_on_change: true,
      lifecycle: { ignore_changes: ["ami"] },
      tags: { Name: "openclaw-gw" },
    });
    expect(exposed.instanceId).toBe(referenceToOnly(tf, "aws_instance", "id"));
  });

  it("given a t4g.small with 30 GB, when synthesized, then it has that type and root volume", () => {
    const { json } = synthHost({ name: "openclaw-arm", instance: { instanceType: "t4g.small", rootVolumeGb: 30 } });
    expect(json).toHaveResourceWithProperties(Instance, {
      instance_type: "t4g.small",
      root_block_device: expect.objectContaining({ volume_size: 30, encrypted: true }),
      tags: { Name: "openclaw-arm" },
    });
  });

  it("given a key pair, something to wait for and the emulator accommodation, when synthesized, then the instance has the key, waits, and ignores security group drift", () => {
    const { tf } = synthConstruct((stack) => {
      const parameter = new SsmParameter(stack, "parameter", { name: "/p", type: "String", value: "pending" });
      new Host(stack, "host", { ...hostProps, placement: placement({ keyName: "openclaw-key", dependsOn: [parameter], ignoreSecurityGroupDrift: true }) });
    });
    const [instance] = propertiesOf(tf, "aws_instance");
    expect(instance).toMatchObject({ key_name: "openclaw-key", lifecycle: { ignore_changes: ["ami", "vpc_security_group_ids"] } });
    expect(instance.depends_on).toEqual([`aws_ssm_parameter.${Object.keys(tf.resource.aws_ssm_parameter)[0]}`]);
  });

  it("given no key pair, when synthesized, then the instance has none", () => {
    expect(propertiesOf(synthHost().tf, "aws_instance")[0].key_name).toBeUndefined();
  });

  it("given user data, when synthesized, then it passes it gzip'd through user_data_base64", () => {
    expect(synthHost().json).toHaveResourceWithProperties(Instance, {
      user_data_base64: '${base64gzip("#cloud-config\\n{}\\n")}',
    });
  });

  it("given user data over EC2's 16 KB after gzip, when built, then it refuses, naming the host", () => {
    const userData = randomBytes(18 * 1024).toString("hex"); // hex of random bytes gzips to about 19.5 KiB
    expect(() => encodeUserData("h", userData)).toThrow(
      /the user data of host h is \d+ bytes after gzip; EC2 accepts at most 16384\. Move content/,
    );
  });

  it("given a map of hosts, when synthesized, then there is one host per key, each data volume attached to the instance of its key", () => {
    const { tf } = synthConstruct((stack) => {
      const hosts = new TerraformLocal(stack, "hosts", { a: { name: "host-a", type: "t3.small" }, b: { name: "host-b", type: "t4g.small" } });
      const each = TerraformIterator.fromMap(hosts.asAnyMap);
      new Host(stack, "fleet", {
        ...hostProps,
        name: each.getString("name"),
        instance: { instanceType: each.getString("type"), rootVolumeGb: 20 },
        forEach: { forEach: each, resourceName: "worker" },
      });
    });
    expect(Object.keys(tf.resource.aws_instance)).toEqual(['worker["a"]', 'worker["b"]']);
    expect(tf.resource.aws_instance['worker["b"]']).toMatchObject({ instance_type: "t4g.small", tags: { Name: "host-b" } });
    expect(tf.resource.aws_ebs_volume['worker_data["a"]']).toMatchObject({ size: 10, tags: { Name: "host-a-data" } });
    expect(tf.resource.aws_volume_attachment['worker_data_attachment["b"]']).toMatchObject({
      instance_id: '${aws_instance.worker["b"].id}',
      volume_id: '${aws_ebs_volume.worker_data["b"].id}',
    });
  });
});

describe("terraformTemplateLiteral", () => {
  it("leaves cdktf tokens as references", () => {
    expect(terraformTemplateLiteral('a "${TfToken[TOKEN.12]}" ${b} %{c}')).toBe('a "${TfToken[TOKEN.12]}" $${b} %%{c}');
  });
});

describe("hclStringLiteral", () => {
  it("leaves cdktf tokens as references", () => {
    expect(hclStringLiteral('a "${TfToken[TOKEN.12]}" ${b}')).toBe('a \\"${TfToken[TOKEN.12]}\\" \\u0024{b}');
  });
});
