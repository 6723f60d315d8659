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
/** Per alarm metric: an alarm on one metric, or each metric of a metric-math alarm. */
const ALARM = 0.1;
const DASHBOARD = 3;
/** AWS Budgets: a budget without actions costs nothing. */
const BUDGET = 0;
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
/** What a trail sends its CloudWatch log group: the account's API calls, whatever the number of hosts. */
const TRAIL_LOG_GB = 1;
/** A file the stack uploads to S3 without stating its size (OpenClaw's lock): at most 1 MB. */
const UPLOADED_FILE_GB = 0.001;
const ENDPOINT_GB_PER_MONTH = 1;
const TRAIL_GB_PER_MONTH = 0.1;
const TRAIL_PUTS = 10_000;
const SNS_PUBLISHES = 1_000;
/** Snapshots: a first full copy of up to 5 GB per volume, then 0.5 GB changed per kept snapshot. */
const SNAPSHOT_BASE_GB = 5;
const SNAPSHOT_CHANGED_GB = 0.5;
/** Custom metrics per host the agent config emits: mem_used_percent and disk_used_percent on "/". */
const AGENT_METRICS = 2;

const months = (days: number) => (days * 24) / HOURS;

/** A log group that ingests `gb` a month and keeps it `retentionDays`; its data keys come from the stack's key. */
function logGroupOf(gb: number, retentionDays: number): number {
  return gb * LOGS_INGESTED_GB + gb * months(retentionDays) * LOGS_STORED_GB + (KMS_REQUESTS_PER_LOG_GROUP / 10_000) * KMS_PER_10K;
}

/** One of the hosts' log groups: each host sends it the same volume. */
const logGroup = (hosts: number, retentionDays: number) => logGroupOf(hosts * LOG_GB_PER_HOST_PER_GROUP, retentionDays);

/** Agent metrics, each host's health metric (published by the gateway), alarms, two log groups and the encrypted alarm topic (2 KMS requests a publish). */
function monitoring(hosts: number, alarms: number, retentionDays: number): number {
  const topic = (SNS_PUBLISHES / 1e6) * SNS_PER_MILLION + ((2 * SNS_PUBLISHES) / 10_000) * KMS_PER_10K;
  return hosts * (AGENT_METRICS + 1) * METRIC + alarms * ALARM + 2 * logGroup(hosts, retentionDays) + topic;
}

/** The stack's KMS key and the gateway token's secret, with their assumed requests; and the install files. */
const secrets = () => KMS_KEY + (KMS_REQUESTS / 10_000) * KMS_PER_10K + SECRET + (SECRET_CALLS / 10_000) * SECRET_PER_10K + installFiles();
/** A created VPC's flow log: what it delivers, ingested and kept once, by its log group. */
const flowLogs = (retentionDays: number) => logGroupOf(FLOW_LOG_GB, retentionDays);
/** The stack's install files: OpenClaw's lock in its own bucket. */
const installFiles = () => UPLOADED_FILE_GB * S3_GB;

/**
 * The first management trail is free; its bucket stores the logs for the retention and takes the PUTs,
 * each log file a data key of the stack's key; its CloudWatch copy is one more log group (kept as long
 * as the hosts' logs).
 */
const trail = (retentionDays: number, logRetentionDays: number) =>
  TRAIL_GB_PER_MONTH * months(retentionDays) * S3_GB + (TRAIL_PUTS / 1000) * S3_PUT_PER_1K + (TRAIL_PUTS / 10_000) * KMS_PER_10K + logGroupOf(TRAIL_LOG_GB, logRetentionDays);
const endpoints = (count: number) => count * (HOURS * ENDPOINT_AZ_HOUR + ENDPOINT_GB_PER_MONTH * ENDPOINT_GB);
const instances = (...types: (keyof typeof EC2)[]) => types.reduce((sum, type) => sum + HOURS * EC2[type], 0);
const publicAddresses = (count: number) => count * HOURS * IPV4_HOUR;
/** Data volumes of these sizes (gp3) and their daily snapshots, `kept` of them. */
const dataVolumesKeeping = (kept: number, ...sizes: number[]) =>
  sizes.reduce((sum, size) => sum + size * GP3_GB + (Math.min(size, SNAPSHOT_BASE_GB) + kept * SNAPSHOT_CHANGED_GB) * SNAPSHOT_GB, 0);
/** ... with the default 7 snapshots kept. */
const dataVolumes = (...sizes: number[]) => dataVolumesKeeping(7, ...sizes);
/**
 * The model's guard: the daily tokens alarm reads 2 metrics (input and output tokens), the throttles,
 * client errors and server errors alarms one each.
 */
const BEDROCK_ALARM_METRICS = 2 + 3;
/** The spend box: the budget, the dashboard (unless turned off) and, with Bedrock, the model's alarms. */
const spend = ({ dashboard = true, bedrock = true } = {}) => BUDGET + (dashboard ? DASHBOARD : 0) + (bedrock ? BEDROCK_ALARM_METRICS * ALARM : 0);

const EXAMPLES = join(__dirname, "../../examples");
const example = (name: string) => JSON.parse(readFileSync(join(EXAMPLES, `${name}.json`), "utf8"));

// Worked out by hand: every host has an alarm on CPU, status, system check, instance check and health, the
// gateway one more on memory;
// every host a data volume (gateway 20 GB, node 10 GB) snapshotted daily; every stack a budget and a
// dashboard, and with Bedrock the model's alarms.
const EXPECTED: Record<string, number> = {
  // t3.medium + t3.small, 2 × 100 GB, EIP + the node's own address, 4 endpoints, 11 alarms, 30-day logs, trail 365 days, flow logs.
  default:
    instances("t3.medium", "t3.small") + 200 * GP3_GB + dataVolumes(20, 10) + publicAddresses(2) + endpoints(4) + monitoring(2, 11, 30) + trail(365, 30) + flowLogs(30) + secrets() + spend(),
  // Seed 000: the same hosts, no endpoints, no trail, the default VPC (no flow logs), no Bedrock.
  "gateway-node":
    instances("t3.medium", "t3.small") + 200 * GP3_GB + dataVolumes(20, 10) + publicAddresses(2) + monitoring(2, 11, 30) + secrets() + spend({ bedrock: false }),
  // Seed 002: one t4g.medium, 100 GB, no EIP but its auto-assigned address, 4 endpoints, 6 alarms.
  "private-gateway":
    instances("t4g.medium") + 100 * GP3_GB + dataVolumes(20) + publicAddresses(1) + endpoints(4) + monitoring(1, 6, 30) + trail(365, 30) + flowLogs(30) + secrets() + spend(),
  // A gateway and three nodes (one 50 GB), EIP + 3 node addresses, 6 + 3 × 5 alarms, 90-day logs.
  "multi-node":
    instances("t3.medium", "t3.small", "t3.small", "t4g.small") +
    350 * GP3_GB +
    dataVolumes(20, 10, 10, 10) +
    publicAddresses(4) +
    endpoints(4) +
    monitoring(4, 21, 90) +
    trail(365, 90) +
    flowLogs(90) +
    secrets() +
    spend(),
  // The default deployment built from source: same resources as the default.
  "source-build":
    instances("t3.medium", "t3.small") + 200 * GP3_GB + dataVolumes(20, 10) + publicAddresses(2) + endpoints(4) + monitoring(2, 11, 30) + trail(365, 30) + flowLogs(30) + secrets() + spend(),
  // Two t4g.small, 2 × 8 GB, 1 GB data volumes with one snapshot kept, EIP + the node's address, no
  // endpoints, 11 alarms, 7-day logs, trail 90 days; no flow logs, no dashboard.
  lean:
    instances("t4g.small", "t4g.small") + 16 * GP3_GB + dataVolumesKeeping(1, 1, 1) + publicAddresses(2) + monitoring(2, 11, 7) + trail(90, 7) + secrets() + spend({ dashboard: false }),
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
    expect(estimate.atLeast).toBe(estimate.total);
    expect(estimate.totalText).toBe(`$${EXPECTED[name].toFixed(2)}/month`);
  });

  it("makes lean.json a valid deployment, the cheapest example, at most $40 a month", () => {
    expect(() => validateConfig(example("lean"), "examples/lean.json")).not.toThrow();
    const cheapest = Math.min(...Object.values(EXPECTED));
    expect(EXPECTED.lean).toBe(cheapest);
    expect(EXPECTED.lean).toBeLessThanOrEqual(40);
  });

  it("has a default budget whose 80 % alert stays above what the default deployment costs", () => {
    expect(configWith().budget.monthlyUsd * 0.8).toBeGreaterThan(EXPECTED.default);
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

  it("gives no total, only 'at least' the priced items, when an item has no price, and names it", () => {
    const estimate = estimateMonthlyCost({
      provider: { aws: [{ region: "us-east-1" }] },
      resource: {
        aws_instance: {
          known: { instance_type: "t3.small", root_block_device: { volume_size: 8, volume_type: "gp3" } },
          exotic: { instance_type: "x9.huge", root_block_device: { volume_size: 8, volume_type: "gp3" } },
        },
        aws_rds_cluster: { db: { engine: "aurora-postgresql" } },
      },
    }, { agentMetricsPerHost: 0 });
    const exotic = estimate.items.find((line) => line.item.startsWith("aws_instance.exotic: x9.huge"));
    expect(exotic).toMatchObject({ unitPrice: null, monthly: null, source: "no price for ec2.x9.huge in us-east-1" });
    expect(estimate.unknown.map((line) => line.item)).toEqual(["aws_instance.exotic: x9.huge", "aws_rds_cluster.db"]);
    const priced = HOURS * EC2["t3.small"] + 16 * GP3_GB;
    expect(estimate.total).toBeNull();
    expect(estimate.atLeast).toBeCloseTo(priced, 2);
    expect(estimate.totalText).toBe(`at least $${priced.toFixed(2)}/month`);
    expect(estimate.breakdown).toMatch(new RegExp(`^at least \\$${priced.toFixed(2)}/month in us-east-1 `));
    expect(estimate.breakdown).toContain("; not priced: aws_instance.exotic: x9.huge, aws_rds_cluster.db");
    expect(costOutputValue(estimate)).toBe(estimate.breakdown);
  });

  // Regions that validate and synthesize but are not in the price table (docs/cost.md: "Regions without prices").
  it.each(["sa-east-1", "ap-southeast-7", "us-gov-west-1", "cn-north-1", "ap-south-1"])("gives an unknown total, never $0, in %s (no prices)", (region) => {
    const { tf } = synthStack({ region });
    const estimate = estimateMonthlyCost(tf);
    expect(estimate.region).toBe(region);
    expect(estimate.items.length).toBeGreaterThan(10);
    expect(estimate.items.every((line) => line.unitPrice === null && line.monthly === null)).toBe(true);
    expect(estimate.total).toBeNull();
    expect(estimate.atLeast).toBe(0);
    expect(estimate.totalText).toBe("unknown");
    expect(estimate.breakdown.startsWith(`unknown/month in ${region}: the price table (prices of ${estimate.pricesWritten}) has no prices for ${region}; `)).toBe(true);
    expect(estimate.usage.map((line) => line.unitPrice)).toEqual([null, null]);
    expect(estimate.breakdown).not.toMatch(/\$0\.00/);
  });

  it("counts flow logs once, by their log group, and sizes the trail's log group by the account, not the hosts", () => {
    const lineOf = (estimate: ReturnType<typeof estimateMonthlyCost>, pattern: RegExp) => estimate.items.filter((line) => pattern.test(line.item));
    const one = estimateMonthlyCost(synthStack({ nodes: [{ name: "n-a" }] }).tf);
    const three = estimateMonthlyCost(synthStack({ nodes: [{ name: "n-a" }, { name: "n-b" }, { name: "n-c" }] }).tf);
    expect(lineOf(one, /^aws_flow_log\./)).toEqual([]);
    for (const estimate of [one, three]) {
      expect(lineOf(estimate, /flow-log-group.*: log ingestion$/).map((line) => line.quantity)).toEqual([FLOW_LOG_GB]);
      expect(lineOf(estimate, /audit_log-group.*: log ingestion$/).map((line) => line.quantity)).toEqual([TRAIL_LOG_GB]);
    }
    expect(lineOf(three, /application-logs.*: log ingestion$/).map((line) => line.quantity)).toEqual([4 * LOG_GB_PER_HOST_PER_GROUP]);
  });

  it("shows the watched model's price per million tokens and an example month, outside the total", () => {
    const estimate = estimateMonthlyCost(synthStack().tf);
    const days = HOURS / 24;
    // Claude Sonnet 4.5 through the US geographic profile: $3.30 / $16.50 per million input / output tokens.
    expect(estimate.usage).toEqual([
      expect.objectContaining({ item: "Bedrock us.anthropic.claude-sonnet-4-5-20250929-v1:0: input tokens", unitPrice: 3.3, unit: "million tokens", exampleQuantity: days }),
      expect.objectContaining({ item: "Bedrock us.anthropic.claude-sonnet-4-5-20250929-v1:0: output tokens", unitPrice: 16.5, exampleQuantity: 0.04 * days }),
    ]);
    expect(estimate.usage[0].exampleMonthly! + estimate.usage[1].exampleMonthly!).toBeCloseTo(days * (1 * 3.3 + 0.04 * 16.5), 6);
    expect(estimate.total).toBeCloseTo(EXPECTED.default, 2);
    expect(estimate.breakdown).toContain("; per use, not in the total: Bedrock us.anthropic.claude-sonnet-4-5-20250929-v1:0: input tokens $3.30/million tokens, ");
    // Without Bedrock there is no model to pay for.
    expect(estimateMonthlyCost(synthStack({ iam: { bedrock: false, marketplace: false } }).tf).usage).toEqual([]);
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
