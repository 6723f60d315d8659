import { resourcesOf, synthStack, type TerraformJson } from "../helpers";

function volumesByName(tf: TerraformJson): Record<string, { id: string; volume: Record<string, unknown> }> {
  return Object.fromEntries(
    resourcesOf(tf, "aws_ebs_volume").map(([id, volume]) => [(volume.tags as Record<string, string>).Name, { id, volume }]),
  );
}

describe("DataVolume", () => {
  it("gives every host an encrypted gp3 volume in the hosts' zone, tagged for snapshots, kept on destroy", () => {
    const { tf } = synthStack({ nodes: [{ name: "node" }, { name: "big", dataVolumeGb: 50 }] });
    const volumes = volumesByName(tf);
    expect(Object.keys(volumes).sort()).toEqual(["openclaw-big-data", "openclaw-gw-data", "openclaw-node-data"]);
    expect(volumes["openclaw-gw-data"].volume).toEqual({
      availability_zone: "us-east-1a",
      size: 20,
      type: "gp3",
      encrypted: true,
      tags: { Name: "openclaw-gw-data", OpenClawDataVolume: "openclaw" },
      lifecycle: { prevent_destroy: true },
    });
    expect(volumes["openclaw-node-data"].volume.size).toBe(10);
    expect(volumes["openclaw-big-data"].volume.size).toBe(50);
  });

  it("attaches each volume as /dev/sdf to its own host's instance, stopping the instance before detaching", () => {
    const { tf } = synthStack();
    const instances = Object.fromEntries(resourcesOf(tf, "aws_instance").map(([id, instance]) => [(instance.tags as Record<string, string>).Name, id]));
    const volumes = volumesByName(tf);
    const attachments = resourcesOf(tf, "aws_volume_attachment").map(([, attachment]) => attachment);
    expect(attachments).toEqual(
      expect.arrayContaining(
        ["openclaw-gw", "openclaw-node"].map((host) => ({
          volume_id: `\${aws_ebs_volume.${volumes[`${host}-data`].id}.id}`,
          instance_id: `\${aws_instance.${instances[host]}.id}`,
          device_name: "/dev/sdf",
          stop_instance_before_detaching: true,
        })),
      ),
    );
    expect(attachments).toHaveLength(2);
  });

  it("lets destroy delete the volumes only when dataVolume.deleteOnDestroy is true", () => {
    const { tf } = synthStack({ dataVolume: { deleteOnDestroy: true } });
    for (const { volume } of Object.values(volumesByName(tf))) expect(volume.lifecycle).toEqual({ prevent_destroy: false });
  });

  it("restores the gateway's volume from gateway.restoreSnapshotId", () => {
    const volumes = volumesByName(synthStack({ gateway: { restoreSnapshotId: "snap-0123456789abcdef0" } }).tf);
    expect(volumes["openclaw-gw-data"].volume.snapshot_id).toBe("snap-0123456789abcdef0");
    expect(volumes["openclaw-node-data"].volume.snapshot_id).toBeUndefined();
    expect(() => synthStack({ gateway: { restoreSnapshotId: "vol-1" } })).toThrow(/gateway\.restoreSnapshotId: must be an EBS snapshot id/);
  });
});
