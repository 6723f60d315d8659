#!/usr/bin/env node
// Rebuilds the pinned AWS facts in src/config/aws-facts/ from maintained sources available offline:
//   - regions per partition: the endpoint partition data shipped in @aws-sdk/core (util-endpoints);
//   - instance types (architectures, vCPUs, memory) and which types each region and zone offers:
//     moto's EC2 resources (recorded by moto's maintainers from DescribeInstanceTypes and
//     DescribeInstanceTypeOfferings), found through `python3 -c "import moto"`;
//   - instance type names the EC2 API knows: the InstanceType enum of @aws-sdk/client-ec2.
// Update the sources (npm / pip), then run `node scripts/update-aws-facts.mjs` and commit the result.
// Nothing here is written by hand: every file carries its sources and their versions and dates.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "src", "config", "aws-facts");
const require = createRequire(import.meta.url);

function packageVersion(name) {
  return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;
}

function regionsByPartition() {
  // The ESM build holds the data as one object literal in JSON syntax.
  const file = join(dirname(require.resolve("@aws-sdk/core/package.json")), "dist-es/submodules/client/util-endpoints/lib/aws/partitions.js");
  const text = readFileSync(file, "utf8");
  const data = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1));
  return Object.fromEntries(
    data.partitions.map((partition) => [
      partition.id,
      // "aws-global", "aws-us-gov-global", ...: signing pseudo-regions, not places to deploy.
      Object.keys(partition.regions).filter((region) => !region.endsWith("-global")).sort(),
    ]),
  );
}

function motoResources() {
  const moto = execFileSync("python3", ["-c", "import moto, os; print(os.path.dirname(moto.__file__)); print(moto.__version__)"], {
    encoding: "utf8",
  }).trim().split("\n");
  const resources = join(moto[0], "ec2", "resources");
  const readGzipJson = (file) => JSON.parse(gunzipSync(readFileSync(file)).toString("utf8"));
  const typesFile = join(resources, "instance_types.json.gz");
  return {
    version: moto[1],
    // The wheel's file dates are the release build's.
    date: statSync(typesFile).mtime.toISOString().slice(0, 10),
    types: readGzipJson(typesFile),
    offerings: (kind) =>
      Object.fromEntries(
        readdirSync(join(resources, "instance_type_offerings", kind))
          .filter((file) => file.endsWith(".json.gz"))
          .sort()
          .map((file) => [file.slice(0, -".json.gz".length), readGzipJson(join(resources, "instance_type_offerings", kind, file))]),
      ),
  };
}

/** Offered types as a bitmap over the sorted type list, base64: 1 bit per type keeps the file small. */
function bitmap(typeNames, offered) {
  const bytes = Buffer.alloc(Math.ceil(typeNames.length / 8));
  typeNames.forEach((name, index) => {
    if (offered.has(name)) bytes[index >> 3] |= 1 << (index & 7);
  });
  return bytes.toString("base64");
}

/** One entry per line in the maps (readable diffs when the sources move), each value on its line. */
function format(data) {
  const entries = Object.entries(data).map(([key, value]) => {
    const inner =
      value !== null && typeof value === "object" && !Array.isArray(value)
        ? `{\n${Object.entries(value).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(",\n")}\n  }`
        : JSON.stringify(value);
    return `  ${JSON.stringify(key)}: ${inner}`;
  });
  return `{\n${entries.join(",\n")}\n}\n`;
}

function write(name, data) {
  const file = join(out, name);
  const text = format(data);
  writeFileSync(file, text);
  console.log(`${file}: ${text.length} bytes`);
}

const today = new Date().toISOString().slice(0, 10);
const moto = motoResources();
const motoSource = `moto ${moto.version} of ${moto.date}: moto/ec2/resources`;
const coreVersion = packageVersion("@aws-sdk/core");
const ec2Version = packageVersion("@aws-sdk/client-ec2");

// Zones per region: every zone that offers at least one type. Zone letters are mapped per account;
// these are the ones moto's recording account saw.
const zoneOfferings = moto.offerings("availability-zone");
const zones = Object.fromEntries(
  Object.entries(zoneOfferings).map(([region, rows]) => [region, [...new Set(rows.map((row) => row.Location))].sort()]),
);
write("regions.json", {
  source: {
    partitions: `@aws-sdk/core ${coreVersion} partitions (util-endpoints)`,
    zones: `${motoSource}/instance_type_offerings/availability-zone (only the regions listed there; letters as moto's recording account sees them)`,
  },
  generated: today,
  partitions: regionsByPartition(),
  zones,
});

const typeNames = Object.keys(moto.types).sort();
const types = Object.fromEntries(
  typeNames.map((name) => {
    const info = moto.types[name];
    return [name, [info.ProcessorInfo.SupportedArchitectures, info.VCpuInfo.DefaultVCpus, info.MemoryInfo.SizeInMiB]];
  }),
);
const { _InstanceType } = require("@aws-sdk/client-ec2");
write("instance-types.json", {
  source: `${motoSource}/instance_types.json.gz (DescribeInstanceTypes); names only: @aws-sdk/client-ec2 ${ec2Version} InstanceType enum`,
  generated: today,
  fields: ["architectures", "vcpus", "memoryMib"],
  types,
  namesWithoutFacts: Object.values(_InstanceType).filter((name) => !(name in types)).sort(),
});

// Per region only: zone letters are mapped per account, so what one account's "us-east-1e" offers says
// nothing about another's.
const offeredIn = (rows) => new Set(rows.map((row) => row.InstanceType));
write("offerings.json", {
  source: `${motoSource}/instance_type_offerings/region (DescribeInstanceTypeOfferings)`,
  generated: today,
  encoding: "base64 bitmap over the sorted type names of instance-types.json: bit i (byte i>>3, bit i&7) set when type i is offered",
  typeCount: typeNames.length,
  regions: Object.fromEntries(Object.entries(moto.offerings("region")).map(([region, rows]) => [region, bitmap(typeNames, offeredIn(rows))])),
});
