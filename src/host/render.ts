/**
 * The render engine every host role uses: a file manifest and a context in, the host's files and the
 * `#cloud-config` user data that writes them and runs the boot script out.
 *
 * Context values are only interpolated, never parsed: they may be Terraform tokens
 * (`${TfToken[TOKEN.n]}`) that cdktf resolves later. Only handlebars and node builtins are imported.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import type Handlebars from "handlebars";
import handlebarsRuntime from "handlebars/runtime";
import { PROJECT_ROOT } from "../project-root";
import { HOST_LAYOUT } from "./layout";

/** The project's templates folder. */
export const TEMPLATES_DIR = path.join(PROJECT_ROOT, "templates");

/** One file of a host's manifest: a template and where the host gets it. */
export interface FileSpec {
  /** Path under templates/. */
  readonly template: string;
  readonly path: string;
  /** Octal mode, e.g. "0644". */
  readonly mode: string;
}

/** One file a host gets, at its path on the host. */
export interface HostFile {
  readonly path: string;
  /** Octal mode, e.g. "0644". */
  readonly mode: string;
  readonly content: string;
}

/**
 * The files a host downloads at boot rather than receiving them in its user data: one JSON list of
 * {path, mode, content} in the stack's install-files bucket, named by its sha256, which the user data
 * (host.env) carries and the host checks (lib.sh, install_host_files).
 */
export interface HostFilesObject {
  readonly key: string;
  readonly sha256: string;
  /** The object's content, as uploaded. */
  readonly body: string;
}

/** Where a host's downloaded files are: the bucket, and the object's key and sha256 (host.env's `hostFiles`). */
export interface HostFilesLocation {
  readonly bucket: string;
  readonly key: string;
  readonly sha256: string;
}

/** The key of a role's host-files object: named by its hash, like OpenClaw's lock. */
export function hostFilesKey(sha256: string, role: string): string {
  return `host-files/${sha256}/${role}.json`;
}

/**
 * What a host receives: every file it gets (for review), the cloud-init user data that writes those it
 * carries and boots the host, and the object holding the others (when the role downloads any).
 */
export interface RenderedHost {
  readonly files: readonly HostFile[];
  /** The raw user data (before gzip and base64). */
  readonly userData: string;
  readonly hostFiles?: HostFilesObject;
}

/** A script in the host scripts folder. */
export function hostScript(name: string, mode = "0755"): FileSpec {
  return { template: name, path: `${HOST_LAYOUT.libDir}/${path.basename(name)}`, mode };
}

/** A systemd unit. */
export function systemdUnit(template: string): FileSpec {
  return { template, path: `${HOST_LAYOUT.systemdDir}/${path.basename(template)}`, mode: "0644" };
}

/** What every host gets, whatever its role. */
export const COMMON_FILES: readonly FileSpec[] = [
  { template: "common/host.env", path: HOST_LAYOUT.hostEnv, mode: "0644" },
  hostScript("common/lib.sh", "0644"),
  hostScript("common/install-runtime.sh"),
  hostScript("common/install-openclaw.sh"),
  hostScript("common/prepare-host.sh"),
  hostScript("common/data-volume.sh"),
  { template: "common/amazon-cloudwatch-agent.json", path: HOST_LAYOUT.cloudwatchAgentConfig, mode: "0644" },
  { template: "common/rsyslog-openclaw.conf", path: HOST_LAYOUT.rsyslogConfig, mode: "0644" },
  { template: "common/logrotate-openclaw", path: HOST_LAYOUT.logrotateConfig, mode: "0644" },
  { template: "common/openclaw", path: `${HOST_LAYOUT.binDir}/openclaw`, mode: "0755" },
];

const load = createRequire(__filename);
const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

/**
 * Compiled templates as handlebars' precompiled JavaScript, one file per template source (and handlebars
 * version): a synth then loads only handlebars' runtime and compiles nothing that has not changed.
 */
const COMPILED_DIR = path.join(PROJECT_ROOT, ".cache", "templates");

let engine: typeof Handlebars | undefined;
const compiled = new Map<string, Handlebars.TemplateDelegate>();

function handlebars(): typeof Handlebars {
  if (!engine) {
    engine = handlebarsRuntime.create();
    engine.registerHelper("eq", (a: unknown, b: unknown) => a === b);
    // {{json a b ...}}: the concatenation of the arguments as a JSON string literal (numbers and
    // booleans alone stay JSON numbers/booleans).
    engine.registerHelper("json", (...args: unknown[]) => {
      const values = args.slice(0, -1);
      if (values.length === 1 && typeof values[0] !== "string") return JSON.stringify(values[0]);
      return JSON.stringify(values.map((v) => String(v)).join(""));
    });
  }
  return engine;
}

/** The precompiled JavaScript of a template source: from the cache, or compiled now (the compiler loads only then) and cached. */
function precompiled(source: string): string {
  const key = createHash("sha256").update(`${handlebars().VERSION}\0${JSON.stringify(COMPILE_OPTIONS)}\0${source}`).digest("hex");
  const file = path.join(COMPILED_DIR, `${key}.js`);
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    // A copy: precompile adds its defaults to the options it is given, which would change every later key.
    const code = String((load("handlebars") as typeof Handlebars).precompile(source, { ...COMPILE_OPTIONS }));
    try {
      fs.mkdirSync(COMPILED_DIR, { recursive: true });
      // Write then rename, so a synth running in parallel never reads a half-written file.
      const partial = `${file}.${process.pid}`;
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, file);
    } catch {
      // A read-only project folder: the next synth compiles again, nothing else changes.
    }
    return code;
  }
}

/** How a full-line comment starts, by template kind; JSON has none. */
const COMMENT_LINE: readonly { readonly kind: RegExp; readonly comment: RegExp; readonly marker: string }[] = [
  { kind: /\.mjs$/, comment: /^\s*\/\//, marker: "//" },
  { kind: /\.json$/, comment: /^(?!)/, marker: "" },
  // Everything else is shell-like; shellcheck directives stay (shellcheck reads the rendered scripts).
  { kind: /.*/, comment: /^\s*#(?!\s*shellcheck)/, marker: "#" },
];

/**
 * The template as the host gets it: its shebang, a pointer to the commented source, and its code without
 * the full-line comments. They are half of every script (the title lines alone were 0.6 KB of the
 * gateway's), and EC2 takes at most 16 KB of gzip'd user data.
 */
export function withoutComments(name: string, source: string): string {
  const { comment, marker } = COMMENT_LINE.find(({ kind }) => kind.test(name))!;
  if (!marker) return source;
  const lines = source.split("\n");
  // A shebang or a shellcheck shell directive must stay the first line.
  const head = /^#!|^#\s*shellcheck shell=/.test(lines[0]) ? 1 : 0;
  return [
    ...lines.slice(0, head),
    `${marker} Commented source: templates/${name} in openclaw-aws`,
    ...lines.slice(head).filter((line) => !comment.test(line)),
  ].join("\n");
}

function template(name: string): Handlebars.TemplateDelegate {
  let t = compiled.get(name);
  if (!t) {
    const source = withoutComments(name, fs.readFileSync(path.join(TEMPLATES_DIR, name), "utf8"));
    // The precompiled form is an object literal of functions; evaluating it is what handlebars' own
    // compile does with the code it generates.
    const spec = new Function(`return ${precompiled(source)};`)() as Parameters<typeof Handlebars.template>[0];
    t = handlebars().template(spec);
    compiled.set(name, t);
  }
  return t;
}

/**
 * host.env is read by bash and by systemd (EnvironmentFile=): every value is written as '...'
 * verbatim, so it must not contain a quote, backslash or line break. Terraform tokens pass.
 */
const ENV_UNSAFE = /['\\\n\r]/;

function assertEnvSafe(value: unknown, what: string): void {
  if (value === undefined || value === null) return;
  if (typeof value === "object") {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) assertEnvSafe(v, `${what}.${k}`);
    return;
  }
  if (ENV_UNSAFE.test(String(value))) {
    throw new Error(`${what} contains a quote, backslash or line break, which host.env cannot hold: ${JSON.stringify(value)}`);
  }
}

/** The cloud-init user data: JSON is valid YAML, so arbitrary file contents are safe. */
export function cloudConfig(files: readonly HostFile[], bootScript: string): string {
  const doc = {
    write_files: files.map((f) => ({ path: f.path, permissions: f.mode, owner: "root:root", content: f.content })),
    runcmd: [["/bin/bash", bootScript]],
  };
  return `#cloud-config\n${JSON.stringify(doc)}\n`;
}

function renderFiles(manifest: readonly FileSpec[], data: object): HostFile[] {
  return manifest.map((spec) => ({ path: spec.path, mode: spec.mode, content: template(spec.template)(data) }));
}

/**
 * The host-files object of a role: its files rendered from the context, as one JSON list. Its sha256 is
 * computed here, at synth, so its files may hold no Terraform reference (they read such values from host.env).
 */
export function renderHostFiles(manifest: readonly FileSpec[], role: string, context: object): HostFilesObject {
  assertEnvSafe(context, "context");
  const files = renderFiles(manifest, { ...context, layout: HOST_LAYOUT });
  const body = JSON.stringify(files);
  const token = files.find((f) => TOKEN.test(f.content));
  if (token) throw new Error(`${token.path} is downloaded by the host, named by its hash, so it cannot hold a Terraform reference: read the value from host.env`);
  const sha256 = createHash("sha256").update(body).digest("hex");
  return { key: hostFilesKey(sha256, role), sha256, body };
}

const TOKEN = /\$\{TfToken\[/;

/**
 * Renders a host: every file of its manifest from the context (plus the host layout as `layout`), and
 * the user data that writes them and runs `bootScript`. The files of `download` (rendered from the
 * same context) go into the host-files object instead, which the user data names (`hostFiles` in the
 * templates' data: bucket, key, sha256) and the boot installs.
 */
export function renderHost(
  manifest: readonly FileSpec[],
  bootScript: FileSpec,
  context: object,
  download?: { readonly manifest: readonly FileSpec[]; readonly role: string; readonly bucket: string },
): RenderedHost {
  assertEnvSafe(context, "context");
  const hostFiles = download && renderHostFiles(download.manifest, download.role, context);
  const location: HostFilesLocation | undefined = hostFiles && download && { bucket: download.bucket, key: hostFiles.key, sha256: hostFiles.sha256 };
  const files = renderFiles(manifest, { ...context, layout: HOST_LAYOUT, hostFiles: location });
  const userData = cloudConfig(files, bootScript.path);
  if (!hostFiles) return { files, userData };
  return { files: [...files, ...(JSON.parse(hostFiles.body) as HostFile[])], userData, hostFiles };
}
