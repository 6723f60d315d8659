import { Construct } from "constructs";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import type { GatewayParameters } from "../config/hosts";

/** A node's pairing parameter: the gateway hands the node its join code there. */
export interface PairingParameter {
  /** The node's host name (keys the construct id and the description). */
  readonly hostName: string;
  readonly parameter: string;
}

export interface SharedParametersProps {
  /** What the gateway publishes. */
  readonly gateway: GatewayParameters;
  /** Whether the gateway serves TLS (only then does it publish a certificate and its fingerprint). */
  readonly tls: boolean;
  readonly pairing: readonly PairingParameter[];
  /** Value every parameter is created with; the hosts read it as "not published yet". */
  readonly placeholder: string;
  /** The stack's KMS key (its alias), which encrypts the SecureStrings: its policy says who decrypts which. */
  readonly secureStringKeyId: string;
}

/**
 * The SSM parameters the hosts share. Terraform creates each with a placeholder, so they are known,
 * scoped by IAM and removed on destroy; the hosts write the real values (certificate, join codes) and
 * Terraform ignores those changes, so no secret ever passes through the configuration. The gateway
 * token is not among them: it lives in a Secrets Manager secret without a Terraform-made value (Secrets).
 */
export class SharedParameters extends Construct {
  /** Every parameter resource, so the hosts can wait for them to exist before they boot. */
  readonly resources: SsmParameter[] = [];

  constructor(scope: Construct, id: string, props: SharedParametersProps) {
    super(scope, id);
    const create = (key: string, name: string, type: "String" | "SecureString", description: string) =>
      this.resources.push(
        new SsmParameter(this, key, {
          name,
          type,
          keyId: type === "SecureString" ? props.secureStringKeyId : undefined,
          description,
          value: props.placeholder,
          lifecycle: { ignoreChanges: ["value"] },
        }),
      );

    if (props.tls) {
      create("gateway-tls-fingerprint", props.gateway.tlsFingerprint, "String", "SHA-256 fingerprint of the gateway certificate");
      create("gateway-tls-certificate", props.gateway.tlsCertificate, "String", "The gateway's self-signed certificate (PEM)");
    }
    for (const node of props.pairing) {
      create(`pairing-${node.hostName}`, node.parameter, "SecureString", `Pairing material the gateway hands to ${node.hostName}`);
    }
  }
}
