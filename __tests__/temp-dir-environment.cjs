/**
 * jest's node environment, with a temp folder of each test file's own: TMPDIR (what os.tmpdir() and every
 * process a test starts read) points into it while the file runs, and it is removed after the file's last
 * hook. What cdktf's Testing leaves (a folder per app and per fullSynth) and whatever a test did not clean
 * up goes with it, instead of piling up in /tmp run after run. KEEP_E2E=1 keeps it, and says where.
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { TestEnvironment } = require("jest-environment-node");

/** Mount points below `folder` in this process's mount table (/proc/self/mountinfo, octal escapes decoded). */
function mountsBelow(folder) {
  let table;
  try {
    table = fs.readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return [];
  }
  return table
    .split("\n")
    .map((line) => (line.split(" ")[4] ?? "").replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8))))
    .filter((mountPoint) => mountPoint.startsWith(`${folder}/`));
}

class TempDirEnvironment extends TestEnvironment {
  constructor(config, context) {
    // Set before jest copies this process's environment into the test's `process.env`.
    const outerTmpdir = process.env.TMPDIR;
    const tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-aws-jest-"));
    // /tmp's mode: the host tests run steps as the service user (runuser), which must reach their folders.
    fs.chmodSync(tmpdir, 0o1777);
    process.env.TMPDIR = tmpdir;
    super(config, context);
    this.outerTmpdir = outerTmpdir;
    this.tmpdir = tmpdir;
  }

  async teardown() {
    if (this.outerTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = this.outerTmpdir;
    if (process.env.KEEP_E2E) {
      process.stdout.write(`KEEP_E2E: the test file's temp folder is kept: ${this.tmpdir}\n`);
    } else {
      // Never recurse through a mount that a failed cleanup left behind (a container's root binds host folders).
      const mounts = mountsBelow(this.tmpdir);
      if (mounts.length > 0) process.stderr.write(`${this.tmpdir} is kept: still mounted below it: ${mounts.join(", ")}\n`);
      else fs.rmSync(this.tmpdir, { recursive: true, force: true });
    }
    await super.teardown();
  }
}

module.exports = TempDirEnvironment;
