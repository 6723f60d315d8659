import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { propertiesOf, synthStack } from "../helpers";

describe("SharedParameters", () => {
  it("creates the shared values under the stack's path with a placeholder the hosts overwrite", () => {
    const { json, tf } = synthStack({ nodes: [{ name: "node" }, { name: "arm", instanceType: "t4g.small" }] });
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
    expect(json).toHaveResourceWithProperties(SsmParameter, { name: "/openclaw/openclaw/nodes/node/pairing", type: "SecureString" });
  });

  it("has no parameter at all without TLS and nodes (the token is a secret, not a parameter)", () => {
    const { tf } = synthStack({ nodes: [], gateway: { tls: false } });
    expect(propertiesOf(tf, "aws_ssm_parameter")).toEqual([]);
  });

  it("makes the hosts wait for the parameters they write and read, the stack's key and the token's secret", () => {
    const { tf } = synthStack();
    for (const instance of propertiesOf(tf, "aws_instance")) {
      expect((instance.depends_on as string[]).map((dependency) => dependency.split(".")[0]).sort()).toEqual([
        "aws_kms_alias",
        "aws_kms_key",
        "aws_secretsmanager_secret",
        "aws_ssm_parameter",
        "aws_ssm_parameter",
        "aws_ssm_parameter",
      ]);
    }
  });
});
