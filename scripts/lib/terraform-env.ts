// The Terraform CLI configuration for an offline machine, made at run time: Terraform installs the
// providers from a filesystem mirror (a folder holding `registry.terraform.io/<namespace>/<type>/...`)
// instead of the public registry. Every terraform and cdktf call of the project runs with
// `terraformEnv()`: TF_CLI_CONFIG_FILE pointing at the file written here, and CHECKPOINT_DISABLE=1.
//
// The mirror is env OPENCLAW_TF_MIRROR when set; otherwise it is searched for in Terraform's own
// implicit mirror folders and the usual install roots. Nothing here names one machine's path.
//
//   node --import tsx scripts/lib/terraform-env.ts            # prints the mirror and the CLI config file
//   node --import tsx scripts/lib/terraform-env.ts -- <cmd>   # runs <cmd> with that environment
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export { PROJECT_ROOT } from "../../src/project-root";
import { PROJECT_ROOT } from "../../src/project-root";
const REGISTRY_HOST = "registry.terraform.io";
/** The provider every stack needs: a folder without it is not the mirror. */
const REQUIRED_PROVIDER = path.join(REGISTRY_HOST, "hashicorp", "aws");

/**
 * Where to look, in order: Terraform's implied local mirror folders (Terraform CLI docs, "Implied Local
 * Mirror Directories") and the roots such mirrors are usually unpacked under.
 */
export function candidateRoots(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string[] {
  const xdgData = env.XDG_DATA_HOME || path.join(home, ".local", "share");
  return [
    path.join(home, ".terraform.d", "plugins"),
    path.join(xdgData, "terraform", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
    "/opt",
    "/usr/local/share",
    "/usr/share",
    "/usr/local/lib",
    "/var/lib",
    // Last: e.g. a plugin cache there has the same layout, but may be half-filled by a running init.
    path.join(home, ".terraform.d"),
  ];
}

/** Terraform's name of this machine's platform, e.g. "linux_amd64". */
export function terraformPlatform(): string {
  const arch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${process.platform}_${arch[process.arch] ?? process.arch}`;
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Whether `dir` is a mirror with an installable aws provider for this platform: unpacked
 * (`aws/<version>/<platform>/terraform-provider-aws*`) or packed (`aws/terraform-provider-aws_<version>_<platform>.zip`).
 * An empty skeleton (e.g. a plugin cache that never got filled) does not count.
 */
export function isMirror(dir: string): boolean {
  const provider = path.join(dir, REQUIRED_PROVIDER);
  const platform = terraformPlatform();
  const entries = listDir(provider);
  if (entries.some((name) => name.startsWith("terraform-provider-aws_") && name.endsWith(`_${platform}.zip`))) return true;
  return entries.some((version) =>
    listDir(path.join(provider, version, platform)).some((name) => name.startsWith("terraform-provider-aws")),
  );
}

/** Breadth-first search below `root` (at most `depth` levels) for a folder that is a mirror. */
function searchBelow(root: string, depth: number): string | undefined {
  let level = [root];
  for (let d = 0; d <= depth && level.length > 0; d++) {
    const next: string[] = [];
    for (const dir of level) {
      if (isMirror(dir)) return dir;
      if (d === depth) continue;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        // A provider tree is not a place to look for another mirror.
        if (entry.isDirectory() && entry.name !== REGISTRY_HOST && entry.name !== "node_modules") {
          next.push(path.join(dir, entry.name));
        }
      }
    }
    level = next;
  }
  return undefined;
}

export class MirrorNotFoundError extends Error {}

export interface MirrorOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
  /** How many folder levels below each root are searched. */
  readonly depth?: number;
}

/** The filesystem mirror's root (the folder that holds `registry.terraform.io`). */
export function findProviderMirror({ env = process.env, home = os.homedir(), depth = 3 }: MirrorOptions = {}): string {
  const named = env.OPENCLAW_TF_MIRROR;
  if (named) {
    const dir = path.resolve(named);
    if (!isMirror(dir)) {
      throw new MirrorNotFoundError(
        `OPENCLAW_TF_MIRROR=${named}: no ${REQUIRED_PROVIDER} below it; it must name the folder that holds ${REGISTRY_HOST}`,
      );
    }
    return dir;
  }
  const roots = candidateRoots(env, home);
  for (const root of roots) {
    const found = searchBelow(root, depth);
    if (found) return found;
  }
  throw new MirrorNotFoundError(
    `No Terraform provider mirror found (a folder holding ${REQUIRED_PROVIDER}) under ${roots.join(", ")}. ` +
      `Set OPENCLAW_TF_MIRROR to the folder that holds ${REGISTRY_HOST}.`,
  );
}

/** Text of the CLI configuration: providers from the mirror only, nothing from the network. */
export function cliConfigText(mirror: string): string {
  return [
    "# Written by scripts/lib/terraform-env.ts: providers come from the offline mirror only.",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = ["${REGISTRY_HOST}/hashicorp/*"]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

export interface CliConfigOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Project folder; the file goes to `<root>/.cache/terraform/cli.tfrc`. */
  readonly root?: string;
}

/** Writes the CLI configuration (only when it changed) and returns the mirror and the file. */
export function ensureCliConfig({ env = process.env, root = PROJECT_ROOT }: CliConfigOptions = {}): { mirror: string; file: string } {
  const mirror = findProviderMirror({ env });
  const file = path.join(root, ".cache", "terraform", "cli.tfrc");
  const text = cliConfigText(mirror);
  let current: string | undefined;
  try {
    current = fs.readFileSync(file, "utf8");
  } catch {
    current = undefined;
  }
  if (current !== text) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Write, then rename: a concurrent reader never sees half a file.
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
  }
  return { mirror, file };
}

/** `env` plus what every terraform/cdktf call needs. */
export function terraformEnv(env: NodeJS.ProcessEnv = process.env, options: CliConfigOptions = {}): NodeJS.ProcessEnv {
  const { file } = ensureCliConfig({ env, ...options });
  return { ...env, TF_CLI_CONFIG_FILE: file, CHECKPOINT_DISABLE: "1" };
}

/** Sets the variables on this process (for in-process callers such as the cdktf jest matchers). */
export function applyTerraformEnv(options: CliConfigOptions = {}): NodeJS.ProcessEnv {
  const env = terraformEnv(process.env, options);
  process.env.TF_CLI_CONFIG_FILE = env.TF_CLI_CONFIG_FILE;
  process.env.CHECKPOINT_DISABLE = env.CHECKPOINT_DISABLE;
  return env;
}

if (require.main === module) {
  try {
    const separator = process.argv.indexOf("--");
    if (separator === -1) {
      const { mirror, file } = ensureCliConfig();
      console.log(`provider mirror: ${mirror}`);
      console.log(`TF_CLI_CONFIG_FILE=${file}`);
      console.log("CHECKPOINT_DISABLE=1");
    } else {
      const [command, ...args] = process.argv.slice(separator + 1);
      const result = spawnSync(command, args, { stdio: "inherit", env: terraformEnv() });
      if (result.error) throw result.error;
      process.exitCode = result.status ?? 1;
    }
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
