/**
 * Once per jest run: the offline Terraform CLI configuration for every terraform call of the suite (the
 * cdktf matchers run terraform with process.env), and one moto_server on a free loopback port for the
 * plans and deployments (__tests__/terraform, __tests__/e2e). Stopped by PID in global-teardown.ts, and
 * when this process exits in any other way.
 */
import path from "node:path";
import { startMoto, stopMoto } from "../scripts/lib/moto";
import { applyTerraformEnv, PROJECT_ROOT } from "../scripts/lib/terraform-env";

export default async function globalSetup(): Promise<void> {
  applyTerraformEnv();
  if (process.env.OPENCLAW_TEST_ENDPOINT) return; // an emulator of the caller's: used, never stopped
  const moto = await startMoto({ logFile: path.join(PROJECT_ROOT, ".cache", "test", `moto-${process.pid}.log`) });
  process.env.OPENCLAW_TEST_ENDPOINT = moto.endpoint;
  process.env.OPENCLAW_TEST_MOTO_PID = String(moto.pid);
  // Interrupted runs skip globalTeardown: stop the emulator's group when this process ends at all.
  process.once("exit", () => {
    try {
      process.kill(-moto.pid, "SIGTERM");
    } catch {
      /* already stopped */
    }
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void stopMoto(moto.pid).finally(() => process.exit(130));
    });
  }
}
