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
