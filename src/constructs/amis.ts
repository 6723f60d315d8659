import { Construct } from "constructs";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import type { Architecture } from "../config/aws-facts";

/**
 * The Amazon Linux 2023 AMI of each architecture the hosts run, from AWS's public SSM parameter: one
 * lookup per architecture, shared by every host, so a plan reads it once, not once per node.
 */
export class Amis extends Construct {
  private readonly ids = new Map<Architecture, string>();

  /** The AMI id for an architecture (a reference Terraform reads at plan). */
  idFor(architecture: Architecture): string {
    let id = this.ids.get(architecture);
    if (id === undefined) {
      id = new DataAwsSsmParameter(this, architecture, { name: `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}` }).value;
      this.ids.set(architecture, id);
    }
    return id;
  }
}
