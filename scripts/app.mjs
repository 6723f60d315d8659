// The cdktf app entry (cdktf.json "app"). It runs main.ts as one CommonJS bundle that esbuild builds with
// every package inside (types are only stripped, never checked: that is `npm run typecheck`), through
// V8's code cache of that bundle. A synth then neither resolves and reads hundreds of package files nor
// compiles again what the previous synth compiled (issue 11: `npm run bench`). Running TypeScript through
// a loader instead costs about 0.6 s on every synth.
//
// The bundle is rebuilt when a file it is built from is newer than it; the code cache is written after a
// synth that succeeded, for the exact bundle file that synth ran, and V8 itself rejects a cache made by
// another Node.js version or with other V8 flags (the next successful synth then writes a new one).
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, ".build", "main.js");
const codeCache = join(root, ".build", "main.js.v8-cache");
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
 * cdktf's index loads cdktf/lib/private/fs.js, and with it archiver (zip) and its dependencies, for
 * TerraformAsset alone: about a third of loading cdktf, and this app has no asset. In the bundle that
 * module is a stand-in that loads the real one from node_modules at its first use, where the real one's
 * zip step (it runs `node <its own file>`) still finds itself. A build where cdktf no longer imports it
 * that way fails, rather than bundle the real one (whose zip step would then run the bundle).
 */
const CDKTF_ASSET_FILES = "cdktf/lib/private/fs.js";
const deferCdktfAssetFiles = {
  name: "defer-cdktf-asset-files",
  setup(build) {
    build.onResolve({ filter: /^\.\/private\/fs$/ }, ({ resolveDir }) =>
      /[\\/]node_modules[\\/]cdktf[\\/]lib$/.test(resolveDir) ? { path: CDKTF_ASSET_FILES, namespace: "deferred" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "deferred" }, ({ path }) => ({
      contents: `let loaded;\nmodule.exports = new Proxy({}, { get: (_, name) => (loaded ??= require(${JSON.stringify(path)}))[name] });\n`,
      loader: "js",
    }));
    build.onResolve({ filter: /^cdktf\/lib\/private\/fs\.js$/ }, ({ path }) => ({ path, external: true }));
  },
};

/**
 * cdktf records where each token was made (`creationStack`, read only to explain a token that cannot be
 * resolved) as the formatted lines of a stack trace of every frame: at 50 nodes that was a fifth of the
 * synth's CPU. In the bundle its stack-trace module keeps the nearest frames, enough to name the code that
 * made the token, and formats them only when something reads them (V8 formats `stack` on first access).
 */
const TOKEN_TRACE_FRAMES = 12;
const lazyCdktfTokenTraces = {
  name: "lazy-cdktf-token-traces",
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/ }, ({ path }) => {
      const source = readFileSync(path, "utf8");
      const expected = ["exports.captureStackTrace = captureStackTrace;", "Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;", '.map((s) => s.replace(/^\\s*at\\s+/, ""));'];
      const missing = expected.find((line) => !source.includes(line));
      if (missing) throw new Error(`scripts/app.mjs: ${path} no longer has ${missing} update lazyCdktfTokenTraces`);
      return {
        contents: `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.captureStackTrace = captureStackTrace;
function captureStackTrace(below) {
  const trace = {};
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = ${TOKEN_TRACE_FRAMES};
    Error.captureStackTrace(trace, below || captureStackTrace);
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
  let lines;
  const frames = () => (lines ??= trace.stack ? trace.stack.split("\\n").slice(1).map((s) => s.replace(/^\\s*at\\s+/, "")) : []);
  return new Proxy([], {
    get: (_, name) => {
      const value = Reflect.get(frames(), name);
      return typeof value === "function" ? value.bind(frames()) : value;
    },
    has: (_, name) => Reflect.has(frames(), name),
  });
}
`,
        loader: "js",
      };
    });
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
    outfile: bundle,
    write: false,
    logLevel: "warning",
    plugins: [deferCdktfAssetFiles, lazyCdktfTokenTraces],
  });
  if (!output.text.includes(`require(${JSON.stringify(CDKTF_ASSET_FILES)})`)) {
    throw new Error("scripts/app.mjs: cdktf no longer imports ./private/fs from cdktf/lib; update deferCdktfAssetFiles");
  }
  // Write then rename, so a synth running in parallel never loads a half-written bundle.
  const partial = `${bundle}.${process.pid}`;
  mkdirSync(dirname(bundle), { recursive: true });
  writeFileSync(partial, output.contents);
  renameSync(partial, bundle);
}

/** The bundle's source, and a key naming this very file (a rebuilt bundle of the same length has another). */
function readBundle() {
  const descriptor = openSync(bundle, "r");
  try {
    const { size, mtimeMs, ino } = fstatSync(descriptor);
    return { source: readFileSync(descriptor, "utf8"), key: `${ino}:${size}:${mtimeMs}` };
  } finally {
    closeSync(descriptor);
  }
}

/** The code cache file: the bundle's key, a line break, then V8's data. */
function readCodeCache(key) {
  try {
    const file = readFileSync(codeCache);
    const lineEnd = file.indexOf(10);
    return file.subarray(0, lineEnd).toString() === key ? file.subarray(lineEnd + 1) : undefined;
  } catch {
    return undefined;
  }
}

function writeCodeCache(key, data) {
  try {
    const partial = `${codeCache}.${process.pid}`;
    writeFileSync(partial, Buffer.concat([Buffer.from(`${key}\n`), data]));
    renameSync(partial, codeCache);
  } catch {
    // A read-only project folder: every synth compiles the bundle, nothing else changes.
  }
}

if (modified(bundle) < newestInput()) await buildBundle();
const { source, key } = readBundle();
const cachedData = readCodeCache(key);
// The wrapper Node.js gives a CommonJS file, on the bundle's first line so its line numbers stay right.
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
// The cache is taken after the synth, so it holds every function the synth compiled, not only the top level.
if ((cachedData === undefined || script.cachedDataRejected) && !process.exitCode) writeCodeCache(key, script.createCachedData());
