/**
 * How many CloudWatch custom metrics one host's CloudWatch agent emits, read from the agent config
 * template every host gets (templates/common/amazon-cloudwatch-agent.json).
 *
 * CloudWatch bills each distinct (namespace, metric name, dimension set) as one metric. The rule, per
 * section of `metrics.metrics_collected`:
 * - every measurement counts once per dimension set the section produces;
 * - `cpu`: one set for `totalcpu` (on unless `false`, dimension cpu=cpu-total); `resources` adds one per
 *   core, which depends on the instance type, so it makes the count unknown;
 * - `disk`, `diskio`, `net`, `netstat`-style sections with `resources`: one set per listed resource; a
 *   `*` or no `resources` means "every device/mount" and makes the count unknown;
 * - any other section (`mem`, `swap`, `processes`): one set.
 * `append_dimensions` (InstanceId, InstanceType) make every metric per host but do not multiply it.
 * `aggregation_dimensions` would add shared roll-ups: unsupported here, so the count is unknown.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TEMPLATES_DIR } from "../host/render";

export const AGENT_CONFIG_TEMPLATE = join(TEMPLATES_DIR, "common/amazon-cloudwatch-agent.json");

/** Sections whose metrics are per device or mount point. */
const PER_RESOURCE_SECTIONS = new Set(["disk", "diskio", "net", "ethtool", "nvidia_gpu"]);

/** The number of custom metrics per host, or null when the config makes it depend on the host. */
export function agentMetricsPerHost(templateText: string = readFileSync(AGENT_CONFIG_TEMPLATE, "utf8")): number | null {
  // The template's handlebars expressions ({{json ...}}) stand only in value positions: as null it parses.
  const config = JSON.parse(templateText.replace(/\{\{.*?\}\}/g, "null")) as {
    metrics?: { metrics_collected?: Record<string, SectionConfig>; aggregation_dimensions?: unknown };
  };
  const metrics = config.metrics;
  if (!metrics?.metrics_collected) return 0;
  if (metrics.aggregation_dimensions !== undefined) return null;
  let total = 0;
  for (const [section, settings] of Object.entries(metrics.metrics_collected)) {
    const sets = dimensionSets(section, settings);
    if (sets === null) return null;
    total += (settings.measurement ?? []).length * sets;
  }
  return total;
}

interface SectionConfig {
  readonly measurement?: readonly unknown[];
  readonly resources?: readonly string[];
  readonly totalcpu?: boolean;
}

function dimensionSets(section: string, settings: SectionConfig): number | null {
  if (section === "cpu") {
    if (settings.resources !== undefined) return null;
    return settings.totalcpu === false ? 0 : 1;
  }
  if (PER_RESOURCE_SECTIONS.has(section)) {
    const resources = settings.resources;
    if (!resources || resources.includes("*")) return null;
    return resources.length;
  }
  return 1;
}
