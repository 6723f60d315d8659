import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { SharedParameters, type SharedParametersProps } from "../../src/constructs/shared-parameters";
import { propertiesOf } from "../helpers";
import { synthConstruct } from "./bare-stack";

const props: SharedParametersProps = {
  gateway: {
    token: "/openclaw/openclaw/gateway/token",
    tlsFingerprint: "/openclaw/openclaw/gateway/tls-fingerprint",
    tlsCertificate: "/openclaw/openclaw/gateway/tls-certificate",
  },
  tls: true,
  pairing: [
    { hostName: "openclaw-node", parameter: "/openclaw/openclaw/nodes/node/pairing" },
    { hostName: "openclaw-arm", parameter: "/openclaw/openclaw/nodes/arm/pairing" },
  ],
  placeholder: "pending",
};

describe("SharedParameters", () => {
  it("given a TLS gateway and two nodes, when synthesized, then each shared value exists with the placeholder, which the hosts overwrite", () => {
    const { json, tf } = synthConstruct((stack) => void new SharedParameters(stack, "parameters", props));
    const parameters = propertiesOf(tf, "aws_ssm_parameter");
    expect(Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.type]))).toEqual({
      "/openclaw/openclaw/gateway/token": "SecureString",
      "/openclaw/openclaw/gateway/tls-fingerprint": "String",
      "/openclaw/openclaw/gateway/tls-certificate": "String",
      "/openclaw/openclaw/nodes/node/pairing": "SecureString",
      "/openclaw/openclaw/nodes/arm/pairing": "SecureString",
    });
    for (const parameter of parameters) {
      expect(parameter.value).toBe("pending");
      expect(parameter.lifecycle).toEqual({ ignore_changes: ["value"] });
    }
    expect(json).toHaveResourceWithProperties(SsmParameter, { name: "/openclaw/openclaw/gateway/token", type: "SecureString" });
  });

  it("given a gateway without TLS and no nodes, when synthesized, then only the token exists", () => {
    const { tf } = synthConstruct((stack) => void new SharedParameters(stack, "parameters", { ...props, tls: false, pairing: [] }));
    expect(propertiesOf(tf, "aws_ssm_parameter").map((parameter) => parameter.name)).toEqual(["/openclaw/openclaw/gateway/token"]);
  });

  it("given parameters, when built, then it hands out every resource for the hosts to wait for", () => {
    let count = 0;
    synthConstruct((stack) => void (count = new SharedParameters(stack, "parameters", props).resources.length));
    expect(count).toBe(5);
  });
});
