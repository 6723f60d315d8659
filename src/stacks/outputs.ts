/**
 * The stack's outputs: the guided path from "applied" to "connected" (instance ids and addresses, the
 * SSM commands for a shell, the Control UI, the token and the channels), and where to watch it.
 */
import { TerraformOutput, type TerraformStack } from "cdktf";
import { channelSecretCommand, channelSecretParameters } from "../config/assistant";
import { isPrivilegedPort, type Deployment } from "../config/hosts";
import type { KeyPair } from "../constructs/key-pair";
import { GATEWAY_BOOT_SCRIPT } from "../gateway/gateway-context";
import type { GatewayHost } from "../gateway/gateway-host";
import { HOST_LAYOUT } from "../host/layout";
import type { NodeHosts } from "../node/node-hosts";

export interface DeploymentOutputsProps {
  /** The validated configuration, its names and host records. */
  readonly deployment: Deployment;
  readonly gateway: GatewayHost;
  /** The node hosts, when there are nodes. */
  readonly nodes?: NodeHosts;
  /** The stack's KMS key alias (a reference: the output waits for the key). */
  readonly kmsAlias: string;
  readonly alarmTopicArn: string;
  /** The dashboard's URL, when there is one. */
  readonly dashboardUrl?: string;
  /** The trail's ARN, when there is one. */
  readonly auditTrailArn?: string;
  /** The key pair, when SSH is possible at all. */
  readonly keyPair?: KeyPair;
}

/** Local port for SSM port forwarding when the gateway's own port would need root locally. */
const LOCAL_FORWARD_PORT = 18789;

/** The output that prices the stack: its value is filled in from the synthesized document (OpenClawStack.toTerraform). */
export const COST_OUTPUT = "monthly_cost_estimate";

/** Adds the outputs to the stack (at its top level, so their names are exactly these). */
export function addOutputs(stack: TerraformStack, props: DeploymentOutputsProps): void {
  const { deployment, gateway, nodes, keyPair } = props;
  const { config, names, hosts } = deployment;
  const region = config.region;
  const output = (id: string, value: string, description: string, sensitive = false) =>
    new TerraformOutput(stack, id, { value, description, sensitive });
  const gatewayId = gateway.instance.id;
  const session = `aws ssm start-session --region ${region} --target ${gatewayId}`;
  const localPort = isPrivilegedPort(config.gateway.port) ? LOCAL_FORWARD_PORT : config.gateway.port;
  const scheme = config.gateway.tls ? "https" : "http";

  output("gateway_instance_id", gatewayId, "Instance id of the gateway host");
  output("gateway_private_ip", gateway.privateIp, "Fixed private address of the gateway (nodes connect to it; kept when the gateway is replaced)");
  if (gateway.publicIp) {
    output("gateway_public_ip", gateway.publicIp, "Elastic IP of the gateway");
    // A URL only where the internet may reach it: without public CIDRs no rule lets anyone in there.
    if (config.gateway.tls && config.gateway.bind === "lan" && config.gateway.publicCidrs.length > 0) {
      output("gateway_url", `wss://${gateway.publicIp}:${config.gateway.port}`, "Gateway WebSocket URL (self-signed certificate: pin gateway_tls_fingerprint_parameter)");
    }
  }
  const nodeInstanceIds = nodes ? hosts.nodes.map((node) => `"${node.hostName}": "${nodes.instanceId(node.name)}"`) : [];
  output(
    "node_instance_ids",
    `{${nodeInstanceIds.join(", ")}}`,
    "Instance id of each node host (JSON)",
  );
  output("gateway_shell_command", session, "Shell on the gateway through SSM Session Manager (no SSH needed)");
  // The Control UI in the order a user goes, which is also the order of the names (Terraform sorts outputs
  // by name): trust the certificate (TLS), forward the port, open the URL, log in with the token.
  const controlUiUrl = `${scheme}://localhost:${localPort}/`;
  if (config.gateway.tls) {
    output(
      "gateway_certificate_command",
      `aws ssm get-parameter --region ${region} --name ${hosts.gatewayParameters.tlsCertificate} --query Parameter.Value --output text > ${names.prefix}-gw.crt`,
      `Writes the gateway's self-signed certificate (PEM; it names localhost) to a file: trust it for ${controlUiUrl}`,
    );
  }
  output(
    "gateway_port_forward_command",
    `${session} --document-name AWS-StartPortForwardingSession --parameters '{"portNumber":["${config.gateway.port}"],"localPortNumber":["${localPort}"]}'`,
    `Control UI, 1 of 3: forward the gateway to ${controlUiUrl} through SSM (keep it running)`,
  );
  output("gateway_port_forward_url", controlUiUrl, "Control UI, 2 of 3: open it while the port is forwarded, and log in with the token");
  output(
    "gateway_token_command",
    `aws secretsmanager get-secret-value --region ${region} --secret-id ${hosts.gateway.tokenSecret} --query SecretString --output text`,
    "Control UI, 3 of 3: prints the gateway token (needs kms:Decrypt on the stack's key; never an output itself)",
  );
  output("gateway_token_secret", hosts.gateway.tokenSecret, "Secrets Manager secret holding the gateway token (the gateway writes it)");
  output("kms_key_alias", props.kmsAlias, "The stack's KMS key: encrypts every secret of the stack (--key-id for channel secrets)");
  output(
    "gateway_rotate_token_command",
    `aws ssm send-command --region ${region} --instance-ids ${gatewayId} --document-name AWS-RunShellScript --comment "openclaw-aws: rotate the gateway token" --parameters '{"commands":["${HOST_LAYOUT.libDir}/gateway-rotate-token.sh"]}'`,
    "Gives the gateway a new token through SSM Run Command; paired nodes keep their device tokens (see README)",
  );
  if (config.gateway.tls) {
    output("gateway_tls_fingerprint_parameter", hosts.gatewayParameters.tlsFingerprint, "SSM parameter holding the gateway certificate's SHA-256 fingerprint");
  }
  // The user creates each channel's SecureString: Terraform never holds it, so the token is never in
  // its state. The value goes through stdin, never a command line; the stack's key encrypts it (SSM
  // would otherwise take aws/ssm, which every principal of the account may decrypt through SSM).
  for (const secret of channelSecretParameters(config.openclaw.channels, names.parameterPath)) {
    output(
      `${secret.parameter.replace(/-/g, "_")}_command`,
      channelSecretCommand(secret, region, names.kmsAlias),
      `Stores the ${secret.description} (export ${secret.env} first); then run channels_apply_command`,
    );
  }
  if (config.openclaw.channels.length > 0) {
    output(
      "channels_apply_command",
      `aws ssm send-command --region ${region} --instance-ids ${gatewayId} --document-name AWS-RunShellScript --parameters 'commands=["${GATEWAY_BOOT_SCRIPT.path}"]'`,
      "Re-runs the gateway's boot: reads the channel tokens from SSM, turns on the channels that have one, restarts the gateway",
    );
  }
  if (config.openclaw.channels.includes("whatsapp")) {
    output(
      "whatsapp_login_command",
      `${session} --document-name AWS-StartInteractiveCommand --parameters '{"command":["sudo openclaw channels login --channel whatsapp"]}'`,
      "Links WhatsApp: shows the QR code to scan with the phone (credentials stay in the gateway's state dir)",
    );
  }
  output("alarm_topic_arn", props.alarmTopicArn, "SNS topic the alarms notify");
  if (props.dashboardUrl) output("dashboard_url", props.dashboardUrl, "The stack's CloudWatch dashboard: hosts, model tokens and spend today, alarms");
  if (props.auditTrailArn) output("audit_trail_arn", props.auditTrailArn, "CloudTrail trail of this deployment");
  if (keyPair && config.ssh.allowedCidrs.length > 0 && gateway.publicIp) {
    output("ssh_command", `ssh -i ~/.ssh/${keyPair.keyName}.pem ec2-user@${gateway.publicIp}`, "SSH to the gateway");
  }
  if (keyPair?.privateKeyPem) {
    output("ssh_private_key_pem", keyPair.privateKeyPem, "Generated private key (see README: write it to ~/.ssh with mode 0600)", true);
  }
  output(COST_OUTPUT, "", "Estimated monthly cost in USD (npm run cost lists every item)");
}
