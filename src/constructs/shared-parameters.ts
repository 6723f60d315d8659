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
 * The SSM parameters the hosts share. Terraform creates each with a placeholder, so they are known,
 * scoped by IAM and removed on destroy; the hosts write the real values (token, certificate) and
 * Terraform ignores those changes, so no secret ever passes through the configuration.
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
          description,
          value: props.placeholder,
          lifecycle: { ignoreChanges: ["value"] },
        }),
      );

    create("gateway-token", props.gateway.token, "SecureString", "OpenClaw gateway auth token (written by the gateway)");
    if (props.tls) {
      create("gateway-tls-fingerprint", props.gateway.tlsFingerprint, "String", "SHA-256 fingerprint of the gateway certificate");
      create("gateway-tls-certificate", props.gateway.tlsCertificate, "String", "The gateway's self-signed certificate (PEM)");
    }
  }
}
