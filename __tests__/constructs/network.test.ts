import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Network } from "../../src/constructs/network";
import { configWith, propertiesOf, resourcesOf } from "../helpers";
import { referenceToOnly, synthConstruct, TEST_ENVIRONMENT } from "./bare-stack";

/** The Network of `props`, exposing the ids it hands to the stack. */
function synthNetwork(props: ConstructorParameters<typeof Network>[2]) {
  return synthConstruct((stack) => {
    const network = new Network(stack, "network", props);
    return { vpcId: network.vpcId, hostSubnetId: network.hostSubnetId, endpointSubnetId: network.endpointSubnetId };
  });
}

const FLOW_LOG_GROUP = { name: "/openclaw/vpc-flow-logs", retentionDays: 30, keyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" };

describe("Network", () => {
  describe("given the default network settings (seed 002: mode create), when synthesized", () => {
    const { json, tf, exposed } = synthNetwork({ network: configWith().network, availabilityZone: "us-east-1a", namePrefix: "openclaw", flowLogGroup: FLOW_LOG_GROUP, environment: TEST_ENVIRONMENT });

    it("then it creates the VPC with DNS, a public and a private subnet and an internet gateway, no NAT", () => {
      expect(json).toHaveResourceWithProperties(Vpc, {
        cidr_block: "10.0.0.0/16",
        enable_dns_support: true,
        enable_dns_hostnames: true,
        tags: { Name: "openclaw-vpc" },
      });
      expect(json).toHaveResourceWithProperties(Subnet, {
        cidr_block: "10.0.1.0/24",
        availability_zone: "us-east-1a",
        map_public_ip_on_launch: false,
        tags: { Name: "openclaw-public", Tier: "public" },
      });
      expect(json).toHaveResourceWithProperties(Subnet, {
        cidr_block: "10.0.2.0/24",
        availability_zone: "us-east-1a",
        map_public_ip_on_launch: false,
        tags: { Name: "openclaw-private", Tier: "private" },
      });
      expect(json).toHaveResourceWithProperties(InternetGateway, { tags: { Name: "openclaw-igw" } });
      expect(tf.resource.aws_nat_gateway).toBeUndefined();
    });

    it("then only the public subnet's route table routes to the internet gateway", () => {
      const tables = propertiesOf(tf, "aws_route_table");
      expect(tables).toHaveLength(2);
      const table = (name: string) => tables.find((candidate) => (candidate.tags as Record<string, string>).Name === name);
      expect(table("openclaw-public")?.route).toEqual([
        expect.objectContaining({ cidr_block: "0.0.0.0/0", gateway_id: referenceToOnly(tf, "aws_internet_gateway", "id") }),
      ]);
      expect(table("openclaw-private")?.route).toBeUndefined();

      // Each subnet is associated with its own table.
      const subnetNamed = Object.fromEntries(resourcesOf(tf, "aws_subnet").map(([id, subnet]) => [`\${aws_subnet.${id}.id}`, (subnet.tags as Record<string, string>).Name]));
      const tableNamed = Object.fromEntries(resourcesOf(tf, "aws_route_table").map(([id, routes]) => [`\${aws_route_table.${id}.id}`, (routes.tags as Record<string, string>).Name]));
      const associations = propertiesOf(tf, "aws_route_table_association").map((association) => [subnetNamed[String(association.subnet_id)], tableNamed[String(association.route_table_id)]]);
      expect(associations.sort()).toEqual([
        ["openclaw-private", "openclaw-private"],
        ["openclaw-public", "openclaw-public"],
      ]);
    });

    it("then the hosts go into the public subnet and the endpoints into the private one", () => {
      const subnetId = (tier: string) => {
        const [[id]] = resourcesOf(tf, "aws_subnet").filter(([, subnet]) => (subnet.tags as Record<string, string>).Tier === tier);
        return `\${aws_subnet.${id}.id}`;
      };
      expect(exposed).toEqual({
        vpcId: referenceToOnly(tf, "aws_vpc", "id"),
        hostSubnetId: subnetId("public"),
        endpointSubnetId: subnetId("private"),
      });
    });
    it("then its flow logs go into the given log group, kept as long as asked and encrypted with the stack's key", () => {
      expect(propertiesOf(tf, "aws_cloudwatch_log_group")).toEqual([{ name: "/openclaw/vpc-flow-logs", retention_in_days: 30, kms_key_id: FLOW_LOG_GROUP.keyArn }]);
      expect(propertiesOf(tf, "aws_flow_log")).toEqual([expect.objectContaining({ log_destination: referenceToOnly(tf, "aws_cloudwatch_log_group", "arn"), traffic_type: "ALL" })]);
    });
  });

  describe("given mode default (seed 000) in us-east-1b, when synthesized", () => {
    const { json, tf, exposed } = synthNetwork({ network: { mode: "default" }, availabilityZone: "us-east-1b", namePrefix: "openclaw", flowLogGroup: FLOW_LOG_GROUP, environment: TEST_ENVIRONMENT });

    it("then it creates nothing and looks up the account's default VPC and the zone's default subnet", () => {
      expect(json).not.toHaveResource(Vpc);
      expect(json).not.toHaveResource(Subnet);
      expect(json).not.toHaveResource(RouteTable);
      expect(tf.resource).toBeUndefined();
      expect(json).toHaveDataSourceWithProperties(DataAwsVpc, { default: true });
      expect(json).toHaveDataSourceWithProperties(DataAwsSubnet, { availability_zone: "us-east-1b", default_for_az: true });
    });

    it("then the hosts and the endpoints both go into the default subnet", () => {
      const [defaultSubnet] = Object.keys(tf.data.aws_subnet);
      expect(exposed.hostSubnetId).toBe(`\${data.aws_subnet.${defaultSubnet}.id}`);
      expect(exposed.endpointSubnetId).toBe(exposed.hostSubnetId);
      expect(exposed.vpcId).toMatch(/^\$\{data\.aws_vpc\.[^.]+\.id\}$/);
    });
  });
});
