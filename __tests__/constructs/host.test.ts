import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Host, hclStringLiteral, type HostProps } from "../../src/constructs/host";
import { propertiesOf } from "../helpers";
import { referenceToOnly, synthConstruct } from "./bare-stack";
import { terraformEnv } from "../terraform-env";

/** An x86 host with a 20 GB root volume, plainly given ids. */
const hostProps: HostProps = {
  name: "h",
  instance: { instanceType: "t3.small", architecture: "x86_64", rootVolumeGb: 20 },
  ami: "ami-0123456789abcdef0",
  subnetId: "subnet-1",
  securityGroupIds: ["sg-1"],
  instanceProfileName: "profile",
  userData: "#cloud-config\n{}\n",
  ignoreSecurityGroupDrift: false,
  dataVolume: { sizeGb: 10 },
  dataVolumePolicy: { availabilityZone: "us-east-1a", deleteOnDestroy: false, backupTag: { key: "OpenClawDataVolume", value: "openclaw" } },
};

const synthHost = (overrides: Partial<HostProps> = {}) =>
  synthConstruct((stack) => ({ instanceId: new Host(stack, "host", { ...hostProps, ...overrides }).instance.id }));

describe("Host", () => {
  it("given a t3.medium with 100 GB and its AMI, when synthesized, then it runs that AMI, IMDSv2 only, on an encrypted gp3 root volume", () => {
    const { json, tf, exposed } = synthHost({ name: "openclaw-gw", instance: { instanceType: "t3.medium", architecture: "x86_64", rootVolumeGb: 100 } });
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
    const { json } = synthHost({ name: "openclaw-arm", instance: { instanceType: "t4g.small", architecture: "arm64", rootVolumeGb: 30 } });
    expect(json).toHaveResourceWithProperties(Instance, {
      instance_type: "t4g.small",
      root_block_device: expect.objectContaining({ volume_size: 30, encrypted: true }),
      tags: { Name: "openclaw-arm" },
    });
  });

  it("given a key pair, something to wait for and the emulator accommodation, when synthesized, then the instance has the key, waits, and ignores security group drift", () => {
    const { tf } = synthConstruct((stack) => {
      const parameter = new SsmParameter(stack, "parameter", { name: "/p", type: "String", value: "pending" });
      new Host(stack, "host", { ...hostProps, keyName: "openclaw-key", dependsOn: [parameter], ignoreSecurityGroupDrift: true });
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
    expect(() => synthHost({ userData })).toThrow(
      /the user data of host h is \d+ bytes after gzip; EC2 accepts at most 16384\. Move content/,
    );
  });
});

describe("hclStringLiteral", () => {
  it("keeps shell syntax literal when Terraform evaluates it", () => {
    const script = [
      "#!/bin/bash",
      'echo "${HOME}" \'%{x}\' $((1 + 2)) \\n\ttab',
      'jq -r \'.a["b"]\' <<< "{}"',
      "printf '%s\\n' \"$${doubled}\"",
    ].join("\n");
    const folder = mkdtempSync(join(tmpdir(), "hcl-"));
    const evaluated = execFileSync("terraform", ["console"], {
      cwd: folder,
      input: `base64encode("${hclStringLiteral(script)}")\n`,
      env: terraformEnv(),
    }).toString();
    const decoded = Buffer.from(JSON.parse(evaluated.trim()) as string, "base64").toString();
    expect(decoded).toBe(script);
  });

  it("leaves cdktf tokens as references", () => {
    expect(hclStringLiteral('a "${TfToken[TOKEN.12]}" ${b}')).toBe('a \\"${TfToken[TOKEN.12]}\\" \\u0024{b}');
  });
});
