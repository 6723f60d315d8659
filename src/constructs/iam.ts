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

/** The role of one node host. */
export interface NodeRole {
  /** Node name (keys the construct ids). */
  readonly node: string;
  readonly roleName: string;
  /** ARNs of the SSM parameters this node reads: the gateway's certificate, its fingerprint, its own pairing. */
  readonly parameterArns: readonly string[];
}

export interface IamProps {
  readonly gatewayRoleName: string;
  /** ARNs of the SSM parameters the gateway writes (and reads back). */
  readonly gatewayParameterArns: readonly string[];
  /** One narrower role per node host. */
  readonly nodes: readonly NodeRole[];
  readonly bedrock: boolean;
  readonly marketplace: boolean;
  /** AWS partition, e.g. "aws" (a Terraform reference). */
  readonly partition: string;
}

interface Statement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string>>;
}

/**
 * Instance roles. The gateway may invoke Bedrock and write the values it shares; each node may only
 * read what it needs to pair (never the gateway token, never another node's pairing): it can write
 * nothing of the gateway's.
 */
export class Iam extends Construct {
  readonly gatewayInstanceProfileName: string;
  /** Instance profile of each node, by node name. */
  readonly nodeInstanceProfileNames: Record<string, string> = {};
  /** Role names (references, so a policy attached elsewhere waits for its role): "gateway", "node-<name>". */
  readonly roleNames: Record<string, string> = {};

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
    this.gatewayInstanceProfileName = this.hostRole("gateway", props.gatewayRoleName, props.partition, gatewayStatements);

    for (const node of props.nodes) {
      this.nodeInstanceProfileNames[node.node] = this.hostRole(`node-${node.node}`, node.roleName, props.partition, [
        { Sid: "ReadPairingParameters", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: node.parameterArns },
      ]);
    }
  }

  /** A host role with the managed policies and one inline policy; returns its instance profile name. */
  private hostRole(key: string, name: string, partition: string, statements: readonly Statement[]): string {
    const role = new IamRole(this, `${key}-role`, {
      name,
      description: `OpenClaw ${key} host`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    this.roleNames[key] = role.name;
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
    return new IamInstanceProfile(this, `${key}-profile`, { name, role: role.name }).name;
  }
}
