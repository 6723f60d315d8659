// The cdktf app entry (cdktf.json "app"). It runs main.ts as one CommonJS bundle that esbuild builds with
// every package inside (types are only stripped, never checked: that is `npm run typecheck`), with Node's
// own compile cache on. A synth then neither resolves and reads hundreds of package files nor compiles
// again what the previous synth compiled (`npm run bench`); running TypeScript through a loader instead
// costs about 0.6 s on every synth.
//
// The bundle is rebuilt when a file it is built from is newer than it. The compile cache is Node's
// (`module.enableCompileCache`, Node >= 22.1; older Node.js runs the bundle without it): Node keys it by
// the file's content and its own version, and drops what no longer matches.
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire, enableCompileCache } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, ".build", "main.js");
const require = createRequire(import.meta.url);

/** Modification time of a file, or -1 when it does not exist. */
function modified(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * The newest of what the bundle is built from: main.ts, every file under src/ (its .json files are
 * bundled too), tsconfig.json (esbuild reads it), the installed packages (npm rewrites
 * node_modules/.package-lock.json on every install) and this script (the build settings).
 */
function newestInput() {
  let newest = Math.max(
    ...["main.ts", "tsconfig.json", "package-lock.json", "node_modules/.package-lock.json", "scripts/app.mjs"].map((file) => modified(join(root, file))),
  );
  for (const entry of readdirSync(join(root, "src"), { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, modified(join(entry.parentPath, entry.name)));
  }
  return newest;
}

/**
 * cdktf's asset module (cdktf/lib/private/fs.js) zips an archive asset by running `node <its own file>`:
 * inside the bundle that file would be the bundle, so it stays outside and loads from node_modules.
 */
const cdktfAssetModuleOutside = {
  name: "cdktf-asset-module-outside",
  setup(build) {
    build.onResolve({ filter: /^\.\/private\/fs$/ }, ({ resolveDir }) =>
      /[\\/]node_modules[\\/]cdktf[\\/]lib$/.test(resolveDir) ? { path: "cdktf/lib/private/fs.js", external: true } : undefined,
    );
  },
};

async function buildBundle() {
  const {
    outputFiles: [output],
  } = await require("esbuild").build({
    entryPoints: [join(root, "main.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    // A package's ES module build first: jsonc-parser's `main` is a UMD file whose inner requires esbuild
    // cannot follow.
    mainFields: ["module", "main"],
    outfile: bundle,
    write: false,
    logLevel: "warning",
    plugins: [cdktfAssetModuleOutside],
  });
  // Write then rename, so a synth running in parallel never loads a half-written bundle.
  const partial = `${bundle}.${process.pid}`;
  mkdirSync(dirname(bundle), { recursive: true });
  writeFileSync(partial, output.contents);
  renameSync(partial, bundle);
}

if (modified(bundle) < newestInput()) await buildBundle();
enableCompileCache?.(join(root, ".build", "compile-cache"));
require(bundle);
