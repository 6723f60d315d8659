import { Construct } from "constructs";
import { TerraformLocal } from "cdktf";
import type { Instance } from "@cdktf/provider-aws/lib/instance";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import type { Architecture } from "../config/aws-facts";
import type { NodeRecord } from "../config/hosts";
import { atKey, perKeyOf, sameKey } from "../constructs/for-each";
import { checkUserDataSize, Host, terraformTemplateLiteral, type HostPlacement } from "../host/host";

export interface NodeHostsProps {
  /** Every node's record: its names, instance settings, pairing and node-list parameters. */
  readonly nodes: readonly NodeRecord[];
  /**
   * The user data of the nodes of each architecture, with `namePlaceholder` where a node's name goes
   * (nodeUserDataTemplates); it holds the gateway's fixed private address.
   */
  readonly userDataTemplates: ReadonlyMap<Architecture, string>;
  readonly namePlaceholder: string;
  /** The AMI of a node's architecture (Amis.idFor). */
  readonly ami: (node: NodeRecord) => string;
  /** Their subnet, security group, instance profile, ... (HostPlacement): the same for every node. */
  readonly placement: HostPlacement;
}

/** Terraform name of the node resources: `aws_instance.node["<node name>"]`, `aws_ebs_volume.node_data[...]`. */
export const NODE_RESOURCE_NAME = "node";

/**
 * The OpenClaw node hosts, each connecting to the gateway with a pinned certificate fingerprint, and each
 * one's entry in the node list the gateway's watch timer reads. They are made per key of one map
 * (`local.nodes`, keyed by node name): adding or removing a node adds or removes a key and touches no
 * other node, and the synthesized stack grows by that map entry, not by another set of resources.
 */
export class NodeHosts extends Construct {
  private readonly instances: Instance;
  /** In a resource made for the same keys: the instance id of its own node. */
  readonly instanceIdOfEach: string;

  constructor(scope: Construct, id: string, props: NodeHostsProps) {
    super(scope, id);
    // Each architecture's user data is in the plan once; each node's is it with the node's name put in.
    const userData = new TerraformLocal(
      this,
      "user-data",
      Object.fromEntries([...props.userDataTemplates].map(([architecture, template]) => [architecture, terraformTemplateLiteral(template)])),
    );
    userData.overrideLogicalId(`${NODE_RESOURCE_NAME}_user_data`);
    for (const [architecture, template] of props.userDataTemplates) {
      // The longest name of the architecture makes its largest user data.
      const longest = props.nodes.filter((node) => node.instance.architecture === architecture).reduce((a, b) => (b.name.length > a.name.length ? b : a));
      checkUserDataSize(longest.hostName, template.replaceAll(props.namePlaceholder, longest.name));
    }
    const each = perKeyOf(
      this,
      `${NODE_RESOURCE_NAME}s`,
      Object.fromEntries(
        props.nodes.map((node) => [
          node.name,
          {
            host_name: node.hostName,
            architecture: node.instance.architecture,
            instance_type: node.instance.instanceType,
            root_volume_gb: node.instance.rootVolumeGb,
            data_volume_gb: node.dataVolume.sizeGb,
            ami: props.ami(node),
            list_parameter: node.listParameter,
            list_entry: JSON.stringify(node.listEntry),
          },
        ]),
      ),
    );
    const hostName = each.getString("host_name");

    new SsmParameter(this, "list-entry", {
      forEach: each,
      name: each.getString("list_parameter"),
      type: "String",
      description: `Tells the OpenClaw gateway to pair ${hostName}`,
      value: each.getString("list_entry"),
    }).overrideLogicalId(`${NODE_RESOURCE_NAME}_list_entry`);

    this.instances = new Host(this, "host", {
      placement: props.placement,
      name: hostName,
      instance: { instanceType: each.getString("instance_type"), rootVolumeGb: each.getNumber("root_volume_gb") },
      ami: each.getString("ami"),
      dataVolume: { sizeGb: each.getNumber("data_volume_gb") },
      userDataBase64: `\${base64gzip(replace(local.${userData.friendlyUniqueId}[each.value.architecture], ${JSON.stringify(props.namePlaceholder)}, each.key))}`,
      forEach: { forEach: each, resourceName: NODE_RESOURCE_NAME },
    }).instance;
    this.instanceIdOfEach = sameKey(this.instances, "id");
  }

  /** The instance id of one node, by its name in the configuration. */
  instanceId(nodeName: string): string {
    return atKey(this.instances, nodeName, "id");
  }
}
