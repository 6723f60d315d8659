// The cdktf app entry (cdktf.json "app"). It runs main.ts as JavaScript bundled by esbuild:
// types are only stripped, never checked (that is `npm run typecheck`), and the bundle is rebuilt
// only when a source file is newer than it. Running TypeScript through a loader instead costs
// about 0.6 s on every synth.
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, ".build", "main.js");
const require = createRequire(import.meta.url);

function newestSource() {
  let newest = statSync(join(root, "main.ts")).mtimeMs;
  for (const entry of readdirSync(join(root, "src"), { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(".ts")) {
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

function bundleTime() {
  try {
    return statSync(bundle).mtimeMs;
  } catch {
    return -1;
  }
}

if (bundleTime() < newestSource()) {
  const [output] = require("esbuild").buildSync({
    entryPoints: [join(root, "main.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    packages: "external",
    outfile: bundle,
    write: false,
    logLevel: "warning",
  }).outputFiles;
  // Write then rename, so a synth running in parallel never loads a half-written bundle.
  const partial = `${bundle}.${process.pid}`;
  mkdirSync(dirname(bundle), { recursive: true });
  writeFileSync(partial, output.contents);
  renameSync(partial, bundle);
}
require(bundle);
