// Preloaded by scripts/bench.mjs: records this process's peak resident memory (KiB) when it exits.
const { writeFileSync } = require("node:fs");

process.on("exit", () => {
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
