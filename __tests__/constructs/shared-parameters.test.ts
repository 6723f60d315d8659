import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { propertiesOf, synthStack } from "../helpers";

describe("SharedParameters", () => {
  it("creates the shared values under the stack's path with a placeholder the hosts overwrite; no join code is Terraform's", () => {
    const { json, tf } = synthStack({ nodes: [{ name: "node" }, { name: "arm", instanceType: "t4g.small" }] });
    const parameters = propertiesOf(tf, "aws_ssm_parameter").filter((parameter) => !String(parameter.name).includes("/gateway/nodes/"));
    expect(Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.type]))).toEqual({
      "/openclaw/openclaw/gateway/token": "SecureString",
      "/openclaw/openclaw/gateway/tls-fingerprint": "String",
      "/openclaw/openclaw/gateway/tls-certificate": "String",
    });
    for (const parameter of parameters) {
      expect(parameter.value).toBe("pending");
      expect(parameter.lifecycle).toEqual({ ignore_changes: ["value"] });
    }
    expect(json).toHaveResourceWithProperties(SsmParameter, { name: "/openclaw/openclaw/gateway/token", type: "SecureString" });
  });

  it("lists each node for the gateway in its own String parameter, which Terraform keeps up to date", () => {
    const { tf } = synthStack({ nodes: [{ name: "node" }, { name: "arm", instanceType: "t4g.small" }] });
    const entries = propertiesOf(tf, "aws_ssm_parameter").filter((parameter) => String(parameter.name).includes("/gateway/nodes/"));
    const byName = entries.sort((a, b) => String(a.name).localeCompare(String(b.name)));
    expect(byName.map(({ name, type, value, lifecycle }) => ({ name, type, value: JSON.parse(String(value)), lifecycle }))).toEqual([
      {
        name: "/openclaw/openclaw/gateway/nodes/arm",
        type: "String",
        value: { displayName: "openclaw-arm", pairingParameter: "/openclaw/openclaw/nodes/arm/pairing" },
        lifecycle: undefined,
      },
      {
        name: "/openclaw/openclaw/gateway/nodes/node",
        type: "String",
        value: { displayName: "openclaw-node", pairingParameter: "/openclaw/openclaw/nodes/node/pairing" },
        lifecycle: undefined,
      },
    ]);
  });

  it("has no certificate parameters when the gateway serves no TLS", () => {
    const { tf } = synthStack({ nodes: [], gateway: { tls: false } });
    expect(propertiesOf(tf, "aws_ssm_parameter").map((parameter) => parameter.name)).toEqual(["/openclaw/openclaw/gateway/token"]);
  });

  it("makes the hosts wait for the parameters they write and read", () => {
    const { tf } = synthStack();
    for (const instance of propertiesOf(tf, "aws_instance")) {
      expect(instance.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_ssm_parameter\./)]));
      expect(instance.depends_on).toHaveLength(3);
    }
  });
});
