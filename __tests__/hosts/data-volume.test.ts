/**
 * The rendered data-volume.sh on real block devices (loop devices over image files), each run in its own
 * mount namespace with its own copy of /etc (where the service user is created, as prepare-host.sh does):
 * like a fresh instance getting the same volume.
 * Shows: a blank volume is formatted once, mounted by UUID through fstab with nofail at the volume dir
 * (root's), its state folder (the service user's, fixed uid) bound at the state dir; the next "instance"
 * finds the filesystem and keeps it and its files; a missing device fails after the bounded wait. And a
 * volume of the earlier layout (its root was the state dir, of the old instance's uid) is migrated: every
 * file kept, given to the fixed uid, the gateway's TLS key and applied config kept where root keeps them,
 * also when the old state dir is hostile (links to root's files, a FIFO, a hard link, an oversized or
 * `__proto__` JSON): nothing outside the state folder changes, and nothing is adopted that is not valid.
 * Needs root and loop devices; skipped (loudly) without them.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { HOST_LAYOUT } from "../../src/host/layout";
import { renderGatewayHost } from "../../src/gateway/gateway-context";
import { gatewayFixture } from "./fixtures";
import { run, tempDir, writeRendered } from "./helpers";

const canRun = process.getuid?.() === 0 && fs.existsSync("/dev/loop-control") && run("losetup", ["--version"]).status === 0;
if (!canRun) process.stderr.write("SKIPPED data-volume.test.ts: needs root and loop devices (losetup)\n");
const maybe = canRun ? describe : describe.skip;

jest.setTimeout(5 * 60_000);

const UID = HOST_LAYOUT.serviceUid;
/** The service user's uid on the instance that wrote an earlier-layout volume (useradd's pick there). */
const OLD_UID = 990;

maybe("data-volume.sh on a real block device", () => {
  let work: string;
  let host: string;
  let stateDir: string;
  let volumeDir: string;
  let script: string;
  let envFile: string;
  const loops: string[] = [];

  /** A loop device over a new sparse image; `setup` (bash, $1 = where it is mounted) fills an ext4 on it first. */
  function volume(name: string, setup?: string): string {
    const image = path.join(work, `${name}.img`);
    fs.writeFileSync(image, "");
    fs.truncateSync(image, 64 * 1024 * 1024);
    const loop = run("losetup", ["--find", "--show", image]).stdout.trim();
    expect(loop).toMatch(/^\/dev\/loop\d+$/);
    loops.push(loop);
    if (setup) {
      expect(run("mkfs.ext4", ["-q", loop]).status).toBe(0);
      const mnt = path.join(work, `${name}.mnt`);
      fs.mkdirSync(mnt);
      const built = run("unshare", ["-m", "--propagation", "private", "bash", "-euc", `mount ${loop} ${mnt}; set -- ${mnt}; ${setup}; cd /; umount ${mnt}`, "build"]);
      expect(built.stderr).toBe("");
      expect(built.status).toBe(0);
    }
    return loop;
  }

  /**
   * Runs data-volume.sh as a new instance would (own mounts, own /etc with the service user, the volume's
   * udev link); `after` runs in the same namespace.
   */
  function instance(loop: string, after = "", env: Record<string, string> = {}, command = script) {
    const etc = path.join(work, `etc-${crypto.randomBytes(4).toString("hex")}`);
    fs.cpSync("/etc", etc, { recursive: true, verbatimSymlinks: true });
    fs.writeFileSync(path.join(etc, "fstab"), "# fresh instance\n");
    fs.rmSync(path.join(host, "dev/sdf"), { force: true });
    fs.symlinkSync(loop, path.join(host, "dev/sdf"));
    const user = `groupadd --system --gid ${UID} openclaw && useradd --system --uid ${UID} --gid ${UID} -M -s /usr/sbin/nologin openclaw`;
    const body = `set -e; mount --bind ${etc} /etc; ${user}; ${command}; ${after}`;
    return run("unshare", ["-m", "--propagation", "private", "bash", "-c", body], { env: { ...process.env, ...env }, timeout: 120_000 });
  }

  /** owner:group mode of a path (not following a link). */
  function stat(file: string): string {
    return run("stat", ["-c", "%u:%g %a %F", file]).stdout.trim();
  }

  /** A TLS key and certificate as gateway-cert.sh makes them, and the certificate's fingerprint. */
  function tlsPair(dir: string): { key: string; cert: string; fingerprint: string } {
    fs.mkdirSync(dir, { recursive: true });
    const key = path.join(dir, "gateway.key");
    const cert = path.join(dir, "gateway.crt");
    expect(run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30", "-subj", "/CN=openclaw-gateway", "-keyout", key, "-out", cert]).status).toBe(0);
    return { key, cert, fingerprint: fingerprintOf(fs.readFileSync(cert, "utf8")) };
  }

  function fingerprintOf(pem: string): string {
    return run("openssl", ["x509", "-noout", "-fingerprint", "-sha256"], { input: pem }).stdout.trim();
  }

  /**
   * What the earlier layout left on a gateway's volume (data-volume.sh, gateway-cert.sh and boot-gateway.sh
   * before this version): the volume's root is the state dir, all of it the old uid's but aws/tls (root's
   * folder, a root certificate, the key chowned to the service user).
   */
  function earlierLayout(tls: { key: string; cert: string }, applied: string): string {
    return [
      `cd "$1"`,
      `mkdir -p workspace state aws/tls npm/projects/p`,
      `echo '{"gateway":{"mode":"local"}}' > openclaw.json`,
      `echo memory > workspace/MEMORY.md`,
      `echo sqlite > state/openclaw.sqlite`,
      `echo plugin > npm/projects/p/index.js`,
      `printf '%s' '${applied}' > aws/openclaw.applied.json`,
      `cp ${tls.key} aws/tls/gateway.key && chmod 0600 aws/tls/gateway.key`,
      `cp ${tls.cert} aws/tls/gateway.crt && chmod 0644 aws/tls/gateway.crt`,
      `chown -R ${OLD_UID}:${OLD_UID} "$1" && chown root:root aws/tls aws/tls/gateway.crt && chmod 0750 "$1"`,
    ].join("; ");
  }

  beforeAll(() => {
    work = tempDir("data-volume");
    // The service user reads the old state dir's files through these folders.
    fs.chmodSync(work, 0o755);
    host = path.join(work, "host");
    writeRendered(host, renderGatewayHost(gatewayFixture()));
    stateDir = path.join(host, HOST_LAYOUT.stateDir);
    volumeDir = path.join(host, HOST_LAYOUT.volumeDir);
    // The attached device name, as the udev link AL2023 makes for it (pointed at each test's volume).
    fs.mkdirSync(path.join(host, "dev"));
    envFile = path.join(host, "etc/openclaw-aws/host.env");
    const env = fs
      .readFileSync(envFile, "utf8")
      .replace(/'\/(usr\/local\/lib\/openclaw-aws|var\/lib\/openclaw-aws|var\/lib\/openclaw|var\/log\/openclaw-boot\.log|dev\/sdf)(?=['/])/g, (_, p: string) => `'${host}/${p}`);
    fs.writeFileSync(envFile, env);
    script = `OPENCLAW_AWS_ENV_FILE=${envFile} ${path.join(host, "usr/local/lib/openclaw-aws/data-volume.sh")}`;
  });

  afterAll(() => {
    for (const loop of loops) run("losetup", ["-d", loop]);
  });

  it("formats a blank volume once, mounts it by UUID with nofail, binds the service user's state folder; a new instance keeps it", () => {
    const loop = volume("blank");
    const first = instance(loop, `echo paired > ${stateDir}/marker; findmnt -n -o SOURCE,TARGET ${volumeDir}; findmnt -n -o TARGET ${stateDir}; cat /etc/fstab; stat -c '%u:%g %a' ${volumeDir} ${volumeDir}/openclaw`);
    expect(first.stderr).toMatch(/is blank: formatting it \(ext4\)/);
    expect(first.status).toBe(0);
    const uuid = run("blkid", ["-p", "-s", "UUID", "-o", "value", loop]).stdout.trim();
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.stdout).toContain(`${loop} ${volumeDir}\n${stateDir}\n`);
    expect(first.stdout).toContain(`UUID=${uuid} ${volumeDir} ext4 defaults,noatime,nofail 0 2\n`);
    expect(first.stdout).toContain(`${volumeDir}/openclaw ${stateDir} none bind,nofail,x-systemd.requires-mounts-for=${volumeDir} 0 0\n`);
    // The volume's root is root's; only the state folder is the service user's (its fixed uid).
    expect(first.stdout).toContain(`0:0 755\n${UID}:${UID} 750\n`);
    // The mount belonged to that "instance": nothing is left mounted here.
    expect(fs.existsSync(path.join(stateDir, "marker"))).toBe(false);

    const second = instance(loop, `cat ${stateDir}/marker; grep -c ' ${volumeDir} ' /etc/fstab; stat -c %u ${stateDir}/marker`);
    expect(second.status).toBe(0);
    expect(second.stderr).toMatch(/has a filesystem: keeping it/);
    expect(second.stderr).not.toMatch(/formatting|migrating/);
    expect(second.stdout).toBe("paired\n1\n0\n");
    expect(run("blkid", ["-p", "-s", "UUID", "-o", "value", loop]).stdout.trim()).toBe(uuid);

    // Run again on the same instance: already mounted and bound, nothing else happens.
    const again = instance(loop, script);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/the data volume is mounted at/);
    expect(again.stderr).toMatch(/the state folder is bound at/);
  });

  it("migrates a gateway's volume of the earlier layout: every file kept and the fixed uid's, the TLS key (same fingerprint) and applied config kept where root keeps them", () => {
    const tls = tlsPair(path.join(work, "old-tls"));
    const applied = '{"gateway":{"port":443}}';
    const loop = volume("earlier", earlierLayout(tls, applied));
    const tlsDir = path.join(host, HOST_LAYOUT.tlsDir);
    const appliedFile = path.join(host, HOST_LAYOUT.appliedConfigPath);
    const files = ["openclaw.json", "workspace/MEMORY.md", "state/openclaw.sqlite", "npm/projects/p/index.js", "aws/openclaw.applied.json", "aws/tls/gateway.key"];
    const migrated = instance(loop, [
      `cd ${stateDir}; for f in ${files.join(" ")}; do stat -c "%n %u:%g" "$f"; done; stat -c "%n %u:%g" aws/tls/gateway.crt`,
      `stat -c '%u:%g %a' ${volumeDir} ${tlsDir} ${tlsDir}/gateway.key ${tlsDir}/gateway.crt ${appliedFile} ${volumeDir}/lost+found; ls -A ${volumeDir}`,
      `openssl x509 -noout -fingerprint -sha256 -in ${tlsDir}/gateway.crt; cat ${appliedFile}; cat ${stateDir}/workspace/MEMORY.md`,
    ].join("; "));
    expect(migrated.stderr).toMatch(/migrating the data volume from the earlier layout \(its root was the state dir, of uid 990\)/);
    expect(migrated.stderr).toMatch(/kept the gateway's TLS key and certificate/);
    expect(migrated.stderr).toMatch(/kept the applied config/);
    expect(migrated.status).toBe(0);
    const lines = migrated.stdout.split("\n");
    // Everything the old uid owned is the fixed uid's now, in the state folder; root's certificate stays root's.
    for (const file of files) expect(lines).toContain(`${file} ${UID}:${UID}`);
    expect(lines).toContain("aws/tls/gateway.crt 0:0");
    // lost+found, which the earlier layout gave to the service user too, is root's again (e2fsck's, at the root).
    expect(migrated.stdout).toContain(`0:0 755\n0:${UID} 750\n0:${UID} 640\n0:0 644\n0:0 644\n0:0 700\nlost+found\nopenclaw\nopenclaw.applied.json\ntls\n`);
    expect(migrated.stdout).toContain(`${tls.fingerprint}\n${applied}\nmemory\n`);

    // The next instance on it: the new layout, nothing to migrate, the key kept.
    const next = instance(loop, `openssl x509 -noout -fingerprint -sha256 -in ${tlsDir}/gateway.crt`);
    expect(next.status).toBe(0);
    expect(next.stderr).not.toMatch(/migrating/);
    expect(next.stdout).toBe(`${tls.fingerprint}\n`);
  });

  describe("migrating a hostile state dir of the earlier layout", () => {
    /** Root's files outside the volume that the planted links point at, with their stat and content now. */
    function rootFiles(files: string[]): string {
      const content = (file: string) => (fs.statSync(file).isDirectory() ? fs.readdirSync(file).join(",") : fs.readFileSync(file, "utf8"));
      return files.map((file) => `${file} ${stat(file)} ${crypto.createHash("sha256").update(content(file)).digest("hex")}`).join("\n");
    }

    it("symlink to a root-only key (with a certificate for it), symlink to a root folder, hard link to a root file, oversized applied config, colliding names, a link as lost+found: none followed or adopted", () => {
      // A PEM key only root may read (an SSH host key, say), and a certificate made for it: read as root and
      // checked only as "a key matching its certificate", it would have been copied where the service reads.
      const secret = tlsPair(path.join(work, "root-only"));
      fs.chmodSync(secret.key, 0o600);
      const outsideDir = path.join(work, "outside");
      fs.mkdirSync(outsideDir);
      fs.writeFileSync(path.join(outsideDir, "root-file"), "root's\n", { mode: 0o644 });
      const outside = [secret.key, outsideDir, path.join(outsideDir, "root-file")];
      const before = rootFiles(outside);
      const oversized = `{"__proto__":{"polluted":true},"big":"${"x".repeat(70 * 1024)}"}`;
      const loop = volume("hostile-1", [
        earlierLayout(secret, "{}"),
        // symlink-to-root-key: the old key path leads to root's key.
        `rm aws/tls/gateway.key && ln -s ${secret.key} aws/tls/gateway.key`,
        // symlink-to-root-dir: a chown -R that followed it would give root's folder to the service user.
        `ln -s ${outsideDir} root-dir-link && chown -h ${OLD_UID}:${OLD_UID} root-dir-link`,
        // hard-link-to-root-file: a root file on the volume, linked into the old state dir.
        `echo root > root-owned && ln root-owned aws/root-hardlink`,
        // oversized-json: more than the 64 KiB the migration reads.
        `printf '%s' '${oversized}' > aws/openclaw.applied.json && chown ${OLD_UID}:${OLD_UID} aws/openclaw.applied.json`,
        // colliding-names: entries named like the new layout's and the migration's own.
        `mkdir tls openclaw .migrating.x && chown ${OLD_UID}:${OLD_UID} tls openclaw .migrating.x`,
        // lost-found-link: lost+found (which stays at the root) as a link to root's folder.
        `rmdir lost+found && ln -s ${outsideDir} lost+found && chown -h ${OLD_UID}:${OLD_UID} lost+found`,
      ].join("; "));
      const migrated = instance(loop, `cd ${stateDir}; stat -c '%n %u:%g' root-owned aws/root-hardlink root-dir-link tls openclaw .migrating.x lost+found; ls -A ${volumeDir}`);
      expect(migrated.stderr).toMatch(/migrating the data volume from the earlier layout/);
      expect(migrated.stderr).toMatch(/no TLS key matching its certificate to keep: the gateway makes a new one/);
      expect(migrated.stderr).not.toMatch(/kept the applied config/);
      expect(migrated.status).toBe(0);
      // The link named lost+found moved with the old user's entries (into the state folder, not followed).
      expect(migrated.stdout).toBe(`root-owned 0:0\naws/root-hardlink 0:0\nroot-dir-link ${UID}:${UID}\ntls ${UID}:${UID}\nopenclaw ${UID}:${UID}\n.migrating.x ${UID}:${UID}\nlost+found ${UID}:${UID}\nopenclaw\n`);
      expect(fs.existsSync(path.join(host, HOST_LAYOUT.tlsKey))).toBe(false);
      expect(rootFiles(outside)).toBe(before);
    });

    it("FIFO as the certificate, __proto__ in the applied config: the read gives up, the JSON is only data", () => {
      const tls = tlsPair(path.join(work, "fifo-tls"));
      const loop = volume("hostile-2", [
        earlierLayout(tls, '{"__proto__":{"polluted":true},"gateway":{"port":443}}'),
        // fifo: a read that would block root forever.
        `rm aws/tls/gateway.crt && mkfifo aws/tls/gateway.crt && chown ${OLD_UID}:${OLD_UID} aws/tls/gateway.crt`,
      ].join("; "));
      const started = Date.now();
      const migrated = instance(loop, `cat ${path.join(host, HOST_LAYOUT.appliedConfigPath)}`);
      process.stdout.write(`data-volume: migration with a FIFO for a certificate took ${Date.now() - started} ms\n`);
      expect(migrated.stderr).toMatch(/no TLS key matching its certificate to keep/);
      expect(migrated.status).toBe(0);
      expect(migrated.stdout).toBe('{"__proto__":{"polluted":true},"gateway":{"port":443}}\n');
      expect(fs.existsSync(path.join(host, HOST_LAYOUT.tlsCertificate))).toBe(false);
    });
  });

  it("fails, naming the device, when no volume is attached within the wait", () => {
    const otherEnv = path.join(work, "no-volume.env");
    fs.writeFileSync(otherEnv, fs.readFileSync(envFile, "utf8").replace(/dev\/sdf'/, "dev/sdg'"));
    const missing = instance("/dev/null", "", { OPENCLAW_AWS_DATA_VOLUME_WAIT: "3" }, script.replace(envFile, otherEnv));
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/FATAL: gave up after 3 s waiting for the data volume at \S+\/dev\/sdg/);
  });
});
