/**
 * The stack's outputs (src/stacks/outputs.ts), as the default and the examples synthesize them: the
 * guided path from "applied" to "connected".
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { synthStack } from "../helpers";

const example = (name: string) => JSON.parse(readFileSync(join(__dirname, "../../examples", `${name}.json`), "utf8"));

describe("the stack's outputs", () => {
  it("outputs the guided path: addresses, ids, SSM commands, parameter names, alarm topic", () => {
    const { tf } = synthStack();
    const value = (name: string) => String(tf.output[name]?.value);
    expect(value("gateway_public_ip")).toMatch(/^\$\{aws_eip\..+\.public_ip\}$/);
    // No public CIDR (the default): no rule lets the internet reach the gateway, so no public URL.
    expect(tf.output.gateway_url).toBeUndefined();
    expect(String(synthStack(example("gateway-node")).tf.output.gateway_url?.value)).toMatch(/^wss:\/\/\$\{aws_eip\..+\.public_ip\}:443$/);
    expect(value("gateway_instance_id")).toMatch(/^\$\{aws_instance\..+\.id\}$/);
    expect(value("node_instance_ids")).toMatch(/^\{"openclaw-node": "\$\{aws_instance\..+\.id\}"\}$/);
    expect(value("gateway_shell_command")).toMatch(/^aws ssm start-session --region us-east-1 --target \$\{aws_instance\..+\.id\}$/);
    expect(value("gateway_port_forward_command")).toContain(
      `--document-name AWS-StartPortForwardingSession --parameters '{"portNumber":["443"],"localPortNumber":["18789"]}'`,
    );
    expect(value("gateway_token_command")).toBe(
      "aws secretsmanager get-secret-value --region us-east-1 --secret-id openclaw/openclaw/gateway/token --query SecretString --output text",
    );
    expect(value("gateway_token_secret")).toBe("openclaw/openclaw/gateway/token");
    expect(value("kms_key_alias")).toMatch(/^\$\{aws_kms_alias\..+\.name\}$/);
    expect(value("gateway_rotate_token_command")).toMatch(
      /^aws ssm send-command --region us-east-1 --instance-ids \$\{aws_instance\..+\.id\} --document-name AWS-RunShellScript .*'\{"commands":\["\/usr\/local\/lib\/openclaw-aws\/gateway-rotate-token\.sh"\]\}'$/,
    );
    expect(value("gateway_tls_fingerprint_parameter")).toBe("/openclaw/openclaw/gateway/tls-fingerprint");
    expect(value("alarm_topic_arn")).toMatch(/aws_sns_topic/);
    expect(value("audit_trail_arn")).toMatch(/aws_cloudtrail/);
    expect(tf.output.ssh_command).toBeUndefined();
  });

  it("gives the Control UI in order: the certificate to trust (TLS), the port forwarding, the URL, the token", () => {
    const { tf } = synthStack();
    // In the order `terraform output` and cdktf list them: by name.
    const controlUi = ["gateway_certificate_command", "gateway_port_forward_command", "gateway_port_forward_url", "gateway_token_command"];
    expect(Object.keys(tf.output).filter((name) => controlUi.includes(name))).toEqual(controlUi);
    expect(tf.output.gateway_port_forward_url.value).toBe("https://localhost:18789/");
    expect(tf.output.gateway_certificate_command.value).toBe(
      "aws ssm get-parameter --region us-east-1 --name /openclaw/openclaw/gateway/tls-certificate --query Parameter.Value --output text > openclaw-gw.crt",
    );
    const plain = synthStack(example("private-gateway")).tf.output;
    expect(plain.gateway_certificate_command).toBeUndefined();
    expect(plain.gateway_port_forward_url.value).toBe("http://localhost:18789/");
    expect(String(plain.gateway_port_forward_command.description)).toContain("http://localhost:18789/");
  });
});
