import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { SharedParameters, type SharedParametersProps } from "../../src/constructs/shared-parameters";
import { propertiesOf } from "../helpers";
import { synthConstruct } from "./bare-stack";

const props: SharedParametersProps = {
  gateway: {
    tlsFingerprint: "/openclaw/openclaw/gateway/tls-fingerprint",
    tlsCertificate: "/openclaw/openclaw/gateway/tls-certificate",
  },
  tls: true,
  pairing: [
    { hostName: "openclaw-node", parameter: "/openclaw/openclaw/nodes/node/pairing" },
    { hostName: "openclaw-arm", parameter: "/openclaw/openclaw/nodes/arm/pairing" },
  ],
  placeholder: "pending",
  secureStringKeyId: "alias/openclaw",
};

describe("SharedParameters", () => {
  it("given a TLS gateway and two nodes, when synthesized, then each shared value exists with the placeholder, which the hosts overwrite", () => {
    const { json, tf } = synthConstruct((stack) => void new SharedParameters(stack, "parameters", props));
    const parameters = propertiesOf(tf, "aws_ssm_parameter");
    expect(Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.type]))).toEqual({
      "/openclaw/openclaw/gateway/tls-fingerprint": "String",
      "/openclaw/openclaw/gateway/tls-certificate": "String",
      "/openclaw/openclaw/nodes/node/pairing": "SecureString",
      "/openclaw/openclaw/nodes/arm/pairing": "SecureString",
    });
    for (const parameter of parameters) {
      expect(parameter.value).toBe("pending");
      expect(parameter.lifecycle).toEqual({ ignore_changes: ["value"] });
    }
    expect(json).toHaveResourceWithProperties(SsmParameter, { name: "/openclaw/openclaw/nodes/node/pairing", type: "SecureString", key_id: "alias/openclaw" });
  });

  it("given a gateway without TLS and no nodes, when synthesized, then there is no parameter (the token is a secret, not a parameter)", () => {
    const { tf } = synthConstruct((stack) => void new SharedParameters(stack, "parameters", { ...props, tls: false, pairing: [] }));
    expect(tf.resource).toBeUndefined();
  });

  it("given parameters, when built, then it hands out every resource for the hosts to wait for", () => {
    let count = 0;
    synthConstruct((stack) => void (count = new SharedParameters(stack, "parameters", props).resources.length));
    expect(count).toBe(4);
  });
});
