/** Stops the moto_server that global-setup.ts started (by its PID), unless the caller brought one. */
import { stopMoto } from "../scripts/lib/moto";

export default async function globalTeardown(): Promise<void> {
  const pid = Number(process.env.OPENCLAW_TEST_MOTO_PID);
  if (!pid) return;
  await stopMoto(pid);
  delete process.env.OPENCLAW_TEST_MOTO_PID;
  delete process.env.OPENCLAW_TEST_ENDPOINT;
}
