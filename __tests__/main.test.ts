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
    expect(result.stderr).toContain('nodes[0].name: must be lower-case letters, digits and dashes, starting with a letter (got "Bad Name")');
    expect(existsSync(result.outdir)).toBe(false);
  });

  describe("a bad configuration through the commands a user runs", () => {
    const folder = mkdtempSync(join(tmpdir(), "openclaw-cdktf-"));
    const file = join(folder, "bad.json");
    writeFileSync(file, JSON.stringify({ gateway: { port: 0 }, tags: { Owner: '${file("/etc/passwd")}' } }));
    const outdir = join(folder, "out");
    const env: NodeJS.ProcessEnv = { ...process.env, OPENCLAW_CONFIG: file, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" };
    delete env.TF_CLI_CONFIG_FILE; // this machine's offline mirror config; a user's cdktf prints no warning
    const message = [
      `Invalid OpenClaw configuration (${file}):`,
      "  - tags.Owner: must not contain ${ or %{: Terraform would evaluate it as an expression (write the literal text without it); may hold only letters, digits, spaces and _ . : / = + - @ (got \"${file(\\\"/etc/passwd\\\")}\")",
      "  - gateway.port: must be between 1 and 65535 (got 0)",
    ].join("\n");
    // Real pipes on both streams, as a shell pipeline or CI log gives (spawnSync's own are sockets).
    const piped = (command: string) =>
      spawnSync("bash", ["-c", `set -o pipefail; ${command} 2> >(cat >&2) | cat`], { cwd: ROOT, env, encoding: "utf8", timeout: 300_000 });

    it("`npm run synth`: the message once, exit 1, cdktf never started, nothing written", () => {
      const result = piped("npm run -s synth");
      const output = `${result.stdout}\n${result.stderr}`;
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(message);
      expect(output.split("Invalid OpenClaw configuration")).toHaveLength(2);
      expect(output).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
      expect(existsSync(outdir)).toBe(false);
    }, 360_000);

    it("the real `npx cdktf synth`: the message in cdktf's error block (indented as cdktf quotes it), exit 1, no stack trace, nothing written", () => {
      const result = piped(`node_modules/.bin/cdktf synth --output ${outdir}`);
      const output = `${result.stdout}\n${result.stderr}`;
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(message.replace(/^/gm, "    "));
      expect(output).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
      expect(existsSync(join(outdir, "stacks"))).toBe(false);
    }, 360_000);
  });
});
