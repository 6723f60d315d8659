import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CostEstimate } from "../../src/cost/estimate";

const ROOT = join(__dirname, "../..");

function cost(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/cost.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
}

describe("npm run cost", () => {
  it("synthesizes the configuration like cdktf synth and prints the estimate as JSON", () => {
    const run = cost("--config", "examples/lean.json", "--json");
    expect(run.status).toBe(0);
    const estimates = JSON.parse(run.stdout) as Record<string, CostEstimate>;
    expect(Object.keys(estimates)).toEqual(["lean"]);
    const lean = estimates.lean;
    expect(lean.region).toBe("us-east-1");
    expect(lean.items.filter((line) => line.item.endsWith(": t4g.small"))).toHaveLength(2);
    expect(lean.items.some((line) => line.category === "VPC endpoints")).toBe(false);
  });

  it("prints a table with every item, its unit price and the total", () => {
    const run = cost("--config", "examples/gateway-node.json");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Stack gateway-node \(us-east-1, 730 hours\/month, prices of \d{4}-\d\d-\d\d\):$/m);
    expect(run.stdout).toMatch(/: t3\.medium +730 hour +\$0\.0416\/hour +\$30\.37$/m);
    expect(run.stdout).toMatch(/: Elastic IP +730 address-hour +\$0\.0050\/address-hour +\$3\.65$/m);
    expect(run.stdout).toMatch(/^Total: \$\d+\.\d\d\/month$/m);
  });

  it("prints no plain total for a stack it cannot price: the table says unknown, the JSON total is null", () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-test-"));
    writeFileSync(join(dir, "mumbai.json"), JSON.stringify({ stackName: "mumbai", region: "ap-south-1" }));
    const table = cost("--config", join(dir, "mumbai.json"));
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^Total: unknown$/m);
    expect(table.stdout).not.toMatch(/^Total: \$/m);
    expect(table.stdout).toMatch(/^Not priced, so there is no total, only a lower bound: .*aws_instance\.gateway_host_instance_\w+: t3\.medium \(no price for ec2\.t3\.medium in ap-south-1\)/m);
    const json = cost("--config", join(dir, "mumbai.json"), "--json");
    const mumbai = (JSON.parse(json.stdout) as Record<string, CostEstimate>).mumbai;
    expect(mumbai).toMatchObject({ region: "ap-south-1", total: null, atLeast: 0, totalText: "unknown" });
    expect(mumbai.breakdown).toContain("has no prices for ap-south-1");
  });

  it("exits 1 with the configuration's problems when it is invalid", () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-test-"));
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ gateway: { port: 0 } }));
    const run = cost("--config", join(dir, "bad.json"));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("gateway.port: must be between 1 and 65535 (got 0)");
    expect(run.stdout).toBe("");
  });
});
