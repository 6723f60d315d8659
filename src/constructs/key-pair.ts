import { Construct } from "constructs";
import { KeyPair as AwsKeyPair } from "@cdktf/provider-aws/lib/key-pair";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import type { OpenClawConfig } from "../config/schema";

export interface KeyPairProps {
  /** generate (RSA 2048 by Terraform), import (your public key) or none. */
  readonly keyPair: Exclude<OpenClawConfig["keyPair"], { mode: "none" }>;
  /** Key pair name when the configuration names none. */
  readonly defaultName: string;
}

/** The SSH key pair of the hosts (seed 000's openclaw-key). */
export class KeyPair extends Construct {
  readonly keyName: string;
  /** PEM of a generated private key (sensitive: only ever an output). */
  readonly privateKeyPem?: string;

  constructor(scope: Construct, id: string, props: KeyPairProps) {
    super(scope, id);
    const name = props.keyPair.name ?? props.defaultName;
    let publicKey: string;
    if (props.keyPair.mode === "generate") {
      // The tls provider is only required by deployments that generate their key.
      new TlsProvider(this, "tls");
      const key = new PrivateKey(this, "private-key", { algorithm: "RSA", rsaBits: 2048 });
      publicKey = key.publicKeyOpenssh;
      this.privateKeyPem = key.privateKeyPem;
    } else {
      publicKey = props.keyPair.publicKey;
    }
    this.keyName = new AwsKeyPair(this, "key-pair", { keyName: name, publicKey }).keyName;
  }
}
