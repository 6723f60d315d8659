import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { propertiesOf, synthStack } from "../helpers";

describe("Endpoints", () => {
  it("creates the four interface endpoints with private DNS in the private subnet", () => {
    const { json, tf } = synthStack();
    const endpoints = propertiesOf(tf, "aws_vpc_endpoint");
    expect(endpoints.map((endpoint) => endpoint.service_name).sort()).toEqual([
      "com.amazonaws.us-east-1.bedrock-runtime",
      "com.amazonaws.us-east-1.ec2messages",
      "com.amazonaws.us-east-1.ssm",
      "com.amazonaws.us-east-1.ssmmessages",
    ]);
    for (const endpoint of endpoints) {
      expect(endpoint).toMatchObject({ vpc_endpoint_type: "Interface", private_dns_enabled: true });
      expect(endpoint.subnet_ids).toEqual([expect.stringContaining("aws_subnet.network_private-subnet")]);
      expect(endpoint.security_group_ids).toEqual([expect.stringContaining("security-groups_endpoints")]);
    }
    expect(json).toHaveResourceWithProperties(VpcEndpoint, { service_name: "com.amazonaws.us-east-1.ssm" });
  });

  it("admits only this account's principals through every endpoint", () => {
    const { tf } = synthStack();
    for (const endpoint of propertiesOf(tf, "aws_vpc_endpoint")) {
      expect(JSON.parse(String(endpoint.policy)).Statement).toEqual([
        {
          Sid: "OwnAccountOnly",
          Effect: "Allow",
          Principal: "*",
          Action: "*",
          Resource: "*",
          Condition: { StringEquals: { "aws:PrincipalAccount": expect.stringMatching(/^\$\{data\.aws_caller_identity\..+\.account_id\}$/) } },
        },
      ]);
    }
  });

  it("turns each endpoint off on its own, and drops the endpoint group when none is left", () => {
    const some = synthStack({ endpoints: { bedrockRuntime: false } });
    expect(propertiesOf(some.tf, "aws_vpc_endpoint").map((endpoint) => endpoint.service_name)).not.toContain(
      "com.amazonaws.us-east-1.bedrock-runtime",
    );
    expect(propertiesOf(some.tf, "aws_vpc_endpoint")).toHaveLength(3);

    const none = synthStack({ endpoints: { bedrockRuntime: false, ssm: false, ssmmessages: false, ec2messages: false } });
    expect(none.json).not.toHaveResource(VpcEndpoint);
    expect(propertiesOf(none.tf, "aws_security_group").map((group) => group.name)).not.toContain("openclaw-endpoints-sg");
  });

  it("follows the region", () => {
    const { tf } = synthStack({ region: "eu-west-1" });
    expect(propertiesOf(tf, "aws_vpc_endpoint").map((endpoint) => endpoint.service_name)).toContain("com.amazonaws.eu-west-1.ssm");
  });
});
