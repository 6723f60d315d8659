// AWS SDK client settings for a deployment target: on AWS the caller's own credentials (the SDK's default
// chain); on the local target the emulator's endpoint and credentials, never real ones towards it.
import { EMULATOR_CREDENTIALS } from "../../src/config/emulator";
import type { DeploymentTarget } from "../../src/config/schema";

export function clientSettings(target: DeploymentTarget, region: string) {
  return {
    region,
    ...(target.kind === "local" ? { endpoint: target.endpoint, credentials: EMULATOR_CREDENTIALS } : {}),
  };
}
