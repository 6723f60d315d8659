import { KeyPair as AwsKeyPair } from "@cdktf/provider-aws/lib/key-pair";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { KeyPair, type KeyPairProps } from "../../src/constructs/key-pair";
import { referenceToOnly, synthConstruct } from "./bare-stack";

const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb0Zz1bUuHb5l8Sg4iTi0Hc6y1p6nA7x7mJxCkq2dTn ops@example";

function synthKeyPair(keyPair: KeyPairProps["keyPair"]) {
  return synthConstruct((stack) => {
    const key = new KeyPair(stack, "key-pair", { keyPair, defaultName: "openclaw-key" });
    return { keyName: key.keyName, privateKeyPem: key.privateKeyPem };
  });
}

describe("KeyPair", () => {
  it("given mode generate without a name (seed 000), when synthesized, then Terraform makes an RSA 2048 openclaw-key with the tls provider and hands out its private key", () => {
    const { json, tf, exposed } = synthKeyPair({ mode: "generate" });
    expect(json).toHaveResourceWithProperties(PrivateKey, { algorithm: "RSA", rsa_bits: 2048 });
    expect(json).toHaveResourceWithProperties(AwsKeyPair, { key_name: "openclaw-key", public_key: referenceToOnly(tf, "tls_private_key", "public_key_openssh") });
    expect(tf.provider.tls).toBeDefined();
    expect(exposed).toEqual({
      keyName: referenceToOnly(tf, "aws_key_pair", "key_name"),
      privateKeyPem: referenceToOnly(tf, "tls_private_key", "private_key_pem"),
    });
  });

  it("given mode import with a name, when synthesized, then it imports that public key under that name, without the tls provider or a private key", () => {
    const { json, tf, exposed } = synthKeyPair({ mode: "import", name: "mine", publicKey: PUBLIC_KEY });
    expect(json).toHaveResourceWithProperties(AwsKeyPair, { key_name: "mine", public_key: PUBLIC_KEY });
    expect(json).not.toHaveResource(PrivateKey);
    expect(tf.provider?.tls).toBeUndefined();
    expect(exposed.privateKeyPem).toBeUndefined();
  });
});
