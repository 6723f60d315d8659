/**
 * The service user as an attacker (issue 17): OpenClaw's agent runs shell commands as `openclaw` on the
 * gateway and on every node, and a chat message can steer it. These are the tricks it plants on a booted
 * host, each named, at every path an earlier version's root steps read, sourced, chowned, chmodded or
 * followed in the state dir or the application log dir, and the checks that none of it reached root:
 * no payload ran as root (a payload run as root leaves /etc/pwned-<trick>, which only root can write),
 * and no file outside the state dir changed owner, mode or content (a snapshot before and after, root's
 * view). Used by systemd-boot.test.ts on its real systemd containers; the root paths it triggers are there.
 */
import type { Container } from "./systemd-boot-harness";

/** Where the attacker keeps its payloads (in the state dir, its own). */
const ATTACKER_DIR = "/var/lib/openclaw/attacker";

/** A payload in shell syntax: as root it leaves /etc/pwned-<name>; as anyone else it notes that it ran, and as whom. */
function shellPayload(name: string): string {
  return `$(id -u >>${ATTACKER_DIR}/ran-${name}; touch /etc/pwned-${name})`;
}

export interface Trick {
  /** Its name in the test's output. */
  readonly name: string;
  readonly hosts: readonly ("gateway" | "node")[];
  /** What it aims at: the root step of an earlier version (or of any careless one) it would have turned. */
  readonly aim: string;
  /** Bash, run as the service user in the state dir. */
  readonly plant: string;
}

/**
 * The catalogue. Paths are the earlier layout's (aws/…) and the application log dir: what root touched
 * there before this version. Nothing of root's is in the state dir now; the tricks stay planted through
 * every root path the test triggers.
 */
export const TRICKS: readonly Trick[] = [
  {
    name: "sourced-env-payload",
    hosts: ["gateway", "node"],
    aim: "a node's aws/gateway.env, which the `openclaw` wrapper (root) sourced and openclaw-node.service read as its EnvironmentFile (issue 17, item 1)",
    plant: `mkdir -p aws && printf '%s\\n' "OPENCLAW_AWS_GATEWAY_TLS_FINGERPRINT='AB'" 'x=${shellPayload("sourced-env-payload")}' >aws/gateway.env`,
  },
  {
    name: "dotenv-node-options",
    hosts: ["gateway", "node"],
    aim: "OpenClaw's own .env in the state dir: OpenClaw loads it, and its NODE_OPTIONS runs a payload in every OpenClaw process of the service user (allowed); any root process that sourced it or ran OpenClaw on this state dir would run it as root. The payload also tries TIOCSTI on every terminal it can reach",
    plant: `printf '%s\\n' 'NODE_OPTIONS=--require=${ATTACKER_DIR}/payload.cjs' 'x=${shellPayload("dotenv-shell")}' >.env`,
  },
  {
    name: "aws-config-credential-process",
    hosts: ["gateway", "node"],
    aim: "~/.aws/config in the state dir (the units' HOME): the AWS CLI runs its credential_process, so a root step run with the unit's environment (an ExecStartPre=+) would run it as root. It hands out working (fake) credentials, so the service user's own AWS calls go on",
    plant: `mkdir -p .aws && cat >.aws/config <<'EOF'
[default]
credential_process = sh -c "id -u >>${ATTACKER_DIR}/ran-aws-credential-process; touch /etc/pwned-aws-credential-process; echo '{\\"Version\\": 1, \\"AccessKeyId\\": \\"testing\\", \\"SecretAccessKey\\": \\"testing\\"}'"
EOF`,
  },
  {
    name: "symlink-tls-key",
    hosts: ["gateway"],
    aim: "aws/tls/gateway.key, which gateway-cert.sh (root) chowned and chmodded: as a link to host.env it handed host.env to the service user (issue 17, item 2)",
    plant: "mkdir -p aws/tls && ln -sfn /etc/openclaw-aws/host.env aws/tls/gateway.key",
  },
  {
    name: "symlink-tls-certificate",
    hosts: ["gateway"],
    aim: "aws/tls/gateway.crt, which gateway-cert.sh and gateway-publish.sh (root) read and published",
    plant: "mkdir -p aws/tls && ln -sfn /etc/shadow aws/tls/gateway.crt",
  },
  {
    name: "symlink-applied-config",
    hosts: ["gateway"],
    aim: "aws/openclaw.applied.json and its folder, which boot-gateway.sh (root) made with install -d -o (following a link)",
    plant: "mkdir -p aws && ln -sfn /etc/openclaw-aws/gateway-token.env aws/openclaw.applied.json",
  },
  {
    name: "symlink-app-log",
    hosts: ["gateway"],
    aim: "the application log, which the CloudWatch agent (root) read and shipped: as a link it would ship the gateway token",
    plant: "ln -sfn /etc/openclaw-aws/gateway-token.env /var/log/openclaw/openclaw.log",
  },
  {
    name: "fifo-app-log",
    hosts: ["node"],
    aim: "the application log as a FIFO: a root reader of it would block",
    plant: "rm -f /var/log/openclaw/openclaw.log && mkfifo /var/log/openclaw/openclaw.log",
  },
  {
    name: "fifo-node-certificate",
    hosts: ["gateway", "node"],
    aim: "aws/gateway.crt, the node's copy of the gateway certificate (written by the pairing step, read by the node): a FIFO blocks its reader",
    plant: "mkdir -p aws && rm -f aws/gateway.crt && mkfifo aws/gateway.crt",
  },
  {
    name: "hardlink-tls-key",
    hosts: ["gateway"],
    aim: "a hard link in the state dir to root's TLS key on the same volume: root writing or chowning that path would change the key (fs.protected_hardlinks refuses the link)",
    plant: "mkdir -p aws && ln /var/lib/openclaw-aws/tls/gateway.key aws/gateway.key.link",
  },
  {
    name: "hardlink-host-env",
    hosts: ["gateway", "node"],
    aim: "a hard link in the application log dir to root's host.env on the same file system (fs.protected_hardlinks refuses the link)",
    plant: "ln /etc/openclaw-aws/host.env /var/log/openclaw/host.env.link",
  },
  {
    name: "hostile-json-live-config",
    hosts: ["gateway"],
    aim: "the live openclaw.json, which the boot merges into (as the service user) and validates: `__proto__` keys at every level, still a valid config",
    plant: `node -e 'const fs = require("fs"); const c = JSON.parse(fs.readFileSync("openclaw.json", "utf8")); const evil = JSON.parse("{\\"__proto__\\": {\\"polluted\\": true}}"); Object.defineProperty(c, "__proto__", { value: evil.__proto__, enumerable: true }); Object.defineProperty(c.gateway, "__proto__", { value: { bind: "loopback" }, enumerable: true }); fs.writeFileSync("openclaw.json.tmp", JSON.stringify(c)); fs.renameSync("openclaw.json.tmp", "openclaw.json")'`,
  },
];

/** The NODE_OPTIONS payload: notes each OpenClaw process it runs in, and tries TIOCSTI once per process tree. */
const NODE_PAYLOAD = `const fs = require("node:fs");
if (process.getuid() === 0) fs.writeFileSync("/etc/pwned-dotenv-node-options", String(process.pid));
else fs.appendFileSync("${ATTACKER_DIR}/ran-dotenv-node-options", process.getuid() + "\\n");
if (!process.env.ATTACKER_TTY_TRIED) {
  process.env.ATTACKER_TTY_TRIED = "1";
  require("node:child_process").spawnSync("python3", ["${ATTACKER_DIR}/tiocsti.py"], { stdio: "inherit", timeout: 5000 });
}
`;

/** TIOCSTI: pushes a root command into the input of the terminal on fd 0 and of /dev/tty, wherever it is allowed. */
const TIOCSTI_PAYLOAD = `import fcntl, os, termios
out = []
for name in ("fd0", "/dev/tty"):
    try:
        fd = 0 if name == "fd0" else os.open("/dev/tty", os.O_RDWR)
        for c in b"touch /etc/pwned-tiocsti\\n":
            fcntl.ioctl(fd, termios.TIOCSTI, bytes([c]))
        out.append(name + ":pushed")
    except OSError as e:
        out.append(name + ":errno" + str(e.errno))
with open("${ATTACKER_DIR}/tiocsti", "a") as f:
    f.write(" ".join(out) + "\\n")
`;

/** Runs bash as the service user, in the state dir. */
export function asServiceUser(container: Container, script: string) {
  return container.exec(["runuser", "-u", "openclaw", "--", "bash", "-c", `cd /var/lib/openclaw && ${script}`]);
}

/** Plants every trick of the host's role; returns what became of each ("planted", or the refusal). */
export async function plantTricks(container: Container, role: "gateway" | "node"): Promise<Record<string, string>> {
  const setup = await asServiceUser(container, `mkdir -p ${ATTACKER_DIR} && cat >${ATTACKER_DIR}/payload.cjs <<'EOF'\n${NODE_PAYLOAD}EOF\ncat >${ATTACKER_DIR}/tiocsti.py <<'EOF'\n${TIOCSTI_PAYLOAD}EOF`);
  if (setup.code !== 0) throw new Error(`the attacker's payloads: ${setup.stderr}`);
  const outcome: Record<string, string> = {};
  for (const trick of TRICKS.filter((candidate) => candidate.hosts.includes(role))) {
    const result = await asServiceUser(container, trick.plant);
    outcome[trick.name] = result.code === 0 ? "planted" : `refused: ${result.stderr.trim().split("\n").pop()}`;
  }
  return outcome;
}

/** What the payloads left: the ones that ran as root (must be none), and the uids the NODE_OPTIONS one ran as. */
export async function payloadTraces(container: Container): Promise<{ asRoot: string[]; nodeOptionsUids: string[]; tiocsti: string[] }> {
  const pwned = await container.exec(["sh", "-c", "ls /etc | grep '^pwned-' || true"]);
  const ran = await container.exec(["sh", "-c", `cat ${ATTACKER_DIR}/ran-dotenv-node-options 2>/dev/null || true`]);
  const tiocsti = await container.exec(["sh", "-c", `cat ${ATTACKER_DIR}/tiocsti 2>/dev/null || true`]);
  const lines = (text: string) => text.split("\n").filter(Boolean);
  return { asRoot: lines(pwned.stdout), nodeOptionsUids: [...new Set(lines(ran.stdout))], tiocsti: lines(tiocsti.stdout) };
}

/**
 * `sudo openclaw <args>` as an operator runs it at a root shell on a terminal (`script` gives it one),
 * and that shell then runs whatever arrives on its terminal for a few seconds, as an interactive root
 * shell would. A TIOCSTI that reached root's terminal runs there as root (and leaves /etc/pwned-tiocsti).
 * Returns what the root shell read after the command.
 */
export async function wrapperAtRootTerminal(container: Container, args: string): Promise<string> {
  const shell = `/usr/local/bin/openclaw ${args} >/dev/null 2>&1\nwhile read -r -t 5 line; do echo "ROOT READ: $line"; eval "$line"; done\necho ROOT DONE\n`;
  const file = "/run/openclaw-aws-test-root-shell.sh";
  const written = await container.exec(["bash", "-c", `cat >${file} <<'EOF'\n${shell}EOF`]);
  if (written.code !== 0) throw new Error(`writing the root shell: ${written.stderr}`);
  // script(1) gives the root shell a terminal; its input stays open (and empty) while the shell runs. The
  // process holding it open is this bash's child, not script's: script waits for all its children before it
  // exits (with `script < <(sleep 600)` it waited for the sleep, and the step hit its hang guard).
  const result = await container.exec(["bash", "-c", `exec 3< <(sleep 600); holder=$!; script -qec "bash ${file}" /dev/null <&3; kill $holder`], 180_000);
  if (!result.stdout.includes("ROOT DONE")) throw new Error(`the root terminal did not finish: ${result.stdout}${result.stderr}`);
  return result.stdout.replace(/\r/g, "");
}

/** Paths root and the system legitimately rewrite (not the attacker), left out of the snapshot, each with why. */
const VOLATILE = [
  "/proc", "/sys", "/dev", "/run", "/tmp", "/var/tmp",
  // Logs: written by everything; the files root writes there are checked on their own.
  "/var/log",
  // systemd's, cloud-init's, rsyslog's, apt's own state and caches, and the service user's compile cache.
  "/var/lib/systemd", "/var/lib/cloud", "/var/lib/rsyslog", "/var/cache",
  // The state dir: the service user's own (what it does there is the point of the test).
  "/var/lib/openclaw",
];

/**
 * Root's view of the host outside the state dir: every entry's type, owner and mode (the root file system
 * and the volume's root-side), and the content hash of every file under /etc, /usr/local, /root and the
 * volume's root-side.
 */
export async function snapshot(container: Container): Promise<Map<string, string>> {
  const prune = VOLATILE.map((dir) => `-path ${dir}`).join(" -o ");
  const script = [
    `find / -xdev \\( ${prune} \\) -prune -o -printf '%p\\t%y %U:%G %m\\n'`,
    `find /var/lib/openclaw-aws -xdev -path /var/lib/openclaw-aws/openclaw -prune -o -printf '%p\\t%y %U:%G %m\\n'`,
    `find /etc /usr/local /root /var/lib/openclaw-aws -xdev -path /var/lib/openclaw-aws/openclaw -prune -o -type f -exec sha256sum {} + | sed -E 's/^([0-9a-f]{64})  (.*)$/\\2\\tsha256 \\1/'`,
  ].join("; ");
  const result = await container.exec(["bash", "-c", script], 300_000);
  if (result.code !== 0) throw new Error(`snapshot: ${result.stderr}`);
  const entries = new Map<string, string>();
  for (const line of result.stdout.split("\n").filter(Boolean)) {
    const [file, what] = line.split("\t");
    entries.set(file, entries.has(file) ? `${entries.get(file)} ${what}` : what);
  }
  return entries;
}

/** What changed between two snapshots (added, removed, changed), but for the allowed paths. */
export function changes(before: Map<string, string>, after: Map<string, string>, allowed: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [file, was] of before) {
    if (allowed.has(file)) continue;
    const now = after.get(file);
    if (now === undefined) out.push(`removed ${file} (${was})`);
    else if (now !== was) out.push(`changed ${file}: ${was} -> ${now}`);
  }
  for (const [file, now] of after) if (!before.has(file) && !allowed.has(file)) out.push(`added ${file} (${now})`);
  return out;
}
