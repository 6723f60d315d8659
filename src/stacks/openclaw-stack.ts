import type { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { bedrockGuardrailArn, bedrockModelArns } from "../config/bedrock-models";
import { appliedGuardrail, emulatorAccommodations } from "../config/emulator";
import { costOutputValue, estimateMonthlyCost } from "../cost/estimate";
import { OPENCLAW_LOCK_FILE, openclawLockSha256 } from "../config/pins";
import { deploymentOf, PARAMETER_PLACEHOLDER } from "../config/hosts";
import { DATA_VOLUME_TAG, deploymentTags, installBucketName, STACK_TAG, stateRegion } from "../config/names";
import { bedrockSpend } from "../config/spend";
import type { OpenClawConfig } from "../config/schema";
import { gatewayHostContext, renderGatewayHost, renderGatewayHostFiles } from "../gateway/gateway-context";
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
import { ALARM_TOPIC_PUBLISHERS, Monitoring } from "../monitoring/monitoring";
import { hostNamespace, metricsHosts, watchedGateway, watchedNodes } from "../monitoring/watched-hosts";
import { Network } from "../constructs/network";
import { NODE_RESOURCE_NAME, NodeHosts } from "../node/node-hosts";
import { secretArnPattern, Secrets } from "../constructs/secrets";
import { SecurityGroups } from "../constructs/security-groups";
import { SharedParameters } from "../constructs/shared-parameters";
import { localStatePath, useStateBackend } from "../constructs/state";
import { AwsEnvironment } from "../aws-environment";
import { addAwsProvider } from "./aws-provider";
import { movesFromPerNodeResources } from "./node-moves";
import { addOutputs, COST_OUTPUT } from "./outputs";

export interface OpenClawStackProps {
  /** The validated configuration. */
  readonly config: OpenClawConfig;
}


/** The whole deployment of seed 000's hosts in seed 002's network, as one Terraform stack. */
export class OpenClawStack extends TerraformStack {
  constructor(scope: Construct, id: string, { config }: OpenClawStackProps) {
    super(scope, id);
    const deployment = deploymentOf(config);
    const { names, hosts } = deployment;
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
      gatewayHostFiles: renderGatewayHostFiles(gatewayHostContext(deployment, undefined, installBucket, guardrail)),
      lockFile: OPENCLAW_LOCK_FILE,
      lockSha256: openclawLockSha256(),
      tlsOnly: !accommodations.installBucketOverHttp,
      environment,
    });
    const logGroupArn = (name: string) => environment.arn("logs", `log-group:${name}`);
    const iam = new Iam(this, "iam", {
      gatewayRoleName: hosts.gateway.roleName,
      gateway: { hostName: hosts.gateway.hostName, metricsNamespace: hostNamespace(deployment, hosts.gateway.hostName) },
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
        metricsNamespace: hostNamespace(deployment, node.hostName),
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
      renderUserData: (publicAddress) => renderGatewayHost(gatewayHostContext(deployment, publicAddress, installFiles.bucket, guardrail)).userData,
      placement: { ...placement, securityGroupId: securityGroups.gatewayGroupId, instanceProfileName: iam.gatewayInstanceProfileName },
    });
    let nodes: NodeHosts | undefined;
    if (hosts.nodes.length > 0) {
      nodes = new NodeHosts(this, "nodes", {
        nodes: hosts.nodes,
        ami: (node) => amis.idFor(node.instance.architecture),
        userDataTemplates: nodeUserDataTemplates(deployment, gateway.privateIp, installFiles.bucket),
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
      healthNamespace: hostNamespace(deployment, hosts.gateway.hostName),
      keyArn: secrets.keyArn,
      applicationLogGroup: names.applicationLogGroup,
      systemLogGroup: names.systemLogGroup,
      logRetentionDays: config.monitoring.logRetentionDays,
      hosts: [watchedGateway(deployment, gateway.instance.id)],
      fleet: nodes && watchedNodes(deployment, NODE_RESOURCE_NAME, nodes.instanceIdOfEach),
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
          hosts: metricsHosts(deployment, gateway.instance.id, (name) => nodes!.instanceId(name)).map((host) => ({
            hostName: host.hostName,
            metrics: monitoring.metricsOf(host),
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

    addOutputs(this, {
      deployment,
      gateway,
      nodes,
      kmsAlias: secrets.alias,
      alarmTopicArn: monitoring.topicArn,
      dashboardUrl: dashboard?.url,
      auditTrailArn: audit?.trailArn,
      keyPair,
    });
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
