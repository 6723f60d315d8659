import { gzipSync } from "node:zlib";
import { Construct } from "constructs";
import { Fn, type ITerraformDependable } from "cdktf";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import type { HostDataVolume, HostInstance } from "../config/hosts";
import { HOST_LAYOUT } from "./layout";
import { DataVolume, type DataVolumePolicy } from "./data-volume";
import { type ForEachResources, sameKey } from "../constructs/for-each";

/** EC2's limit on user data, counted before base64 (so after gzip). */
export const USER_DATA_LIMIT_BYTES = 16 * 1024;

/** Where a host runs and what it may do: what the stack gives every host of a role alike. */
export interface HostPlacement {
  readonly subnetId: string;
  /** What every data volume shares (zone, destroy protection, backup tag). */
  readonly dataVolumePolicy: DataVolumePolicy;
  readonly securityGroupId: string;
  readonly instanceProfileName: string;
  /** SSH key pair, when SSH is possible at all. */
  readonly keyName?: string;
  /** What must exist before the host boots (the parameters its boot script reads or writes). */
  readonly dependsOn: ITerraformDependable[];
  /** Emulator accommodation (config/emulator.ts): the instance ignores drift of its security group list. */
  readonly ignoreSecurityGroupDrift: boolean;
}

export interface HostProps {
  readonly placement: HostPlacement;
  /** Host name: the Name tag. */
  readonly name: string;
  /** Instance type and root volume size. */
  readonly instance: Pick<HostInstance, "instanceType" | "rootVolumeGb">;
  /** The AMI of the instance's architecture (Amis.idFor). */
  readonly ami: string;
  /** The host's data volume. */
  readonly dataVolume: HostDataVolume;
  /** A fixed private address in the subnet (the gateway's, which the nodes connect to). */
  readonly privateIp?: string;
  /** The user data, as `encodeUserData` writes it. */
  readonly userDataBase64: string;
  /** One host per key: the other props then hold that map's values (`each.value.*`). */
  readonly forEach?: ForEachResources;
}

/** Fails the synth, naming the host, when its user data would not fit EC2's limit once gzip'd. */
export function checkUserDataSize(hostName: string, userData: string): void {
  // Terraform's base64gzip compresses at Go's default level, 6. Level 1 compresses less, so a fit at
  // level 1 settles it at a fraction of the cost.
  const gzipped = (level: number) => gzipSync(userData, { level }).length;
  const gzippedBytes = gzipped(1) <= USER_DATA_LIMIT_BYTES ? 0 : gzipped(6);
  if (gzippedBytes > USER_DATA_LIMIT_BYTES) {
    // No setting grows the user data (the node list is read from SSM), so only the templates can outgrow it.
    throw new Error(
      `the user data of host ${hostName} is ${gzippedBytes} bytes after gzip; EC2 accepts at most ${USER_DATA_LIMIT_BYTES}. Move content out of the templates (e.g. into a package the boot script downloads).`,
    );
  }
}

/**
 * A host's rendered cloud-init user data (plain text; may hold Terraform references) as the instance's
 * `user_data_base64`: gzip'd by Terraform, after checking here that it fits EC2's limit.
 */
export function encodeUserData(hostName: string, userData: string): string {
  checkUserDataSize(hostName, userData);
  return Fn.base64gzip(hclStringLiteral(userData));
}

/**
 * One EC2 host: Amazon Linux 2023 for its architecture, IMDSv2 only, encrypted gp3 root volume,
 * gzip'd user data that replaces the host when it changes, and a data volume that outlives it.
 */
export class Host extends Construct {
  readonly instance: Instance;
  readonly dataVolume: DataVolume;

  constructor(scope: Construct, id: string, props: HostProps) {
    super(scope, id);
    const { forEach, placement } = props;
    this.instance = new Instance(this, "instance", {
      forEach: forEach?.forEach,
      ami: props.ami,
      instanceType: props.instance.instanceType,
      subnetId: placement.subnetId,
      privateIp: props.privateIp,
      vpcSecurityGroupIds: [placement.securityGroupId],
      iamInstanceProfile: placement.instanceProfileName,
      keyName: placement.keyName,
      // Outbound internet without a NAT gateway; nothing listens publicly unless a rule says so.
      associatePublicIpAddress: true,
      metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
      rootBlockDevice: {
        volumeType: "gp3",
        volumeSize: props.instance.rootVolumeGb,
        encrypted: true,
        deleteOnTermination: true,
      },
      userDataBase64: props.userDataBase64,
      userDataReplaceOnChange: true,
      tags: { Name: props.name },
      dependsOn: placement.dependsOn,
      // A new AL2023 release must not replace a running host at the next plan; replace it deliberately.
      lifecycle: { ignoreChanges: placement.ignoreSecurityGroupDrift ? ["ami", "vpc_security_group_ids"] : ["ami"] },
    });
    if (forEach) this.instance.overrideLogicalId(forEach.resourceName);

    this.dataVolume = new DataVolume(this, "data", {
      hostName: props.name,
      volume: props.dataVolume,
      policy: placement.dataVolumePolicy,
      instanceId: forEach ? sameKey(this.instance, "id") : this.instance.id,
      deviceName: HOST_LAYOUT.dataDevice,
      forEach,
    });
  }
}

const TOKEN = /\$\{TfToken\[[^\]]+\]\}/g;

/**
 * `Fn.base64gzip(text)` is written into the Terraform JSON as `base64gzip("<text>")`, so the text must be
 * a valid HCL string literal in which a shell script's `${VAR}` and `%{` stay literal. Escape everything
 * except cdktf's token markers, which become the Terraform references (EIP, private address). The
 * `\u0024{` form, rather than `$${`, keeps cdktf from warning about escape sequences on every synth.
 */
export function hclStringLiteral(text: string): string {
  return escapeBetweenTokens(text, HCL_SPECIAL, HCL_ESCAPES);
}

/**
 * The text as a Terraform string template (a string value in Terraform JSON, e.g. a local): `${` and `%{`
 * stay literal (`$${`, `%%{`); cdktf's token markers become the Terraform references.
 */
export function terraformTemplateLiteral(text: string): string {
  return escapeBetweenTokens(text, TEMPLATE_SPECIAL, TEMPLATE_ESCAPES);
}

function escapeBetweenTokens(text: string, special: RegExp, escapes: Readonly<Record<string, string>>): string {
  const escape = (part: string) => part.replace(special, (found) => escapes[found]);
  let result = "";
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    result += escape(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return result + escape(text.slice(last));
}

/** What hclStringLiteral escapes, in one pass over the text (it runs on every host's user data). */
const HCL_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  '"': '\\"',
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "${": "\\u0024{",
  "%{": "\\u0025{",
};
const HCL_SPECIAL = /[\\"\n\r\t]|\$\{|%\{/g;
const TEMPLATE_ESCAPES: Readonly<Record<string, string>> = { "${": "$${", "%{": "%%{" };
const TEMPLATE_SPECIAL = /\$\{|%\{/g;
