import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import type { OpenClawConfig } from "../config/schema";
import type { AwsEnvironment } from "../aws-environment";

export interface NetworkProps {
  /** "create": a new VPC with public and private subnets (seed 002); "default": the account's default VPC (seed 000). */
  readonly network: OpenClawConfig["network"];
  /** Zone of the subnets. */
  readonly availabilityZone: string;
  /** Starts every Name tag, e.g. "openclaw". */
  readonly namePrefix: string;
  /** The log group a created VPC's flow logs go to (`network.flowLogs` turns them on), how long they are kept, and the stack's KMS key that encrypts it. */
  readonly flowLogGroup: { readonly name: string; readonly retentionDays: number; readonly keyArn: string };
  /** The stack's account: only its own flow-log deliveries may assume the flow-log role. */
  readonly environment: AwsEnvironment;
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
    // AWS gives every VPC a default group that admits all traffic among its members; nothing here uses
    // it, and managing it with no rules keeps anything launched into it by accident isolated.
    new DefaultSecurityGroup(this, "default-security-group", {
      vpcId: vpc.id,
      tags: { Name: `${namePrefix}-default-closed` },
    });
    if (network.flowLogs) this.flowLogs(vpc.id, props);

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

  /** Every accepted and rejected flow of the VPC into a CloudWatch log group, written by a role only VPC Flow Logs may assume. */
  private flowLogs(vpcId: string, props: NetworkProps): void {
    const name = `${props.namePrefix}-vpc-flow-logs`;
    const group = new CloudwatchLogGroup(this, "flow-log-group", {
      name: props.flowLogGroup.name,
      retentionInDays: props.flowLogGroup.retentionDays,
      kmsKeyId: props.flowLogGroup.keyArn,
    });
    const role = new IamRole(this, "flow-log-role", {
      name,
      description: "VPC Flow Logs delivery into the stack's flow log group",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": props.environment.accountId } },
          },
        ],
      }),
    });
    new IamRolePolicy(this, "flow-log-policy", {
      name: `${name}-policy`,
      role: role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "WriteFlowLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
            Resource: [group.arn, `${group.arn}:*`],
          },
        ],
      }),
    });
    new FlowLog(this, "flow-log", {
      vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: group.arn,
      iamRoleArn: role.arn,
      tags: { Name: name },
    });
  }
}
