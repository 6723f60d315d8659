import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { Testing } from "cdktf";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { Host, hclStringLiteral } from "../../src/constructs/host";
import { synthStack } from "../helpers";
import { terraformEnv } from "../terraform-env";

const hostProps = {
  name: "h",
  instance: { instanceType: "t3.small", architecture: "x86_64" as const, rootVolumeGb: 20 },
  subnetId: "subnet-1",
  securityGroupIds: ["sg-1"],
  instanceProfileName: "profile",
  ignoreSecurityGroupDrift: false,
  dataVolume: { sizeGb: 10 },
  dataVolumePolicy: { availabilityZone: "us-east-1a", deleteOnDestroy: false, backupTag: { key: "OpenClawDataVolume", value: "openclaw" } },
};

describe("Host", () => {
  it("runs Amazon Linux 2023 for its architecture, IMDSv2 only, on an encrypted gp3 root volume", () => {
    const { json } = synthStack({ gateway: { rootVolumeGb: 100 }, nodes: [{ name: "arm", instanceType: "t4g.small", rootVolumeGb: 30 }] });
    expect(json).toHaveDataSourceWithProperties(DataAwsSsmParameter, {
      name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    });
    expect(json).toHaveDataSourceWithProperties(DataAwsSsmParameter, {
      name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
    });
    expect(json).toHaveResourceWithProperties(Instance, {
      instance_type: "t3.medium",
      associate_public_ip_address: true,
      metadata_options: { http_tokens: "required", http_endpoint: "enabled", http_put_response_hop_limit: 1 },
      root_block_device: { volume_type: "gp3", volume_size: 100, encrypted: true, delete_on_termination: true },
      user_data_replace_on_change: true,
      lifecycle: { ignore_changes: ["ami"] },
      iam_instance_profile: expect.stringContaining("aws_iam_instance_profile"),
      tags: { Name: "openclaw-gw" },
    });
    expect(json).toHaveResourceWithProperties(Instance, {
      instance_type: "t4g.small",
      root_block_device: expect.objectContaining({ volume_size: 30, encrypted: true }),
      tags: { Name: "openclaw-arm" },
    });
  });

  it("passes gzip'd user data through user_data_base64", () => {
    const json = Testing.synthScope((scope) => new Host(scope, "host", { ...hostProps, userData: "#cloud-config\n{}\n" }));
    expect(json).toHaveResourceWithProperties(Instance, {
      user_data_base64: '${base64gzip("#cloud-config\\n{}\\n")}',
    });
  });

  it("refuses user data that is over EC2's 16 KB after gzip, naming the host", () => {
    const userData = randomBytes(18 * 1024).toString("hex"); // hex of random bytes gzips to about 19.5 KiB
    expect(() => Testing.synthScope((scope) => new Host(scope, "host", { ...hostProps, userData }))).toThrow(
      /User data of host h is \d+ bytes after gzip; EC2 accepts at most 16384/,
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
