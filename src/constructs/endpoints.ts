import { Construct } from "constructs";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import type { OpenClawConfig } from "../config/schema";
import type { AwsEnvironment } from "../aws-environment";

export interface EndpointsProps {
  readonly vpcId: string;
  readonly subnetId: string;
  /** Group that admits 443 from the hosts only. */
  readonly securityGroupId: string;
  /** The stack's region (the endpoints' services) and account (only its principals may call through them). */
  readonly environment: AwsEnvironment;
  /** Which endpoints to create. */
  readonly services: OpenClawConfig["endpoints"];
  readonly namePrefix: string;
}

/** AWS service name suffix of each endpoint setting. Session Manager needs ssm, ssmmessages and ec2messages together. */
export const ENDPOINT_SERVICES: Record<keyof OpenClawConfig["endpoints"], string> = {
  bedrockRuntime: "bedrock-runtime",
  ssm: "ssm",
  ssmmessages: "ssmmessages",
  ec2messages: "ec2messages",
};

/**
 * Interface endpoints with private DNS, so the hosts' AWS API calls never cross the internet. Each
 * admits only this account's principals: credentials of another account (stolen or planted on a host)
 * cannot use the endpoint to reach their own account's resources from inside the VPC.
 */
export class Endpoints extends Construct {
  constructor(scope: Construct, id: string, props: EndpointsProps) {
    super(scope, id);
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "OwnAccountOnly",
          Effect: "Allow",
          Principal: "*",
          Action: "*",
          Resource: "*",
          Condition: { StringEquals: { "aws:PrincipalAccount": props.environment.accountId } },
        },
      ],
    });
    for (const [setting, service] of Object.entries(ENDPOINT_SERVICES)) {
      if (!props.services[setting as keyof typeof ENDPOINT_SERVICES]) continue;
      new VpcEndpoint(this, service, {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${props.environment.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: [props.subnetId],
        securityGroupIds: [props.securityGroupId],
        policy,
        tags: { Name: `${props.namePrefix}-${service}` },
      });
    }
  }
}

/** Whether any endpoint is turned on. */
export function anyEndpoint(services: OpenClawConfig["endpoints"]): boolean {
  return Object.values(services).some(Boolean);
}
