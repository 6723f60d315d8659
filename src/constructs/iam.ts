import { Construct } from "constructs";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";

/** AWS managed policies every host gets: the CloudWatch agent and SSM Session Manager / Run Command. */
export const MANAGED_POLICIES = ["CloudWatchAgentServerPolicy", "AmazonSSMManagedInstanceCore"] as const;

export const BEDROCK_INVOKE_ACTIONS = [
  "bedrock:InvokeModel",
  "bedrock:InvokeModelWithResponseStream",
  "bedrock:ListFoundationModels",
  "bedrock:GetFoundationModel",
] as const;

export interface IamProps {
  readonly gatewayRoleName: string;
  readonly nodeRoleName: string;
  /** Whether node hosts exist (they get their own, narrower role). */
  readonly withNodes: boolean;
  readonly bedrock: boolean;
  readonly marketplace: boolean;
  /** AWS partition, e.g. "aws" (a Terraform reference). */
  readonly partition: string;
  /** ARNs of the SSM parameters the gateway writes (and reads back). */
  readonly gatewayParameterArns: readonly string[];
  /** ARNs of the SSM parameters nodes read. */
  readonly nodeParameterArns: readonly string[];
}

interface Statement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string>>;
}

/**
 * Instance roles. The gateway may invoke Bedrock and write the values it shares; a node may only read
 * those values: it can write nothing of the gateway's.
 */
export class Iam extends Construct {
  readonly gatewayInstanceProfileName: string;
  readonly nodeInstanceProfileName?: string;
  readonly gatewayRoleName: string;
  readonly nodeRoleName?: string;

  constructor(scope: Construct, id: string, props: IamProps) {
    super(scope, id);

    const gatewayStatements: Statement[] = [
      {
        Sid: "SharedParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:PutParameter"],
        Resource: props.gatewayParameterArns,
      },
    ];
    if (props.bedrock) {
      gatewayStatements.push({ Sid: "BedrockInvoke", Effect: "Allow", Action: BEDROCK_INVOKE_ACTIONS, Resource: "*" });
    }
    if (props.marketplace) {
      // Subscribing to a third-party model happens through Bedrock; the condition stops direct Marketplace use.
      gatewayStatements.push({
        Sid: "MarketplaceViaBedrock",
        Effect: "Allow",
        Action: ["aws-marketplace:ViewSubscriptions", "aws-marketplace:Subscribe"],
        Resource: "*",
        Condition: { StringEquals: { "aws:CalledViaLast": "bedrock.amazonaws.com" } },
      });
    }
    const gateway = this.hostRole("gateway", props.gatewayRoleName, props.partition, gatewayStatements);
    this.gatewayRoleName = gateway.roleName;
    this.gatewayInstanceProfileName = gateway.profileName;

    if (props.withNodes) {
      const node = this.hostRole("node", props.nodeRoleName, props.partition, [
        { Sid: "ReadSharedParameters", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: props.nodeParameterArns },
      ]);
      this.nodeRoleName = node.roleName;
      this.nodeInstanceProfileName = node.profileName;
    }
  }

  private hostRole(key: string, name: string, partition: string, statements: readonly Statement[]) {
    const role = new IamRole(this, `${key}-role`, {
      name,
      description: `OpenClaw ${key} host`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    for (const policy of MANAGED_POLICIES) {
      new IamRolePolicyAttachment(this, `${key}-${policy}`, {
        role: role.name,
        policyArn: `arn:${partition}:iam::aws:policy/${policy}`,
      });
    }
    new IamRolePolicy(this, `${key}-policy`, {
      name: `${name}-policy`,
      role: role.id,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
    });
    const profile = new IamInstanceProfile(this, `${key}-profile`, { name, role: role.name });
    return { roleName: role.name, profileName: profile.name };
  }
}
