import { Construct } from "constructs";
import type { TerraformResource } from "cdktf";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { type ForEachResources, perKeyOf, sameKey } from "./for-each";
import type { AwsEnvironment } from "../aws-environment";

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

/**
 * What the SSM Agent calls for Session Manager and Run Command, and nothing else of
 * AmazonSSMManagedInstanceCore (which also allows ssm:GetParameter(s) on every parameter, and State
 * Manager, inventory, patching and Distributor, none of which this stack uses). Sources: "Create a custom
 * IAM instance profile for Session Manager" (UpdateInstanceInformation and the four ssmmessages
 * channels; s3:GetEncryptionConfiguration and kms:Decrypt only for session logs to S3 or KMS-encrypted
 * sessions, neither configured here) and "Reference: ec2messages, ssmmessages, and other API calls"
 * (ec2messages: sending and receiving Run Command's commands), AWS Systems Manager User Guide.
 * ssmmessages and ec2messages take no resource (Service Authorization Reference); the heartbeat goes on
 * "*" as AWS's own minimal instance profile has it (its resource type, the instance, is optional).
 */
export const SSM_AGENT = {
  actions: [
    "ssm:UpdateInstanceInformation",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "ec2messages:AcknowledgeMessage",
    "ec2messages:DeleteMessage",
    "ec2messages:FailMessage",
    "ec2messages:GetEndpoint",
    "ec2messages:GetMessages",
    "ec2messages:SendReply",
  ],
} as const;

/**
 * What the CloudWatch agent calls with this stack's agent config, and nothing else of
 * CloudWatchAgentServerPolicy (which also allows logs:CreateLogGroup, logs:PutRetentionPolicy and
 * PutMetricData into any namespace). Logs: the agent creates its stream and puts events into it; it
 * calls CreateLogGroup only when the group is missing (Terraform makes every group first) and
 * DescribeLogGroups/PutRetentionPolicy only when the config sets a retention (it does not): its
 * plugins/outputs/cloudwatchlogs/internal/pusher/target.go. Its ec2tagger calls ec2:DescribeTags and
 * ec2:DescribeVolumes only for EC2 tag or EBS volume dimensions (the config appends InstanceId and
 * InstanceType, which it reads from IMDS): plugins/processors/ec2tagger/ec2tagger.go. The config is
 * a file, so no ssm:GetParameter on AmazonCloudWatch-*.
 */
export const CLOUDWATCH_AGENT = {
  logs: ["logs:CreateLogStream", "logs:PutLogEvents"],
  metrics: ["cloudwatch:PutMetricData"],
} as const;

/** What each host is, for the rights every host has over its own metrics, logs and instance. */
export interface HostIdentity {
  /** "<prefix>-<name>": the start of its log streams (`<host name>/<instance id>`, the agent config). */
  readonly hostName: string;
  /** The only CloudWatch namespace it may publish to (HOST_METRICS.namespace). */
  readonly metricsNamespace: string;
}

/** The role of one node host. */
export interface NodeRole extends HostIdentity {
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
  readonly gateway: HostIdentity;
  /**
   * ARNs of the SSM parameters the gateway writes and reads: the stack's path. It may read no other
   * parameter (an explicit Deny).
   */
  readonly gatewayParameterArns: readonly string[];
  /** ARN of the node-list path: the gateway lists the nodes under it (GetParametersByPath on the path itself). */
  readonly nodeListArn: string;
  /** ARN pattern of every node's pairing parameter: the gateway creates and deletes the join codes. */
  readonly pairingParameterArns: string;
  /** ARNs of the log groups the hosts' CloudWatch agent writes to: each host only into streams of its own. */
  readonly hostLogGroupArns: readonly string[];
  /** The stack's KMS key, which encrypts every secret of the stack. */
  readonly keyArn: string;
  /** The stack's region, in which the key is used only through SSM and Secrets Manager. */
  readonly environment: AwsEnvironment;
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
  /** ARN of the guardrail the gateway's model calls carry (`openclaw.guardrail`), if any. */
  readonly guardrailArn?: string;
  readonly marketplace: boolean;
  /** ARNs of the objects every host downloads at boot (OpenClaw's lock): readable by every host role. */
  readonly installFileArns: readonly string[];
  /** ARNs of the objects only the gateway downloads (its host-files object): readable by its role alone. */
  readonly gatewayInstallFileArns: readonly string[];
}

type Statement = {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
} & ({ readonly Resource: string | readonly string[] } | { readonly NotResource: readonly string[] });

/**
 * Instance roles, one inline policy each and no AWS managed policy: each role may do what its host's
 * agents and scripts call, on its own resources, and nothing of another host's or another stack's.
 * Every host: the SSM Agent's heartbeat and channels (SSM_AGENT), log events only into its own streams
 * of the stack's log groups, metrics only into its own namespace (so no host can forge a metric another
 * host's alarm watches). The gateway: the stack's parameters (and an explicit Deny of every other
 * parameter), its token's secret, the stack's key through SSM and Secrets Manager, Bedrock. Each node:
 * only the parameters it needs to pair (never the gateway token, never another node's pairing), with an
 * explicit Deny of every other parameter. A Deny wins over any Allow, also over one attached later.
 */
export class Iam extends Construct {
  readonly gatewayInstanceProfileName: string;
  /** In a resource made for the same keys (the node hosts): its node's instance profile; undefined without nodes. */
  readonly nodeInstanceProfileName?: string;

  constructor(scope: Construct, id: string, props: IamProps) {
    super(scope, id);
    const viaService = (...services: string[]) => ({ "kms:ViaService": services.map((service) => `${service}.${props.environment.region}.amazonaws.com`) });
    const hostStatements = (host: HostIdentity): Statement[] => [
      { Sid: "SsmAgent", Effect: "Allow", Action: SSM_AGENT.actions, Resource: "*" },
      {
        Sid: "OwnLogStreams",
        Effect: "Allow",
        Action: CLOUDWATCH_AGENT.logs,
        Resource: props.hostLogGroupArns.map((group) => `${group}:log-stream:${host.hostName}/*`),
      },
      {
        Sid: "OwnMetrics",
        Effect: "Allow",
        Action: CLOUDWATCH_AGENT.metrics,
        // PutMetricData takes no resource ARN; the namespace condition is how it is scoped.
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": host.metricsNamespace } },
      },
    ];

    // What a host downloads at boot (OpenClaw's lock; the gateway's scripts): those objects, nothing else of the bucket.
    const installFiles = (arns: readonly string[]): Statement[] =>
      arns.length > 0 ? [{ Sid: "InstallFiles", Effect: "Allow", Action: ["s3:GetObject"], Resource: [...arns] }] : [];
    const gatewayStatements: Statement[] = [
      ...hostStatements(props.gateway),
      {
        Sid: "SharedParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:GetParameterHistory", "ssm:PutParameter"],
        Resource: props.gatewayParameterArns,
      },
      { Sid: "ListNodes", Effect: "Allow", Action: ["ssm:GetParametersByPath"], Resource: props.nodeListArn },
      // The gateway creates each join code when it mints it and deletes it once its node is connected.
      { Sid: "JoinCodes", Effect: "Allow", Action: ["ssm:DeleteParameter"], Resource: props.pairingParameterArns },
      { Sid: "DenyOtherParameters", Effect: "Deny", Action: PARAMETER_READ_ACTIONS, NotResource: props.gatewayParameterArns },
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
      // channel-secrets.sh tells the stack's key from another by its id and ARN.
      { Sid: "DescribeStackKey", Effect: "Allow", Action: ["kms:DescribeKey"], Resource: props.keyArn },
    ];
    if (props.bedrockModelArns.length > 0) {
      gatewayStatements.push(
        { Sid: "BedrockInvoke", Effect: "Allow", Action: BEDROCK_INVOKE_ACTIONS, Resource: props.bedrockModelArns },
        { Sid: "BedrockList", Effect: "Allow", Action: BEDROCK_LIST_ACTIONS, Resource: "*" },
      );
    }
    if (props.guardrailArn) {
      // A model call that names a guardrail is authorized as ApplyGuardrail on it too: this one only.
      gatewayStatements.push({ Sid: "BedrockGuardrail", Effect: "Allow", Action: ["bedrock:ApplyGuardrail"], Resource: props.guardrailArn });
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
    gatewayStatements.push(...installFiles([...props.installFileArns, ...props.gatewayInstallFileArns]));
    this.gatewayInstanceProfileName = this.hostRole("gateway", props.gatewayRoleName, policyDocument(gatewayStatements)).instanceProfileName;

    if (props.nodes.length > 0) {
      const nodeStatements = (node: NodeRole): Statement[] => [
        ...hostStatements(node),
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
        ...installFiles(props.installFileArns),
      ];
      const each = perKeyOf(
        this,
        `${props.nodeResourceName}_roles`,
        Object.fromEntries(props.nodes.map((node) => [node.node, { role_name: node.roleName, policy: policyDocument(nodeStatements(node)) }])),
      );
      this.nodeInstanceProfileName = this.hostRole(`node-${each.key}`, each.getString("role_name"), each.getString("policy"), {
        forEach: each,
        resourceName: props.nodeResourceName,
      }).instanceProfileName;
    }
  }

  /**
   * A host role with its one inline policy. With `forEach`, one per key: `name` and `policy` then hold
   * the map's values, the resources are named after `forEach.resourceName`, and the instance profile
   * name returned is `sameKey`.
   */
  private hostRole(key: string, name: string, policy: string, forEach?: ForEachResources): { readonly instanceProfileName: string } {
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
    named(new IamRolePolicy(this, `${base}-policy`, { forEach: forEach?.forEach, name: `${name}-policy`, role: roleAttribute("id"), policy }), "_policy");
    const profile = named(new IamInstanceProfile(this, `${base}-profile`, { forEach: forEach?.forEach, name, role: roleAttribute("name") }), "_profile");
    return { instanceProfileName: forEach ? sameKey(profile, "name") : profile.name };
  }
}

/** An IAM policy document of these statements. */
function policyDocument(statements: readonly Statement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
