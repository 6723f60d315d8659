/**
 * The monthly cost of a synthesized stack, read from its Terraform JSON (the real resources and the
 * provider's region, never the configuration, so the two cannot drift) and priced from the pinned
 * table in src/config/aws-prices.json.
 *
 * Works on `cdktf.out/stacks/<stack>/cdk.tf.json` and on `stack.toTerraform()` alike: references
 * between resources are "${...}" strings there, but what is billed (instance types, volume sizes,
 * counts, retention) is literal. An item whose price or quantity is not known is listed with null and
 * left out of the sum; a stack with such an item has no total, only a lower bound ("at least $X"), so
 * nothing unpriced ever reads as $0. What is billed per use (Bedrock tokens) is priced per unit with a
 * stated example, outside the monthly total.
 */
import priceTable from "../config/aws-prices.json";
import { agentMetricsPerHost } from "./agent-metrics";
import { HOST_METRICS } from "../monitoring/metrics";
import { expandForEach } from "./for-each";

/** Hours in the month AWS's pricing pages use. */
export const HOURS_PER_MONTH = 730;

/** What the Terraform cannot say: usage. Each one is shown next to the item it prices. */
export const ASSUMPTIONS = {
  /** GB each host's agent sends to each of the hosts' log groups per month (2 groups: ~1 GB/host; seed 000 assumed 5 GB in all). */
  logGbPerHostPerGroup: 0.5,
  /** Months a log group without retention has accumulated (it never expires: the cost keeps growing). */
  monthsKeptWithoutExpiry: 12,
  /** GB of data through each interface endpoint per month (API calls and Bedrock prompts are small). */
  endpointGbPerMonth: 1,
  /** GB through each NAT gateway per month. */
  natGbPerMonth: 10,
  /** GB of CloudTrail log files (gzip'd JSON) a quiet account writes per month. */
  trailGbPerMonth: 0.1,
  /**
   * GB a trail sends its CloudWatch log group per month: the same events as uncompressed JSON, about ten
   * times trailGbPerMonth. It depends on the account's API calls, not on how many hosts there are.
   */
  trailLogGbPerMonth: 1,
  /** Log files CloudTrail delivers per month: about one per 5 minutes in the home region. */
  trailDeliveriesPerMonth: 10_000,
  /** Requests per customer managed KMS key per month (the secrets: SSM and Secrets Manager). */
  kmsRequestsPerKey: 10_000,
  /**
   * KMS requests per month of a log group encrypted with a customer managed key: one data key per 5
   * minutes (what SNS documents for its own reuse; CloudWatch Logs documents no figure).
   */
  kmsRequestsPerEncryptedLogGroup: 8_640,
  /** API calls per Secrets Manager secret per month. */
  secretApiCallsPerSecret: 1_000,
  /** SNS publishes per topic per month (alarm state changes). */
  snsPublishesPerTopic: 1_000,
  /** GB each flow log delivers to its log group per month. */
  flowLogGbPerMonth: 1,
  /** MB of each file the stack uploads to S3 whose size the stack does not state (OpenClaw's lock is about 0.17 MB). */
  uploadedObjectMb: 1,
  /** The example day of model use Bedrock's price is shown with (a busy chat: ~40 turns with a long context). */
  bedrockExampleInputTokensPerDay: 1_000_000,
  bedrockExampleOutputTokensPerDay: 40_000,
  /** GB the first (full) snapshot of a volume holds: its used blocks, at most the volume size. */
  snapshotBaseGb: 5,
  /** GB each later (incremental) snapshot adds. */
  snapshotChangedGb: 0.5,
  /**
   * Text units (1,000 characters each) a guardrail evaluates per month: the conversation sent with each
   * model call and the answer; about 300 turns with 30 KB of conversation each.
   */
  guardrailTextUnitsPerMonth: 10_000,
} as const;

export type Assumptions = { -readonly [K in keyof typeof ASSUMPTIONS]: number };

export interface CostLineItem {
  /** What is billed, e.g. "aws_instance gateway_host_instance: t3.medium". */
  readonly item: string;
  /** Group for the one-line breakdown: EC2, EBS, Public IPv4, ... */
  readonly category: string;
  /** Units per month, or null when the stack does not say (e.g. a size from an AMI). */
  readonly quantity: number | null;
  readonly unit: string;
  /** USD per unit, or null when the table has no price for it in this region. */
  readonly unitPrice: number | null;
  /** quantity × unitPrice, or null when either is unknown. */
  readonly monthly: number | null;
  /** The pricing page (and the date the table was written), or why there is no price. */
  readonly source: string;
  /** The assumption behind the quantity, if any. */
  readonly note?: string;
}

/** Something billed per use, not per month: its unit price, and what a stated example month of use costs. */
export interface UsagePrice {
  /** What is billed, e.g. "Bedrock us.anthropic.claude-sonnet-4-5-20250929-v1:0: input tokens". */
  readonly item: string;
  readonly category: string;
  /** e.g. "million tokens". */
  readonly unit: string;
  /** USD per unit, or null when the table has no price for it in this region. */
  readonly unitPrice: number | null;
  /** The pricing page (and the date the table was written), or why there is no price. */
  readonly source: string;
  /** Units in the example month (see `note`). */
  readonly exampleQuantity: number;
  /** exampleQuantity × unitPrice, or null without a price. */
  readonly exampleMonthly: number | null;
  /** The example the quantity stands for. */
  readonly note: string;
}

export interface CostEstimate {
  readonly region: string;
  readonly items: readonly CostLineItem[];
  /** The monthly total in USD, rounded to cents: only when every item is priced; otherwise null (see `atLeast`). */
  readonly total: number | null;
  /** The sum of the priced items, rounded to cents: the total when every item is priced, else only a lower bound. */
  readonly atLeast: number;
  /** Items left out of the sum (price or quantity unknown): while there is one, there is no total. */
  readonly unknown: readonly CostLineItem[];
  /** The total as every view shows it: "$110.17/month", "at least $43.09/month" or "unknown". */
  readonly totalText: string;
  /** Billed per use, outside the total (Bedrock tokens), each with a stated example month. */
  readonly usage: readonly UsagePrice[];
  /** "$102.93/month in us-east-1 (prices of ...): EC2 $45.55, ...", with what is not priced and the per-use prices. */
  readonly breakdown: string;
  /** Date the price table was written. */
  readonly pricesWritten: string;
}

/** The shape of the pinned price table (see the header of aws-prices.json). */
export interface PriceTable {
  readonly written: string;
  readonly pages: Readonly<Record<string, string>>;
  readonly regions: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, number>>>>>>;
}

export interface EstimateOptions {
  /** Another price table (tests; a newer table). */
  readonly prices?: PriceTable;
  /** Override some usage assumptions. */
  readonly assumptions?: Partial<Assumptions>;
  /** Custom metrics per host; default: counted from the agent config template (see agent-metrics.ts). */
  readonly agentMetricsPerHost?: number | null;
}

/** The part of a synthesized Terraform JSON document the estimate reads. */
export interface TerraformDocument {
  readonly provider?: Readonly<Record<string, unknown>>;
  readonly resource?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** What `for_each` maps refer to (`${local.nodes}`). */
  readonly locals?: Readonly<Record<string, unknown>>;
}

type Properties = Record<string, unknown>;

/**
 * Resource types that cost nothing by themselves (their use is billed elsewhere, e.g. an IAM role, a
 * security group rule, a bucket's settings). Every other type without a handler below is listed as unknown.
 */
const FREE_TYPES = new Set([
  "aws_vpc",
  "aws_subnet",
  "aws_internet_gateway",
  "aws_egress_only_internet_gateway",
  "aws_route",
  "aws_route_table",
  "aws_route_table_association",
  "aws_main_route_table_association",
  "aws_default_route_table",
  "aws_default_security_group",
  "aws_security_group",
  "aws_security_group_rule",
  "aws_vpc_security_group_ingress_rule",
  "aws_vpc_security_group_egress_rule",
  "aws_network_acl",
  "aws_network_acl_rule",
  "aws_vpc_endpoint_route_table_association",
  "aws_eip_association",
  "aws_key_pair",
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_iam_role_policy_attachment",
  "aws_iam_instance_profile",
  "aws_iam_policy",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_lifecycle_configuration",
  "aws_s3_bucket_policy",
  "aws_s3_bucket_versioning",
  "aws_sns_topic_subscription",
  "aws_sns_topic_policy",
  "aws_kms_alias",
  "aws_secretsmanager_secret_version",
  "aws_bedrock_guardrail_version",
  "aws_volume_attachment",
  // Not AWS: made by Terraform itself.
  "tls_private_key",
  "random_id",
  "random_password",
  "null_resource",
  "terraform_data",
]);

/** Prices the stack's billable resources for one month: each copy of a `for_each` resource on its own. */
export function estimateMonthlyCost(document: TerraformDocument, options: EstimateOptions = {}): CostEstimate {
  const terraform = expandForEach(document);
  const context = new EstimateContext(terraform, options);
  for (const [type, resources] of Object.entries(terraform.resource ?? {})) {
    for (const [name, value] of Object.entries(resources)) {
      const resource = value as Properties;
      const handler = HANDLERS[type];
      if (handler) handler(context, { type, name, properties: resource, copies: copiesOf(resource) });
      else if (!FREE_TYPES.has(type)) {
        context.add({
          item: `${type}.${name}`,
          category: "Other",
          quantity: null,
          unit: "resource",
          unitPrice: null,
          source: "no price in the table for this resource type",
        });
      }
    }
  }
  context.addHostMetricsAndLogs();
  context.addBedrockUsage();
  return context.result();
}

/**
 * The value of a `monthly_cost_estimate` output: the total (or "at least"/"unknown" and what is not
 * priced) and the one-line breakdown. Every stack's output is made here, so its format is in one place.
 */
export function costOutputValue(estimate: CostEstimate): string {
  return estimate.breakdown;
}

/** One formatter for every amount: toLocaleString with options builds a new one per call (~0.1 ms each). */
const USD_AMOUNT = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "$1,234.56" */
export function formatUsd(amount: number): string {
  return `$${USD_AMOUNT.format(amount)}`;
}

interface Resource {
  readonly type: string;
  readonly name: string;
  readonly properties: Properties;
  /** `count` copies of it; null when count or for_each is not literal. */
  readonly copies: number | null;
}

type Handler = (context: EstimateContext, resource: Resource) => void;

interface Volume {
  readonly label: string;
  readonly sizeGb: number | null;
  readonly type: string | null;
  readonly iops: number | null;
  readonly throughput: number | null;
}

class EstimateContext {
  readonly items: CostLineItem[] = [];
  readonly usage: UsagePrice[] = [];
  /** Bedrock models the stack watches (the ModelId of its AWS/Bedrock alarms), by the region their metrics are in. */
  readonly bedrockModels = new Map<string, string>();
  readonly region: string;
  private readonly prices: PriceTable;
  private readonly assumptions: Assumptions;
  private readonly providerRegions = new Map<string, string>();
  private readonly defaultTags: Record<string, unknown>;
  /** Instances, which all run the CloudWatch agent (every host of this project does); null if a count is not literal. */
  readonly hosts: number | null;

  constructor(
    readonly terraform: TerraformDocument,
    private readonly options: EstimateOptions,
  ) {
    this.prices = options.prices ?? (priceTable as PriceTable);
    this.assumptions = { ...ASSUMPTIONS, ...options.assumptions };
    const providers = asBlocks(terraform.provider?.aws);
    for (const provider of providers) {
      const key = typeof provider.alias === "string" ? `aws.${provider.alias}` : "aws";
      if (typeof provider.region === "string") this.providerRegions.set(key, provider.region);
    }
    this.region = this.providerRegions.get("aws") ?? "unknown";
    const defaultProvider = providers.find((provider) => provider.alias === undefined);
    this.defaultTags = (asBlocks(defaultProvider?.default_tags)[0]?.tags as Record<string, unknown> | undefined) ?? {};
    this.hosts = Object.values(terraform.resource?.aws_instance ?? {})
      .map((instance) => copiesOf(instance as Properties))
      .reduce<number | null>((sum, copies) => (sum === null ? null : add(sum, copies)), 0);
  }

  get assume(): Assumptions {
    return this.assumptions;
  }

  /** Region of a resource: its provider's (aliases included), else the default provider's. */
  regionOf(resource: Resource): string {
    const provider = resource.properties.provider;
    return (typeof provider === "string" && this.providerRegions.get(provider)) || this.region;
  }

  tagsOf(properties: Properties, key = "tags"): Record<string, unknown> {
    return { ...this.defaultTags, ...(properties[key] as Record<string, unknown> | undefined) };
  }

  price(region: string, group: string, key: string): { unitPrice: number | null; source: string } {
    const unitPrice = this.prices.regions[region]?.[group]?.[key];
    if (unitPrice === undefined) return { unitPrice: null, source: `no price for ${group}.${key} in ${region}` };
    return { unitPrice, source: `${this.prices.pages[group]} (table of ${this.prices.written})` };
  }

  /** Whether the table has any price for the region. */
  hasRegion(region: string): boolean {
    return this.prices.regions[region] !== undefined;
  }

  add(line: Omit<CostLineItem, "monthly">): void {
    const monthly = line.quantity !== null && line.unitPrice !== null ? line.quantity * line.unitPrice : null;
    this.items.push({ ...line, monthly });
  }

  /** One priced line: quantity (null = unknown) × the table's price for group.key in the region. */
  priced(
    resource: Resource | string,
    category: string,
    what: string,
    quantity: number | null,
    unit: string,
    [group, key]: [string, string],
    note?: string,
  ): void {
    const region = typeof resource === "string" ? resource : this.regionOf(resource);
    const label = typeof resource === "string" ? what : `${resource.type}.${resource.name}${what ? `: ${what}` : ""}`;
    const copies = typeof resource === "string" ? 1 : resource.copies;
    const total = quantity === null || copies === null ? null : quantity * copies;
    this.add({ item: label, category, quantity: total, unit, ...this.price(region, group, key), ...(note ? { note } : {}) });
  }

  volume(resource: Resource, volume: Volume): void {
    const category = "EBS";
    const type = volume.type;
    const prefix = volume.label;
    if (type !== "gp3" && type !== "gp2") {
      this.add({
        item: `${resource.type}.${resource.name}: ${prefix} (${type ?? "type from the AMI"})`,
        category,
        quantity: volume.sizeGb,
        unit: "GB-month",
        unitPrice: null,
        source: `no price for volume type ${type ?? "(unset)"} in the table`,
      });
      return;
    }
    this.priced(resource, category, `${prefix} ${type}`, volume.sizeGb, "GB-month", ["ebs", `${type}GbMonth`]);
    if (type === "gp3" && volume.iops !== null && volume.iops > 3000) {
      this.priced(resource, category, `${prefix} gp3 IOPS above 3000`, volume.iops - 3000, "IOPS-month", ["ebs", "gp3IopsMonth"]);
    }
    if (type === "gp3" && volume.throughput !== null && volume.throughput > 125) {
      this.priced(resource, category, `${prefix} gp3 throughput above 125 MB/s`, volume.throughput - 125, "MB/s-month", ["ebs", "gp3ThroughputMbpsMonth"]);
    }
  }

  /** Custom metrics of the agent on every host, and the log groups they write to. */
  addHostMetricsAndLogs(): void {
    if (this.hosts === 0) return;
    const perHost = this.options.agentMetricsPerHost === undefined ? agentMetricsPerHost() : this.options.agentMetricsPerHost;
    this.priced(
      this.region,
      "CloudWatch",
      `CloudWatch agent custom metrics (${this.hosts ?? "?"} hosts × ${perHost ?? "?"} per host)`,
      this.hosts === null || perHost === null ? null : this.hosts * perHost,
      "metric-month",
      ["cloudwatch", "customMetricMonth"],
      "counted from templates/common/amazon-cloudwatch-agent.json: measurements × dimension sets",
    );
  }

  /**
   * A log group is priced by what writes to it: a flow log (flowLogGbPerMonth each), a trail
   * (trailLogGbPerMonth), or else the CloudWatch agent of every host (logGbPerHostPerGroup each).
   */
  logGroup(resource: Resource): void {
    const reference = `\${aws_cloudwatch_log_group.${resource.name}.arn}`;
    const writing = (type: string, attribute: string) =>
      Object.values(this.terraform.resource?.[type] ?? {}).filter((writer) => String((writer as Properties)[attribute]).startsWith(reference)).length;
    const flowLogs = writing("aws_flow_log", "log_destination");
    const trails = writing("aws_cloudtrail", "cloud_watch_logs_group_arn");
    let ingested: number | null;
    let note: string;
    if (flowLogs > 0) {
      ingested = flowLogs * this.assume.flowLogGbPerMonth;
      note = `assumed ${this.assume.flowLogGbPerMonth} GB/month from each of ${flowLogs} flow log(s)`;
    } else if (trails > 0) {
      ingested = trails * this.assume.trailLogGbPerMonth;
      note = `assumed ${this.assume.trailLogGbPerMonth} GB/month of trail events (the account's API calls, not the hosts)`;
    } else {
      ingested = this.hosts === null ? null : this.hosts * this.assume.logGbPerHostPerGroup;
      note = `assumed ${this.assume.logGbPerHostPerGroup} GB/month from each of ${this.hosts ?? "?"} hosts`;
    }
    this.priced(resource, "CloudWatch", "log ingestion", ingested, "GB", ["cloudwatch", "logsIngestionGb"], note);
    const retention = literalNumber(resource.properties.retention_in_days);
    const months = retention ? (retention * 24) / HOURS_PER_MONTH : this.assume.monthsKeptWithoutExpiry;
    const stored = ingested === null ? null : ingested * months;
    const kept = retention ? `${retention} days kept` : `never expires: ${months} months accumulated`;
    this.priced(resource, "CloudWatch", "log storage", stored, "GB-month", ["cloudwatch", "logsStorageGbMonth"], `${note}, ${kept}`);
    if (resource.properties.kms_key_id !== undefined) {
      const requests = this.assume.kmsRequestsPerEncryptedLogGroup;
      this.priced(resource, "KMS", "requests for the log group's data keys", requests / 10_000, "10k requests", ["kms", "requestsPer10k"], `assumed ${requests} requests/month`);
    }
  }

  /**
   * Per-use prices, outside the monthly total: each Bedrock model the stack watches, per million input
   * and output tokens, with the stated example day of use. (Other per-use items, such as a guardrail's
   * text units, are added by their resource's handler through `perUse`.)
   */
  addBedrockUsage(): void {
    const days = HOURS_PER_MONTH / 24;
    const example = `e.g. ${this.assume.bedrockExampleInputTokensPerDay.toLocaleString("en-US")} input and ${this.assume.bedrockExampleOutputTokensPerDay.toLocaleString("en-US")} output tokens a day`;
    for (const [model, region] of this.bedrockModels) {
      for (const [kind, group, perDay] of [
        ["input", "bedrockInputPerMillionTokens", this.assume.bedrockExampleInputTokensPerDay],
        ["output", "bedrockOutputPerMillionTokens", this.assume.bedrockExampleOutputTokensPerDay],
      ] as const) {
        this.perUse({
          item: `Bedrock ${model}: ${kind} tokens`,
          category: "Bedrock",
          unit: "million tokens",
          ...this.price(region, group, model),
          exampleQuantity: (perDay * days) / 1_000_000,
          note: `${example} (${region})`,
        });
      }
    }
  }

  perUse(line: Omit<UsagePrice, "exampleMonthly">): void {
    this.usage.push({ ...line, exampleMonthly: line.unitPrice === null ? null : line.exampleQuantity * line.unitPrice });
  }

  result(): CostEstimate {
    const known = this.items.filter((item) => item.monthly !== null);
    const unknown = this.items.filter((item) => item.monthly === null);
    const atLeast = roundCents(known.reduce((sum, item) => sum + (item.monthly ?? 0), 0));
    const total = unknown.length === 0 ? atLeast : null;
    const byCategory = new Map<string, number>();
    for (const item of known) byCategory.set(item.category, (byCategory.get(item.category) ?? 0) + (item.monthly ?? 0));
    const parts = [...byCategory].sort(([, a], [, b]) => b - a).map(([category, amount]) => `${category} ${formatUsd(amount)}`);
    const notPriced = unknown.map((item) => item.item).join(", ");
    let totalText: string;
    let breakdown: string;
    const prices = `prices of ${this.prices.written}`;
    if (!this.hasRegion(this.region)) {
      totalText = "unknown";
      breakdown = `unknown/month in ${this.region}: the price table (${prices}) has no prices for ${this.region}`;
    } else if (known.length === 0 && unknown.length > 0) {
      totalText = "unknown";
      breakdown = `unknown/month in ${this.region} (${prices}); not priced: ${notPriced}`;
    } else {
      totalText = total === null ? `at least ${formatUsd(atLeast)}/month` : `${formatUsd(total)}/month`;
      breakdown = `${totalText} in ${this.region} (${prices})${parts.length > 0 ? `: ${parts.join(", ")}` : ""}${unknown.length > 0 ? `; not priced: ${notPriced}` : ""}`;
    }
    const perUse = this.usage.map((line) => `${line.item} ${line.unitPrice === null ? "unknown" : formatUsd(line.unitPrice)}/${line.unit}`);
    if (perUse.length > 0) breakdown += `; per use, not in the total: ${perUse.join(", ")}`;
    return { region: this.region, items: this.items, total, atLeast, unknown, totalText, usage: this.usage, breakdown, pricesWritten: this.prices.written };
  }
}

const HANDLERS: Record<string, Handler> = {
  aws_instance(context, resource) {
    const { properties } = resource;
    const instanceType = literalString(properties.instance_type);
    context.priced(resource, "EC2", instanceType ?? "instance type not literal", HOURS_PER_MONTH, "hour", ["ec2", instanceType ?? "?"]);

    const root = asBlocks(properties.root_block_device)[0] ?? {};
    context.volume(resource, {
      label: "root volume",
      sizeGb: literalNumber(root.volume_size),
      type: literalString(root.volume_type),
      iops: literalNumber(root.iops),
      throughput: literalNumber(root.throughput),
    });
    for (const block of asBlocks(properties.ebs_block_device)) {
      context.volume(resource, {
        label: `volume ${literalString(block.device_name) ?? ""}`.trim(),
        sizeGb: literalNumber(block.volume_size),
        type: literalString(block.volume_type) ?? "gp2",
        iops: literalNumber(block.iops),
        throughput: literalNumber(block.throughput),
      });
    }
    if (hasAutoAssignedPublicIp(context.terraform, resource)) {
      context.priced(resource, "Public IPv4", "auto-assigned public IPv4", HOURS_PER_MONTH, "address-hour", ["vpc", "publicIpv4Hour"]);
    }
  },

  aws_ebs_volume(context, resource) {
    const { properties } = resource;
    context.volume(resource, {
      label: "volume",
      sizeGb: literalNumber(properties.size),
      // The AWS provider's default type.
      type: literalString(properties.type) ?? "gp2",
      iops: literalNumber(properties.iops),
      throughput: literalNumber(properties.throughput),
    });
  },

  aws_eip(context, resource) {
    // Since 1 Feb 2024 every public IPv4 address costs the same, attached or idle.
    context.priced(resource, "Public IPv4", "Elastic IP", HOURS_PER_MONTH, "address-hour", ["vpc", "publicIpv4Hour"]);
  },

  aws_nat_gateway(context, resource) {
    context.priced(resource, "NAT", "NAT gateway", HOURS_PER_MONTH, "hour", ["vpc", "natGatewayHour"]);
    context.priced(resource, "NAT", "NAT data processed", context.assume.natGbPerMonth, "GB", ["vpc", "natGatewayGb"], `assumed ${context.assume.natGbPerMonth} GB/month`);
  },

  aws_vpc_endpoint(context, resource) {
    const { properties } = resource;
    const type = literalString(properties.vpc_endpoint_type) ?? "Gateway";
    const service = literalString(properties.service_name) ?? "?";
    if (type === "Gateway") return; // S3 and DynamoDB gateway endpoints are free.
    if (type !== "Interface") {
      context.add({ item: `${resource.type}.${resource.name}: ${type} ${service}`, category: "VPC endpoints", quantity: null, unit: "hour", unitPrice: null, source: `no price for ${type} endpoints in the table` });
      return;
    }
    const subnets = Array.isArray(properties.subnet_ids) ? properties.subnet_ids.length : null;
    const hours = subnets === null ? null : subnets * HOURS_PER_MONTH;
    context.priced(resource, "VPC endpoints", `interface endpoint ${service} in ${subnets ?? "?"} AZ`, hours, "endpoint-AZ-hour", ["vpc", "interfaceEndpointAzHour"]);
    context.priced(resource, "VPC endpoints", `${service} data processed`, context.assume.endpointGbPerMonth, "GB", ["vpc", "interfaceEndpointGb"], `assumed ${context.assume.endpointGbPerMonth} GB/month`);
  },

  aws_cloudwatch_metric_alarm(context, resource) {
    const { properties } = resource;
    // A health alarm watches one custom metric that the gateway's watch timer publishes (one per host).
    const metric = properties.metric_name;
    if (metric === HOST_METRICS.gatewayMetric || metric === HOST_METRICS.nodeMetric) {
      context.priced(resource, "CloudWatch", `health metric ${String(metric)} (the gateway's watch timer)`, 1, "metric-month", ["cloudwatch", "customMetricMonth"]);
    }
    // CloudWatch bills an alarm per metric it reads: one, or each metric of its metric math.
    const queried = asBlocks(properties.metric_query).flatMap((query) => asBlocks(query.metric));
    const metrics = queried.length > 0 ? queried : [properties];
    const periods = metrics.map((watched) => literalNumber(watched.period));
    const highResolution = periods.some((period) => period !== null && period < 60);
    context.priced(
      resource,
      "CloudWatch",
      `${highResolution ? "high-resolution" : "standard"} alarm${metrics.length > 1 ? ` on ${metrics.length} metrics` : ""}`,
      metrics.length,
      "alarm-metric-month",
      ["cloudwatch", highResolution ? "highResolutionAlarmMonth" : "standardAlarmMonth"],
    );
    // The Bedrock model the stack watches is the one it pays per token for (see addBedrockUsage).
    for (const watched of metrics) {
      const model = (watched.dimensions as Record<string, unknown> | undefined)?.ModelId;
      if (watched.namespace === "AWS/Bedrock" && typeof model === "string") context.bedrockModels.set(model, context.regionOf(resource));
    }
  },

  aws_cloudwatch_dashboard(context, resource) {
    context.priced(resource, "CloudWatch", "dashboard", 1, "dashboard-month", ["cloudwatch", "dashboardMonth"]);
  },

  aws_cloudwatch_log_group(context, resource) {
    context.logGroup(resource);
  },

  aws_flow_log(context, resource) {
    const destination = literalString(resource.properties.log_destination_type) ?? "cloud-watch-logs";
    const gb = context.assume.flowLogGbPerMonth;
    const group = String(resource.properties.log_destination).match(/^\$\{aws_cloudwatch_log_group\.([^.]+)\.arn\}/)?.[1];
    // Delivered to a log group of the stack: that group prices what it ingests (logGroup).
    if (destination === "cloud-watch-logs" && group !== undefined && context.terraform.resource?.aws_cloudwatch_log_group?.[group]) return;
    if (destination !== "cloud-watch-logs") {
      context.add({ item: `${resource.type}.${resource.name}: flow logs to ${destination}`, category: "CloudWatch", quantity: gb, unit: "GB", unitPrice: null, source: `no price for flow logs delivered to ${destination} in the table`, note: `assumed ${gb} GB/month` });
      return;
    }
    context.priced(resource, "CloudWatch", "flow log ingestion", gb, "GB", ["cloudwatch", "logsIngestionGb"], `assumed ${gb} GB/month`);
  },

  aws_budgets_budget(context, resource) {
    // A budget without actions costs nothing (AWS Price List: "$0.00 for Budget-days").
    context.priced(resource, "Budgets", "budget (no actions)", 1, "budget-month", ["budgets", "budgetMonth"]);
  },

  aws_kms_key(context, resource) {
    context.priced(resource, "KMS", "customer managed key", 1, "key-month", ["kms", "keyMonth"]);
    const requests = context.assume.kmsRequestsPerKey;
    context.priced(resource, "KMS", "requests", requests / 10_000, "10k requests", ["kms", "requestsPer10k"], `assumed ${requests} requests/month`);
  },

  aws_cloudtrail(context, resource) {
    const selectors = resource.properties.event_selector ?? resource.properties.advanced_event_selector;
    context.priced(resource, "CloudTrail", "management events (first copy is free)", 1, "trail-month", ["cloudtrail", "firstManagementTrailMonth"], "free only if it is the account's first trail of management events");
    if (selectors !== undefined) {
      context.add({ item: `${resource.type}.${resource.name}: event selectors (data events?)`, category: "CloudTrail", quantity: null, unit: "100k events", unitPrice: null, source: "no price for data events in the table" });
    }
    if (resource.properties.kms_key_id !== undefined) {
      // CloudTrail asks KMS for a data key per log file it delivers.
      const requests = context.assume.trailDeliveriesPerMonth;
      context.priced(resource, "KMS", "requests for the log files' data keys", requests / 10_000, "10k requests", ["kms", "requestsPer10k"], `assumed ${requests} log files/month`);
    }
  },

  aws_s3_bucket(context, resource) {
    const reference = `\${aws_s3_bucket.${resource.name}.`;
    const inBucket = (type: string, attribute: string) =>
      Object.values(context.terraform.resource?.[type] ?? {}).map((value) => value as Properties).filter((value) => String(value[attribute]).startsWith(reference));
    const trail = inBucket("aws_cloudtrail", "s3_bucket_name").length > 0;
    if (!trail) {
      // A bucket that holds only the files the stack puts in it is priced by them (aws_s3_object).
      if (inBucket("aws_s3_object", "bucket").length > 0) return;
      context.add({ item: `${resource.type}.${resource.name}: storage`, category: "S3", quantity: null, unit: "GB-month", unitPrice: context.price(context.regionOf(resource), "s3", "standardGbMonth").unitPrice, source: "what the bucket will hold is not in the stack" });
      return;
    }
    const expiry = inBucket("aws_s3_bucket_lifecycle_configuration", "bucket")
      .flatMap((lifecycle) => asBlocks(lifecycle.rule))
      .flatMap((rule) => asBlocks(rule.expiration))
      .map((expiration) => literalNumber(expiration.days))
      .find((days): days is number => days !== null);
    const months = expiry ? (expiry * 24) / HOURS_PER_MONTH : context.assume.monthsKeptWithoutExpiry;
    const gb = context.assume.trailGbPerMonth;
    const kept = expiry ? `${expiry} days kept` : `no expiry: ${months} months accumulated`;
    context.priced(resource, "S3", "CloudTrail log storage", gb * months, "GB-month", ["s3", "standardGbMonth"], `assumed ${gb} GB/month of trail logs, ${kept}`);
    const puts = context.assume.trailDeliveriesPerMonth;
    context.priced(resource, "S3", "CloudTrail log deliveries (PUT)", puts / 1000, "1k requests", ["s3", "putRequestsPer1k"], `assumed ${puts} log files/month`);
  },

  aws_s3_object(context, resource) {
    const content = templateText(resource.properties.content);
    const mb = content === null ? context.assume.uploadedObjectMb : Buffer.byteLength(content) / 1_000_000;
    const note = content === null ? `assumed at most ${context.assume.uploadedObjectMb} MB (a file the stack uploads)` : undefined;
    context.priced(resource, "S3", "stored file", mb / 1000, "GB-month", ["s3", "standardGbMonth"], note);
  },

  aws_ssm_parameter(context, resource) {
    if (literalString(resource.properties.tier) !== "Advanced") return; // Standard parameters are free.
    context.priced(resource, "SSM", "advanced parameter", 1, "parameter-month", ["ssm", "advancedParameterMonth"]);
  },

  aws_sns_topic(context, resource) {
    const publishes = context.assume.snsPublishesPerTopic;
    context.priced(resource, "SNS", "publishes", publishes / 1_000_000, "1M publishes", ["sns", "publishesPerMillion"], `assumed ${publishes} publishes/month`);
    if (resource.properties.kms_master_key_id !== undefined) {
      // A publish to an encrypted topic costs GenerateDataKey and Decrypt (at most, with SNS reusing data keys).
      const requests = 2 * publishes;
      context.priced(resource, "KMS", "requests for encrypted publishes", requests / 10_000, "10k requests", ["kms", "requestsPer10k"], `assumed ${publishes} publishes/month, 2 requests each`);
    }
  },

  aws_bedrock_guardrail(context, resource) {
    // Its content filters (prompt attack included) are billed per text unit evaluated; the guardrail itself costs nothing.
    const units = context.assume.guardrailTextUnitsPerMonth;
    context.priced(resource, "Bedrock Guardrails", "content filters", units / 1_000, "1k text units", ["bedrockGuardrails", "contentFilterPer1kTextUnits"], `assumed ${units} text units/month`);
  },

  aws_secretsmanager_secret(context, resource) {
    context.priced(resource, "Secrets Manager", "secret", 1, "secret-month", ["secretsManager", "secretMonth"]);
    const calls = context.assume.secretApiCallsPerSecret;
    context.priced(resource, "Secrets Manager", "API calls", calls / 10_000, "10k calls", ["secretsManager", "apiCallsPer10k"], `assumed ${calls} calls/month`);
  },

  aws_dlm_lifecycle_policy(context, resource) {
    context.priced(resource, "Snapshots", "DLM policy (free)", 1, "policy-month", ["dlm", "policyMonth"]);
    const details = asBlocks(resource.properties.policy_details)[0] ?? {};
    const targetTags = (details.target_tags ?? {}) as Record<string, unknown>;
    const retained = asBlocks(details.schedule)
      .flatMap((schedule) => asBlocks(schedule.retain_rule))
      .reduce<number | null>((sum, rule) => (sum === null ? null : add(sum, literalNumber(rule.count))), 0);
    const volumes = volumesTaggedWith(context, targetTags);
    const base = context.assume.snapshotBaseGb;
    const changed = context.assume.snapshotChangedGb;
    const gb =
      retained === null || volumes.some((size) => size === null)
        ? null
        : volumes.reduce<number>((sum, size) => sum + Math.min(size ?? 0, base) + retained * changed, 0);
    context.priced(
      resource,
      "Snapshots",
      `snapshots of ${volumes.length} volumes, ${retained ?? "?"} kept`,
      gb,
      "GB-month",
      ["ebs", "snapshotGbMonth"],
      `assumed per volume: a first snapshot of min(size, ${base}) GB, then ${changed} GB per kept snapshot`,
    );
  },
};

/** Sizes of the data volumes (aws_ebs_volume) whose tags include every target tag. */
function volumesTaggedWith(context: EstimateContext, targetTags: Record<string, unknown>): (number | null)[] {
  return Object.values(context.terraform.resource?.aws_ebs_volume ?? {})
    .map((value) => value as Properties)
    .filter((volume) => {
      const tags = context.tagsOf(volume);
      return Object.entries(targetTags).every(([key, value]) => tags[key] === value);
    })
    .map((volume) => literalNumber(volume.size));
}

/**
 * An instance pays for an auto-assigned public IPv4 address when it asks for one and no Elastic IP
 * replaces it (associating an EIP releases the auto-assigned address).
 */
function hasAutoAssignedPublicIp(terraform: TerraformDocument, resource: Resource): boolean {
  if (resource.properties.associate_public_ip_address !== true) return false;
  const reference = `\${aws_instance.${resource.name}.id}`;
  const eipTargets = [
    ...Object.values(terraform.resource?.aws_eip_association ?? {}).map((value) => (value as Properties).instance_id),
    ...Object.values(terraform.resource?.aws_eip ?? {}).map((value) => (value as Properties).instance),
  ];
  return !eipTargets.includes(reference);
}

function copiesOf(properties: Properties): number | null {
  if (properties.for_each !== undefined) return null;
  if (properties.count === undefined) return 1;
  return literalNumber(properties.count);
}

function literalNumber(value: unknown): number | null {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\d+(\.\d+)?$/.test(value)) return Number(value);
  return null;
}

function literalString(value: unknown): string | null {
  return typeof value === "string" && !value.includes("${") ? value : null;
}

/** A Terraform string template without references (its `$${` and `%%{` are literal), as the text it makes. */
function templateText(value: unknown): string | null {
  if (typeof value !== "string" || /(?<!\$)\$\{|(?<!%)%\{/.test(value.replace(/\$\$\{|%%\{/g, ""))) return null;
  return value.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}

/** Terraform JSON nests blocks as an object or a list of objects. */
function asBlocks(value: unknown): Properties[] {
  if (Array.isArray(value)) return value.filter((entry): entry is Properties => typeof entry === "object" && entry !== null);
  return typeof value === "object" && value !== null ? [value as Properties] : [];
}

function add(a: number, b: number | null): number | null {
  return b === null ? null : a + b;
}

function roundCents(amount: number): number {
  return Math.round(amount * 100) / 100;
}
