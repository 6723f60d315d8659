#!/usr/bin/env node
// /usr/local/lib/openclaw-aws/merge-config.mjs — merges the keys openclaw-aws owns into the live
// openclaw.json that OpenClaw itself writes (`openclaw config set`, `plugins install`, the Control UI).
//
//   node merge-config.mjs --managed <fragment.json> --live <openclaw.json> --applied <applied.json | ->
//                         [--disable <path>]... [--openclaw-dir <OpenClaw package dir>]
//
// The managed fragment is rendered from the deployment's configuration. Every leaf in it (a value that
// is not a plain object; an array is one leaf) is owned: it overwrites the live value. Everything
// else in the live file stays as the user or OpenClaw left it. A leaf the previous run applied (the
// fragment of then, --applied) that the fragment no longer has is removed, so dropping a channel from the
// deployment drops what the project wrote for it. `--disable channels.discord` sets that block's `enabled` to
// false in the fragment (a channel whose secret is not set yet). The live file is read as JSON5
// (OpenClaw's own parser, from its package) and written as JSON like OpenClaw writes it, atomically,
// only when something changed. Run it as the service user so that the file stays the user's own: the boot
// (root) keeps the applied fragment where that user cannot reach it, hands it over on stdin
// (--applied -; empty means none) and records the new one itself once this succeeded.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    managed: { type: "string" },
    live: { type: "string" },
    applied: { type: "string" },
    disable: { type: "string", multiple: true, default: [] },
    "openclaw-dir": { type: "string", default: "/opt/openclaw-aws/openclaw/current" },
  },
});
for (const name of ["managed", "live", "applied"]) {
  if (!args[name]) fail(`missing --${name}`);
}

function fail(message) {
  console.error(`merge-config: ${message}`);
  process.exit(1);
}

// OpenClaw's own JSON5, resolved from the package's real folder: `current` is a link, and the locked install
// (npm ci) keeps its dependencies beside the package, not inside it.
const JSON5 = createRequire(path.join(fs.realpathSync(args["openclaw-dir"]), "package.json"))("json5");

function isPlainObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function readJson5(file, fallback) {
  let text;
  try {
    text = fs.readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (error) {
    if (error.code === "ENOENT" && fallback !== undefined) return fallback;
    fail(`cannot read ${file}: ${error.message}`);
  }
  if (text.trim() === "" && fallback !== undefined) return fallback;
  try {
    const value = JSON5.parse(text);
    if (!isPlainObject(value)) fail(`${file} is not an object`);
    return value;
  } catch (error) {
    fail(`${file} is not valid JSON5, left as it is: ${error.message}`);
  }
}

/** Key paths of every leaf of `object` (an empty object owns nothing). */
function leafPaths(object, prefix = []) {
  return Object.entries(object).flatMap(([key, value]) => (isPlainObject(value) ? leafPaths(value, [...prefix, key]) : [[...prefix, key]]));
}

function getPath(object, keys) {
  return keys.reduce((node, key) => (isPlainObject(node) ? node[key] : undefined), object);
}

function setPath(object, keys, value) {
  let node = object;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key];
  }
  node[keys[keys.length - 1]] = value;
}

/** Deletes the leaf, then every parent object that this left empty. */
function deletePath(object, keys) {
  const parents = [object];
  for (const key of keys.slice(0, -1)) {
    const next = parents[parents.length - 1][key];
    if (!isPlainObject(next)) return;
    parents.push(next);
  }
  delete parents[parents.length - 1][keys[keys.length - 1]];
  for (let i = parents.length - 1; i > 0 && Object.keys(parents[i]).length === 0; i--) delete parents[i - 1][keys[i - 1]];
}

const managed = readJson5(args.managed);
for (const dotted of args.disable) {
  const keys = dotted.split(".");
  if (!isPlainObject(getPath(managed, keys))) fail(`--disable ${dotted}: the managed fragment has no such block`);
  setPath(managed, [...keys, "enabled"], false);
}
const applied = readJson5(args.applied, {});
const live = readJson5(args.live, {});

const changes = [];
const owned = new Set(leafPaths(managed).map((keys) => keys.join(".")));
for (const keys of leafPaths(applied)) {
  if (!owned.has(keys.join(".")) && getPath(live, keys) !== undefined) {
    deletePath(live, keys);
    changes.push(`removed ${keys.join(".")} (no longer configured)`);
  }
}
for (const keys of leafPaths(managed)) {
  const want = getPath(managed, keys);
  if (JSON.stringify(getPath(live, keys)) !== JSON.stringify(want)) {
    setPath(live, keys, structuredClone(want));
    changes.push(`set ${keys.join(".")}`);
  }
}

function writeAtomically(file, object, mode) {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, `${JSON.stringify(object, null, 2)}\n`, { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}

if (changes.length === 0) {
  console.error(`merge-config: ${args.live} already has every managed key`);
} else {
  let mode = 0o600;
  try {
    mode = fs.statSync(args.live).mode & 0o777;
  } catch {
    /* first boot: a new file, private to the service user */
  }
  writeAtomically(args.live, live, mode);
  for (const change of changes) console.error(`merge-config: ${change}`);
}
