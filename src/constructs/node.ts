import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import type { Instance } from "@cdktf/provider-aws/lib/instance";
import { hostName, type DeploymentNames } from "../config/names";
import type { NodeHostConfig, OpenClawConfig } from "../config/schema";
import { architectureOf } from "../hosts/architecture";
import { nodeHostContext } from "../hosts/build-contexts";
import { renderNodeHost } from "../hosts/render";
import { Host } from "./host";

export interface NodeProps {
  readonly config: OpenClawConfig;
  readonly names: DeploymentNames;
  /** This node's settings (one entry of `nodes`). */
  readonly node: NodeHostConfig;
  /** Private address of the gateway: the node connects to it over the VPC. */
  readonly gatewayPrivateAddress: string;
  readonly subnetId: string;
  readonly securityGroupId: string;
  readonly instanceProfileName: string;
  readonly keyName?: string;
  /** The shared parameters the node waits for. */
  readonly parameters: ITerraformDependable[];
}

/** One OpenClaw node host, connecting to the gateway with a pinned certificate fingerprint. */
export class Node extends Construct {
  readonly instance: Instance;
  readonly name: string;

  constructor(scope: Construct, id: string, props: NodeProps) {
    super(scope, id);
    const { config, names, node } = props;
    this.name = hostName(names, node.name);
    const rendered = renderNodeHost(nodeHostContext(config, names, node, props.gatewayPrivateAddress));
    this.instance = new Host(this, "host", {
      name: this.name,
      instanceType: node.instanceType,
      architecture: architectureOf(node.instanceType),
      rootVolumeGb: node.rootVolumeGb,
      subnetId: props.subnetId,
      securityGroupIds: [props.securityGroupId],
      instanceProfileName: props.instanceProfileName,
      keyName: props.keyName,
      userData: rendered.userData,
      dependsOn: props.parameters,
      ignoreSecurityGroupDrift: config.target.kind === "local",
    }).instance;
  }
}
