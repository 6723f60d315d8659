import type { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { channelSecretCommand, channelSecretParameters } from "../config/assistant";
import { bedrockGuardrailArn, bedrockModelArns } from "../config/bedrock-models";
import { appliedGuardrail, emulatorAccommodations } from "../config/emulator";
import { costOutputValue, estimateMonthlyCost } from "../cost/estimate";
import { OPENCLAW_LOCK_FILE, openclawLockSha256 } from "../config/pins";
import { deploymentHosts, isPrivilegedPort, PARAMETER_PLACEHOLDER } from "../config/hosts";
import { DATA_VOLUME_TAG, deploymentNames, deploymentTags, installBucketName, STACK_TAG, stateRegion } from "../config/names";
import { bedrockSpend } from "../config/spend";
import type { OpenClawConfig } from "../config/schema";
import { HOST_LAYOUT } from "../host/layout";
import { GATEWAY_BOOT_SCRIPT, gatewayHostContext, renderGatewayHost, renderGatewayHostFiles } from "../gateway/gateway-context";
import { NODE_NAME_PLACEHOLDER, nodeUserDataTemplates } from "../node/node-context";
import { Amis } from "../constructs/amis";
import { Audit } from "../constructs/audit";
import { Backup } from "../constructs/backup";
import { BedrockAlarms } from "../monitoring/bedrock-alarms";
import { Budget, budgetArn } from "../constructs/budget";
import { Dashboard } from "../monitoring/dashboard";
import { anyEndpoint, Endpoints } from "../constructs/endpoints";
import { GatewayHost } from "../gateway/gateway-host";
import { Guardrail } from "../constructs/guardrail";
import { InstallFiles } from "../host/install-files";
import { Iam } from "../constructs/iam";
import { KeyPair } from "../constructs/key-pair";
import { alarmLabel, HOST_METRICS } from "../monitoring/metrics";
import { ALARM_TOPIC_PUBLISHERS, Monitoring } from "../monitoring/monitoring";
import { Network } from "../constructs/network";
import { NODE_RESOURCE_NAME, NodeHosts } from "../node/node-hosts";
import { secretArnPattern, Secrets } from "../constructs/secrets";
import { SecurityGroups } from "../constructs/security-groups";
import { SharedParameters } from "../constructs/shared-parameters";
import { localStatePath, useStateBackend } from "../constructs/state";
import { AwsEnvironment } from "../aws-environment";
import { addAwsProvider } from "./aws-provider";
import { movesFromPerNodeResources } from "./node-moves";

export interface OpenClawStackProps {
  /** The validated configuration. */
  readonly config: OpenClawConfig;
}

/** Local port for SSM port forwarding when the gateway's own port would need root locally. */
const LOCAL_FORWARD_PORT = 18789;

/** The output that prices the stack (see toTerraform). */
const COST_OUTPUT = "monthly_cost_estimate";

/** The whole deployment of seed 000's hosts in seed 002's network, as one Terraform stack. */
export class OpenClawStack extends TerraformStack {
  constructor(scope: Construct, id: string, { config }: OpenClawStackProps) {
    super(scope, id);
    const names = deploymentNames(config);
    const hosts = deploymentHosts(config, names);
    const accommodations = emulatorAccommodations(config.target);
    const region = config.region;
    addAwsProvider(this, { region, target: config.target, tags: deploymentTags(config) });
    useStateBackend(this, {
      bucket: config.state.bucket,
      key: names.stateKey,
      region: stateRegion(config),
      localPath: localStatePath(config.stackName),
      target: config.target,
    });

    const environment = new AwsEnvironment(new DataAwsPartition(this, "partition").partition, region, new DataAwsCallerIdentity(this, "caller").accountId);
    const withEndpoints = anyEndpoint(config.endpoints);

    const gatewayTokenSecretArn = secretArnPattern(environment, hosts.gateway.tokenSecret);
    const flowLogs = config.network.mode === "create" && config.network.flowLogs;
    const secrets = new Secrets(this, "secrets", {
      alias: names.kmsAlias,
      environment,
      gatewayTokenSecret: hosts.gateway.tokenSecret,
      logGroupNames: [
        names.applicationLogGroup,
        names.systemLogGroup,
        ...(flowLogs ? [names.flowLogGroup] : []),
        ...(config.audit.cloudTrail ? [names.trailLogGroup] : []),
      ],
      alarmTopic: { name: names.alarmTopic, publishers: ALARM_TOPIC_PUBLISHERS },
      trailName: config.audit.cloudTrail ? names.trail : undefined,
    });

    const availabilityZone = config.availabilityZone ?? `${region}a`;
    const network = new Network(this, "network", {
      network: config.network,
      availabilityZone,
      namePrefix: names.prefix,
      flowLogGroup: { name: names.flowLogGroup, retentionDays: config.monitoring.logRetentionDays, keyArn: secrets.keyArn },
      environment,
    });
    const securityGroups = new SecurityGroups(this, "security-groups", {
      vpcId: network.vpcId,
      names,
      gatewayPort: config.gateway.port,
      gatewayPublicCidrs: config.gateway.publicCidrs,
      withNodes: hosts.nodes.length > 0,
      sshCidrs: config.ssh.allowedCidrs,
      withEndpoints,
      omitReferencedRuleDescriptions: accommodations.omitReferencedRuleDescriptions,
    });
    if (securityGroups.endpointGroupId) {
      new Endpoints(this, "endpoints", {
        vpcId: network.vpcId,
        subnetId: network.endpointSubnetId,
        securityGroupId: securityGroups.endpointGroupId,
        environment,
        services: config.endpoints,
        namePrefix: names.prefix,
      });
    }

    const channelSecrets = channelSecretParameters(config.openclaw.channels, names.parameterPath);
    const parameterArn = (name: string) => environment.arn("ssm", `parameter${name}`);
    const bedrockEnvironment = environment.inRegion(config.openclaw.bedrockRegion ?? region);
    // The guardrail in front of the model: one the stack creates, or one the configuration names.
    // (The configuration refuses a guardrail without iam.bedrock.)
    const guardrailSetting = appliedGuardrail(config);
    const guardrail = guardrailSetting && "create" in guardrailSetting ? new Guardrail(this, "guardrail", { name: `${names.prefix}-guardrail` }) : undefined;
    const guardrailArn = guardrail?.arn ?? (guardrailSetting && "id" in guardrailSetting ? bedrockGuardrailArn(bedrockEnvironment, guardrailSetting.id) : undefined);
    const installBucket = installBucketName(names, environment.accountId, region);
    const installFiles = new InstallFiles(this, "install-files", {
      bucket: installBucket,
      // Its files hold no Terraform reference (renderHostFiles refuses one), so no public address is needed.
      gatewayHostFiles: renderGatewayHostFiles(gatewayHostContext(config, names, hosts, undefined, installBucket, guardrail)),
      lockFile: OPENCLAW_LOCK_FILE,
      lockSha256: openclawLockSha256(),
      tlsOnly: !accommodations.installBucketOverHttp,
      environment,
    });
    const logGroupArn = (name: string) => environment.arn("logs", `log-group:${name}`);
    const metricsNamespace = (hostName: string) => HOST_METRICS.namespace(config.monitoring.namespace, hostName);
    const iam = new Iam(this, "iam", {
      gatewayRoleName: hosts.gateway.roleName,
      gateway: { hostName: hosts.gateway.hostName, metricsNamespace: metricsNamespace(hosts.gateway.hostName) },
      gatewayParameterArns: [parameterArn(`${names.parameterPath}/*`)],
      nodeListArn: parameterArn(hosts.gatewayParameters.nodeList),
      pairingParameterArns: parameterArn(`${names.parameterPath}/nodes/*`),
      hostLogGroupArns: [names.applicationLogGroup, names.systemLogGroup].map(logGroupArn),
      keyArn: secrets.keyArn,
      environment,
      gatewayTokenSecretArn,
      nodes: hosts.nodes.map((node) => ({
        node: node.name,
        roleName: node.roleName,
        hostName: node.hostName,
        metricsNamespace: metricsNamespace(node.hostName),
        parameterArns: [hosts.gatewayParameters.tlsFingerprint, hosts.gatewayParameters.tlsCertificate, node.pairingParameter].map(parameterArn),
        pairingParameterArn: parameterArn(node.pairingParameter),
      })),
      nodeResourceName: NODE_RESOURCE_NAME,
      bedrockModelArns: config.iam.bedrock
        ? bedrockModelArns(bedrockEnvironment, typeof config.openclaw.model === "string" ? config.openclaw.model : config.openclaw.model.id)
        : [],
      guardrailArn,
      marketplace: config.iam.marketplace,
      installFileArns: config.openclaw.install.method === "npm" ? [installFiles.lockArn] : [],
      gatewayInstallFileArns: [installFiles.gatewayHostFilesArn],
    });
    const parameters = new SharedParameters(this, "parameters", {
      gateway: hosts.gatewayParameters,
      tls: config.gateway.tls,
      placeholder: PARAMETER_PLACEHOLDER,
    });

    const keyPair =
      config.keyPair.mode === "none"
        ? undefined
        : new KeyPair(this, "key-pair", { keyPair: config.keyPair, defaultName: names.keyPair });

    const dataVolumePolicy = {
      availabilityZone,
      deleteOnDestroy: config.dataVolume.deleteOnDestroy,
      backupTag: { key: DATA_VOLUME_TAG, value: names.prefix },
    };
    if (!accommodations.noSnapshotPolicy) {
      new Backup(this, "backup", {
        roleName: `${names.prefix}-dlm-role`,
        targetTag: dataVolumePolicy.backupTag,
        retention: config.dataVolume.snapshotRetention,
        environment,
      });
    }
    const amis = new Amis(this, "amis");
    // What every host shares; each role adds its security group and instance profile.
    const placement = {
      subnetId: network.hostSubnetId,
      dataVolumePolicy,
      keyName: keyPair?.keyName,
      dependsOn: [...parameters.resources, ...secrets.resources],
      ignoreSecurityGroupDrift: accommodations.ignoreSecurityGroupDrift,
    };
    const gateway = new GatewayHost(this, "gateway", {
      host: hosts.gateway,
      ami: amis.idFor(hosts.gateway.instance.architecture),
      elasticIp: config.gateway.elasticIp,
      renderUserData: (publicAddress) => renderGatewayHost(gatewayHostContext(config, names, hosts, publicAddress, installFiles.bucket, guardrail)).userData,
      placement: { ...placement, securityGroupId: securityGroups.gatewayGroupId, instanceProfileName: iam.gatewayInstanceProfileName },
    });
    let nodes: NodeHosts | undefined;
    if (hosts.nodes.length > 0) {
      nodes = new NodeHosts(this, "nodes", {
        nodes: hosts.nodes,
        ami: (node) => amis.idFor(node.instance.architecture),
        userDataTemplates: nodeUserDataTemplates(config, names, hosts, gateway.privateIp, installFiles.bucket),
        namePlaceholder: NODE_NAME_PLACEHOLDER,
        // The instance profile is each node's own (a reference keyed like the nodes).
        placement: { ...placement, securityGroupId: securityGroups.nodeGroupId!, instanceProfileName: iam.nodeInstanceProfileName! },
      });
      // A 0.1.0 deployment's node resources move to their per-key addresses (node-moves.ts).
      this.addOverride("moved", movesFromPerNodeResources(hosts.nodes, names.alarmPrefix));
    }

    const budget = accommodations.noBudget ? undefined : { name: names.prefix, environment };
    const monitoring = new Monitoring(this, "monitoring", {
      alarmPrefix: names.alarmPrefix,
      topicName: names.alarmTopic,
      environment,
      budgetArn: budget && budgetArn(budget),
      alarmEmail: config.monitoring.alarmEmail,
      healthNamespace: metricsNamespace(hosts.gateway.hostName),
      keyArn: secrets.keyArn,
      applicationLogGroup: names.applicationLogGroup,
      systemLogGroup: names.systemLogGroup,
      logRetentionDays: config.monitoring.logRetentionDays,
      hosts: [
        {
          label: alarmLabel(hosts.gateway.name, true),
          instanceId: gateway.instance.id,
          instanceType: hosts.gateway.instance.instanceType,
          metricsNamespace: metricsNamespace(hosts.gateway.hostName),
          memoryAlarm: true,
          health: { metricName: HOST_METRICS.gatewayMetric, hostName: hosts.gateway.hostName, description: "the gateway's /healthz failed" },
        },
      ],
      fleet: nodes && {
        resourceName: NODE_RESOURCE_NAME,
        hosts: Object.fromEntries(
          hosts.nodes.map((node) => [
            node.name,
            { label: alarmLabel(node.name, false), instanceType: node.instance.instanceType, hostName: node.hostName, metricsNamespace: metricsNamespace(node.hostName) },
          ]),
        ),
        instanceIdOfEach: nodes.instanceIdOfEach,
        memoryAlarm: false,
        health: { metricName: HOST_METRICS.nodeMetric, description: "not connected to the gateway" },
      },
    });

    // Spend: the month's budget, the model's token alarms, and one dashboard of it all (README, "Spend").
    if (budget) {
      new Budget(this, "budget", {
        ...budget,
        monthlyUsd: config.budget.monthlyUsd,
        costAllocationTag: config.budget.scope === "stack" ? { key: STACK_TAG, value: deploymentTags(config)[STACK_TAG] } : undefined,
        topicArn: monitoring.topicArn,
      });
    }
    const bedrock = bedrockSpend(config);
    const bedrockAlarms =
      bedrock?.limit && new BedrockAlarms(this, "bedrock-alarms", { alarmPrefix: names.alarmPrefix, topicArn: monitoring.topicArn, modelId: bedrock.modelId, limit: bedrock.limit });
    const dashboard = config.monitoring.dashboard
      ? new Dashboard(this, "dashboard", {
          name: names.prefix,
          region,
          hosts: [
            { record: hosts.gateway, instanceId: gateway.instance.id, healthMetric: HOST_METRICS.gatewayMetric },
            ...hosts.nodes.map((node) => ({ record: node, instanceId: nodes!.instanceId(node.name), healthMetric: HOST_METRICS.nodeMetric })),
          ].map(({ record, instanceId, healthMetric }) => ({
            hostName: record.hostName,
            metrics: monitoring.metricsOf({
              instanceId,
              instanceType: record.instance.instanceType,
              hostName: record.hostName,
              metricsNamespace: metricsNamespace(record.hostName),
              healthMetric,
            }),
          })),
          bedrock,
          alarmArns: [...monitoring.alarmArns, ...(bedrockAlarms ? bedrockAlarms.alarmArns : [])],
        })
      : undefined;

    const audit = config.audit.cloudTrail
      ? new Audit(this, "audit", {
          trailName: names.trail,
          environment,
          retentionDays: config.audit.retentionDays,
          logGroup: { name: names.trailLogGroup, retentionDays: config.monitoring.logRetentionDays },
          keyArn: secrets.keyArn,
          deleteLogsOnDestroy: config.audit.deleteLogsOnDestroy,
          loggingOff: accommodations.trailLoggingOff,
        })
      : undefined;

    // Outputs: the guided path from "applied" to "connected".
    const output = (id: string, value: string, description: string, sensitive = false) =>
      new TerraformOutput(this, id, { value, description, sensitive });
    const gatewayId = gateway.instance.id;
    const session = `aws ssm start-session --region ${region} --target ${gatewayId}`;
    const localPort = isPrivilegedPort(config.gateway.port) ? LOCAL_FORWARD_PORT : config.gateway.port;
    const scheme = config.gateway.tls ? "https" : "http";

    output("gateway_instance_id", gatewayId, "Instance id of the gateway host");
    output("gateway_private_ip", gateway.privateIp, "Fixed private address of the gateway (nodes connect to it; kept when the gateway is replaced)");
    if (gateway.publicIp) {
      output("gateway_public_ip", gateway.publicIp, "Elastic IP of the gateway");
      // A URL only where the internet may reach it: without public CIDRs no rule lets anyone in there.
      if (config.gateway.tls && config.gateway.bind === "lan" && config.gateway.publicCidrs.length > 0) {
        output("gateway_url", `wss://${gateway.publicIp}:${config.gateway.port}`, "Gateway WebSocket URL (self-signed certificate: pin gateway_tls_fingerprint_parameter)");
      }
    }
    const nodeInstanceIds = nodes ? hosts.nodes.map((node) => `"${node.hostName}": "${nodes.instanceId(node.name)}"`) : [];
    output(
      "node_instance_ids",
      `{${nodeInstanceIds.join(", ")}}`,
      "Instance id of each node host (JSON)",
    );
    output("gateway_shell_command", session, "Shell on the gateway through SSM Session Manager (no SSH needed)");
    // The Control UI in the order a user goes, which is also the order of the names (Terraform sorts outputs
    // by name): trust the certificate (TLS), forward the port, open the URL, log in with the token.
    const controlUiUrl = `${scheme}://localhost:${localPort}/`;
    if (config.gateway.tls) {
      output(
        "gateway_certificate_command",
        `aws ssm get-parameter --region ${region} --name ${hosts.gatewayParameters.tlsCertificate} --query Parameter.Value --output text > ${names.prefix}-gw.crt`,
        `Writes the gateway's self-signed certificate (PEM; it names localhost) to a file: trust it for ${controlUiUrl}`,
      );
    }
    output(
      "gateway_port_forward_command",
      `${session} --document-name AWS-StartPortForwardingSession --parameters '{"portNumber":["${config.gateway.port}"],"localPortNumber":["${localPort}"]}'`,
      `Control UI, 1 of 3: forward the gateway to ${controlUiUrl} through SSM (keep it running)`,
    );
    output("gateway_port_forward_url", controlUiUrl, "Control UI, 2 of 3: open it while the port is forwarded, and log in with the token");
    output(
      "gateway_token_command",
      `aws secretsmanager get-secret-value --region ${region} --secret-id ${hosts.gateway.tokenSecret} --query SecretString --output text`,
      "Control UI, 3 of 3: prints the gateway token (needs kms:Decrypt on the stack's key; never an output itself)",
    );
    output("gateway_token_secret", hosts.gateway.tokenSecret, "Secrets Manager secret holding the gateway token (the gateway writes it)");
    output("kms_key_alias", secrets.alias, "The stack's KMS key: encrypts every secret of the stack (--key-id for channel secrets)");
    output(
      "gateway_rotate_token_command",
      `aws ssm send-command --region ${region} --instance-ids ${gatewayId} --document-name AWS-RunShellScript --comment "openclaw-aws: rotate the gateway token" --parameters '{"commands":["${HOST_LAYOUT.libDir}/gateway-rotate-token.sh"]}'`,
      "Gives the gateway a new token through SSM Run Command; paired nodes keep their device tokens (see README)",
    );
    if (config.gateway.tls) {
      output("gateway_tls_fingerprint_parameter", hosts.gatewayParameters.tlsFingerprint, "SSM parameter holding the gateway certificate's SHA-256 fingerprint");
    }
    // The user creates each channel's SecureString: Terraform never holds it, so the token is never in
    // its state. The value goes through stdin, never a command line; the stack's key encrypts it (SSM
    // would otherwise take aws/ssm, which every principal of the account may decrypt through SSM).
    for (const secret of channelSecrets) {
      output(
        `${secret.parameter.replace(/-/g, "_")}_command`,
        channelSecretCommand(secret, region, names.kmsAlias),
        `Stores the ${secret.description} (export ${secret.env} first); then run channels_apply_command`,
      );
    }
    if (config.openclaw.channels.length > 0) {
      output(
        "channels_apply_command",
        `aws ssm send-command --region ${region} --instance-ids ${gatewayId} --document-name AWS-RunShellScript --parameters 'commands=["${GATEWAY_BOOT_SCRIPT.path}"]'`,
        "Re-runs the gateway's boot: reads the channel tokens from SSM, turns on the channels that have one, restarts the gateway",
      );
    }
    if (config.openclaw.channels.includes("whatsapp")) {
      output(
        "whatsapp_login_command",
        `${session} --document-name AWS-StartInteractiveCommand --parameters '{"command":["sudo openclaw channels login --channel whatsapp"]}'`,
        "Links WhatsApp: shows the QR code to scan with the phone (credentials stay in the gateway's state dir)",
      );
    }
    output("alarm_topic_arn", monitoring.topicArn, "SNS topic the alarms notify");
    if (dashboard) output("dashboard_url", dashboard.url, "The stack's CloudWatch dashboard: hosts, model tokens and spend today, alarms");
    if (audit) output("audit_trail_arn", audit.trailArn, "CloudTrail trail of this deployment");
    if (keyPair && config.ssh.allowedCidrs.length > 0 && gateway.publicIp) {
      output("ssh_command", `ssh -i ~/.ssh/${keyPair.keyName}.pem ec2-user@${gateway.publicIp}`, "SSH to the gateway");
    }
    if (keyPair?.privateKeyPem) {
      output("ssh_private_key_pem", keyPair.privateKeyPem, "Generated private key (see README: write it to ~/.ssh with mode 0600)", true);
    }
    output(COST_OUTPUT, "", "Estimated monthly cost in USD (npm run cost lists every item)");
  }

  /**
   * The document, with the cost output's value priced from the document itself: every billable
   * resource is in it, and the stack is resolved once per synth instead of twice (at 50 nodes that
   * second resolution was a quarter of the synth).
   */
  override toTerraform(): ReturnType<TerraformStack["toTerraform"]> {
    const document = super.toTerraform();
    document.output[COST_OUTPUT].value = costOutputValue(estimateMonthlyCost(document));
    return document;
  }
}
