/**
 * Facts about AWS that the configuration is checked against and the hosts are sized by: regions per
 * partition, zones per region, EC2 instance types with their architecture, vCPUs and memory, and which
 * types each region offers. The data lives in ./aws-facts/*.json, generated (never hand-edited) by
 * scripts/update-aws-facts.mjs from maintained sources; each file names its sources and date.
 */
import instanceTypes from "./aws-facts/instance-types.json";
import offerings from "./aws-facts/offerings.json";
import regions from "./aws-facts/regions.json";

export type InstanceArchitecture = "x86_64" | "arm64";

export interface InstanceTypeFacts {
  /** The Linux architecture its AMI must have. */
  readonly architecture: InstanceArchitecture;
  /** EC2 Mac (Apple hardware): runs only macOS AMIs on a Dedicated Host. */
  readonly mac: boolean;
  readonly vcpus: number;
  readonly memoryMib: number;
}

/** Where each fact comes from, short, for error messages: "moto 5.2.1 (built 2026-05-20)". */
export const FACT_SOURCES = {
  regions: regions.source.partitions.split(" (")[0],
  zones: regions.source.zones.split(":")[0],
  instanceTypes: instanceTypes.source.split(":")[0],
} as const;

type TypeRow = [string[], number, number];
const typeRows = instanceTypes.types as unknown as Record<string, TypeRow>;
const sortedTypeNames = Object.keys(typeRows).sort();
const partitions = regions.partitions as Record<string, string[]>;
const zonesByRegion = regions.zones as Record<string, string[]>;
const regionOfferings = offerings.regions as Record<string, string>;

/**
 * Architecture, vCPUs and memory of an EC2 instance type; undefined when the pinned facts do not know
 * it. EC2 lists a few old types as i386 + x86_64 (this stack runs 64-bit only: x86_64) and Mac types as
 * arm64_mac / x86_64_mac; no type lists both x86_64 and arm64.
 */
export function instanceTypeFacts(name: string): InstanceTypeFacts | undefined {
  if (!Object.hasOwn(typeRows, name)) return undefined;
  const [architectures, vcpus, memoryMib] = typeRows[name];
  const mac = architectures.some((architecture) => architecture.endsWith("_mac"));
  const architecture: InstanceArchitecture = architectures.some((architecture) => architecture.startsWith("arm64")) ? "arm64" : "x86_64";
  return { architecture, mac, vcpus, memoryMib };
}

/** A name the EC2 API knows (its SDK's enum) but the pinned facts do not describe yet. */
export function isInstanceTypeWithoutFacts(name: string): boolean {
  return instanceTypes.namesWithoutFacts.includes(name);
}

/** The partition ("aws", "aws-cn", "aws-us-gov", ...) a region belongs to, if it is a region. */
export function partitionOf(region: string): string | undefined {
  return Object.keys(partitions).find((partition) => partitions[partition].includes(region));
}

export function isRegion(name: string): boolean {
  return partitionOf(name) !== undefined;
}

export function regionsOf(partition: string): readonly string[] {
  return partitions[partition] ?? [];
}

/** The region's zone names, or undefined when the pinned data has no zone list for it. */
export function zonesOf(region: string): readonly string[] | undefined {
  return zonesByRegion[region];
}

/** Whether the region offers the type; undefined when the pinned data has no offerings for the region. */
export function isOffered(instanceType: string, region: string): boolean | undefined {
  const bitmap = regionOfferings[region];
  if (bitmap === undefined) return undefined;
  const index = sortedTypeNames.indexOf(instanceType);
  if (index < 0) return false;
  return (Buffer.from(bitmap, "base64")[index >> 3] & (1 << (index & 7))) !== 0;
}

/** The sizes of an instance family ("t3" -> t3.nano ... t3.2xlarge), smallest first: hints for errors. */
export function instanceTypesOfFamily(family: string): string[] {
  return sortedTypeNames
    .filter((name) => name.split(".")[0] === family)
    .sort((a, b) => typeRows[a][1] - typeRows[b][1] || typeRows[a][2] - typeRows[b][2] || a.localeCompare(b));
}
