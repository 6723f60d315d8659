import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { SharedParameters, type SharedParametersProps } from "../../src/constructs/shared-parameters";
import { propertiesOf } from "../helpers";
import { synthConstruct } from "./bare-stack";

const props: SharedParametersProps = {
  gateway: {
    tlsFingerprint: "/openclaw/openclaw/gateway/tls-fingerprint",
    tlsCertificate: "/openclaw/openclaw/gateway/tls-certificate",
    nodeList: "/openclaw/openclaw/gateway/nodes",
  },
  tls: true,
  placeholder: "pending",
};

describe("SharedParameters", () => {
  it("given a TLS gateway, when synthesized, then its certificate and fingerprint exist with the placeholder, which the gateway overwrites; no join code is Terraform's", () => {
    const { json, tf } = synthConstruct((stack) => void new SharedParameters(stack, "parameters", props));
    const parameters = propertiesOf(tf, "aws_ssm_parameter");
    expect(Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.type]))).toEqual({
      "/openclaw/openclaw/gateway/tls-fingerprint": "String",
      "/openclaw/openclaw/gateway/tls-certificate": "String",
    });
    for (const parameter of parameters) {
      expect(parameter.value).toBe("pending");
      expect(parameter.lifecycle).toEqual({ ignore_changes: ["value"] });
    }
    expect(json).not.toHaveResourceWithProperties(SsmParameter, { type: "SecureString" });
  });

  it("given a gateway without TLS, when synthesized, then there is no parameter (the token is a secret, not a parameter)", () => {
    const { tf } = synthConstruct((stack) => void new SharedParameters(stack, "parameters", { ...props, tls: false }));
    expect(tf.resource).toBeUndefined();
  });

  it("given parameters, when built, then it hands out every resource for the hosts to wait for", () => {
    let count = 0;
    synthConstruct((stack) => void (count = new SharedParameters(stack, "parameters", props).resources.length));
    expect(count).toBe(2);
  });
});
