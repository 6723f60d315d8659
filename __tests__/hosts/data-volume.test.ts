/**
 * The rendered data-volume.sh on a real block device (a loop device over an image file), each run in its
 * own mount namespace with its own copy of /etc: like a fresh instance getting the same volume.
 * Shows: a blank volume is formatted once and mounted by UUID through fstab with nofail; the next
 * "instance" finds the filesystem, keeps it and its files; a missing device fails after the bounded wait.
 * Needs root and loop devices; skipped (loudly) without them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { renderGatewayHost } from "../../src/hosts/gateway";
import { gatewayFixture } from "./fixtures";
import { run, tempDir, writeRendered } from "./helpers";

const canRun = process.getuid?.() === 0 && fs.existsSync("/dev/loop-control") && run("losetup", ["--version"]).status === 0;
if (!canRun) process.stderr.write("SKIPPED data-volume.test.ts: needs root and loop devices (losetup)\n");
const maybe = canRun ? describe : describe.skip;

maybe("data-volume.sh on a real block device", () => {
  let work: string;
  let loop = "";
  let stateDir: string;
  let script: string;
  let envFile: string;

  /** Runs data-volume.sh as a new instance would (own mounts, own /etc); `after` runs in the same namespace. */
  function instance(after = "", env: Record<string, string> = {}, command = script) {
    const etc = path.join(work, `etc-${Math.random().toString(36).slice(2)}`);
    fs.cpSync("/etc", etc, { recursive: true, verbatimSymlinks: true });
    fs.writeFileSync(path.join(etc, "fstab"), "# fresh instance\n");
    const body = `set -e; mount --bind ${etc} /etc; ${command}; ${after}`;
    return run("unshare", ["-m", "--propagation", "private", "bash", "-c", body], { env: { ...process.env, ...env }, timeout: 120_000 });
  }

  beforeAll(() => {
    work = tempDir("data-volume");
    const image = path.join(work, "volume.img");
    fs.writeFileSync(image, "");
    fs.truncateSync(image, 64 * 1024 * 1024);
    loop = run("losetup", ["--find", "--show", image]).stdout.trim();
    expect(loop).toMatch(/^\/dev\/loop\d+$/);

    const host = path.join(work, "host");
    writeRendered(host, renderGatewayHost(gatewayFixture()));
    stateDir = path.join(host, "var/lib/openclaw");
    // The attached device name, as the udev link AL2023 makes for it.
    fs.mkdirSync(path.join(host, "dev"));
    fs.symlinkSync(loop, path.join(host, "dev/sdf"));
    envFile = path.join(host, "etc/openclaw-aws/host.env");
    const env = fs
      .readFileSync(envFile, "utf8")
      .replace(/'\/(usr\/local\/lib\/openclaw-aws|var\/lib\/openclaw|var\/log\/openclaw-boot\.log|dev\/sdf)'/g, (_, p: string) => `'${host}/${p}'`);
    fs.writeFileSync(envFile, `${env}OPENCLAW_AWS_USER='root'\n`);
    script = `OPENCLAW_AWS_ENV_FILE=${envFile} ${path.join(host, "usr/local/lib/openclaw-aws/data-volume.sh")}`;
  });

  afterAll(() => {
    if (loop) run("losetup", ["-d", loop]);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("formats a blank volume once, mounts it by UUID with nofail, and a new instance keeps it", () => {
    const first = instance(`echo paired > ${stateDir}/marker; findmnt -n -o SOURCE,TARGET ${stateDir}; cat /etc/fstab`);
    expect(first.stderr).toMatch(/is blank: formatting it \(ext4\)/);
    expect(first.status).toBe(0);
    const uuid = run("blkid", ["-p", "-s", "UUID", "-o", "value", loop]).stdout.trim();
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.stdout).toContain(`${loop} ${stateDir}`);
    expect(first.stdout).toContain(`UUID=${uuid} ${stateDir} ext4 defaults,noatime,nofail 0 2\n`);
    // The mount belonged to that "instance": nothing is left mounted here.
    expect(fs.existsSync(path.join(stateDir, "marker"))).toBe(false);

    const second = instance(`cat ${stateDir}/marker; grep -c ' ${stateDir} ' /etc/fstab`);
    expect(second.status).toBe(0);
    expect(second.stderr).toMatch(/has a filesystem: keeping it/);
    expect(second.stderr).not.toMatch(/formatting/);
    expect(second.stdout).toBe("paired\n1\n");
    expect(run("blkid", ["-p", "-s", "UUID", "-o", "value", loop]).stdout.trim()).toBe(uuid);

    // Run again on the same instance: already mounted, nothing else happens.
    const again = instance(script);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/the data volume is mounted at/);
  });

  it("fails, naming the device, when no volume is attached within the wait", () => {
    const otherEnv = path.join(work, "no-volume.env");
    fs.writeFileSync(otherEnv, fs.readFileSync(envFile, "utf8").replace(/dev\/sdf'/, "dev/sdg'"));
    const missing = instance("", { OPENCLAW_AWS_DATA_VOLUME_WAIT: "3" }, script.replace(envFile, otherEnv));
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/FATAL: no data volume at \S+\/dev\/sdg after 3 s/);
  });
});
