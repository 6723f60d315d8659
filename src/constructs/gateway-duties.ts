import { Construct } from "constructs";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";

export interface GatewayDutiesProps {
  /** The gateway's role (a reference to it, so the policy waits for the role). */
  readonly roleName: string;
  /** Name of the inline policy. */
  readonly policyName: string;
  /** ARN of the node-list path (GetParametersByPath is granted on the path itself). */
  readonly nodeListArn: string;
  /** ARN pattern of every node's pairing parameter, e.g. `arn:…:parameter/openclaw/x/nodes/*`. */
  readonly pairingArns: string;
  /** The only CloudWatch namespace the gateway may publish its health metrics to. */
  readonly metricsNamespace: string;
}

/**
 * What the gateway's timers need beyond reading and writing the stack's parameters: listing the nodes,
 * deleting a join code once its node is connected (the gateway creates each code itself), and publishing
 * the health metrics, to the deployment's namespace only.
 */
export class GatewayDuties extends Construct {
  constructor(scope: Construct, id: string, props: GatewayDutiesProps) {
    super(scope, id);
    new IamRolePolicy(this, "policy", {
      name: props.policyName,
      role: props.roleName,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "ListNodes", Effect: "Allow", Action: ["ssm:GetParametersByPath"], Resource: props.nodeListArn },
          {
            Sid: "JoinCodes",
            Effect: "Allow",
            Action: ["ssm:PutParameter", "ssm:GetParameter", "ssm:DeleteParameter"],
            Resource: props.pairingArns,
          },
          {
            Sid: "HealthMetrics",
            Effect: "Allow",
            Action: ["cloudwatch:PutMetricData"],
            // PutMetricData has no resource ARN; the namespace condition is how it is scoped.
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": props.metricsNamespace } },
          },
        ],
      }),
    });
  }
}
