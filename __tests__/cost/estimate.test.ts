import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { validateConfig } from "../../src/config/load";
import { costOutputValue, estimateMonthlyCost, type TerraformDocument } from "../../src/cost/estimate";
import { OpenClawStack } from "../../src/stacks/openclaw-stack";
import { configWith, synthStack } from "../helpers";

// Published us-east-1 unit prices (USD), written out by hand from the AWS pricing pages: these
// literals, not the code under test or its price file, make the expected totals.
const HOURS = 730;
const EC2 = { "t3.medium": 0.0416, "t3.small": 0.0208, "t4g.medium": 0.0336, "t4g.small": 0.0168 };
const GP3_GB = 0.08;
const GP3_IOPS = 0.005;
const GP3_MBPS = 0.04;
const SNAPSHOT_GB = 0.05;
const IPV4_HOUR = 0.005;
const ENDPOINT_AZ_HOUR = 0.01;
const ENDPOINT_GB = 0.01;
const NAT_HOUR = 0.045;
const NAT_GB = 0.045;
const METRIC = 0.3;
const ALARM = 0.1;
const LOGS_INGESTED_GB = 0.5;
const LOGS_STORED_GB = 0.03;
const S3_GB = 0.023;
const S3_PUT_PER_1K = 0.005;
const SNS_PER_MILLION = 0.5;
const KMS_KEY = 1;
const KMS_PER_10K = 0.03;
const SECRET = 0.4;
const SECRET_PER_10K = 0.05;
const SSM_ADVANCED = 0.05;

// The estimator's stated usage assumptions (src/cost/estimate.ts ASSUMPTIONS), written out again.
const KMS_REQUESTS = 10_000;
/** A data key per 5 minutes for each log group under the stack's key. */
const KMS_REQUESTS_PER_LOG_GROUP = 8_640;
const SECRET_CALLS = 1_000;
const FLOW_LOG_GB = 1;
const LOG_GB_PER_HOST_PER_GROUP = 0.5;
const ENDPOINT_GB_PER_MONTH = 1;
const TRAIL_GB_PER_MONTH = 0.1;
const TRAIL_PUTS = 10_000;
const SNS_PUBLISHES = 1_000;
/** Snapshots: a first full copy of up to 5 GB per volume, then 0.5 GB changed per kept snapshot. */
const SNAPSHOT_BASE_GB = 5;
const SNAPSHOT_CHANGED_GB = 0.5;
/** Custom metrics per host the agent config emits: cpu 2 (cpu-total) + mem 2 + disk 1 ("/"). */
const AGENT_METRICS = 5;

const months = (days: number) => (days * 24) / HOURS;

/** One log group, as the estimator prices every group: each host sends it the same volume; its data keys come from the stack's key. */
function logGroup(hosts: number, retentionDays: number): number {
  const ingested = hosts * LOG_GB_PER_HOST_PER_GROUP;
  return ingested * LOGS_INGESTED_GB + ingested * months(retentionDays) * LOGS_STORED_GB + (KMS_REQUESTS_PER_LOG_GROUP / 10_000) * KMS_PER_10K;
}

/** Agent metrics, each host's health metric (published by the gateway), alarms, two log groups and the encrypted alarm topic (2 KMS requests a publish). */
function monitoring(hosts: number, alarms: number, retentionDays: number): number {
  const topic = (SNS_PUBLISHES / 1e6) * SNS_PER_MILLION + ((2 * SNS_PUBLISHES) / 10_000) * KMS_PER_10K;
  return hosts * (AGENT_METRICS + 1) * METRIC + alarms * ALARM + 2 * logGroup(hosts, retentionDays) + topic;
}

/** The stack's KMS key and the gateway token's secret, with their assumed requests. */
const secrets = () => KMS_KEY + (KMS_REQUESTS / 10_000) * KMS_PER_10K + SECRET + (SECRET_CALLS / 10_000) * SECRET_PER_10K;
/** A created VPC's flow log (its ingestion) and its log group. */
const flowLogs = (hosts: number, retentionDays: number) => FLOW_LOG_GB * LOGS_INGESTED_GB + logGroup(hosts, retentionDays);

/**
 * The first management trail is free; its bucket stores the logs for the retention and takes the PUTs,
 * each log file a data key of the stack's key; its CloudWatch copy is one more log group (kept as long
 * as the hosts' logs).
 */
const trail = (retentionDays: number, hosts: number, logRetentionDays: number) =>
  TRAIL_GB_PER_MONTH * months(retentionDays) * S3_GB + (TRAIL_PUTS / 1000) * S3_PUT_PER_1K + (TRAIL_PUTS / 10_000) * KMS_PER_10K + logGroup(hosts, logRetentionDays);
const endpoints = (count: number) => count * (HOURS * ENDPOINT_AZ_HOUR + ENDPOINT_GB_PER_MONTH * ENDPOINT_GB);
const instances = (...types: (keyof typeof EC2)[]) => types.reduce((sum, type) => sum + HOURS * EC2[type], 0);
const publicAddresses = (count: number) => count * HOURS * IPV4_HOUR;
/** Data volumes of these sizes (gp3) and their daily snapshots, 7 kept. */
const dataVolumes = (...sizes: number[]) =>
  sizes.reduce((sum, size) => sum + size * GP3_GB + (Math.min(size, SNAPSHOT_BASE_GB) + 7 * SNAPSHOT_CHANGED_GB) * SNAPSHOT_GB, 0);

const EXAMPLES = join(__dirname, "../../examples");
const example = (name: string) => JSON.parse(readFileSync(join(EXAMPLES, `${name}.json`), "utf8"));

// Worked out by hand: every host has an alarm on CPU, status, system check, instance check and health, the
// gateway one more on memory;
// every host a data volume (gateway 20 GB, node 10 GB) snapshotted daily.
const EXPECTED: Record<string, number> = {
  // t3.medium + t3.small, 2 × 100 GB, EIP + the node's own address, 4 endpoints, 11 alarms, 30-day logs, trail 365 days, flow logs.
  default:
    instances("t3.medium", "t3.small") + 200 * GP3_GB + dataVolumes(20, 10) + publicAddresses(2) + endpoints(4) + monitoring(2, 11, 30) + trail(365, 2, 30) + flowLogs(2, 30) + secrets(),
  // Seed 000: the same hosts, no endpoints, no trail, the default VPC (no flow logs).
  "gateway-node": instances("t3.medium", "t3.small") + 200 * GP3_GB + dataVolumes(20, 10) + publicAddresses(2) + monitoring(2, 11, 30) + secrets(),
  // Seed 002: one t4g.medium, 100 GB, no EIP but its auto-assigned address, 4 endpoints, 6 alarms.
  "private-gateway":
    instances("t4g.medium") + 100 * GP3_GB + dataVolumes(20) + publicAddresses(1) + endpoints(4) + monitoring(1, 6, 30) + trail(365, 1, 30) + flowLogs(1, 30) + secrets(),
  // A gateway and three nodes (one 50 GB), EIP + 3 node addresses, 6 + 3 × 5 alarms, 90-day logs.
  "multi-node":
    instances("t3.medium", "t3.small", "t3.small", "t4g.small") +
    350 * GP3_GB +
    dataVolumes(20, 10, 10, 10) +
    publicAddresses(4) +
    endpoints(4) +
    monitoring(4, 21, 90) +
    trail(365, 4, 90) +
    flowLogs(4, 90) +
    secrets(),
  // The default deployment built from source: same resources as the default.
  "source-build":
    instances("t3.medium", "t3.small") + 200 * GP3_GB + dataVolumes(20, 10) + publicAddresses(2) + endpoints(4) + monitoring(2, 11, 30) + trail(365, 2, 30) + flowLogs(2, 30) + secrets(),
  // Two t4g.small, 2 × 8 GB, EIP + the node's address, no endpoints, 11 alarms, 7-day logs, trail 90 days, flow logs.
  lean: instances("t4g.small", "t4g.small") + 16 * GP3_GB + dataVolumes(5, 2) + publicAddresses(2) + monitoring(2, 11, 7) + trail(90, 2, 7) + flowLogs(2, 7) + secrets(),
};

describe("estimateMonthlyCost", () => {
  const examples = readdirSync(EXAMPLES)
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.replace(/\.json$/, ""));

  it("has a hand-worked total for every example", () => {
    expect(examples.sort()).toEqual(Object.keys(EXPECTED).filter((name) => name !== "default").sort());
  });

  it.each(["default", ...examples])("prices %s like the hand-worked total", (name) => {
    const { tf } = synthStack(name === "default" ? {} : example(name));
    const estimate = estimateMonthlyCost(tf);
    expect(estimate.region).toBe("us-east-1");
    expect(estimate.unknown).toEqual([]);
    expect(estimate.total).toBeCloseTo(EXPECTED[name], 2);
  });

  it("makes lean.json a valid deployment and the cheapest example", () => {
    expect(() => validateConfig(example("lean"), "examples/lean.json")).not.toThrow();
    const cheapest = Math.min(...Object.values(EXPECTED));
    expect(EXPECTED.lean).toBe(cheapest);
  });

  it("works on the in-memory stack.toTerraform() the monthly_cost_estimate output is made from", () => {
    const app = Testing.app();
    const stack = new OpenClawStack(app, "test", { config: configWith() });
    const estimate = estimateMonthlyCost(stack.toTerraform());
    expect(estimate.total).toBeCloseTo(EXPECTED.default, 2);
    // The same items as from the synthesized file (which lists resources in another order).
    const byItem = (items: readonly { item: string }[]) => [...items].sort((a, b) => a.item.localeCompare(b.item));
    expect(byItem(estimate.items)).toEqual(byItem(estimateMonthlyCost(JSON.parse(Testing.synth(stack))).items));
    const value = costOutputValue(estimate);
    expect(value).toMatch(/^\$\d+\.\d\d\/month in us-east-1 \(prices of \d{4}-\d\d-\d\d\): EC2 \$45\.55, VPC endpoints \$29\.24, EBS \$18\.40, /);
    expect(value).toContain(`$${EXPECTED.default.toFixed(2)}/month`);

    // The stack's own output is this estimate, made at the end of its constructor.
    const synthesized = JSON.parse(Testing.synth(stack)) as { output: Record<string, { value: string }> };
    expect(synthesized.output.monthly_cost_estimate.value).toBe(value);
  });

  it("lists an item without a price as unknown and leaves it out of the total", () => {
    const estimate = estimateMonthlyCost({
      provider: { aws: [{ region: "us-east-1" }] },
      resource: {
        aws_instance: { known: { instance_type: "t3.small" }, exotic: { instance_type: "x9.huge" } },
        aws_rds_cluster: { db: { engine: "aurora-postgresql" } },
      },
    }, { agentMetricsPerHost: 0 });
    const exotic = estimate.items.find((line) => line.item.startsWith("aws_instance.exotic: x9.huge"));
    expect(exotic).toMatchObject({ unitPrice: null, monthly: null, source: "no price for ec2.x9.huge in us-east-1" });
    expect(estimate.unknown.map((line) => line.item)).toEqual([
      "aws_instance.known: root volume (type from the AMI)",
      "aws_instance.exotic: x9.huge",
      "aws_instance.exotic: root volume (type from the AMI)",
      "aws_rds_cluster.db",
    ]);
    expect(estimate.total).toBeCloseTo(HOURS * EC2["t3.small"], 2);
    expect(estimate.breakdown).toContain("not in the total (unknown price): ");
    expect(estimate.breakdown).toContain("aws_rds_cluster.db");
  });

  it("gives unknown, never 0, for a region without prices", () => {
    const { tf } = synthStack({ region: "sa-east-1" });
    const estimate = estimateMonthlyCost(tf);
    expect(estimate.region).toBe("sa-east-1");
    expect(estimate.items.length).toBeGreaterThan(10);
    expect(estimate.items.every((line) => line.unitPrice === null && line.monthly === null)).toBe(true);
    expect(estimate.total).toBe(0);
    expect(estimate.unknown).toHaveLength(estimate.items.length);
  });

  it("uses the prices of the region the provider names, not us-east-1's", () => {
    const estimate = estimateMonthlyCost(synthStack({ region: "eu-central-1" }).tf);
    const gateway = estimate.items.find((line) => line.item.endsWith(": t3.medium"));
    expect(gateway?.unitPrice).toBe(0.048); // Frankfurt's t3.medium, not Virginia's 0.0416
  });

  it("prices data volumes above the free gp3 baseline, NAT, KMS, secrets, advanced parameters and DLM snapshots", () => {
    const document: TerraformDocument = {
      provider: { aws: [{ region: "us-east-1", default_tags: [{ tags: { Project: "openclaw" } }] }] },
      resource: {
        aws_ebs_volume: {
          data: { size: 50, type: "gp3", iops: 4000, throughput: 250, tags: { Backup: "daily" } },
          scratch: { size: 20, type: "gp3" },
        },
        aws_nat_gateway: { nat: { subnet_id: "${aws_subnet.public.id}" } },
        aws_eip: { nat: { domain: "vpc" } },
        aws_kms_key: { key: { description: "data" } },
        aws_secretsmanager_secret: { token: { name: "t" } },
        aws_ssm_parameter: { big: { tier: "Advanced", type: "String", value: "x" }, small: { type: "String", value: "x" } },
        aws_dlm_lifecycle_policy: {
          backups: {
            policy_details: [{ target_tags: { Backup: "daily", Project: "openclaw" }, schedule: [{ retain_rule: [{ count: 7 }] }] }],
          },
        },
      },
    };
    const estimate = estimateMonthlyCost(document, { agentMetricsPerHost: 0 });
    const snapshots = Math.min(50, 5) + 7 * 0.5; // stated assumption: first snapshot min(size, 5 GB), then 0.5 GB each
    const expected =
      50 * GP3_GB + 1000 * GP3_IOPS + 125 * GP3_MBPS +
      20 * GP3_GB +
      HOURS * NAT_HOUR + 10 * NAT_GB +
      HOURS * IPV4_HOUR +
      KMS_KEY + KMS_PER_10K +
      SECRET + 0.1 * SECRET_PER_10K +
      SSM_ADVANCED +
      snapshots * SNAPSHOT_GB;
    expect(estimate.unknown).toEqual([]);
    expect(estimate.total).toBeCloseTo(expected, 2);
  });

  it("charges the auto-assigned address only of instances without an Elastic IP", () => {
    const estimate = estimateMonthlyCost({
      provider: { aws: [{ region: "us-east-1" }] },
      resource: {
        aws_instance: {
          gw: { instance_type: "t3.small", associate_public_ip_address: true, root_block_device: { volume_size: 8, volume_type: "gp3" } },
          node: { instance_type: "t3.small", associate_public_ip_address: true, root_block_device: { volume_size: 8, volume_type: "gp3" } },
          private: { instance_type: "t3.small", associate_public_ip_address: false, root_block_device: { volume_size: 8, volume_type: "gp3" } },
        },
        aws_eip: { gw: { domain: "vpc" } },
        aws_eip_association: { gw: { allocation_id: "${aws_eip.gw.allocation_id}", instance_id: "${aws_instance.gw.id}" } },
      },
    }, { agentMetricsPerHost: 0 });
    expect(estimate.items.filter((line) => line.category === "Public IPv4").map((line) => line.item)).toEqual([
      "aws_instance.node: auto-assigned public IPv4",
      "aws_eip.gw: Elastic IP",
    ]);
  });
});
