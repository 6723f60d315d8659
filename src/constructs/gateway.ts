import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { EipAssociation } from "@cdktf/provider-aws/lib/eip-association";
import type { Instance } from "@cdktf/provider-aws/lib/instance";
import type { GatewayRecord } from "../config/hosts";
import { Host } from "./host";

export interface GatewayHostProps {
  /** The gateway's record: its names and instance settings. */
  readonly host: GatewayRecord;
  /** Whether the gateway gets a fixed public address (EIP). */
  readonly elasticIp: boolean;
  /**
   * Renders the gateway's user data, given its Elastic IP (a Terraform reference; undefined without
   * one), so the boot script can put the address into the certificate.
   */
  readonly renderUserData: (publicAddress: string | undefined) => string;
  /** The configuration field whose size grows the gateway's user data (see Host). */
  readonly userDataGrowsWith: { readonly field: string; readonly hint: string };
  readonly subnetId: string;
  readonly securityGroupId: string;
  readonly instanceProfileName: string;
  /** SSH key pair, when SSH is possible at all. */
  readonly keyName?: string;
  /** What must exist before the gateway boots (the parameters it writes). */
  readonly dependsOn: ITerraformDependable[];
  /** Emulator accommodation (config/emulator.ts). */
  readonly ignoreSecurityGroupDrift: boolean;
}

/** The OpenClaw gateway host, with its Elastic IP allocated first so the boot script can put it in the certificate. */
export class GatewayHost extends Construct {
  readonly instance: Instance;
  /** The Elastic IP, when the gateway has one. */
  readonly publicIp?: string;

  constructor(scope: Construct, id: string, props: GatewayHostProps) {
    super(scope, id);
    const { host } = props;
    const eip = props.elasticIp ? new Eip(this, "eip", { domain: "vpc", tags: { Name: host.hostName } }) : undefined;
    this.publicIp = eip?.publicIp;

    this.instance = new Host(this, "host", {
      name: host.hostName,
      instance: host.instance,
      subnetId: props.subnetId,
      securityGroupIds: [props.securityGroupId],
      instanceProfileName: props.instanceProfileName,
      keyName: props.keyName,
      userData: props.renderUserData(eip?.publicIp),
      userDataGrowsWith: props.userDataGrowsWith,
      dependsOn: props.dependsOn,
      ignoreSecurityGroupDrift: props.ignoreSecurityGroupDrift,
    }).instance;

    if (eip) new EipAssociation(this, "eip-association", { allocationId: eip.allocationId, instanceId: this.instance.id });
  }
}
