import { Construct } from "constructs";
import { Fn } from "cdktf";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { EipAssociation } from "@cdktf/provider-aws/lib/eip-association";
import type { Instance } from "@cdktf/provider-aws/lib/instance";
import { GATEWAY_HOST_NUMBER, type GatewayRecord } from "../config/hosts";
import { encodeUserData, Host, type HostPlacement } from "../host/host";

export interface GatewayHostProps {
  /** Its subnet, security group, instance profile, ... (HostPlacement). */
  readonly placement: HostPlacement;
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
      host.privateIp ?? Fn.cidrhost(new DataAwsSubnet(this, "subnet", { id: props.placement.subnetId }).cidrBlock, GATEWAY_HOST_NUMBER);
    const eip = props.elasticIp ? new Eip(this, "eip", { domain: "vpc", tags: { Name: host.hostName } }) : undefined;
    this.publicIp = eip?.publicIp;

    this.instance = new Host(this, "host", {
      placement: props.placement,
      name: host.hostName,
      instance: host.instance,
      ami: props.ami,
      dataVolume: host.dataVolume,
      privateIp: this.privateIp,
      userDataBase64: encodeUserData(host.hostName, props.renderUserData(eip?.publicIp)),
    }).instance;

    if (eip) new EipAssociation(this, "eip-association", { allocationId: eip.allocationId, instanceId: this.instance.id });
  }
}
