import type { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { alarmLabel, deploymentNames, hostName, nodeRoleName, stateRegion } from "../config/names";
import type { OpenClawConfig } from "../config/schema";
import { sharedParameters } from "../hosts/build-contexts";
import { Audit } from "../constructs/audit";
import { anyEndpoint, Endpoints } from "../constructs/endpoints";
import { Gateway } from "../constructs/gateway";
import { Iam } from "../constructs/iam";
import { KeyPair } from "../constructs/key-pair";
import { Monitoring } from "../constructs/monitoring";
import { Network } from "../constructs/network";
import { Node } from "../constructs/node";
import { SecurityGroups } from "../constructs/security-groups";
import { SharedParameters } from "../constructs/shared-parameters";
import { useStateBackend } from "../constructs/state";
import { addAwsProvider } from "./aws-provider";

export interface OpenClawStackProps {
  /** The validated configuration. */
  readonly config: OpenClawConfig;
}

/** Local port for SSM port forwarding: the gateway's own port unless it needs root locally. */
const LOCAL_FORWARD_PORT = 18789;

/** The whole deployment of seed 000's hosts in seed 002's network, as one Terraform stack. */
export class OpenClawStack extends TerraformStack {
  constructor(scope: Construct, id: string, { config }: OpenClawStackProps) {
    super(scope, id);
    const names = deploymentNames(config);
    const region = config.region;
    addAwsProvider(this, {
      region,
      target: config.target,
      tags: { Project: "openclaw", Stack: config.stackName, ManagedBy: "cdktf", ...config.tags },
    });
    useStateBackend(this, {
      bucket: config.state.bucket,
      key: names.stateKey,
      region: stateRegion(config),
      localPath: `../../../terraform.${config.stackName}.tfstate`,
      target: config.target,
    });

    const partition = new DataAwsPartition(this, "partition").partition;
    const accountId = new DataAwsCallerIdentity(this, "caller").accountId;
    const withNodes = config.nodes.length > 0;
    const withEndpoints = anyEndpoint(config.endpoints);

    const network = new Network(this, "network", {
      network: config.network,
      availabilityZone: config.availabilityZone ?? `${region}a`,
      namePrefix: names.prefix,
    });
    const securityGroups = new SecurityGroups(this, "security-groups", {
      vpcId: network.vpcId,
      names,
      gatewayPort: config.gateway.port,
      gatewayPublicCidrs: config.gateway.publicCidrs,
      withNodes,
      sshCidrs: config.ssh.allowedCidrs,
      withEndpoints,
      omitReferencedRuleDescriptions: config.target.kind === "local",
    });
    if (securityGroups.endpointGroupId) {
      new Endpoints(this, "endpoints", {
        vpcId: network.vpcId,
        subnetId: network.endpointSubnetId,
        securityGroupId: securityGroups.endpointGroupId,
        region,
        services: config.endpoints,
        namePrefix: names.prefix,
      });
    }

    const parameterNames = sharedParameters(config, names);
    const parameters = new SharedParameters(this, "parameters", { parameters: parameterNames, tls: config.gateway.tls });
    const parameterArn = (name: string) => `arn:${partition}:ssm:${region}:${accountId}:parameter${name}`;
    const iam = new Iam(this, "iam", {
      gatewayRoleName: names.gatewayRole,
      gatewayParameterArns: [parameterArn(`${names.parameterPath}/*`)],
      nodes: config.nodes.map((node) => ({
        node: node.name,
        roleName: nodeRoleName(names, node.name),
        parameterArns: [
          parameterNames.gatewayTlsFingerprint,
          parameterNames.gatewayTlsCertificate,
          parameterNames.nodePairing[hostName(names, node.name)],
        ].map(parameterArn),
      })),
      bedrock: config.iam.bedrock,
      marketplace: config.iam.marketplace,
      partition,
    });

    const keyPair =
      config.keyPair.mode === "none"
        ? undefined
        : new KeyPair(this, "key-pair", { keyPair: config.keyPair, defaultName: names.keyPair });

    const gateway = new Gateway(this, "gateway", {
      config,
      names,
      subnetId: network.hostSubnetId,
      securityGroupId: securityGroups.gatewayGroupId,
      instanceProfileName: iam.gatewayInstanceProfileName,
      keyName: keyPair?.keyName,
      parameters: parameters.resources,
    });
    const nodes = config.nodes.map(
      (node) =>
        new Node(this, `node-${node.name}`, {
          config,
          names,
          node,
          gatewayPrivateAddress: gateway.instance.privateIp,
          subnetId: network.hostSubnetId,
          securityGroupId: securityGroups.nodeGroupId!,
          instanceProfileName: iam.nodeInstanceProfileNames[node.name],
          keyName: keyPair?.keyName,
          parameters: parameters.resources,
        }),
    );

    const monitoring = new Monitoring(this, "monitoring", {
      alarmPrefix: names.alarmPrefix,
      topicName: names.alarmTopic,
      alarmEmail: config.monitoring.alarmEmail,
      namespace: config.monitoring.namespace,
      applicationLogGroup: names.applicationLogGroup,
      systemLogGroup: names.systemLogGroup,
      logRetentionDays: config.monitoring.logRetentionDays,
      region,
      partition,
      hosts: [
        {
          label: alarmLabel(config.gateway.name, true),
          instanceId: gateway.instance.id,
          instanceType: config.gateway.instanceType,
          memoryAlarm: true,
        },
        ...config.nodes.map((node, index) => ({
          label: alarmLabel(node.name, false),
          instanceId: nodes[index].instance.id,
          instanceType: node.instanceType,
          memoryAlarm: false,
        })),
      ],
    });

    const audit = config.audit.cloudTrail
      ? new Audit(this, "audit", {
          trailName: names.trail,
          accountId,
          region,
          partition,
          retentionDays: config.audit.retentionDays,
          deleteLogsOnDestroy: config.audit.deleteLogsOnDestroy,
          logging: config.target.kind === "aws",
        })
      : undefined;

    // Outputs: the guided path from "applied" to "connected".
    const output = (id: string, value: string, description: string, sensitive = false) =>
      new TerraformOutput(this, id, { value, description, sensitive });
    const gatewayId = gateway.instance.id;
    const session = `aws ssm start-session --region ${region} --target ${gatewayId}`;
    const localPort = config.gateway.port >= 1024 ? config.gateway.port : LOCAL_FORWARD_PORT;
    const scheme = config.gateway.tls ? "https" : "http";

    output("gateway_instance_id", gatewayId, "Instance id of the gateway host");
    output("gateway_private_ip", gateway.instance.privateIp, "Private address of the gateway (nodes connect to it)");
    if (gateway.publicIp) {
      output("gateway_public_ip", gateway.publicIp, "Elastic IP of the gateway");
      if (config.gateway.tls && config.gateway.bind === "lan") {
        output("gateway_url", `wss://${gateway.publicIp}:${config.gateway.port}`, "Gateway WebSocket URL (self-signed certificate: pin gateway_tls_fingerprint_parameter)");
      }
    }
    output(
      "node_instance_ids",
      `{${nodes.map((node) => `"${node.name}": "${node.instance.id}"`).join(", ")}}`,
      "Instance id of each node host (JSON)",
    );
    output("gateway_shell_command", session, "Shell on the gateway through SSM Session Manager (no SSH needed)");
    output(
      "gateway_port_forward_command",
      `${session} --document-name AWS-StartPortForwardingSession --parameters '{"portNumber":["${config.gateway.port}"],"localPortNumber":["${localPort}"]}'`,
      `Forward the gateway to ${scheme}://localhost:${localPort} through SSM`,
    );
    output(
      "gateway_token_command",
      `aws ssm get-parameter --region ${region} --name ${parameterNames.gatewayToken} --with-decryption --query Parameter.Value --output text`,
      "Prints the gateway token (SecureString; never an output itself)",
    );
    output("gateway_token_parameter", parameterNames.gatewayToken, "SSM SecureString holding the gateway token");
    if (config.gateway.tls) {
      output("gateway_tls_fingerprint_parameter", parameterNames.gatewayTlsFingerprint, "SSM parameter holding the gateway certificate's SHA-256 fingerprint");
    }
    output("alarm_topic_arn", monitoring.topicArn, "SNS topic the alarms notify");
    if (audit) output("audit_trail_arn", audit.trailArn, "CloudTrail trail of this deployment");
    if (keyPair && config.ssh.allowedCidrs.length > 0 && gateway.publicIp) {
      output("ssh_command", `ssh -i ~/.ssh/${keyPair.keyName}.pem ec2-user@${gateway.publicIp}`, "SSH to the gateway");
    }
    if (keyPair?.privateKeyPem) {
      output("ssh_private_key_pem", keyPair.privateKeyPem, "Generated private key (see README: write it to ~/.ssh with mode 0600)", true);
    }
  }
}
