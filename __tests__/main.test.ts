import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..");

function synth(config: unknown) {
  const folder = mkdtempSync(join(tmpdir(), "openclaw-main-"));
  const file = join(folder, "config.json");
  writeFileSync(file, JSON.stringify(config));
  const outdir = join(folder, "out");
  const result = spawnSync(process.execPath, ["scripts/app.mjs"], {
    cwd: ROOT,
    env: { ...process.env, OPENCLAW_CONFIG: file, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  return { ...result, outdir };
}

describe("main.ts", () => {
  it("synthesizes the deployment and, with a state bucket, the bootstrap stack", () => {
    const result = synth({ stackName: "demo", keyPair: { mode: "none" }, state: { bucket: "demo-openclaw-state" } });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(existsSync(join(result.outdir, "stacks/demo/cdk.tf.json"))).toBe(true);
    expect(existsSync(join(result.outdir, "stacks/demo-state/cdk.tf.json"))).toBe(true);
  });

  it("exits non-zero with every problem listed and writes no stack when the configuration is invalid", () => {
    const result = synth({ gateway: { port: 0 }, nodes: [{ name: "Bad Name" }] });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Invalid OpenClaw configuration");
    expect(result.stderr).toContain("gateway.port: must be between 1 and 65535 (got 0)");
    expect(result.stderr).toContain('nodes.0.name: must be lower-case letters, digits and dashes, starting with a letter (got "Bad Name")');
    expect(existsSync(result.outdir)).toBe(false);
  });
});
