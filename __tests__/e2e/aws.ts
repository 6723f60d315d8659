/**
 * AWS SDK v3 clients pointed at the suite's emulator, and the look-ups the end-to-end tests share.
 */
import { gunzipSync } from "node:zlib";
import {
  DescribeAddressesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVolumesCommand,
  EC2Client,
  type Instance,
  type SecurityGroupRule,
} from "@aws-sdk/client-ec2";
import { IAMClient } from "@aws-sdk/client-iam";
import { SSMClient } from "@aws-sdk/client-ssm";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { SNSClient } from "@aws-sdk/client-sns";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { S3Client } from "@aws-sdk/client-s3";
import { EMULATOR_CREDENTIALS } from "../../src/config/emulator";
import { REGION } from "./deployment";

/** SDK clients for one emulator. */
export function clients(endpoint: string) {
  const common = { endpoint, region: REGION, credentials: EMULATOR_CREDENTIALS };
  return {
    ec2: new EC2Client(common),
    iam: new IAMClient(common),
    ssm: new SSMClient(common),
    cloudwatch: new CloudWatchClient(common),
    logs: new CloudWatchLogsClient(common),
    sns: new SNSClient(common),
    cloudtrail: new CloudTrailClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
  };
}

export type Clients = ReturnType<typeof clients>;

/** Instances (not terminated) with this Name tag. */
export async function instancesNamed(ec2: EC2Client, name: string): Promise<Instance[]> {
  const response = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: "tag:Name", Values: [name] },
        { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] },
      ],
    }),
  );
  return (response.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
}

export async function instanceNamed(ec2: EC2Client, name: string): Promise<Instance> {
  const found = await instancesNamed(ec2, name);
  if (found.length !== 1) throw new Error(`expected one live instance named ${name}, found ${found.length}`);
  return found[0];
}

/** The user data EC2 holds, un-base64'd and un-gzipped. */
export async function userDataOf(ec2: EC2Client, instanceId: string): Promise<string> {
  const response = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: "userData" }));
  const gzipped = Buffer.from(response.UserData?.Value ?? "", "base64");
  return gunzipSync(gzipped).toString("utf8");
}

export async function rootVolumeOf(ec2: EC2Client, instance: Instance) {
  const mapping = instance.BlockDeviceMappings?.find((device) => device.DeviceName === instance.RootDeviceName);
  if (!mapping?.Ebs?.VolumeId) throw new Error(`instance ${instance.InstanceId} has no root volume`);
  const volumes = await ec2.send(new DescribeVolumesCommand({ VolumeIds: [mapping.Ebs.VolumeId] }));
  return { mapping: mapping.Ebs, volume: volumes.Volumes![0] };
}

export async function securityGroupId(ec2: EC2Client, name: string): Promise<string | undefined> {
  const response = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-name", Values: [name] }] }));
  return response.SecurityGroups?.[0]?.GroupId;
}

/** A rule as a compact, comparable text: "in tcp 443 from sg-..." / "out tcp 80 to 0.0.0.0/0". */
export function describeRule(rule: SecurityGroupRule, names: Record<string, string> = {}): string {
  const peer = rule.CidrIpv4 ?? rule.CidrIpv6 ?? names[rule.ReferencedGroupInfo?.GroupId ?? ""] ?? rule.ReferencedGroupInfo?.GroupId ?? "?";
  const ports = rule.FromPort === rule.ToPort ? `${rule.FromPort}` : `${rule.FromPort}-${rule.ToPort}`;
  return `${rule.IsEgress ? "out" : "in"} ${rule.IpProtocol} ${ports} ${rule.IsEgress ? "to" : "from"} ${peer}`;
}

/** Every rule of a group, described with group names instead of ids where known. */
export async function rulesOf(ec2: EC2Client, groupId: string, names: Record<string, string> = {}): Promise<string[]> {
  const response = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [groupId] }] }));
  return (response.SecurityGroupRules ?? []).map((rule) => describeRule(rule, names)).sort();
}

export async function addressOf(ec2: EC2Client, publicIp: string) {
  const response = await ec2.send(new DescribeAddressesCommand({ PublicIps: [publicIp] }));
  return response.Addresses?.[0];
}

/** Resolves when `check` is true, or rejects after `timeoutMs` (polls every `intervalMs`). */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs / 1000} s`);
}
