/**
 * scripts/app.mjs, the app command `cdktf synth` runs: it synthesizes from one bundle of main.ts with the
 * packages inside, with Node's compile cache on. Each case runs the real script in a copy of the project
 * (its own .build/, node_modules linked), so the bundle's and the cache's files can be watched.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { isBuiltin } from "node:module";
import os from "node:os";
import path from "node:path";
import { App } from "cdktf";
import { defaultAndExamples } from "../helpers";
import { loadConfig } from "../../src/config/load";
import { OpenClawStack } from "../../src/stacks/openclaw-stack";

jest.setTimeout(120_000);

const ROOT = path.join(__dirname, "../..");
/** What the app is built and run from; templates/ is read at synth time. */
const PROJECT_FILES = ["main.ts", "src", "scripts/app.mjs", "templates", "package.json", "package-lock.json", "tsconfig.json", "cdktf.json"];

const temporary: string[] = [];
afterAll(() => {
  for (const folder of temporary) fs.rmSync(folder, { recursive: true, force: true });
});

function scratch(prefix: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.push(folder);
  return folder;
}

/** A copy of the project's sources with the real node_modules linked in. */
function projectCopy(): string {
  const project = scratch("openclaw-app-");
  for (const file of PROJECT_FILES) fs.cpSync(path.join(ROOT, file), path.join(project, file), { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"));
  return project;
}

/**
 * Loaded by each synth: when it exits, writes the files Node.js loaded as modules (the bundle's contents
 * are not among them, only what it loads from node_modules) to env LOADED_MODULES_FILE.
 */
const loadedModulesPreload = (() => {
  const file = path.join(scratch("openclaw-app-preload-"), "loaded-modules.cjs");
  fs.writeFileSync(
    file,
    'process.on("exit", () => require("node:fs").writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify(Object.keys(require.cache))));\n',
  );
  return file;
})();

interface Synth {
  readonly status: number | null;
  readonly stderr: string;
  readonly outdir: string;
  /** Absolute paths of the modules Node.js loaded from files. */
  readonly loadedModules: string[];
}

/** The environment of a synth of `config` into `outdir`: the configuration file, and no env override of it. */
function synthEnvironment(config: unknown, outdir: string): NodeJS.ProcessEnv {
  const configFile = path.join(path.dirname(outdir), "config.json");
  fs.writeFileSync(configFile, JSON.stringify(config));
  const env: NodeJS.ProcessEnv = { ...process.env, OPENCLAW_CONFIG: configFile, CDKTF_OUTDIR: outdir };
  delete env.OPENCLAW_LOCAL_ENDPOINT;
  delete env.OPENCLAW_STATE_BUCKET;
  return env;
}

function synth(project: string, config: unknown): Synth {
  const folder = scratch("openclaw-app-synth-");
  const outdir = path.join(folder, "out");
  const loadedModulesFile = path.join(folder, "loaded.json");
  const env = { ...synthEnvironment(config, outdir), LOADED_MODULES_FILE: loadedModulesFile };
  const result = spawnSync(process.execPath, ["--require", loadedModulesPreload, "scripts/app.mjs"], { cwd: project, env, encoding: "utf8" });
  return { status: result.status, stderr: result.stderr, outdir, loadedModules: JSON.parse(fs.readFileSync(loadedModulesFile, "utf8")) as string[] };
}

const stackFile = (run: Synth, stack: string) => fs.readFileSync(path.join(run.outdir, "stacks", stack, "cdk.tf.json"), "utf8");

const files = (project: string) => ({
  bundle: path.join(project, ".build/main.js"),
  assetModule: path.join(project, ".build/cdktf-asset-module.js"),
  compileCache: path.join(project, ".build/compile-cache"),
});

/** The packages a built file loads with `require(...)`, node's builtins left out. */
const requiredPackages = (file: string) =>
  [...new Set([...fs.readFileSync(file, "utf8").matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1]))].filter((name) => !isBuiltin(name));

/** Modification time and content of a file, to tell whether it was written again. */
function snapshot(file: string) {
  return { mtimeMs: fs.statSync(file).mtimeMs, sha256: createHash("sha256").update(fs.readFileSync(file)).digest("hex") };
}

/** Sets a file's modification time into the future, as an edit after the last build would. */
function touchLater(file: string): void {
  const later = new Date(Date.now() + 60_000);
  fs.utimesSync(file, later, later);
}

describe("scripts/app.mjs", () => {
  it("writes, for the default and every example, the same Terraform as the sources synthesized in this process", () => {
    const project = projectCopy();
    for (const [name, config] of defaultAndExamples()) {
      const bundled = synth(project, config);
      expect({ name, status: bundled.status, stderr: bundled.stderr }).toEqual({ name, status: 0, stderr: "" });

      // What main.ts does, from the sources jest loads.
      const outdir = path.join(scratch("openclaw-app-direct-"), "out");
      const loaded = loadConfig({ cwd: ROOT, env: synthEnvironment(config, outdir) });
      const app = new App({ outdir });
      new OpenClawStack(app, loaded.stackName, { config: loaded });
      app.synth();
      const direct = fs.readFileSync(path.join(outdir, "stacks", loaded.stackName, "cdk.tf.json"), "utf8");
      expect({ name, json: stackFile(bundled, loaded.stackName) }).toEqual({ name, json: direct });
    }
  });

  it("bundles the packages, keeps Node's compile cache, and does not rebuild the bundle on the next synth", () => {
    const project = projectCopy();
    const first = synth(project, {});
    expect(first.status).toBe(0);
    expect(first.stderr).toBe("");
    // Only node builtins and cdktf's asset module (which runs its own file to zip), a bundle of its own beside it, load from outside the bundle.
    expect(requiredPackages(files(project).bundle)).toEqual([`./${path.basename(files(project).assetModule)}`]);
    expect(requiredPackages(files(project).assetModule)).toEqual([]);
    expect(fs.readdirSync(files(project).compileCache).length).toBeGreaterThan(0);

    const bundle = snapshot(files(project).bundle);
    const second = synth(project, {});
    expect(second.status).toBe(0);
    expect(stackFile(second, "openclaw")).toBe(stackFile(first, "openclaw"));
    expect(snapshot(files(project).bundle)).toEqual(bundle);
    // So a synth after the first (which builds) resolves and reads nothing under node_modules (archiver and its dependencies, 200 files, were 0.1 s of each).
    expect(second.loadedModules.filter((file) => file.includes(`${path.sep}node_modules${path.sep}`))).toEqual([]);
  });

  it.each([["a source", "src/config/names.ts"], ["a JSON file the bundle imports", "src/config/aws-prices.json"], ["the lock file", "package-lock.json"]])(
    "rebuilds the bundle when %s is newer than it",
    (_what, file) => {
      const project = projectCopy();
      expect(synth(project, {}).status).toBe(0);
      const bundle = snapshot(files(project).bundle);
      touchLater(path.join(project, file));
      expect(synth(project, {}).status).toBe(0);
      expect(fs.statSync(files(project).bundle).mtimeMs).not.toBe(bundle.mtimeMs);
    },
  );

  it("builds again when the asset module beside the bundle is missing", () => {
    const project = projectCopy();
    expect(synth(project, {}).status).toBe(0);
    fs.rmSync(files(project).assetModule);
    const again = synth(project, {});
    expect({ status: again.status, stderr: again.stderr }).toEqual({ status: 0, stderr: "" });
    expect(fs.existsSync(files(project).assetModule)).toBe(true);
  });

  it("an archive asset still zips (cdktf's asset module runs its own bundle, not main.js)", () => {
    const project = projectCopy();
    const folder = path.join(scratch("openclaw-app-asset-"), "payload");
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, "hello.txt"), "hello\n");
    fs.writeFileSync(
      path.join(project, "main.ts"),
      [
        'import { App, AssetType, TerraformAsset, TerraformOutput, TerraformStack } from "cdktf";',
        "const app = new App();",
        'const stack = new TerraformStack(app, "assets");',
        `const asset = new TerraformAsset(stack, "payload", { path: ${JSON.stringify(folder)}, type: AssetType.ARCHIVE });`,
        'new TerraformOutput(stack, "archive", { value: asset.path });',
        "app.synth();",
        "",
      ].join("\n"),
    );
    const withAsset = synth(project, {});
    expect(withAsset.stderr).toBe("");
    expect(withAsset.status).toBe(0);
    expect(withAsset.loadedModules).toContain(fs.realpathSync(files(project).assetModule));
    const archive = (JSON.parse(stackFile(withAsset, "assets")) as { output: { archive: { value: string } } }).output.archive.value;
    const zip = fs.readFileSync(path.join(withAsset.outdir, "stacks", "assets", archive));
    expect(zip.subarray(0, 4)).toEqual(Buffer.from("PK\x03\x04", "latin1"));
    expect(zip.includes(Buffer.from("hello.txt"))).toBe(true);
  });
});
