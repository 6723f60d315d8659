import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { emulatorProviderSettings } from "../config/emulator";
import type { DeploymentTarget } from "../config/schema";

export interface AwsProviderProps {
  readonly region: string;
  readonly target: DeploymentTarget;
  /** Tags on every resource that takes tags. */
  readonly tags: Record<string, string>;
}

/** The AWS provider for real AWS, or for the local emulator (see config/emulator.ts). */
export function addAwsProvider(scope: Construct, props: AwsProviderProps): AwsProvider {
  return new AwsProvider(scope, "aws", {
    region: props.region,
    defaultTags: [{ tags: props.tags }],
    ...emulatorProviderSettings(props.target),
  });
}
