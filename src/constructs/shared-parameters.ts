import { Construct } from "constructs";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import type { GatewayParameters } from "../config/hosts";

export interface SharedParametersProps {
  /** What the gateway publishes. */
  readonly gateway: GatewayParameters;
  /** Whether the gateway serves TLS (only then does it publish a certificate and its fingerprint). */
  readonly tls: boolean;
  /** Value every parameter is created with; the hosts read it as "not published yet". */
  readonly placeholder: string;
}

/**
 * The public values the gateway shares with the nodes (its certificate and fingerprint). Terraform
 * creates each with a placeholder, so they are known, scoped by IAM and removed on destroy; the gateway
 * writes the real values and Terraform ignores those changes. No secret is among them: the token lives
 * in a Secrets Manager secret without a Terraform-made value (Secrets), and each join code is a
 * SecureString the gateway creates and deletes itself.
 */
export class SharedParameters extends Construct {
  /** Every parameter resource, so the hosts can wait for them to exist before they boot. */
  readonly resources: SsmParameter[] = [];

  constructor(scope: Construct, id: string, props: SharedParametersProps) {
    super(scope, id);
    const create = (key: string, name: string, description: string) =>
      this.resources.push(
        new SsmParameter(this, key, {
          name,
          type: "String",
          description,
          value: props.placeholder,
          lifecycle: { ignoreChanges: ["value"] },
        }),
      );

    if (props.tls) {
      create("gateway-tls-fingerprint", props.gateway.tlsFingerprint, "SHA-256 fingerprint of the gateway certificate");
      create("gateway-tls-certificate", props.gateway.tlsCertificate, "The gateway's self-signed certificate (PEM)");
    }
  }
}
