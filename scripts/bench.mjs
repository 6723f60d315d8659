// `npm run bench`: wall time and peak memory of synthesizing the default stack, as a user's
// `cdktf synth` runs it (one whole `node scripts/app.mjs` process), median of several runs.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const TARGET_SECONDS = 0.5;
const TARGET_MIB = 150;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = mkdtempSync(join(tmpdir(), "openclaw-bench-"));
const rssFile = join(work, "max-rss");
const env = { ...process.env, CDKTF_OUTDIR: join(work, "out"), BENCH_RSS_FILE: rssFile };
delete env.OPENCLAW_CONFIG; // the default stack
delete env.OPENCLAW_LOCAL_ENDPOINT;

function synthOnce() {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["--require", join(root, "scripts/max-rss.cjs"), "scripts/app.mjs"], {
    cwd: root,
    env,
    encoding: "utf8",
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`synth failed (exit ${result.status}):\n${result.stderr}`);
  return { seconds, mib: Number(readFileSync(rssFile, "utf8")) / 1024 };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

try {
  synthOnce(); // builds the bundle if a source changed, as the first synth after an edit does
  const runs = Array.from({ length: RUNS }, synthOnce);
  const stack = JSON.parse(readFileSync(join(work, "out/stacks/openclaw/cdk.tf.json"), "utf8"));
  const resources = Object.values(stack.resource).reduce((count, byName) => count + Object.keys(byName).length, 0);
  const seconds = median(runs.map((run) => run.seconds));
  const mib = median(runs.map((run) => run.mib));
  const verdict = (ok) => (ok ? "ok" : "OVER TARGET");
  console.log(`synth of the default stack (${resources} resources), ${RUNS} runs, whole process:`);
  console.log(`  wall time  median ${seconds.toFixed(3)} s   min ${Math.min(...runs.map((r) => r.seconds)).toFixed(3)} s   max ${Math.max(...runs.map((r) => r.seconds)).toFixed(3)} s   target ${TARGET_SECONDS} s  ${verdict(seconds <= TARGET_SECONDS)}`);
  console.log(`  peak RSS   median ${mib.toFixed(1)} MiB   max ${Math.max(...runs.map((r) => r.mib)).toFixed(1)} MiB   target ${TARGET_MIB} MiB  ${verdict(mib <= TARGET_MIB)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
