/**
 * The host's OpenClaw install step, for real: the rendered install-runtime.sh puts the pinned Node and
 * npm in place, then the rendered install-openclaw.sh downloads OpenClaw's lock from the install-files
 * bucket (moto's S3, as the instance role reads it on AWS), checks it against the sha256 in host.env and
 * runs `npm ci --ignore-scripts` against the real npm registry. A lock that does not match its hash, or a
 * tarball that does not match the lock, fails loudly and leaves nothing installed. Paths are moved into a
 * temp dir by appending overrides to the rendered host.env.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EMULATOR_CREDENTIALS } from "../../src/config/emulator";
import { OPENCLAW_LOCK_FILE, OPENCLAW_PIN, openclawLockSha256 } from "../../src/config/pins";
import { openclawLockKey } from "../../src/host/context";
import { renderNodeHost } from "../../src/node/node-context";
import { nodeFixture } from "./fixtures";
import { run, tempDir, writeRendered } from "./helpers";

jest.setTimeout(15 * 60_000);

const describeX64 = os.arch() === "x64" ? describe : describe.skip;
const BUCKET = `openclaw-test-pkg-${process.pid}`;
const REGION = "eu-west-1";

describeX64("install-openclaw.sh (npm method: the lock from S3, the real npm registry)", () => {
  const endpoint = process.env.OPENCLAW_TEST_ENDPOINT!;
  const s3 = new S3Client({ endpoint, region: REGION, forcePathStyle: true, credentials: EMULATOR_CREDENTIALS });
  const lib = "/usr/local/lib/openclaw-aws";
  let root: string;
  let envFile: string;

  /** Renders a node whose lock is `lock` (its sha256 in host.env, the object at its key), paths under `root`. */
  async function prepare(lock: Buffer): Promise<void> {
    const sha256 = createHash("sha256").update(lock).digest("hex");
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: openclawLockKey(sha256), Body: lock }));
    writeRendered(root, renderNodeHost(nodeFixture({}, { region: REGION, openclaw: { method: "npm", version: OPENCLAW_PIN.version, lock: { bucket: BUCKET, key: openclawLockKey(sha256), sha256 } } })));
    envFile = path.join(root, "test-host.env");
    fs.writeFileSync(
      envFile,
      fs.readFileSync(path.join(root, "etc/openclaw-aws/host.env"), "utf8") +
        [`OPENCLAW_AWS_PREFIX='${root}/opt/openclaw-aws'`, `OPENCLAW_AWS_BIN_DIR='${root}/usr/local/bin'`, `OPENCLAW_AWS_LIB_DIR='${root}${lib}'`, ""].join("\n"),
    );
  }

  function script(name: string) {
    const env = {
      ...process.env,
      OPENCLAW_AWS_ENV_FILE: envFile,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    };
    return run(path.join(root, lib, name), [], { env, timeout: 10 * 60_000 });
  }

  /** Node and npm first, as prepare-host.sh runs them. */
  function installRuntime(): void {
    const runtime = script("install-runtime.sh");
    expect(runtime.status).toBe(0);
  }

  const openclawDir = () => path.join(root, "opt/openclaw-aws/openclaw");

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  });
  beforeEach(() => {
    root = tempDir("openclaw-install");
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("refuses a lock that does not match its sha256, and installs nothing", async () => {
    await prepare(fs.readFileSync(OPENCLAW_LOCK_FILE));
    // The object at the lock's key is not the lock host.env names: a swapped object.
    const real = openclawLockSha256();
    const swapped = Buffer.from(fs.readFileSync(OPENCLAW_LOCK_FILE, "utf8").replace('"name": "openclaw-aws-openclaw"', '"name": "swapped"'));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: openclawLockKey(real), Body: swapped }));
    installRuntime();
    const result = script("install-openclaw.sh");
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: openclawLockKey(real), Body: fs.readFileSync(OPENCLAW_LOCK_FILE) }));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(new RegExp(`FATAL: checksum mismatch for OpenClaw's lock: expected sha256 ${real}, got [0-9a-f]{64}`));
    expect(fs.readdirSync(openclawDir())).toEqual([]);
  });

  it("fails when a tarball does not match the lock, and leaves nothing half-installed", async () => {
    // A lock that disagrees with the registry about one package: what a swapped tarball looks like to npm.
    const lock = JSON.parse(fs.readFileSync(OPENCLAW_LOCK_FILE, "utf8"));
    lock.packages["node_modules/ms"].integrity = `sha512-${Buffer.alloc(64, 7).toString("base64")}`;
    await prepare(Buffer.from(JSON.stringify(lock, null, 2)));
    installRuntime();
    const result = script("install-openclaw.sh");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/EINTEGRITY/);
    expect(result.stderr).toMatch(/FAILED \(exit \d+\)/);
    expect(fs.readdirSync(openclawDir())).toEqual([]);
  });

  it("installs exactly the locked tree for this platform, every tarball checked; a second run changes nothing", async () => {
    await prepare(fs.readFileSync(OPENCLAW_LOCK_FILE));
    installRuntime();
    const started = Date.now();
    const first = script("install-openclaw.sh");
    process.stdout.write(`[install-openclaw] npm ci of the lock took ${Date.now() - started} ms\n`);
    expect(first.stderr).toMatch(/checksum ok \(sha256\) for OpenClaw's lock/);
    expect(first.status).toBe(0);
    const dest = path.join(openclawDir(), `npm-${OPENCLAW_PIN.version}`);
    expect(fs.readFileSync(path.join(dest, ".complete"), "utf8").trim()).toBe(openclawLockSha256());
    expect(fs.readFileSync(path.join(dest, "package-lock.json"))).toEqual(fs.readFileSync(OPENCLAW_LOCK_FILE));
    expect(fs.realpathSync(path.join(openclawDir(), "current"))).toBe(path.join(dest, "node_modules/openclaw"));
    const node = path.join(root, "usr/local/bin/node");
    expect(run(node, [path.join(openclawDir(), "current/openclaw.mjs"), "--version"]).stdout).toContain(OPENCLAW_PIN.version);
    // Every package of the lock for this platform is there at the lock's version (npm's own record of the tree).
    const lock = JSON.parse(fs.readFileSync(OPENCLAW_LOCK_FILE, "utf8")).packages as Record<string, { version: string; os?: string[]; cpu?: string[]; libc?: string[] }>;
    const installed = JSON.parse(fs.readFileSync(path.join(dest, "node_modules/.package-lock.json"), "utf8")).packages as Record<string, { version: string }>;
    const forThisHost = Object.entries(lock).filter(([key, pkg]) => key !== "" && (pkg.os ?? ["linux"]).includes("linux") && (pkg.cpu ?? ["x64"]).includes("x64") && (pkg.libc ?? ["glibc"]).includes("glibc"));
    expect(Object.fromEntries(Object.entries(installed).map(([key, pkg]) => [key, pkg.version]))).toEqual(Object.fromEntries(forThisHost.map(([key, pkg]) => [key, pkg.version])));

    const second = script("install-openclaw.sh");
    expect(second.status).toBe(0);
    expect(second.stderr).toMatch(/already installed/);
    expect(second.stderr).not.toMatch(/downloading OpenClaw's lock/);
  });
});
