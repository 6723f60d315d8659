/**
 * Where a stack deploys: its AWS partition, region and account (Terraform references where the stack
 * reads them from data sources), and the one place ARNs are spelled.
 */
export class AwsEnvironment {
  constructor(
    /** e.g. "aws". */
    readonly partition: string,
    readonly region: string,
    readonly accountId: string,
  ) {}

  /**
   * `arn:<partition>:<service>:<region>:<account>:<resource>` in this environment; `scope` puts another
   * value in the region or account field: "" where the service has none (S3, IAM, budgets), "*" for any.
   */
  arn(service: string, resource: string, scope: { readonly region?: string; readonly account?: string } = {}): string {
    return `arn:${this.partition}:${service}:${scope.region ?? this.region}:${scope.account ?? this.accountId}:${resource}`;
  }

  /** The same account in another region (Bedrock's, when it is not the stack's). */
  inRegion(region: string): AwsEnvironment {
    return new AwsEnvironment(this.partition, region, this.accountId);
  }
}
