import { Construct } from "constructs";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { VolumeAttachment } from "@cdktf/provider-aws/lib/volume-attachment";
import type { HostDataVolume } from "../config/hosts";
import { type ForEachResources, sameKey } from "../constructs/for-each";

/** What every host's data volume shares, deployment-wide. */
export interface DataVolumePolicy {
  /** Zone of the hosts (a literal: a volume must never follow a replaced instance's computed zone). */
  readonly availabilityZone: string;
  /** false: `prevent_destroy` (destroy stops at the volume, and so does any change that would replace it). */
  readonly deleteOnDestroy: boolean;
  /** The tag the snapshot policy selects the stack's data volumes by. */
  readonly backupTag: { readonly key: string; readonly value: string };
}

export interface DataVolumeProps {
  /** Host name: the volume is "<host>-data". */
  readonly hostName: string;
  readonly volume: HostDataVolume;
  readonly policy: DataVolumePolicy;
  /** The instance to attach it to. */
  readonly instanceId: string;
  /** Device name it is attached as (HOST_LAYOUT.dataDevice, which the boot script looks for). */
  readonly deviceName: string;
  /** One volume per key (its host's instanceId is then `sameKey`); the names are `<resourceName>_data`. */
  readonly forEach?: ForEachResources;
}

/**
 * A host's OpenClaw state: an encrypted gp3 volume created apart from the instance (nothing of it refers
 * to the instance, so replacing the instance never replaces it), attached to whichever instance the host
 * runs on now.
 */
export class DataVolume extends Construct {
  readonly volume: EbsVolume;
  readonly attachment: VolumeAttachment;

  constructor(scope: Construct, id: string, props: DataVolumeProps) {
    super(scope, id);
    const { volume, policy, forEach } = props;
    this.volume = new EbsVolume(this, "volume", {
      forEach: forEach?.forEach,
      availabilityZone: policy.availabilityZone,
      size: volume.sizeGb,
      type: "gp3",
      encrypted: true,
      snapshotId: volume.snapshotId,
      tags: { Name: `${props.hostName}-data`, [policy.backupTag.key]: policy.backupTag.value },
      lifecycle: { preventDestroy: !policy.deleteOnDestroy },
    });
    if (forEach) this.volume.overrideLogicalId(`${forEach.resourceName}_data`);
    this.attachment = new VolumeAttachment(this, "attachment", {
      forEach: forEach?.forEach,
      volumeId: forEach ? sameKey(this.volume, "id") : this.volume.id,
      instanceId: props.instanceId,
      deviceName: props.deviceName,
      // Replacing the instance: stop it first, so its services stop and the filesystem is unmounted cleanly.
      stopInstanceBeforeDetaching: true,
    });
    if (forEach) this.attachment.overrideLogicalId(`${forEach.resourceName}_data_attachment`);
  }
}
