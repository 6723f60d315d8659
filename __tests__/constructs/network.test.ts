import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { propertiesOf, synthStack } from "../helpers";

describe("Network", () => {
  it("creates seed 002's VPC: public and private subnets, internet gateway, no NAT", () => {
    const { json, tf } = synthStack();
    expect(json).toHaveResourceWithProperties(Vpc, {
      cidr_block: "10.0.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
    expect(json).toHaveResourceWithProperties(Subnet, {
      cidr_block: "10.0.1.0/24",
      availability_zone: "us-east-1a",
      map_public_ip_on_launch: false,
      tags: { Name: "openclaw-public", Tier: "public" },
    });
    expect(json).toHaveResourceWithProperties(Subnet, { cidr_block: "10.0.2.0/24", tags: { Name: "openclaw-private", Tier: "private" } });
    expect(json).toHaveResource(InternetGateway);
    expect(tf.resource.aws_nat_gateway).toBeUndefined();

    const tables = propertiesOf(tf, "aws_route_table");
    expect(tables).toHaveLength(2);
    const publicTable = tables.find((table) => (table.tags as Record<string, string>).Name === "openclaw-public");
    expect(publicTable?.route).toEqual([expect.objectContaining({ cidr_block: "0.0.0.0/0", gateway_id: expect.stringContaining("aws_internet_gateway") })]);
    const privateTable = tables.find((table) => (table.tags as Record<string, string>).Name === "openclaw-private");
    expect(privateTable?.route).toBeUndefined();
    expect(propertiesOf(tf, "aws_route_table_association")).toHaveLength(2);
  });

  it("manages the new VPC's default security group with no rules", () => {
    const { tf } = synthStack();
    const groups = propertiesOf(tf, "aws_default_security_group");
    expect(groups).toHaveLength(1);
    expect(groups[0].vpc_id).toMatch(/^\$\{aws_vpc\.network_vpc_.+\.id\}$/);
    expect(groups[0].ingress).toBeUndefined();
    expect(groups[0].egress).toBeUndefined();
  });

  it("sends the new VPC's flow logs (all traffic) to a log group kept as long as the hosts' logs, through a role only VPC Flow Logs may assume", () => {
    const { tf } = synthStack({ monitoring: { logRetentionDays: 14 } });
    const [flowLog] = propertiesOf(tf, "aws_flow_log");
    expect(flowLog).toMatchObject({
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      vpc_id: expect.stringMatching(/aws_vpc\.network_vpc_/),
      log_destination: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.network_flow-log-group_.+\.arn\}$/),
      iam_role_arn: expect.stringMatching(/^\$\{aws_iam_role\.network_flow-log-role_.+\.arn\}$/),
    });
    expect(propertiesOf(tf, "aws_cloudwatch_log_group")).toContainEqual(expect.objectContaining({ name: "/openclaw/vpc-flow-logs", retention_in_days: 14 }));
    const role = propertiesOf(tf, "aws_iam_role").find((candidate) => candidate.name === "openclaw-vpc-flow-logs")!;
    expect(JSON.parse(String(role.assume_role_policy)).Statement[0]).toMatchObject({
      Principal: { Service: "vpc-flow-logs.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": expect.stringContaining("aws_caller_identity") } },
    });
  });

  it("has no flow logs when network.flowLogs is false, and none for the account's default VPC", () => {
    expect(synthStack({ network: { mode: "create", flowLogs: false } }).tf.resource.aws_flow_log).toBeUndefined();
    const defaultVpc = synthStack({ network: { mode: "default" } }).tf;
    expect(defaultVpc.resource.aws_flow_log).toBeUndefined();
    expect(defaultVpc.resource.aws_default_security_group).toBeUndefined();
  });

  it("uses the account's default VPC and the zone's default subnet in seed 000's mode", () => {
    const { json, tf } = synthStack({ network: { mode: "default" }, availabilityZone: "us-east-1b" });
    expect(json).not.toHaveResource(Vpc);
    expect(json).not.toHaveResource(RouteTable);
    expect(json).toHaveDataSourceWithProperties(DataAwsVpc, { default: true });
    expect(json).toHaveDataSourceWithProperties(DataAwsSubnet, { availability_zone: "us-east-1b", default_for_az: true });
    const [instance] = propertiesOf(tf, "aws_instance");
    expect(instance.subnet_id).toMatch(/^\$\{data\.aws_subnet\./);
  });
});
