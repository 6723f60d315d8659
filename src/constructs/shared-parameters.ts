import { Construct } from "constructs";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import type { SharedParameters as SharedParameterNames } from "../hosts/context";

export interface SharedParametersProps {
  readonly parameters: SharedParameterNames;
  /** Whether the gateway serves TLS (only then does it publish a certificate and its fingerprint). */
  readonly tls: boolean;
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
    const { parameters } = props;
    const create = (key: string, name: string, type: "String" | "SecureString", description: string) =>
      this.resources.push(
        new SsmParameter(this, key, {
          name,
          type,
          description,
          value: parameters.placeholder,
          lifecycle: { ignoreChanges: ["value"] },
        }),
      );

    create("gateway-token", parameters.gatewayToken, "SecureString", "OpenClaw gateway auth token (written by the gateway)");
    if (props.tls) {
      create("gateway-tls-fingerprint", parameters.gatewayTlsFingerprint, "String", "SHA-256 fingerprint of the gateway certificate");
      create("gateway-tls-certificate", parameters.gatewayTlsCertificate, "String", "The gateway's self-signed certificate (PEM)");
    }
    for (const [node, name] of Object.entries(parameters.nodePairing)) {
      create(`pairing-${node}`, name, "SecureString", `Pairing material the gateway hands to ${node}`);
    }
  }
}
