/** Environment for a terraform call from a test: no calling home. */
export function terraformEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CHECKPOINT_DISABLE: "1" };
}
