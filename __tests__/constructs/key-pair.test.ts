import { KeyPair } from "@cdktf/provider-aws/lib/key-pair";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { propertiesOf, synthStack } from "../helpers";

const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb0Zz1bUuHb5l8Sg4iTi0Hc6y1p6nA7x7mJxCkq2dTn ops@example";

describe("KeyPair", () => {
  it("generates seed 000's RSA 2048 openclaw-key and exposes the private key only as a sensitive output", () => {
    const { json, tf } = synthStack();
    expect(json).toHaveResourceWithProperties(PrivateKey, { algorithm: "RSA", rsa_bits: 2048 });
    expect(json).toHaveResourceWithProperties(KeyPair, { key_name: "openclaw-key" });
    expect(tf.output.ssh_private_key_pem).toMatchObject({ sensitive: true });
    expect(tf.provider.tls).toBeDefined();
    for (const instance of propertiesOf(tf, "aws_instance")) expect(instance.key_name).toContain("aws_key_pair");
  });

  it("imports a public key without the tls provider", () => {
    const { json, tf } = synthStack({ keyPair: { mode: "import", name: "mine", publicKey: PUBLIC_KEY } });
    expect(json).toHaveResourceWithProperties(KeyPair, { key_name: "mine", public_key: PUBLIC_KEY });
    expect(json).not.toHaveResource(PrivateKey);
    expect(tf.provider.tls).toBeUndefined();
    expect(tf.output.ssh_private_key_pem).toBeUndefined();
  });

  it("creates no key at all in mode none", () => {
    const { json, tf } = synthStack({ keyPair: { mode: "none" } });
    expect(json).not.toHaveResource(KeyPair);
    for (const instance of propertiesOf(tf, "aws_instance")) expect(instance.key_name).toBeUndefined();
  });
});
