// `npm run bench`: how synth time and memory grow with the number of nodes (issue 11), in one run.
//
// Each case is one whole process of the app command `cdktf synth` spawns (cdktf.json "app":
// `node scripts/app.mjs`, with CDKTF_OUTDIR set), timed from spawn to exit. The cdktf CLI's own start-up
// (about a second, the same whatever the stack) is NOT included. The floor is `node -e 'require("cdktf")'`.
// Cases run in turn, round by round, so a change of the machine's speed hits them alike; a ratio is the
// median of the per-round ratios. The targets are checked here: run by hand, exit 1 naming each one missed.
// With `--report` (what `npm test`, so CI, runs) a missed target is printed as MISSED and the exit is 0: a
// ratio of sub-second wall times on a shared machine swings by more than any margin, so no timing may fail
// CI. A synth that fails, or a case that cannot be measured, exits 1 in either mode.
//
// env BENCH_RUNS (default 11): rounds of floor, default, 1 node and 50 nodes; BENCH_RUNS_250 (default 2):
// synths of 250 nodes (judged by peak memory only).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expandForEach } from "../src/cost/for-each";
import { PROJECT_ROOT as root } from "../src/project-root";

const TARGETS = {
  defaultOverFloor: 2.0,
  fiftyOverOne: 1.5,
  peakMiB250: 250,
};
const REPORT_ONLY = process.argv.includes("--report");
const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const RUNS_250 = Number(process.env.BENCH_RUNS_250 ?? 2);
if (!(Number.isInteger(RUNS) && RUNS >= 1 && Number.isInteger(RUNS_250) && RUNS_250 >= 1)) {
  throw new Error(`BENCH_RUNS and BENCH_RUNS_250 must be whole numbers >= 1 (got ${RUNS}, ${RUNS_250})`);
}

const work = mkdtempSync(join(tmpdir(), "openclaw-bench-"));
const usageFile = join(work, "usage.json");
const preload = ["--require", join(root, "scripts/max-rss.cjs")];

/** A deployment with `count` nodes named node-1 ... node-<count>; null: the defaults (an empty config). */
function configFile(name: string, count: number | null): string {
  const file = join(work, `${name}.json`);
  const config = count === null ? {} : { nodes: Array.from({ length: count }, (_, index) => ({ name: `node-${index + 1}` })) };
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** One synth case: its runs, and how many nodes its synthesized stack must have. */
interface BenchCase {
  readonly label: string;
  readonly args: string[];
  readonly config?: string;
  runs: Run[];
}

/** A synth of a deployment with this many nodes. */
type SynthCase = BenchCase & { readonly config: string; readonly nodes: number };

interface Run {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly mib: number;
}

function synthCase(label: string, nodes: number, count: number | null): SynthCase {
  return { label, args: [...preload, "scripts/app.mjs"], config: configFile(label, count), nodes, runs: [] };
}

const floor: BenchCase = { label: "floor", args: [...preload, "-e", 'require("cdktf")'], runs: [] };
const byDefault = synthCase("default", 1, null);
const one = synthCase("1 node", 1, 1);
const fifty = synthCase("50 nodes", 50, 50);
const big = synthCase("250 nodes", 250, 250);

function runOnce(benchCase: BenchCase): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: join(work, "out"), BENCH_RSS_FILE: usageFile };
  delete env.OPENCLAW_LOCAL_ENDPOINT;
  if (benchCase.config) env.OPENCLAW_CONFIG = benchCase.config;
  rmSync(usageFile, { force: true });
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, benchCase.args, { cwd: root, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    const reason = (result.stderr || result.error?.message || "").trim().split("\n").find((line) => line.trim()) ?? `exit ${result.status}`;
    throw new Error(`${benchCase.label}: synth failed (exit ${result.status}): ${reason}`);
  }
  const usage = JSON.parse(readFileSync(usageFile, "utf8"));
  const run = { seconds, cpuSeconds: usage.cpuMicros / 1e6, mib: usage.maxRssKiB / 1024 };
  benchCase.runs.push(run);
  return run;
}

/**
 * The synthesized stack has the gateway and one instance per node: the bench timed a real synth. Counts
 * what Terraform will plan (a resource made per key, for_each, once per key).
 */
function checkSynthesized(benchCase: SynthCase): number {
  const stack = expandForEach(JSON.parse(readFileSync(join(work, "out/stacks/openclaw/cdk.tf.json"), "utf8")) as { resource: Record<string, Record<string, unknown>> });
  const instances = Object.keys(stack.resource.aws_instance ?? {}).length;
  if (instances !== benchCase.nodes + 1) throw new Error(`${benchCase.label}: expected ${benchCase.nodes + 1} instances, synthesized ${instances}`);
  return Object.values(stack.resource).reduce((count, byName) => count + Object.keys(byName).length, 0);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const pairedRatio = (a: BenchCase, b: BenchCase, figure: keyof Run = "seconds"): number => median(a.runs.map((run, index) => run[figure] / b.runs[index][figure]));
/** The same ratio in CPU time: what to read when other work shares the machine and stretches wall time. */
const cpuRatio = (a: BenchCase, b: BenchCase): string => `(cpu ${pairedRatio(a, b, "cpuSeconds").toFixed(2)}x)`;

const missed: string[] = [];
function check(what: string, value: number, target: number, unit: string): string {
  const ok = value <= target;
  if (!ok) missed.push(`${what} ${value.toFixed(2)}${unit} > ${target}${unit}`);
  return `${value.toFixed(2)}${unit}  target <= ${target}${unit}  ${ok ? "ok" : "MISSED"}`;
}

try {
  runOnce(byDefault); // builds the bundle (and fills the compile cache) if a source changed, as the first synth after an edit does
  byDefault.runs = [];
  const resources: Record<string, number> = {};
  for (let round = 0; round < RUNS; round++) {
    runOnce(floor);
    for (const benchCase of [byDefault, one, fifty]) {
      runOnce(benchCase);
      if (round === 0) resources[benchCase.label] = checkSynthesized(benchCase);
    }
  }
  // 250 nodes last, caught so that the table of the other cases still prints before the failure does.
  let bigError;
  try {
    for (let run = 0; run < RUNS_250; run++) runOnce(big);
    resources[big.label] = checkSynthesized(big);
  } catch (error) {
    bigError = error;
  }

  console.log(`synth: one whole \`node scripts/app.mjs\` process each (what \`cdktf synth\` runs; the CLI's own start-up not included)`);
  console.log(`${"case".padEnd(10)} ${"runs".padStart(4)} ${"wall median".padStart(12)} ${"min".padStart(7)} ${"max".padStart(7)} ${"cpu median".padStart(11)} ${"peak RSS".padStart(10)}  resources`);
  for (const benchCase of [floor, byDefault, one, fifty, big]) {
    const { runs } = benchCase;
    if (runs.length === 0) continue;
    const seconds = runs.map((run) => run.seconds);
    console.log(
      `${benchCase.label.padEnd(10)} ${String(runs.length).padStart(4)} ${median(seconds).toFixed(3).padStart(10)} s ${Math.min(...seconds).toFixed(3).padStart(7)} ${Math.max(...seconds).toFixed(3).padStart(7)} ${median(runs.map((run) => run.cpuSeconds)).toFixed(3).padStart(9)} s ${Math.max(...runs.map((run) => run.mib)).toFixed(1).padStart(6)} MiB  ${resources[benchCase.label] ?? ""}`,
    );
  }
  console.log(`default / floor (wall, median of ${RUNS} rounds): ${check("default / floor", pairedRatio(byDefault, floor), TARGETS.defaultOverFloor, "x")} ${cpuRatio(byDefault, floor)}`);
  console.log(`50 nodes / 1 node (wall, median of ${RUNS} rounds): ${check("50 nodes / 1 node", pairedRatio(fifty, one), TARGETS.fiftyOverOne, "x")} ${cpuRatio(fifty, one)}`);
  if (bigError) throw bigError; // could not measure: a failure in either mode
  console.log(`250 nodes peak RSS (max of ${RUNS_250}): ${check("250 nodes peak RSS", Math.max(...big.runs.map((run) => run.mib)), TARGETS.peakMiB250, " MiB")}`);
  if (missed.length > 0 && REPORT_ONLY) {
    console.log(`bench: ${missed.length} target(s) MISSED (reported, not gated; \`npm run bench\` gates): ${missed.join("; ")}`);
  } else if (missed.length > 0) {
    console.log(`bench: ${missed.length} target(s) missed: ${missed.join("; ")}`);
    process.exitCode = 1;
  } else {
    console.log("bench: every target met");
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
