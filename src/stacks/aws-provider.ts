import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { DeploymentTarget } from "../config/schema";


/** Every service the stacks call: on the local target each is pointed at the emulator. */
const SERVICES = ["ec2", "iam", "sts", "ssm", "s3", "cloudwatch", "logs", "sns", "cloudtrail", "kms"] as const;

export interface AwsProviderProps {
  readonly region: string;
  readonly target: DeploymentTarget;
  /** Tags on every resource that takes tags. */
  readonly tags: Record<string, string>;
}

/** The AWS provider for real AWS, or for the local emulator (fake credentials, no account lookups). */
export function addAwsProvider(scope: Construct, props: AwsProviderProps): AwsProvider {
  const { target } = props;
  const emulator =
    target.kind === "local"
      ? {
          accessKey: "test",
          secretKey: "test",
          skipCredentialsValidation: true,
          // The account id is requested (the emulator answers sts:GetCallerIdentity): without it the provider
          // reads every group-referencing security group rule back as "<account>/sg-..." and never settles.
          skipMetadataApiCheck: "true",
          s3UsePathStyle: true,
          endpoints: [Object.fromEntries(SERVICES.map((service) => [service, target.endpoint]))],
        }
      : {};
  return new AwsProvider(scope, "aws", {
    region: props.region,
    defaultTags: [{ tags: props.tags }],
    ...emulator,
  });
}
