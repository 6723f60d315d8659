// The cdktf app entry (cdktf.json "app"). It runs main.ts as one CommonJS bundle that esbuild builds with
// every package inside (cdktf's asset module in a bundle of its own beside it, see below; types are only
// stripped, never checked: that is `npm run typecheck`), with Node's own compile cache on. A synth then
// neither resolves and reads hundreds of package files nor compiles again what the previous synth compiled
// (`npm run bench`); running TypeScript through a loader instead costs about 0.6 s on every synth.
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
 * cdktf's asset module (cdktf/lib/private/fs.js, loaded at every synth) zips an archive asset by running
 * `node <its own file>`: inside the main bundle that file would be the bundle. So it is a bundle of its own
 * beside main.js, archiver inside: its file is still its own, and a synth does not resolve and read the
 * 200 files of archiver and its dependencies (about 0.1 s of each synth, `npm run bench`).
 */
const ASSET_MODULE = "cdktf-asset-module";
const assetModuleApart = {
  name: "cdktf-asset-module-apart",
  setup(build) {
    build.onResolve({ filter: /^\.\/private\/fs$/ }, ({ resolveDir }) =>
      /[\\/]node_modules[\\/]cdktf[\\/]lib$/.test(resolveDir) ? { path: `./${ASSET_MODULE}.js`, external: true } : undefined,
    );
  },
};

async function buildBundle() {
  const { outputFiles } = await require("esbuild").build({
    entryPoints: { main: join(root, "main.ts"), [ASSET_MODULE]: require.resolve("cdktf/lib/private/fs.js") },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    // A package's ES module build first: jsonc-parser's `main` is a UMD file whose inner requires esbuild
    // cannot follow.
    mainFields: ["module", "main"],
    outdir: dirname(bundle),
    write: false,
    logLevel: "warning",
    // A third less to read and hash at every synth (about 30 ms of 0.5 s, `npm run bench`); names are
    // kept, so a stack trace still names its functions.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [assetModuleApart],
  });
  // Write then rename, so a synth running in parallel never loads a half-written file; main.js last, so
  // one that loads the new main.js finds the asset module it requires.
  mkdirSync(dirname(bundle), { recursive: true });
  for (const output of outputFiles.sort((a, b) => Number(a.path === bundle) - Number(b.path === bundle))) {
    const partial = `${output.path}.${process.pid}`;
    writeFileSync(partial, output.contents);
    renameSync(partial, output.path);
  }
}

// Both files of a build: main.js cannot run without the asset module beside it.
const assetModule = join(dirname(bundle), `${ASSET_MODULE}.js`);
if (Math.min(modified(bundle), modified(assetModule)) < newestInput()) await buildBundle();
enableCompileCache?.(join(root, ".build", "compile-cache"));
require(bundle);
