import { Construct } from "constructs";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import type { OpenClawConfig } from "../config/schema";

export interface NetworkProps {
  /** "create": a new VPC with public and private subnets (seed 002); "default": the account's default VPC (seed 000). */
  readonly network: OpenClawConfig["network"];
  /** Zone of the subnets. */
  readonly availabilityZone: string;
  /** Starts every Name tag, e.g. "openclaw". */
  readonly namePrefix: string;
}

/** Where the hosts and the interface endpoints live. */
export class Network extends Construct {
  readonly vpcId: string;
  /** Subnet of the hosts: outbound internet through the internet gateway, no NAT. */
  readonly hostSubnetId: string;
  /** Subnet of the interface endpoints: private in a created VPC, the hosts' subnet in the default VPC. */
  readonly endpointSubnetId: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { network, availabilityZone, namePrefix } = props;

    if (network.mode === "default") {
      const vpc = new DataAwsVpc(this, "default-vpc", { default: true });
      const subnet = new DataAwsSubnet(this, "default-subnet", {
        vpcId: vpc.id,
        availabilityZone,
        defaultForAz: true,
      });
      this.vpcId = vpc.id;
      this.hostSubnetId = subnet.id;
      this.endpointSubnetId = subnet.id;
      return;
    }

    // DNS support and hostnames are what interface endpoints need for private DNS.
    const vpc = new Vpc(this, "vpc", {
      cidrBlock: network.vpcCidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: `${namePrefix}-vpc` },
    });
    const internetGateway = new InternetGateway(this, "internet-gateway", {
      vpcId: vpc.id,
      tags: { Name: `${namePrefix}-igw` },
    });

    const publicSubnet = new Subnet(this, "public-subnet", {
      vpcId: vpc.id,
      cidrBlock: network.publicSubnetCidr,
      availabilityZone,
      // Hosts ask for their public address explicitly; nothing else launched here gets one by surprise.
      mapPublicIpOnLaunch: false,
      tags: { Name: `${namePrefix}-public`, Tier: "public" },
    });
    const publicRoutes = new RouteTable(this, "public-routes", {
      vpcId: vpc.id,
      route: [{ cidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id }],
      tags: { Name: `${namePrefix}-public` },
    });
    new RouteTableAssociation(this, "public-routes-association", {
      subnetId: publicSubnet.id,
      routeTableId: publicRoutes.id,
    });

    const privateSubnet = new Subnet(this, "private-subnet", {
      vpcId: vpc.id,
      cidrBlock: network.privateSubnetCidr,
      availabilityZone,
      mapPublicIpOnLaunch: false,
      tags: { Name: `${namePrefix}-private`, Tier: "private" },
    });
    // Its own table with only the implicit local route: nothing in the private subnet reaches the internet.
    const privateRoutes = new RouteTable(this, "private-routes", {
      vpcId: vpc.id,
      tags: { Name: `${namePrefix}-private` },
    });
    new RouteTableAssociation(this, "private-routes-association", {
      subnetId: privateSubnet.id,
      routeTableId: privateRoutes.id,
    });

    this.vpcId = vpc.id;
    this.hostSubnetId = publicSubnet.id;
    this.endpointSubnetId = privateSubnet.id;
  }
}
