/**
 * Prints the monthly cost of the deployment the configuration makes, priced from the synthesized stacks.
 *
 *   npm run cost [-- --config <file>] [--json]
 *
 * It synthesizes exactly as `cdktf synth` does — the app command of cdktf.json (scripts/app.mjs →
 * main.ts) with CDKTF_OUTDIR pointing at a temporary folder — so what is priced is what would be
 * deployed. The configuration is read like synth reads it (--config, else env OPENCLAW_CONFIG, else
 * openclaw.config.json, else the defaults); an invalid one prints its problems and exits 1.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type CostEstimate, estimateMonthlyCost, formatUsd, HOURS_PER_MONTH } from "../src/cost/estimate";
import { PROJECT_ROOT } from "../src/project-root";

interface Manifest {
  readonly stacks: Record<string, { readonly synthesizedStackPath: string }>;
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run cost [-- --config <file>] [--json]\n`);
  process.exit(2);
}

function readArguments(): { config?: string; json: boolean } {
  try {
    const { values } = parseArgs({ options: { config: { type: "string" }, json: { type: "boolean", default: false } } });
    return { config: values.config, json: values.json ?? false };
  } catch (error) {
    usage((error as Error).message);
  }
}

/** Synthesizes every stack of the app into a temporary folder and estimates each one. */
function estimateStacks(config: string | undefined): Record<string, CostEstimate> | undefined {
  const outdir = mkdtempSync(join(tmpdir(), "openclaw-cost-"));
  try {
    const env = { ...process.env, CDKTF_OUTDIR: outdir, ...(config ? { OPENCLAW_CONFIG: resolve(config) } : {}) };
    const app = JSON.parse(readFileSync(join(PROJECT_ROOT, "cdktf.json"), "utf8")) as { app: string };
    const synth = spawnSync(app.app, { cwd: PROJECT_ROOT, env, shell: true, stdio: ["ignore", "inherit", "inherit"] });
    if (synth.status !== 0) return undefined;
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as Manifest;
    return Object.fromEntries(
      Object.entries(manifest.stacks).map(([name, stack]) => [
        name,
        estimateMonthlyCost(JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), "utf8"))),
      ]),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function amount(value: number | null, digits: number): string {
  return value === null ? "unknown" : `$${value.toFixed(digits)}`;
}

function table(name: string, estimate: CostEstimate): string {
  const rows = estimate.items.map((line) => [
    line.item,
    line.quantity === null ? "unknown" : `${Number(line.quantity.toFixed(4))} ${line.unit}`,
    line.unitPrice === null ? "unknown" : `${amount(line.unitPrice, 4)}/${line.unit}`,
    amount(line.monthly, 2),
  ]);
  const header = ["Item", "Quantity / month", "Unit price", "Monthly"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const format = (row: string[]) => row.map((cell, column) => (column === 3 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join("  ");
  const notes = [...new Set(estimate.items.flatMap((line) => (line.note ? [`  - ${line.item}: ${line.note}`] : [])))];
  return [
    `Stack ${name} (${estimate.region}, ${HOURS_PER_MONTH} hours/month, prices of ${estimate.pricesWritten}):`,
    format(header),
    format(widths.map((width) => "-".repeat(width))),
    ...rows.map(format),
    `Total: ${estimate.totalText}`,
    ...(estimate.unknown.length > 0
      ? [`Not priced, so there is no total, only a lower bound: ${estimate.unknown.map((line) => `${line.item} (${line.source})`).join(", ")}`]
      : []),
    ...(estimate.usage.length > 0
      ? [
          "Per use, not in the total:",
          ...estimate.usage.map(
            (line) =>
              `  - ${line.item}: ${line.unitPrice === null ? `unknown (${line.source})` : `${formatUsd(line.unitPrice)}/${line.unit}`}; ${line.note}: ${amount(line.exampleMonthly, 2)}/month`,
          ),
        ]
      : []),
    ...(notes.length > 0 ? ["Assumptions:", ...notes] : []),
  ].join("\n");
}

function main(): void {
  const { config, json } = readArguments();
  const estimates = estimateStacks(config);
  if (!estimates) {
    process.exitCode = 1;
    return;
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(estimates, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${Object.entries(estimates).map(([name, estimate]) => table(name, estimate)).join("\n\n")}\n`);
}

main();
