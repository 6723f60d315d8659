import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { anyEndpoint, Endpoints, type EndpointsProps } from "../../src/constructs/endpoints";
import { configWith, propertiesOf } from "../helpers";
import { synthConstruct, TEST_ENVIRONMENT } from "./bare-stack";

const ALL_ON = configWith().endpoints;

const props: EndpointsProps = {
  vpcId: "vpc-1",
  subnetId: "subnet-private",
  securityGroupId: "sg-endpoints",
  environment: TEST_ENVIRONMENT,
  services: ALL_ON,
  namePrefix: "openclaw",
};

const synthEndpoints = (overrides: Partial<EndpointsProps> = {}) =>
  synthConstruct((stack) => void new Endpoints(stack, "endpoints", { ...props, ...overrides }));

const serviceNames = (tf: ReturnType<typeof synthEndpoints>["tf"]) => propertiesOf(tf, "aws_vpc_endpoint").map((endpoint) => endpoint.service_name);

describe("Endpoints", () => {
  it("given every endpoint on (the default), when synthesized, then it creates the four interface endpoints with private DNS in the given subnet and group", () => {
    const { json, tf } = synthEndpoints();
    expect(serviceNames(tf).sort()).toEqual([
      "com.amazonaws.us-east-1.bedrock-runtime",
      "com.amazonaws.us-east-1.ec2messages",
      "com.amazonaws.us-east-1.ssm",
      "com.amazonaws.us-east-1.ssmmessages",
    ]);
    for (const endpoint of propertiesOf(tf, "aws_vpc_endpoint")) {
      expect(endpoint).toMatchObject({
        vpc_id: "vpc-1",
        vpc_endpoint_type: "Interface",
        private_dns_enabled: true,
        subnet_ids: ["subnet-private"],
        security_group_ids: ["sg-endpoints"],
      });
    }
    expect(json).toHaveResourceWithProperties(VpcEndpoint, { service_name: "com.amazonaws.us-east-1.ssm", tags: { Name: "openclaw-ssm" } });
  });

  it("given bedrockRuntime off, when synthesized, then it creates the other three", () => {
    const { tf } = synthEndpoints({ services: { ...ALL_ON, bedrockRuntime: false } });
    expect(serviceNames(tf)).not.toContain("com.amazonaws.us-east-1.bedrock-runtime");
    expect(serviceNames(tf)).toHaveLength(3);
  });

  it("given every endpoint off, when synthesized, then it creates none", () => {
    const none = { bedrockRuntime: false, ssm: false, ssmmessages: false, ec2messages: false };
    expect(synthEndpoints({ services: none }).json).not.toHaveResource(VpcEndpoint);
    expect(anyEndpoint(none)).toBe(false);
    expect(anyEndpoint({ ...none, ssm: true })).toBe(true);
  });

  it("given region eu-west-1, when synthesized, then the service names follow it", () => {
    expect(serviceNames(synthEndpoints({ environment: TEST_ENVIRONMENT.inRegion("eu-west-1") }).tf)).toContain("com.amazonaws.eu-west-1.ssm");
  });
});
