import { AwsEnvironment } from "../src/aws-environment";

describe("AwsEnvironment", () => {
  const environment = new AwsEnvironment("aws-us-gov", "us-gov-west-1", "123456789012");

  it("given a service and a resource, when asked for an ARN, then it is in the environment's partition, region and account", () => {
    expect(environment.arn("ssm", "parameter/openclaw/x")).toBe("arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter/openclaw/x");
  });

  it("given a service without a region or an account, when asked for an ARN, then those fields are what the scope says", () => {
    expect(environment.arn("s3", "bucket/key", { region: "", account: "" })).toBe("arn:aws-us-gov:s3:::bucket/key");
    expect(environment.arn("iam", "root", { region: "" })).toBe("arn:aws-us-gov:iam::123456789012:root");
    expect(environment.arn("bedrock", "foundation-model/m", { region: "*", account: "" })).toBe("arn:aws-us-gov:bedrock:*::foundation-model/m");
  });

  it("given another region, when moved there, then only the region changes", () => {
    const moved = environment.inRegion("us-gov-east-1");
    expect([moved.partition, moved.region, moved.accountId]).toEqual(["aws-us-gov", "us-gov-east-1", "123456789012"]);
  });
});
