import { Construct } from "constructs";
import { Fn, type ITerraformDependable } from "cdktf";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { EipAssociation } from "@cdktf/provider-aws/lib/eip-association";
import type { Instance } from "@cdktf/provider-aws/lib/instance";
import { GATEWAY_HOST_NUMBER, type GatewayRecord } from "../config/hosts";
import type { DataVolumePolicy } from "../host/data-volume";
import { encodeUserData, Host } from "../host/host";

export interface GatewayHostProps {
  /** The gateway's record: its names, instance settings and (when the config knows it) private address. */
  readonly host: GatewayRecord;
  /** Whether the gateway gets a fixed public address (EIP). */
  readonly elasticIp: boolean;
  /**
   * Renders the gateway's user data, given its Elastic IP (a Terraform reference; undefined without
   * one), so the boot script can put the address into the certificate.
   */
  readonly renderUserData: (publicAddress: string | undefined) => string;
  /** The AMI of its architecture (Amis.idFor). */
  readonly ami: string;
  readonly subnetId: string;
  /** What every data volume shares (zone, destroy protection, backup tag). */
  readonly dataVolumePolicy: DataVolumePolicy;
  readonly securityGroupId: string;
  readonly instanceProfileName: string;
  /** SSH key pair, when SSH is possible at all. */
  readonly keyName?: string;
  /** What must exist before the gateway boots (the parameters it writes). */
  readonly dependsOn: ITerraformDependable[];
  /** Emulator accommodation (config/emulator.ts). */
  readonly ignoreSecurityGroupDrift: boolean;
}

/**
 * The OpenClaw gateway host, with its Elastic IP allocated first so the boot script can put it in the
 * certificate, on a fixed private address: every instance the gateway is replaced by gets the same one,
 * so the nodes' user data (which names it) never changes with the gateway.
 */
export class GatewayHost extends Construct {
  readonly instance: Instance;
  /** The Elastic IP, when the gateway has one. */
  readonly publicIp?: string;
  /** The fixed private address: a literal, or `cidrhost(<default subnet>, 10)` in the default VPC. */
  readonly privateIp: string;

  constructor(scope: Construct, id: string, props: GatewayHostProps) {
    super(scope, id);
    const { host } = props;
    this.privateIp =
      host.privateIp ?? Fn.cidrhost(new DataAwsSubnet(this, "subnet", { id: props.subnetId }).cidrBlock, GATEWAY_HOST_NUMBER);
    const eip = props.elasticIp ? new Eip(this, "eip", { domain: "vpc", tags: { Name: host.hostName } }) : undefined;
    this.publicIp = eip?.publicIp;

    this.instance = new Host(this, "host", {
      name: host.hostName,
      instance: host.instance,
      ami: props.ami,
      dataVolume: host.dataVolume,
      dataVolumePolicy: props.dataVolumePolicy,
      subnetId: props.subnetId,
      privateIp: this.privateIp,
      securityGroupIds: [props.securityGroupId],
      instanceProfileName: props.instanceProfileName,
      keyName: props.keyName,
      userDataBase64: encodeUserData(host.hostName, props.renderUserData(eip?.publicIp)),
      dependsOn: props.dependsOn,
      ignoreSecurityGroupDrift: props.ignoreSecurityGroupDrift,
    }).instance;

    if (eip) new EipAssociation(this, "eip-association", { allocationId: eip.allocationId, instanceId: this.instance.id });
  }
}
