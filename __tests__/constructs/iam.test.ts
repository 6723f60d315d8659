import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { CLOUDWATCH_AGENT, Iam, SSM_AGENT, type IamProps } from "../../src/constructs/iam";
import { propertiesOf, resourcesOf, type TerraformJson } from "../helpers";
import { synthConstruct, TEST_ENVIRONMENT } from "./bare-stack";

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string | string[];
  Condition?: unknown;
}

/** The inline policy statements of a role. */
function statementsOf(tf: TerraformJson, roleName: string): Statement[] {
  const policy = propertiesOf(tf, "aws_iam_role_policy").find((candidate) => candidate.name === `${roleName}-policy`);
  if (!policy) throw new Error(`no inline policy for ${roleName}`);
  return (JSON.parse(String(policy.policy)) as { Statement: Statement[] }).Statement;
}

const GATEWAY_PARAMETERS = "arn:aws:ssm:us-east-1:123456789012:parameter/openclaw/openclaw/*";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const pairing = (node: string) => `arn:aws:ssm:us-east-1:123456789012:parameter/openclaw/openclaw/nodes/${node}/pairing`;
const nodeRole = (node: string, roleName: string) => ({
  node,
  roleName,
  hostName: `openclaw-${node}`,
  metricsNamespace: `OpenClaw/openclaw-${node}`,
  parameterArns: nodeParameters(node),
  pairingParameterArn: pairing(node),
});
const LOG_GROUPS = ["arn:aws:logs:us-east-1:123456789012:log-group:/openclaw/application", "arn:aws:logs:us-east-1:123456789012:log-group:/openclaw/system"];

/** What every host's role has first: the SSM Agent, and its own log streams and metrics namespace. */
const hostStatements = (hostName: string) => [
  { Sid: "SsmAgent", Effect: "Allow", Action: [...SSM_AGENT.actions], Resource: "*" },
  { Sid: "OwnLogStreams", Effect: "Allow", Action: [...CLOUDWATCH_AGENT.logs], Resource: LOG_GROUPS.map((group) => `${group}:log-stream:${hostName}/*`) },
  {
    Sid: "OwnMetrics",
    Effect: "Allow",
    Action: ["cloudwatch:PutMetricData"],
    Resource: "*",
    Condition: { StringEquals: { "cloudwatch:namespace": `OpenClaw/${hostName}` } },
  },
];
const nodeParameters = (node: string) => [
  "arn:aws:ssm:us-east-1:123456789012:parameter/openclaw/openclaw/gateway/tls-fingerprint",
  "arn:aws:ssm:us-east-1:123456789012:parameter/openclaw/openclaw/gateway/tls-certificate",
  `arn:aws:ssm:us-east-1:123456789012:parameter/openclaw/openclaw/nodes/${node}/pairing`,
];

/** Every host may read OpenClaw's lock, and nothing else of the install-files bucket. */
const INSTALL_FILES = {
  Sid: "InstallFiles",
  Effect: "Allow",
  Action: ["s3:GetObject"],
  Resource: ["arn:aws:s3:::openclaw-pkg-123456789012-us-east-1/openclaw-lock/0123/package-lock.json"],
};
/** The gateway's host-files object: its role's alone. */
const GATEWAY_HOST_FILES = "arn:aws:s3:::openclaw-pkg-123456789012-us-east-1/host-files/4567/gateway.json";
/** The gateway reads the lock and its own host files. */
const GATEWAY_INSTALL_FILES = { ...INSTALL_FILES, Resource: [...INSTALL_FILES.Resource, GATEWAY_HOST_FILES] };

/** The default deployment's roles: the gateway, one node, Bedrock and Marketplace on. */
const props: IamProps = {
  gatewayRoleName: "openclaw-ec2-role",
  gateway: { hostName: "openclaw-gw", metricsNamespace: "OpenClaw/openclaw-gw" },
  gatewayParameterArns: [GATEWAY_PARAMETERS],
  nodeListArn: "arn:aws:ssm:us-east-1:123456789012:parameter/openclaw/openclaw/gateway/nodes",
  pairingParameterArns: "arn:aws:ssm:us-east-1:123456789012:parameter/openclaw/openclaw/nodes/*",
  installFileArns: INSTALL_FILES.Resource,
  gatewayInstallFileArns: [GATEWAY_HOST_FILES],
  hostLogGroupArns: LOG_GROUPS,
  keyArn: KEY,
  environment: TEST_ENVIRONMENT,
  nodes: [nodeRole("node", "openclaw-node-ec2-role")],
  nodeResourceName: "node",
  bedrockModelArns: [
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
  ],
  marketplace: true,
  gatewayTokenSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:openclaw/openclaw/gateway/token-??????",
};

function synthIam(overrides: Partial<IamProps> = {}) {
  return synthConstruct((stack) => {
    const iam = new Iam(stack, "iam", { ...props, ...overrides });
    return { gateway: iam.gatewayInstanceProfileName, nodes: iam.nodeInstanceProfileName };
  });
}

describe("Iam", () => {
  it("given a gateway and a node, when synthesized, then each host role has EC2 trust, one inline policy and no AWS managed policy", () => {
    const { json, tf } = synthIam();
    expect(json).toHaveResourceWithProperties(IamRole, { name: "openclaw-ec2-role" });
    expect(json).toHaveResourceWithProperties(IamInstanceProfile, { name: "openclaw-ec2-role" });
    // The node roles are made per node: aws_iam_role.node["node"].
    expect(tf.resource.aws_iam_role['node["node"]']).toMatchObject({ name: "openclaw-node-ec2-role", description: "OpenClaw node-node host" });
    expect(tf.resource.aws_iam_instance_profile['node_profile["node"]']).toMatchObject({ name: "openclaw-node-ec2-role", role: '${aws_iam_role.node["node"].name}' });
    // AmazonSSMManagedInstanceCore would allow reading every parameter, CloudWatchAgentServerPolicy creating
    // log groups, changing their retention and publishing into any namespace.
    expect(tf.resource.aws_iam_role_policy_attachment).toBeUndefined();
    expect(propertiesOf(tf, "aws_iam_role_policy").map((policy) => policy.name).sort()).toEqual(["openclaw-ec2-role-policy", "openclaw-node-ec2-role-policy"]);
    for (const role of propertiesOf(tf, "aws_iam_role")) {
      expect(JSON.parse(String(role.assume_role_policy)).Statement).toEqual([
        { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
    }
  });

  it("given Bedrock and Marketplace on, when synthesized, then the gateway may invoke Bedrock, subscribe via Bedrock only, and use the parameters, key, log streams and namespace it is given, no other parameter", () => {
    expect(statementsOf(synthIam().tf, "openclaw-ec2-role")).toEqual([
      ...hostStatements("openclaw-gw"),
      { Sid: "SharedParameters", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameterHistory", "ssm:PutParameter"], Resource: [GATEWAY_PARAMETERS] },
      { Sid: "ListNodes", Effect: "Allow", Action: ["ssm:GetParametersByPath"], Resource: props.nodeListArn },
      { Sid: "JoinCodes", Effect: "Allow", Action: ["ssm:DeleteParameter"], Resource: props.pairingParameterArns },
      {
        Sid: "DenyOtherParameters",
        Effect: "Deny",
        Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"],
        NotResource: [GATEWAY_PARAMETERS],
      },
      {
        Sid: "GatewayTokenSecret",
        Effect: "Allow",
        Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
        Resource: props.gatewayTokenSecretArn,
      },
      {
        Sid: "StackKey",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
        Resource: KEY,
        Condition: { StringEquals: { "kms:ViaService": ["ssm.us-east-1.amazonaws.com", "secretsmanager.us-east-1.amazonaws.com"] } },
      },
      { Sid: "DescribeStackKey", Effect: "Allow", Action: ["kms:DescribeKey"], Resource: KEY },
      {
        Sid: "BedrockInvoke",
        Effect: "Allow",
        Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:GetFoundationModel", "bedrock:GetInferenceProfile"],
        Resource: props.bedrockModelArns,
      },
      { Sid: "BedrockList", Effect: "Allow", Action: ["bedrock:ListFoundationModels", "bedrock:ListInferenceProfiles"], Resource: "*" },
      {
        Sid: "MarketplaceViaBedrock",
        Effect: "Allow",
        Action: ["aws-marketplace:ViewSubscriptions", "aws-marketplace:Subscribe"],
        Resource: "*",
        Condition: { StringEquals: { "aws:CalledViaLast": "bedrock.amazonaws.com" } },
      },
      GATEWAY_INSTALL_FILES,
    ]);
  });

  it("given two nodes, when synthesized, then each node's own role may only read the parameters it is given: no token, no writes", () => {
    const { tf, exposed } = synthIam({
      nodes: [
        nodeRole("node", "openclaw-node-ec2-role"),
        nodeRole("arm", "openclaw-arm-ec2-role"),
      ],
    });
    // Its own log streams and namespace; read its own parameters; an explicit Deny of every other
    // parameter and of the gateway token's secret (an Allow attached later cannot lift them).
    const readable = (node: string) => [
      ...hostStatements(`openclaw-${node}`),
      { Sid: "ReadPairingParameters", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: nodeParameters(node) },
      {
        Sid: "DecryptOwnJoinCode",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: KEY,
        Condition: { StringEquals: { "kms:ViaService": ["ssm.us-east-1.amazonaws.com"], "kms:EncryptionContext:PARAMETER_ARN": pairing(node) } },
      },
      {
        Sid: "DenyOtherParameters",
        Effect: "Deny",
        Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"],
        NotResource: nodeParameters(node),
      },
      { Sid: "DenyGatewayToken", Effect: "Deny", Action: ["secretsmanager:*"], Resource: props.gatewayTokenSecretArn },
      INSTALL_FILES,
    ];
    expect(statementsOf(tf, "openclaw-node-ec2-role")).toEqual(readable("node"));
    expect(statementsOf(tf, "openclaw-arm-ec2-role")).toEqual(readable("arm"));
    expect(propertiesOf(tf, "aws_iam_instance_profile").map((profile) => profile.name).sort()).toEqual([
      "openclaw-arm-ec2-role",
      "openclaw-ec2-role",
      "openclaw-node-ec2-role",
    ]);

    // Each host is handed its own instance profile: the nodes', for the node with the same key.
    const [[gatewayProfile]] = resourcesOf(tf, "aws_iam_instance_profile").filter(([, profile]) => profile.name === "openclaw-ec2-role");
    expect(exposed).toEqual({
      gateway: `\${aws_iam_instance_profile.${gatewayProfile}.name}`,
      nodes: "${local.aws_iam_instance_profile_node_profile_name_by_key[each.key]}",
    });
    expect(tf.locals?.aws_iam_instance_profile_node_profile_name_by_key).toBe("${{ for key, val in aws_iam_instance_profile.node_profile: key => val.name }}");
    expect(tf.resource.aws_iam_instance_profile['node_profile["arm"]'].name).toBe("openclaw-arm-ec2-role");
  });

  it("given Bedrock and Marketplace off and no nodes, when synthesized, then the gateway keeps only its parameters and there is no node role", () => {
    const { tf } = synthIam({ bedrockModelArns: [], marketplace: false, nodes: [] });
    expect(statementsOf(tf, "openclaw-ec2-role").map((statement) => statement.Sid)).toEqual([
      "SsmAgent",
      "OwnLogStreams",
      "OwnMetrics",
      "SharedParameters",
      "ListNodes",
      "JoinCodes",
      "DenyOtherParameters",
      "GatewayTokenSecret",
      "StackKey",
      "DescribeStackKey",
      "InstallFiles",
    ]);
    expect(propertiesOf(tf, "aws_iam_role").map((role) => role.name)).toEqual(["openclaw-ec2-role"]);
  });

  it("given a guardrail, when synthesized, then the gateway may apply exactly that guardrail, and without one there is no such statement", () => {
    const guardrailArn = "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1a2b3c";
    const withGuardrail = statementsOf(synthIam({ guardrailArn }).tf, "openclaw-ec2-role");
    expect(withGuardrail.filter((statement) => statement.Action.some((action) => action.includes("Guardrail")))).toEqual([
      { Sid: "BedrockGuardrail", Effect: "Allow", Action: ["bedrock:ApplyGuardrail"], Resource: guardrailArn },
    ]);
    const without = statementsOf(synthIam().tf, "openclaw-ec2-role");
    expect(without.flatMap((statement) => statement.Action).filter((action) => action.includes("Guardrail"))).toEqual([]);
  });
});
