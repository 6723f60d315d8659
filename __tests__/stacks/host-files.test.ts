import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { USER_DATA_LIMIT_BYTES } from "../../src/host/host";
import { GATEWAY_DOWNLOADED_FILES, renderGatewayHost } from "../../src/gateway/gateway-context";
import { HOST_LAYOUT } from "../../src/host/layout";
import type { HostFile } from "../../src/host/render";
import type { OpenClawConfigInput } from "../../src/config/schema";
import { configWith, propertiesOf, synthStack, userDataText, type TerraformJson } from "../helpers";
import { contextsFor, RESOLVED_ADDRESSES } from "../hosts/fixtures";

const EVERY_CHANNEL: OpenClawConfigInput = { openclaw: { channels: ["telegram", "discord", "slack", "whatsapp"] } };

function gatewayOf(tf: TerraformJson): Record<string, unknown> {
  return propertiesOf(tf, "aws_instance").find((instance) => (instance.tags as Record<string, string>).Name === "openclaw-gw")!;
}

/** The files the gateway's cloud-config writes. */
function userDataFiles(tf: TerraformJson): { path: string; content: string }[] {
  return (JSON.parse(userDataText(tf, gatewayOf(tf)).replace(/^#cloud-config\n/, "")) as { write_files: { path: string; content: string }[] }).write_files;
}

function hostEnv(content: string): Record<string, string> {
  return Object.fromEntries([...content.matchAll(/^(\w+)='([^']*)'$/gm)].map(([, key, value]) => [key, value]));
}

function policyOf(tf: TerraformJson, role: string): { Sid: string; Resource: unknown }[] {
  return JSON.parse(String(propertiesOf(tf, "aws_iam_role_policy").find((policy) => policy.name === `${role}-policy`)!.policy)).Statement;
}

describe("the gateway's host files: the scripts its user data cannot carry, one object of the install-files bucket", () => {
  it("holds exactly the moved files, named by its sha256, which the gateway's host.env names; the user data carries none of them", () => {
    const { tf } = synthStack(EVERY_CHANNEL);
    const objects = propertiesOf(tf, "aws_s3_object").filter((object) => String(object.key).startsWith("host-files/"));
    expect(objects).toHaveLength(1);
    const [object] = objects;
    // Terraform reads the content as a string template: `$${` is a literal `${`.
    const body = String(object.content).replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
    const sha256 = createHash("sha256").update(body).digest("hex");
    expect(object.key).toBe(`host-files/${sha256}/gateway.json`);
    const files = JSON.parse(body) as HostFile[];
    expect(files.map((file) => [file.path, file.mode])).toEqual(GATEWAY_DOWNLOADED_FILES.map((spec) => [spec.path, spec.mode]));
    // The content as rendered for review, byte for byte.
    const rendered = renderGatewayHost(contextsFor(configWith(EVERY_CHANNEL), RESOLVED_ADDRESSES).gateway);
    expect(files).toEqual(rendered.files.filter((file) => files.some((moved) => moved.path === file.path)));

    const written = userDataFiles(tf);
    expect(written.map((file) => file.path).filter((path) => files.some((moved) => moved.path === path))).toEqual([]);
    const env = hostEnv(written.find((file) => file.path === HOST_LAYOUT.hostEnv)!.content);
    // In the bucket that holds the lock.
    expect([env.OPENCLAW_AWS_HOST_FILES_BUCKET, env.OPENCLAW_AWS_HOST_FILES_KEY, env.OPENCLAW_AWS_HOST_FILES_SHA256]).toEqual([env.OPENCLAW_AWS_OPENCLAW_LOCK_BUCKET, object.key, sha256]);
  });

  it("is readable by the gateway's role alone, beside the lock; a node's role reads only the lock", () => {
    const { tf } = synthStack();
    const [hostFiles] = propertiesOf(tf, "aws_s3_object").filter((object) => String(object.key).startsWith("host-files/"));
    const [lock] = propertiesOf(tf, "aws_s3_object").filter((object) => String(object.key).startsWith("openclaw-lock/"));
    const bucket = hostEnv(userDataFiles(tf).find((file) => file.path === HOST_LAYOUT.hostEnv)!.content).OPENCLAW_AWS_OPENCLAW_LOCK_BUCKET;
    const arn = (key: unknown) => `arn:\${data.aws_partition.partition.partition}:s3:::${bucket}/${String(key)}`;
    const installFiles = (role: string) => policyOf(tf, role).find((statement) => statement.Sid === "InstallFiles")?.Resource;
    expect(installFiles("openclaw-ec2-role")).toEqual([arn(lock.key), arn(hostFiles.key)]);
    expect(installFiles("openclaw-node-ec2-role")).toEqual([arn(lock.key)]);
  });

  it("leaves the gateway's user data within EC2's 16 KB with a margin (printed), by default and with every channel", () => {
    const cases: [string, OpenClawConfigInput][] = [["default", {}], ["every channel", EVERY_CHANNEL]];
    const lines = cases.map(([label, input]) => {
      const { userData } = renderGatewayHost(contextsFor(configWith(input), RESOLVED_ADDRESSES).gateway);
      const gzipped = gzipSync(userData, { level: 6 }).length;
      expect(gzipped).toBeLessThanOrEqual(USER_DATA_LIMIT_BYTES);
      return `${label}: ${gzipped} B gzip'd, margin ${USER_DATA_LIMIT_BYTES - gzipped} B`;
    });
    console.log(`gateway user data: ${lines.join("; ")}`);
  });
});
