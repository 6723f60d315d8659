import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { EipAssociation } from "@cdktf/provider-aws/lib/eip-association";
import type { Instance } from "@cdktf/provider-aws/lib/instance";
import { hostName, type DeploymentNames } from "../config/names";
import type { OpenClawConfig } from "../config/schema";
import { architectureOf } from "../hosts/architecture";
import { gatewayHostContext } from "../hosts/build-contexts";
import { renderGatewayHost } from "../hosts/render";
import { Host } from "./host";

export interface GatewayProps {
  readonly config: OpenClawConfig;
  readonly names: DeploymentNames;
  readonly subnetId: string;
  readonly securityGroupId: string;
  readonly instanceProfileName: string;
  readonly keyName?: string;
  /** The shared parameters: they must exist before the gateway writes them. */
  readonly parameters: ITerraformDependable[];
}

/** The OpenClaw gateway host, with its Elastic IP allocated first so the boot script can put it in the certificate. */
export class Gateway extends Construct {
  readonly instance: Instance;
  /** The Elastic IP, when the gateway has one. */
  readonly publicIp?: string;
  readonly name: string;

  constructor(scope: Construct, id: string, props: GatewayProps) {
    super(scope, id);
    const { config, names } = props;
    const { gateway } = config;
    this.name = hostName(names, gateway.name);

    const eip = gateway.elasticIp ? new Eip(this, "eip", { domain: "vpc", tags: { Name: this.name } }) : undefined;
    this.publicIp = eip?.publicIp;

    const rendered = renderGatewayHost(gatewayHostContext(config, names, eip?.publicIp));
    this.instance = new Host(this, "host", {
      name: this.name,
      instanceType: gateway.instanceType,
      architecture: architectureOf(gateway.instanceType),
      rootVolumeGb: gateway.rootVolumeGb,
      subnetId: props.subnetId,
      securityGroupIds: [props.securityGroupId],
      instanceProfileName: props.instanceProfileName,
      keyName: props.keyName,
      userData: rendered.userData,
      dependsOn: props.parameters,
      ignoreSecurityGroupDrift: config.target.kind === "local",
    }).instance;

    if (eip) new EipAssociation(this, "eip-association", { allocationId: eip.allocationId, instanceId: this.instance.id });
  }
}
