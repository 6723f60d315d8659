import type { HostPlacement } from "../../src/host/host";

/** Where a host runs, plainly given ids; `overrides` replaces some. */
export function placement(overrides: Partial<HostPlacement> = {}): HostPlacement {
  return {
    subnetId: "subnet-1",
    securityGroupId: "sg-1",
    instanceProfileName: "profile",
    dependsOn: [],
    ignoreSecurityGroupDrift: false,
    dataVolumePolicy: { availabilityZone: "us-east-1a", deleteOnDestroy: false, backupTag: { key: "OpenClawDataVolume", value: "openclaw" } },
    ...overrides,
  };
}
