import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { propertiesOf, synthStack, type TerraformJson } from "../helpers";

const EXAMPLES = join(__dirname, "../../examples");
const example = (name: string) => JSON.parse(readFileSync(join(EXAMPLES, `${name}.json`), "utf8"));

function ingressCidrs(tf: TerraformJson): [unknown, unknown][] {
  return propertiesOf(tf, "aws_vpc_security_group_ingress_rule").map((rule): [unknown, unknown] => [rule.from_port, rule.cidr_ipv4 ?? "group"]);
}

describe("OpenClawStack", () => {
  it("configures the AWS provider for the region with default tags", () => {
    const { json } = synthStack({ tags: { Owner: "ops" } });
    expect(json).toHaveProviderWithProperties(AwsProvider, {
      region: "us-east-1",
      default_tags: [{ tags: { Project: "openclaw", Stack: "openclaw", ManagedBy: "cdktf", Owner: "ops" } }],
    });
  });

  it("points every service at the emulator on the local target only", () => {
    const { tf } = synthStack({ target: { kind: "local", endpoint: "http://127.0.0.1:4566" } });
    const [provider] = tf.provider.aws as Record<string, unknown>[];
    expect(provider).toMatchObject({ access_key: "test", skip_credentials_validation: true, s3_use_path_style: true });
    expect(provider.endpoints).toEqual([
      expect.objectContaining({ ec2: "http://127.0.0.1:4566", iam: "http://127.0.0.1:4566", ssm: "http://127.0.0.1:4566", cloudtrail: "http://127.0.0.1:4566" }),
    ]);
    const [aws] = synthStack().tf.provider.aws as Record<string, unknown>[];
    expect(aws.endpoints).toBeUndefined();
    expect(aws.access_key).toBeUndefined();
  });

  it("outputs the guided path: addresses, ids, SSM commands, parameter names, alarm topic", () => {
    const { tf } = synthStack();
    const value = (name: string) => String(tf.output[name]?.value);
    expect(value("gateway_public_ip")).toMatch(/^\$\{aws_eip\..+\.public_ip\}$/);
    expect(value("gateway_url")).toMatch(/^wss:\/\/\$\{aws_eip\..+\.public_ip\}:443$/);
    expect(value("gateway_instance_id")).toMatch(/^\$\{aws_instance\..+\.id\}$/);
    expect(value("node_instance_ids")).toMatch(/^\{"openclaw-node": "\$\{aws_instance\..+\.id\}"\}$/);
    expect(value("gateway_shell_command")).toMatch(/^aws ssm start-session --region us-east-1 --target \$\{aws_instance\..+\.id\}$/);
    expect(value("gateway_port_forward_command")).toContain(
      `--document-name AWS-StartPortForwardingSession --parameters '{"portNumber":["443"],"localPortNumber":["18789"]}'`,
    );
    expect(value("gateway_token_command")).toBe(
      "aws ssm get-parameter --region us-east-1 --name /openclaw/openclaw/gateway/token --with-decryption --query Parameter.Value --output text",
    );
    expect(value("gateway_rotate_token_command")).toMatch(
      /^aws ssm send-command --region us-east-1 --instance-ids \$\{aws_instance\..+\.id\} --document-name AWS-RunShellScript .*'\{"commands":\["\/usr\/local\/lib\/openclaw-aws\/gateway-rotate-token\.sh"\]\}'$/,
    );
    expect(value("gateway_tls_fingerprint_parameter")).toBe("/openclaw/openclaw/gateway/tls-fingerprint");
    expect(value("alarm_topic_arn")).toMatch(/aws_sns_topic/);
    expect(value("audit_trail_arn")).toMatch(/aws_cloudtrail/);
    expect(tf.output.ssh_command).toBeUndefined();
  });

  it("puts no secret into the synthesized configuration", () => {
    const { json, tf } = synthStack();
    expect(json).not.toMatch(/PRIVATE KEY-----/);
    for (const [name, output] of Object.entries(tf.output)) {
      if (/private_key|token$/.test(name)) expect(output.sensitive).toBe(true);
    }
    for (const parameter of propertiesOf(tf, "aws_ssm_parameter")) {
      // The node-list entries are public facts (a display name, a parameter name); everything else starts as the placeholder.
      if (String(parameter.name).startsWith("/openclaw/openclaw/gateway/nodes/")) {
        expect(parameter.type).toBe("String");
        expect(Object.keys(JSON.parse(String(parameter.value))).sort()).toEqual(["displayName", "pairingParameter"]);
      } else expect(parameter.value).toBe("pending");
    }
  });

  describe("examples", () => {
    it("has a config for each seed architecture and every example synthesizes", () => {
      const names = readdirSync(EXAMPLES).filter((file) => file.endsWith(".json")).map((file) => file.replace(/\.json$/, ""));
      expect(names).toEqual(expect.arrayContaining(["gateway-node", "private-gateway", "multi-node", "source-build"]));
      for (const name of names) expect(() => synthStack(example(name))).not.toThrow();
    });

    it("gateway-node is seed 000: default VPC, public TLS gateway on 443, SSH, one node, no endpoints", () => {
      const { json, tf } = synthStack(example("gateway-node"));
      expect(tf.resource.aws_vpc).toBeUndefined();
      expect(json).not.toHaveResource(VpcEndpoint);
      expect(ingressCidrs(tf)).toEqual(expect.arrayContaining([[443, "0.0.0.0/0"], [22, "0.0.0.0/0"], [443, "group"]]));
      expect(propertiesOf(tf, "aws_instance").map((instance) => instance.instance_type).sort()).toEqual(["t3.medium", "t3.small"]);
      expect(tf.resource.aws_cloudtrail).toBeUndefined();
      expect(String(tf.output.ssh_command.value)).toMatch(/^ssh -i ~\/\.ssh\/\$\{aws_key_pair\..+\.key_name\}\.pem ec2-user@\$\{aws_eip\..+\.public_ip\}$/);
      expect(propertiesOf(tf, "aws_cloudwatch_metric_alarm").map((alarm) => alarm.alarm_name)).toEqual(
        expect.arrayContaining(["OpenClaw-gateway-node-GW-CPU-High", "OpenClaw-gateway-node-Node-StatusCheck"]),
      );
    });

    it("private-gateway is seed 002: one Graviton host, no inbound rule at all, SSM port forwarding to 18789", () => {
      const { tf } = synthStack(example("private-gateway"));
      const instances = propertiesOf(tf, "aws_instance");
      expect(instances.map((instance) => instance.instance_type)).toEqual(["t4g.medium"]);
      expect(Object.values(tf.data.aws_ssm_parameter).map((parameter) => parameter.name)).toEqual([
        "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
      ]);
      expect(ingressCidrs(tf).filter(([, source]) => source !== "group")).toEqual([]);
      expect(propertiesOf(tf, "aws_vpc_endpoint")).toHaveLength(4);
      expect(tf.resource.aws_eip).toBeUndefined();
      expect(tf.resource.aws_key_pair).toBeUndefined();
      expect(String(tf.output.gateway_port_forward_command.value)).toContain(`{"portNumber":["18789"],"localPortNumber":["18789"]}`);
      expect(propertiesOf(tf, "aws_cloudtrail")).toHaveLength(1);
    });

    it("multi-node runs three nodes, one of them Graviton, with mailed alarms", () => {
      // Per host: CPU, status check, system check, instance check, health; the gateway also memory.
      const { tf } = synthStack(example("multi-node"));
      expect(propertiesOf(tf, "aws_instance")).toHaveLength(4);
      expect(propertiesOf(tf, "aws_sns_topic_subscription")).toHaveLength(1);
      expect(propertiesOf(tf, "aws_cloudwatch_metric_alarm")).toHaveLength(6 + 3 * 5);
    });
  });
});
