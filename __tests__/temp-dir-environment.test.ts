/**
 * __tests__/temp-dir-environment.cjs, in a jest run of its own over two small test files: each file runs
 * with TMPDIR in a folder of its own (what its tests and the processes they start see alike, of /tmp's
 * mode), and the folder is gone after it; a folder with something still mounted below it is kept and
 * named, never removed through the mount; KEEP_E2E keeps every one.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const JEST = path.join(ROOT, "node_modules", "jest", "bin", "jest.js");

const WRITES = `const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
test("writes into its temp folder", () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "left-behind-"));
  fs.writeFileSync(path.join(folder, "file"), "x");
  const child = execFileSync(process.execPath, ["-p", "require('node:os').tmpdir()"], { encoding: "utf8" }).trim();
  const mode = fs.statSync(os.tmpdir()).mode & 0o7777;
  fs.writeFileSync(process.env.REPORT, JSON.stringify({ tmpdir: os.tmpdir(), env: process.env.TMPDIR, child, mode }));
});
`;

const MOUNTS = `const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
test("leaves a mount behind", () => {
  const point = path.join(os.tmpdir(), "still-mounted");
  fs.mkdirSync(point);
  execFileSync("mount", ["-t", "tmpfs", "tmpfs", point]);
  fs.writeFileSync(path.join(point, "inside"), "must survive");
  fs.writeFileSync(process.env.REPORT, point);
});
`;

let base: string;

beforeEach(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "temp-dir-environment-"));
});

afterEach(() => {
  fs.rmSync(base, { recursive: true, force: true });
});

/** Runs `source` as the only test file of a jest run with the environment, TMPDIR at `base`. */
function runJest(source: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const project = fs.mkdtempSync(path.join(base, "project-"));
  fs.writeFileSync(path.join(project, "fixture.test.js"), source);
  const config = { rootDir: project, testEnvironment: path.join(ROOT, "__tests__", "temp-dir-environment.cjs"), transform: {} };
  const report = path.join(project, "report");
  const result = spawnSync(process.execPath, [JEST, "--config", JSON.stringify(config), "--ci"], {
    cwd: project,
    env: { ...process.env, TMPDIR: base, REPORT: report, ...extraEnv },
    encoding: "utf8",
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}`, report: fs.existsSync(report) ? fs.readFileSync(report, "utf8") : "" };
}

const fileFolders = () => fs.readdirSync(base).filter((name) => name.startsWith("openclaw-aws-jest-"));

test("a test file, and what it starts, get a temp folder of the file's own; it is removed after the file", () => {
  const run = runJest(WRITES);
  expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.any(String) });
  const { tmpdir, env, child, mode } = JSON.parse(run.report) as { tmpdir: string; env: string; child: string; mode: number };
  expect(path.dirname(tmpdir)).toBe(base);
  expect(mode.toString(8)).toBe("1777"); // as /tmp: a step run as another user reaches the folders a test makes
  expect(path.basename(tmpdir)).toMatch(/^openclaw-aws-jest-/);
  expect([env, child]).toEqual([tmpdir, tmpdir]);
  expect(fileFolders()).toEqual([]);
});

test("with KEEP_E2E the folder is kept, and the run says where", () => {
  const run = runJest(WRITES, { KEEP_E2E: "1" });
  expect(run.code).toBe(0);
  const { tmpdir } = JSON.parse(run.report) as { tmpdir: string };
  expect(run.output).toContain(`KEEP_E2E: the test file's temp folder is kept: ${tmpdir}`);
  expect(fs.readdirSync(tmpdir).filter((name) => name.startsWith("left-behind-"))).toHaveLength(1);
});

const canMount = process.getuid?.() === 0 && spawnSync("mount", ["--version"]).status === 0;

(canMount ? test : test.skip)("a folder with a mount still below it is kept and named, and nothing is removed through the mount", () => {
  const run = runJest(MOUNTS);
  const point = run.report;
  try {
    expect(run.code).toBe(0);
    expect(point).not.toBe("");
    expect(run.output).toContain(`${path.dirname(point)} is kept: still mounted below it: ${point}`);
    expect(fs.readFileSync(path.join(point, "inside"), "utf8")).toBe("must survive");
  } finally {
    if (point) spawnSync("umount", [point]);
  }
});
