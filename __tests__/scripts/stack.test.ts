/**
 * The deploy guide's commands (scripts/stack.ts) where they decide before anything runs: what destroy
 * keeps, how a stale lock is explained, and the refusals that name the fix. The commands themselves run
 * against the emulator in __tests__/e2e/guide.test.ts.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { providerInstallHint } from "../../scripts/lib/cdktf";
import { importCommand, resourcesToKeep, type ShownState } from "../../scripts/lib/destroy-plan";
import { lockHint } from "../../scripts/lib/state-bucket";
import { PROJECT_ROOT } from "../../scripts/lib/terraform-env";

jest.setTimeout(120_000);

const shown: ShownState = {
  values: {
    root_module: {
      resources: [
        { address: "aws_ebs_volume.gateway_host_data_volume_4DA70DFE", mode: "managed", type: "aws_ebs_volume", values: { id: "vol-1", tags: { Name: "openclaw-gw-data" } } },
        { address: 'aws_ebs_volume.node_data["node-1"]', mode: "managed", type: "aws_ebs_volume", values: { id: "vol-2", tags: { Name: "openclaw-node-1-data" } } },
        { address: "aws_s3_bucket.audit_bucket_85D46CD8", mode: "managed", type: "aws_s3_bucket", values: { id: "openclaw-trail-1-us-east-1", bucket: "openclaw-trail-1-us-east-1" } },
        { address: "aws_s3_bucket_policy.audit_policy_59CC5959", mode: "managed", type: "aws_s3_bucket_policy", values: { id: "openclaw-trail-1-us-east-1", bucket: "openclaw-trail-1-us-east-1" } },
        { address: "aws_cloudtrail.audit_trail_91FB908D", mode: "managed", type: "aws_cloudtrail", values: { id: "openclaw-trail", s3_bucket_name: "openclaw-trail-1-us-east-1" } },
        // Another bucket of the stack (nothing to keep in it): never kept.
        { address: "aws_s3_bucket.install-files_bucket_1", mode: "managed", type: "aws_s3_bucket", values: { id: "openclaw-pkg-1-us-east-1", bucket: "openclaw-pkg-1-us-east-1" } },
        { address: "aws_s3_bucket_policy.install-files_policy_2", mode: "managed", type: "aws_s3_bucket_policy", values: { id: "openclaw-pkg-1-us-east-1", bucket: "openclaw-pkg-1-us-east-1" } },
        { address: "aws_instance.gateway_host_instance_3DD5D888", mode: "managed", type: "aws_instance", values: { id: "i-1" } },
        { address: "data.aws_ebs_volume.other", mode: "data", type: "aws_ebs_volume", values: { id: "vol-9" } },
      ],
    },
  },
};

describe("resourcesToKeep", () => {
  it("keeps the managed data volumes and the trail's bucket with its settings (no other bucket), as asked, by address and id", () => {
    expect(resourcesToKeep(shown, { volumes: true, trailBucket: true }).map((resource) => [resource.address, resource.id, resource.label])).toEqual([
      ["aws_ebs_volume.gateway_host_data_volume_4DA70DFE", "vol-1", "openclaw-gw-data"],
      ['aws_ebs_volume.node_data["node-1"]', "vol-2", "openclaw-node-1-data"],
      ["aws_s3_bucket.audit_bucket_85D46CD8", "openclaw-trail-1-us-east-1", "openclaw-trail-1-us-east-1"],
      ["aws_s3_bucket_policy.audit_policy_59CC5959", "openclaw-trail-1-us-east-1", "openclaw-trail-1-us-east-1"],
    ]);
    expect(resourcesToKeep(shown, { volumes: false, trailBucket: true }).map((resource) => resource.type)).toEqual(["aws_s3_bucket", "aws_s3_bucket_policy"]);
    expect(resourcesToKeep(shown, { volumes: false, trailBucket: false })).toEqual([]);
    expect(resourcesToKeep({}, { volumes: true, trailBucket: true })).toEqual([]);
  });

  it("gives the import command that takes a kept resource back (the address quoted for the shell)", () => {
    const [, node] = resourcesToKeep(shown, { volumes: true, trailBucket: false });
    expect(importCommand(node)).toBe(`npm run terraform -- import 'aws_ebs_volume.node_data["node-1"]' vol-2`);
  });
});

describe("lockHint", () => {
  it("names the lock file, its ID and holder, and the force-unlock command for that ID", () => {
    const hint = lockHint(
      { bucket: "acme-openclaw-state", key: "openclaw/multi-node/terraform.tfstate", region: "us-east-1" },
      { ID: "3cd2ce50-0974-f980-59c3-e17f245eef97", Operation: "OperationTypeApply", Who: "ops@laptop", Created: "2026-12-04T16:02:02Z" },
    );
    expect(hint.split("\n")).toEqual([
      "The state is locked: s3://acme-openclaw-state/openclaw/multi-node/terraform.tfstate.tflock holds lock ID 3cd2ce50-0974-f980-59c3-e17f245eef97 (operation Apply, by ops@laptop, since 2026-12-04T16:02:02Z).",
      "If no other deploy, diff or destroy of this stack is running (an interrupted run leaves its lock behind), release it with:",
      "  npm run terraform -- force-unlock -force 3cd2ce50-0974-f980-59c3-e17f245eef97",
    ]);
  });
});

describe("providerInstallHint", () => {
  it("given a synthesized stack whose init installed no provider, then it names TF_CLI_CONFIG_FILE and the README's offline commands; given providers or no synth, nothing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-hint-"));
    try {
      expect(providerInstallHint(dir, {})).toBeUndefined(); // no synth: the synth's own error says why
      fs.writeFileSync(path.join(dir, "cdk.tf.json"), "{}");
      const unset = providerInstallHint(dir, {})!.split("\n");
      expect(unset[0]).toBe(`Terraform installed no provider in ${dir}: TF_CLI_CONFIG_FILE is not set, and the Terraform registry is out of reach or refused it.`);
      expect(unset.slice(2)).toEqual(['  export TF_CLI_CONFIG_FILE="$PWD/.cache/terraform/cli.tfrc"', "  node --import tsx scripts/lib/terraform-env.ts"]);
      // The README's offline block is those two commands, word for word.
      expect(fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8")).toMatch(/<!-- guide-test: offline -->\n```sh\nexport TF_CLI_CONFIG_FILE="\$PWD\/\.cache\/terraform\/cli\.tfrc" .*\nnode --import tsx scripts\/lib\/terraform-env\.ts /);
      expect(providerInstallHint(dir, { TF_CLI_CONFIG_FILE: "/x/cli.tfrc" })).toContain("TF_CLI_CONFIG_FILE (/x/cli.tfrc) names no mirror holding it");
      fs.mkdirSync(path.join(dir, ".terraform", "providers"), { recursive: true });
      expect(providerInstallHint(dir, {})).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the npm run commands refuse before anything runs, naming the fix", () => {
  let scratch: string;
  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-stack-"));
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  function npm(args: string[], config: unknown): Promise<{ code: number; stdout: string; stderr: string }> {
    const file = path.join(scratch, "config.json");
    fs.writeFileSync(file, JSON.stringify(config));
    const env = { ...process.env, OPENCLAW_CONFIG: file, OPENCLAW_STATE_BUCKET: "", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
    return new Promise((resolve) => {
      // stdin is not a terminal here (as in a script).
      execFile("npm", ["run", "--silent", ...args], { cwd: PROJECT_ROOT, env, timeout: 100_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  test("destroy without --keep-data or --delete-data, while the data volumes are protected", async () => {
    const ran = await npm(["destroy"], { stackName: "guarded" });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain("Stack guarded: nothing destroyed.");
    expect(ran.stderr).toContain("npm run destroy -- --keep-data");
    expect(ran.stderr).toContain("npm run destroy -- --delete-data");
    expect((await npm(["destroy", "--", "--keep-data", "--delete-data"], {})).stderr).toContain("--keep-data or --delete-data, not both");
  });

  test("deploy and destroy without a terminal to approve on, unless --auto-approve", async () => {
    const ran = await npm(["deploy"], {});
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain("cdktf deploy asks for approval on a terminal, and there is none here: run npm run deploy -- --auto-approve");
    expect((await npm(["destroy", "--", "--keep-data"], {})).stderr).toContain("run npm run destroy -- --auto-approve");
  });

  test("bootstrap without a state bucket: nothing to create, the local state file named", async () => {
    const ran = await npm(["bootstrap"], { stackName: "local-state" });
    expect(ran.code).toBe(0);
    expect(ran.stderr).toContain("No state.bucket in the configuration: the state of stack local-state is the file terraform.local-state.tfstate at the project root.");
  });

  test("terraform without arguments, and an unknown configuration field, as one message each", async () => {
    expect((await npm(["terraform"], {})).stderr).toContain("npm run terraform -- <arguments>: which terraform command?");
    const bad = await npm(["diff"], { gateway: { port: 0 } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Invalid OpenClaw configuration[\s\S]*gateway\.port: must be between 1 and 65535/);
    expect(bad.stderr).not.toMatch(/^\s{4}at /m);
  });
});
