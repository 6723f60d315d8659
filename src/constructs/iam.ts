import { Construct } from "constructs";
import type { TerraformResource } from "cdktf";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { type ForEachResources, perKeyOf, sameKey } from "./for-each";

/** AWS managed policies every host gets: the CloudWatch agent and SSM Session Manager / Run Command. */
export const MANAGED_POLICIES = ["CloudWatchAgentServerPolicy", "AmazonSSMManagedInstanceCore"] as const;

/** What the Bedrock provider calls for its model: Converse/ConverseStream are authorized as these. */
export const BEDROCK_INVOKE_ACTIONS = [
  "bedrock:InvokeModel",
  "bedrock:InvokeModelWithResponseStream",
  "bedrock:GetFoundationModel",
  "bedrock:GetInferenceProfile",
] as const;

/** Listing models and profiles (discovery) takes no resource: these go on "*". */
export const BEDROCK_LIST_ACTIONS = ["bedrock:ListFoundationModels", "bedrock:ListInferenceProfiles"] as const;

/** SSM actions that read a parameter's value. */
export const PARAMETER_READ_ACTIONS = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"] as const;

/** The role of one node host. */
export interface NodeRole {
  /** Node name: the key of its role (as of its host). */
  readonly node: string;
  readonly roleName: string;
  /** ARNs of the SSM parameters this node reads: the gateway's certificate, its fingerprint, its own pairing. */
  readonly parameterArns: readonly string[];
  /** ARN of its own pairing parameter: SSM passes it as the `PARAMETER_ARN` encryption context. */
  readonly pairingParameterArn: string;
}

export interface IamProps {
  readonly gatewayRoleName: string;
  /** ARNs of the SSM parameters the gateway writes (and reads back). */
  readonly gatewayParameterArns: readonly string[];
  /** ARN of the node-list path: the gateway lists the nodes under it (GetParametersByPath on the path itself). */
  readonly nodeListArn: string;
  /** ARN pattern of every node's pairing parameter: the gateway creates and deletes the join codes. */
  readonly pairingParameterArns: string;
  /** The only CloudWatch namespace the gateway may publish its health metrics to. */
  readonly metricsNamespace: string;
  /** The stack's KMS key, which encrypts every secret of the stack. */
  readonly keyArn: string;
  /** The region, in which the key is used only through SSM and Secrets Manager. */
  readonly region: string;
  /** ARN (pattern) of the gateway token's secret: the gateway's alone. */
  readonly gatewayTokenSecretArn: string;
  /** One narrower role per node host, made per key: `aws_iam_role.<nodeResourceName>["<node>"]`. */
  readonly nodes: readonly NodeRole[];
  /** Terraform name of the node roles (the node hosts' own: NODE_RESOURCE_NAME). */
  readonly nodeResourceName: string;
  /**
   * ARNs of the model the gateway may invoke (its inference profile and the foundation models it routes
   * to); empty means no Bedrock at all.
   */
  readonly bedrockModelArns: readonly string[];
  readonly marketplace: boolean;
  /** AWS partition, e.g. "aws" (a Terraform reference). */
  readonly partition: string;
  /** ARNs of the objects every host downloads at boot (OpenClaw's lock): readable by every host role. */
  readonly installFileArns: readonly string[];
}

type Statement = {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
} & ({ readonly Resource: string | readonly string[] } | { readonly NotResource: readonly string[] });

/**
 * Instance roles. The gateway may invoke Bedrock, write the values it shares and keep its token; each
 * node may only read what it needs to pair (never the gateway token, never another node's pairing): it
 * can write nothing of the gateway's. AmazonSSMManagedInstanceCore allows ssm:GetParameter(s) on every
 * parameter, so a node's own statements deny the rest explicitly; an explicit Deny wins over any Allow.
 */
export class Iam extends Construct {
  readonly gatewayInstanceProfileName: string;
  /** In a resource made for the same keys (the node hosts): its node's instance profile; undefined without nodes. */
  readonly nodeInstanceProfileName?: string;

  constructor(scope: Construct, id: string, props: IamProps) {
    super(scope, id);
    const viaService = (...services: string[]) => ({ "kms:ViaService": services.map((service) => `${service}.${props.region}.amazonaws.com`) });

    // What every host downloads at boot (OpenClaw's lock): that object, nothing else of the bucket.
    const withInstallFiles: Statement[] =
      props.installFileArns.length > 0 ? [{ Sid: "InstallFiles", Effect: "Allow", Action: ["s3:GetObject"], Resource: props.installFileArns }] : [];
    const gatewayStatements: Statement[] = [
      {
        Sid: "SharedParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:PutParameter"],
        Resource: props.gatewayParameterArns,
      },
      { Sid: "ListNodes", Effect: "Allow", Action: ["ssm:GetParametersByPath"], Resource: props.nodeListArn },
      // The gateway creates each join code when it mints it and deletes it once its node is connected.
      { Sid: "JoinCodes", Effect: "Allow", Action: ["ssm:DeleteParameter"], Resource: props.pairingParameterArns },
      {
        Sid: "HealthMetrics",
        Effect: "Allow",
        Action: ["cloudwatch:PutMetricData"],
        // PutMetricData takes no resource ARN; the namespace condition is how it is scoped.
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": props.metricsNamespace } },
      },
      {
        Sid: "GatewayTokenSecret",
        Effect: "Allow",
        Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
        Resource: props.gatewayTokenSecretArn,
      },
      // The token, the join codes and the channel secrets are all under the stack's key.
      {
        Sid: "StackKey",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
        Resource: props.keyArn,
        Condition: { StringEquals: viaService("ssm", "secretsmanager") },
      },
    ];
    if (props.bedrockModelArns.length > 0) {
      gatewayStatements.push(
        { Sid: "BedrockInvoke", Effect: "Allow", Action: BEDROCK_INVOKE_ACTIONS, Resource: props.bedrockModelArns },
        { Sid: "BedrockList", Effect: "Allow", Action: BEDROCK_LIST_ACTIONS, Resource: "*" },
      );
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
    gatewayStatements.push(...withInstallFiles);
    const gateway = this.hostRole("gateway", props.gatewayRoleName, props.partition, policyDocument(gatewayStatements));
    this.gatewayInstanceProfileName = gateway.instanceProfileName;

    if (props.nodes.length > 0) {
      const nodeStatements = (node: NodeRole): Statement[] => [
        { Sid: "ReadPairingParameters", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: node.parameterArns },
        {
          Sid: "DecryptOwnJoinCode",
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: props.keyArn,
          Condition: { StringEquals: { ...viaService("ssm"), "kms:EncryptionContext:PARAMETER_ARN": node.pairingParameterArn } },
        },
        // IAM cannot say "under the stack's path except these": NotResource denies every other parameter,
        // which covers the stack's path (other nodes' join codes, channel secrets) and needs nothing else.
        { Sid: "DenyOtherParameters", Effect: "Deny", Action: PARAMETER_READ_ACTIONS, NotResource: node.parameterArns },
        { Sid: "DenyGatewayToken", Effect: "Deny", Action: ["secretsmanager:*"], Resource: props.gatewayTokenSecretArn },
        ...withInstallFiles,
      ];
      const each = perKeyOf(
        this,
        `${props.nodeResourceName}_roles`,
        Object.fromEntries(props.nodes.map((node) => [node.node, { role_name: node.roleName, policy: policyDocument(nodeStatements(node)) }])),
      );
      this.nodeInstanceProfileName = this.hostRole(
        `node-${each.key}`,
        each.getString("role_name"),
        props.partition,
        each.getString("policy"),
        { forEach: each, resourceName: props.nodeResourceName },
      ).instanceProfileName;
    }
  }

  /**
   * A host role with the managed policies and one inline policy. With `forEach`, one per key: `name`
   * and `policy` then hold the map's values, the resources are named after `forEach.resourceName`, and
   * the instance profile name returned is `sameKey`.
   */
  private hostRole(key: string, name: string, partition: string, policy: string, forEach?: ForEachResources): { readonly instanceProfileName: string } {
    // Construct ids must be literal: a fleet's are its resource name.
    const base = forEach?.resourceName ?? key;
    const named = <T extends TerraformResource>(resource: T, suffix: string): T => {
      if (forEach) resource.overrideLogicalId(`${forEach.resourceName}${suffix}`);
      return resource;
    };
    const role = named(
      new IamRole(this, `${base}-role`, {
        forEach: forEach?.forEach,
        name,
        description: `OpenClaw ${key} host`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      }),
      "",
    );
    const roleAttribute = (attribute: string) => (forEach ? sameKey(role, attribute) : role.getStringAttribute(attribute));
    for (const managed of MANAGED_POLICIES) {
      named(
        new IamRolePolicyAttachment(this, `${base}-${managed}`, {
          forEach: forEach?.forEach,
          role: roleAttribute("name"),
          policyArn: `arn:${partition}:iam::aws:policy/${managed}`,
        }),
        `_${managed}`,
      );
    }
    named(new IamRolePolicy(this, `${base}-policy`, { forEach: forEach?.forEach, name: `${name}-policy`, role: roleAttribute("id"), policy }), "_policy");
    const profile = named(new IamInstanceProfile(this, `${base}-profile`, { forEach: forEach?.forEach, name, role: roleAttribute("name") }), "_profile");
    return { instanceProfileName: forEach ? sameKey(profile, "name") : profile.name };
  }
}

/** An IAM policy document of these statements. */
function policyDocument(statements: readonly Statement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
