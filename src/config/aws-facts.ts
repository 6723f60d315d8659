/**
 * Facts about AWS that the configuration is checked against and the hosts are sized by: regions per
 * partition, zones per region, EC2 instance types with their architecture, vCPUs and memory, and which
 * types each region offers. The data lives in ./aws-facts/*.json, generated (never hand-edited) by
 * scripts/update-aws-facts.mjs from maintained sources; each file names its sources and date.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../project-root";

/** CPU architecture of an EC2 instance type, as AWS names it in AMI parameter paths. */
export type Architecture = "x86_64" | "arm64";

export interface InstanceTypeFacts {
  /** The Linux architecture its AMI must have. */
  readonly architecture: Architecture;
  /** EC2 Mac (Apple hardware): runs only macOS AMIs on a Dedicated Host. */
  readonly mac: boolean;
  readonly vcpus: number;
  readonly memoryMib: number;
}

interface RegionsFile {
  readonly source: { readonly partitions: string; readonly zones: string };
  readonly partitions: Record<string, string[]>;
  readonly zones: Record<string, string[]>;
}
interface InstanceTypesFile {
  readonly source: string;
  /** [architectures as EC2 lists them, vCPUs, memory MiB] */
  readonly types: Record<string, [string[], number, number]>;
  readonly namesWithoutFacts: string[];
}
interface OfferingsFile {
  readonly regions: Record<string, string>;
}

/**
 * Read at first use, not imported: most synths need none of the 1,263 instance types' facts beyond the
 * few configured, and parsing them all at load would cost every synth. Loading all three costs about 6 ms of CPU.
 */
function pinned<T>(name: string): () => T {
  let data: T | undefined;
  return () => (data ??= JSON.parse(readFileSync(join(PROJECT_ROOT, "src", "config", "aws-facts", name), "utf8")) as T);
}
const regions = pinned<RegionsFile>("regions.json");
const instanceTypes = pinned<InstanceTypesFile>("instance-types.json");
const offerings = pinned<OfferingsFile>("offerings.json");

/** Where each fact comes from, short, for error messages: "moto 5.2.1 of 2026-05-20". */
export const FACT_SOURCES = {
  get regions(): string {
    return regions().source.partitions.split(" (")[0];
  },
  get zones(): string {
    return regions().source.zones.split(":")[0];
  },
  get instanceTypes(): string {
    return instanceTypes().source.split(":")[0];
  },
};

/**
 * Architecture, vCPUs and memory of an EC2 instance type; undefined when the pinned facts do not know
 * it. EC2 lists a few old types as i386 + x86_64 (this stack runs 64-bit only: x86_64) and Mac types as
 * arm64_mac / x86_64_mac; no type lists both x86_64 and arm64.
 */
export function instanceTypeFacts(name: string): InstanceTypeFacts | undefined {
  const { types } = instanceTypes();
  if (!Object.hasOwn(types, name)) return undefined;
  const [architectures, vcpus, memoryMib] = types[name];
  const mac = architectures.some((architecture) => architecture.endsWith("_mac"));
  const architecture: Architecture = architectures.some((architecture) => architecture.startsWith("arm64")) ? "arm64" : "x86_64";
  return { architecture, mac, vcpus, memoryMib };
}

/** A name the EC2 API knows (its SDK's enum) but the pinned facts do not describe yet. */
export function isInstanceTypeWithoutFacts(name: string): boolean {
  return instanceTypes().namesWithoutFacts.includes(name);
}

// Lookups go through Object.hasOwn: a name such as "constructor" must not find Object.prototype's.

/** The partition ("aws", "aws-cn", "aws-us-gov", ...) a region belongs to, if it is a region. */
export function partitionOf(region: string): string | undefined {
  const { partitions } = regions();
  return Object.keys(partitions).find((partition) => partitions[partition].includes(region));
}

export function isRegion(name: string): boolean {
  return partitionOf(name) !== undefined;
}

export function regionsOf(partition: string): readonly string[] {
  const { partitions } = regions();
  return Object.hasOwn(partitions, partition) ? partitions[partition] : [];
}

/** The region's zone names, or undefined when the pinned data has no zone list for it. */
export function zonesOf(region: string): readonly string[] | undefined {
  const { zones } = regions();
  return Object.hasOwn(zones, region) ? zones[region] : undefined;
}

/** The order the offerings bitmaps index (the generator's). */
const sortedTypeNames = (() => {
  let names: string[] | undefined;
  return () => (names ??= Object.keys(instanceTypes().types).sort());
})();

/** Whether the region offers the type; undefined when the pinned data has no offerings for the region. */
export function isOffered(instanceType: string, region: string): boolean | undefined {
  const bitmaps = offerings().regions;
  if (!Object.hasOwn(bitmaps, region)) return undefined;
  const bitmap = bitmaps[region];
  const index = sortedTypeNames().indexOf(instanceType);
  if (index < 0) return false;
  return (Buffer.from(bitmap, "base64")[index >> 3] & (1 << (index & 7))) !== 0;
}

/** The sizes of an instance family ("t3" -> t3.nano ... t3.2xlarge), smallest first: hints for errors. */
export function instanceTypesOfFamily(family: string): string[] {
  const { types } = instanceTypes();
  return sortedTypeNames()
    .filter((name) => name.split(".")[0] === family)
    .sort((a, b) => types[a][1] - types[b][1] || types[a][2] - types[b][2] || a.localeCompare(b));
}
