import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import type { Instance } from "@cdktf/provider-aws/lib/instance";
import type { NodeRecord } from "../config/hosts";
import { Host } from "./host";

export interface NodeHostProps {
  /** This node's record: its names, instance settings and pairing parameter. */
  readonly host: NodeRecord;
  /** The rendered user data (it holds the gateway's private address, a Terraform reference). */
  readonly userData: string;
  readonly subnetId: string;
  readonly securityGroupId: string;
  readonly instanceProfileName: string;
  /** SSH key pair, when SSH is possible at all. */
  readonly keyName?: string;
  /** The shared parameters the node waits for. */
  readonly dependsOn: ITerraformDependable[];
  /** Emulator accommodation (config/emulator.ts). */
  readonly ignoreSecurityGroupDrift: boolean;
}

/** One OpenClaw node host, connecting to the gateway with a pinned certificate fingerprint. */
export class NodeHost extends Construct {
  readonly instance: Instance;

  constructor(scope: Construct, id: string, props: NodeHostProps) {
    super(scope, id);
    this.instance = new Host(this, "host", {
      name: props.host.hostName,
      instance: props.host.instance,
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
