// Preloaded by scripts/bench.mjs: when this process exits, writes its peak resident memory (KiB) and the
// CPU time it used (user + system, microseconds) to the file named by env BENCH_RSS_FILE, as JSON.
const { writeFileSync } = require("node:fs");

process.on("exit", () => {
  if (!process.env.BENCH_RSS_FILE) return;
  const { user, system } = process.cpuUsage();
  writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, cpuMicros: user + system }));
});
