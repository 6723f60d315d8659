import type { Construct } from "constructs";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { emulatorAccommodations } from "../config/emulator";
import type { DeploymentTarget } from "../config/schema";
import { costOutputValue, estimateMonthlyCost } from "../cost/estimate";
import { PrivateBucket } from "../constructs/private-bucket";
import { localStatePath } from "../constructs/state";
import { addAwsProvider } from "./aws-provider";

export interface StateStackProps {
  /** The bucket to create (from `state.bucket`). */
  readonly bucket: string;
  /** Region of the bucket (`state.region`). */
  readonly region: string;
  readonly target: DeploymentTarget;
  /** Tags on every resource. */
  readonly tags: Record<string, string>;
}

/**
 * Bootstrap: creates the S3 bucket the main stack keeps its state in. Its own state stays local,
 * since the bucket cannot hold the state of its own creation.
 */
export class StateStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: StateStackProps) {
    super(scope, id);
    addAwsProvider(this, { region: props.region, target: props.target, tags: props.tags });
    new LocalBackend(this, { path: localStatePath(id) });
    // Versioned, so a bad apply can be rolled back; state is the one thing a destroy must never take.
    new PrivateBucket(this, "state", {
      bucket: props.bucket,
      versioned: true,
      preventDestroy: true,
      tlsOnly: !emulatorAccommodations(props.target).stateBucketOverHttp,
    });
    new TerraformOutput(this, "state_bucket", { value: props.bucket, description: "Bucket holding the Terraform state" });
    new TerraformOutput(this, "monthly_cost_estimate", {
      value: costOutputValue(estimateMonthlyCost(this.toTerraform())),
      description: "Estimated monthly cost in USD (npm run cost lists every item)",
    });
  }
}
