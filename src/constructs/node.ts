import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import type { Instance } from "@cdktf/provider-aws/lib/instance";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import type { NodeRecord } from "../config/hosts";
import type { DataVolumePolicy } from "./data-volume";
import { Host } from "./host";

export interface NodeHostProps {
  /** This node's record: its names, instance settings, pairing and node-list parameters. */
  readonly host: NodeRecord;
  /** The rendered user data (it holds the gateway's fixed private address). */
  readonly userData: string;
  /** The AMI of its architecture (Amis.idFor). */
  readonly ami: string;
  readonly subnetId: string;
  /** What every data volume shares (zone, destroy protection, backup tag). */
  readonly dataVolumePolicy: DataVolumePolicy;
  readonly securityGroupId: string;
  readonly instanceProfileName: string;
  /** SSH key pair, when SSH is possible at all. */
  readonly keyName?: string;
  /** The shared parameters the node waits for. */
  readonly dependsOn: ITerraformDependable[];
  /** Emulator accommodation (config/emulator.ts). */
  readonly ignoreSecurityGroupDrift: boolean;
}

/**
 * One OpenClaw node host, connecting to the gateway with a pinned certificate fingerprint, and its entry
 * in the node list the gateway's pairing timer reads: adding or removing a node touches only these.
 */
export class NodeHost extends Construct {
  readonly instance: Instance;

  constructor(scope: Construct, id: string, props: NodeHostProps) {
    super(scope, id);
    const { host } = props;
    new SsmParameter(this, "list-entry", {
      name: host.listParameter,
      type: "String",
      description: `Tells the OpenClaw gateway to pair ${host.hostName}`,
      value: JSON.stringify(host.listEntry),
    });
    this.instance = new Host(this, "host", {
      name: host.hostName,
      instance: host.instance,
      ami: props.ami,
      dataVolume: host.dataVolume,
      dataVolumePolicy: props.dataVolumePolicy,
      subnetId: props.subnetId,
      securityGroupIds: [props.securityGroupId],
      instanceProfileName: props.instanceProfileName,
      keyName: props.keyName,
      userData: props.userData,
      dependsOn: props.dependsOn,
      ignoreSecurityGroupDrift: props.ignoreSecurityGroupDrift,
    }).instance;
  }
}
