import type { Construct } from "constructs";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { stateRegion } from "../config/names";
import type { OpenClawConfig } from "../config/schema";
import { StateBucket } from "../constructs/state";
import { addAwsProvider } from "./aws-provider";

export interface StateStackProps {
  readonly config: OpenClawConfig;
  /** The bucket to create (from `state.bucket`). */
  readonly bucket: string;
}

/**
 * Bootstrap: creates the S3 bucket the main stack keeps its state in. Its own state stays local,
 * since the bucket cannot hold the state of its own creation.
 */
export class StateStack extends TerraformStack {
  constructor(scope: Construct, id: string, { config, bucket }: StateStackProps) {
    super(scope, id);
    addAwsProvider(this, {
      region: stateRegion(config),
      target: config.target,
      tags: { Project: "openclaw", Stack: config.stackName, ManagedBy: "cdktf", ...config.tags },
    });
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    new StateBucket(this, "state", { bucket });
    new TerraformOutput(this, "state_bucket", { value: bucket, description: "Bucket holding the Terraform state" });
  }
}
