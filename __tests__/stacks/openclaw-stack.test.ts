import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { KeyPair } from "@cdktf/provider-aws/lib/key-pair";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { EMULATOR_CREDENTIALS } from "../../src/config/emulator";
import { HOST_LAYOUT } from "../../src/host/layout";
import { propertiesOf, resourcesOf, synthStack, userDataText, type TerraformJson } from "../helpers";

const EXAMPLES = join(__dirname, "../../examples");
const example = (name: string) => JSON.parse(readFileSync(join(EXAMPLES, `${name}.json`), "utf8"));

/** The resource (or data source) a `${type.name.attribute}` reference points at. */
function referenced(tf: TerraformJson, reference: unknown): Record<string, unknown> {
  const match = /^\$\{(data\.)?([a-z0-9_]+)\.([^.]+)\.[a-z_]+\}$/.exec(String(reference));
  const target = match && (match[1] ? tf.data : tf.resource)[match[2]]?.[match[3]];
  if (!target) throw new Error(`not a reference to a resource of the stack: ${String(reference)}`);
  return target;
}

/** The instance of each host, by host name. */
function instancesByName(tf: TerraformJson): Record<string, Record<string, unknown>> {
  return Object.fromEntries(propertiesOf(tf, "aws_instance").map((instance) => [(instance.tags as Record<string, string>).Name, instance]));
}

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
    expect(provider).toMatchObject({ access_key: EMULATOR_CREDENTIALS.accessKeyId, skip_credentials_validation: true, s3_use_path_style: true });
    expect(provider.endpoints).toEqual([
      expect.objectContaining({ ec2: "http://127.0.0.1:4566", iam: "http://127.0.0.1:4566", ssm: "http://127.0.0.1:4566", cloudtrail: "http://127.0.0.1:4566" }),
    ]);
    const [aws] = synthStack().tf.provider.aws as Record<string, unknown>[];
    expect(aws.endpoints).toBeUndefined();
    expect(aws.access_key).toBeUndefined();
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
      // The gateway's 6, each node's 5, the model's 4.
      expect(propertiesOf(tf, "aws_cloudwatch_metric_alarm")).toHaveLength(6 + 3 * 5 + 4);
    });
  });

  describe("how it wires its constructs together", () => {
    it("keeps state in the stack's local file by default, and under the stack's key in the configured bucket and region", () => {
      expect(synthStack().tf.terraform.backend).toEqual({ local: { path: "../../../terraform.openclaw.tfstate" } });
      const { tf } = synthStack({ stackName: "prod", state: { bucket: "acme-openclaw-state", region: "eu-west-1" } });
      expect(tf.terraform.backend).toEqual({
        s3: { bucket: "acme-openclaw-state", key: "openclaw/prod/terraform.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
      });
      const local = synthStack({ state: { bucket: "local-state" }, target: { kind: "local", endpoint: "http://127.0.0.1:5000" } });
      expect(local.tf.terraform.backend).toEqual({ s3: expect.objectContaining({ endpoints: expect.objectContaining({ s3: "http://127.0.0.1:5000" }) }) });
    });

    it("snapshots the data volumes by the tag they carry, except on the emulator (no Data Lifecycle Manager there)", () => {
      const { tf } = synthStack();
      const [policy] = propertiesOf(tf, "aws_dlm_lifecycle_policy");
      const tag = (policy.policy_details as { target_tags: Record<string, string> }).target_tags;
      expect(tag).toEqual({ OpenClawDataVolume: "openclaw" });
      const volumes = propertiesOf(tf, "aws_ebs_volume");
      expect(volumes).toHaveLength(2);
      for (const volume of volumes) expect(volume.tags).toMatchObject(tag);
      const local = synthStack({ target: { kind: "local", endpoint: "http://127.0.0.1:5000" } });
      expect(local.tf.resource.aws_dlm_lifecycle_policy).toBeUndefined();
      expect(propertiesOf(local.tf, "aws_ebs_volume")).toHaveLength(2);
    });

    it("names the trail bucket after the caller's account, stops the trail only on the emulator, and has no trail when turned off", () => {
      const { tf } = synthStack();
      const trailBuckets = (synthesized: typeof tf) => propertiesOf(synthesized, "aws_s3_bucket").filter((bucket) => String(bucket.bucket).startsWith("openclaw-trail-"));
      expect(trailBuckets(tf)[0].bucket).toMatch(/^openclaw-trail-\$\{data\.aws_caller_identity\..+\.account_id\}-us-east-1$/);
      expect(propertiesOf(tf, "aws_cloudtrail")[0].enable_logging).toBe(true);
      const local = synthStack({ target: { kind: "local", endpoint: "http://127.0.0.1:5000" } });
      expect(local.json).toHaveResourceWithProperties(Cloudtrail, { enable_logging: false });
      const off = synthStack({ audit: { cloudTrail: false } });
      expect(off.json).not.toHaveResource(Cloudtrail);
      expect(trailBuckets(off.tf)).toHaveLength(0);
    });

    it("watches each host's own instance, labels its alarms from the host records, and recovers it in the stack's partition", () => {
      const { tf } = synthStack({ nodes: [{ name: "node-1" }, { name: "node-2" }] });
      const instanceIds = Object.fromEntries(
        resourcesOf(tf, "aws_instance").map(([id, instance]) => [(instance.tags as Record<string, string>).Name, `\${aws_instance.${id}.id}`]),
      );
      const alarms = Object.fromEntries(propertiesOf(tf, "aws_cloudwatch_metric_alarm").map((alarm) => [alarm.alarm_name, alarm]));
      expect(alarms["OpenClaw-GW-CPU-High"].dimensions).toEqual({ InstanceId: instanceIds["openclaw-gw"] });
      expect(alarms["OpenClaw-GW-Memory-High"].dimensions).toEqual({ InstanceId: instanceIds["openclaw-gw"], InstanceType: "t3.medium" });
      expect(alarms["OpenClaw-Node-1-CPU-High"].dimensions).toEqual({ InstanceId: instanceIds["openclaw-node-1"] });
      expect(alarms["OpenClaw-Node-2-StatusCheck"].dimensions).toEqual({ InstanceId: instanceIds["openclaw-node-2"] });
      expect(Object.keys(alarms).filter((name) => !name.startsWith("OpenClaw-Bedrock-"))).toHaveLength(6 + 5 * 2);
      expect(alarms["OpenClaw-GW-SystemCheck-Recover"].alarm_actions).toEqual([
        expect.stringMatching(/aws_sns_topic/),
        expect.stringMatching(/^arn:\$\{data\.aws_partition\.[^.]+\.partition\}:automate:us-east-1:ec2:recover$/),
      ]);
    });

    it("takes the alarm email and log retention from the configuration", () => {
      const { json } = synthStack({ monitoring: { alarmEmail: "ops@example.com", logRetentionDays: 90 } });
      expect(json).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: "email", endpoint: "ops@example.com" });
      expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/openclaw/application", retention_in_days: 90 });
    });

    it("creates the shared parameters under the stack's path, and makes the hosts wait for them", () => {
      const { tf } = synthStack({ nodes: [{ name: "node" }, { name: "arm", instanceType: "t4g.small" }] });
      expect(propertiesOf(tf, "aws_ssm_parameter").map((parameter) => parameter.name).sort()).toEqual([
        "/openclaw/openclaw/gateway/nodes/arm",
        "/openclaw/openclaw/gateway/nodes/node",
        "/openclaw/openclaw/gateway/tls-certificate",
        "/openclaw/openclaw/gateway/tls-fingerprint",
      ]);
      const { tf: single } = synthStack();
      for (const instance of propertiesOf(single, "aws_instance")) {
        expect(instance.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_ssm_parameter\./)]));
        // The certificate's two parameters, the stack's key and its alias, the token's secret: never another host's.
        expect(instance.depends_on).toHaveLength(5);
      }
      const { tf: plain } = synthStack({ nodes: [], gateway: { tls: false } });
      expect(propertiesOf(plain, "aws_ssm_parameter")).toEqual([]);
    });

    it("makes the node seed 000's t3.small with 100 GB in the node group with its own profile, told the gateway's private address", () => {
      const { tf } = synthStack();
      const [[gatewayId]] = resourcesOf(tf, "aws_instance").filter(([, instance]) => (instance.tags as Record<string, string>).Name === "openclaw-gw");
      const node = instancesByName(tf)["openclaw-node"];
      expect(node).toMatchObject({ instance_type: "t3.small", root_block_device: expect.objectContaining({ volume_size: 100 }) });
      // The gateway's fixed address, not its instance's: replacing the gateway does not replace the node.
      expect(instancesByName(tf)["openclaw-gw"].private_ip).toBe("10.0.1.10");
      expect(userDataText(tf, node)).toContain(`OPENCLAW_AWS_GATEWAY_HOST='10.0.1.10'`);
      expect(userDataText(tf, node)).not.toContain(`aws_instance.${gatewayId}`);
      expect((node.vpc_security_group_ids as string[]).map((group) => referenced(tf, group).name)).toEqual(["openclaw-node-sg"]);
      expect(referenced(tf, node.iam_instance_profile).name).toBe("openclaw-node-ec2-role");
    });

    it("has every host publish into its own namespace, the gateway also the health of all: as its role allows and its alarms watch", () => {
      const { tf } = synthStack({ stackName: "dev", nodes: [{ name: "node-1" }, { name: "arm", instanceType: "t4g.small" }] });
      const hosts = instancesByName(tf);
      const alarms = Object.fromEntries(propertiesOf(tf, "aws_cloudwatch_metric_alarm").map((alarm) => [alarm.alarm_name, alarm.namespace]));
      const allowed = (role: string) => {
        const policy = propertiesOf(tf, "aws_iam_role_policy").find((candidate) => candidate.name === `${role}-policy`);
        const statement = JSON.parse(String(policy?.policy)).Statement.find((candidate: { Sid: string }) => candidate.Sid === "OwnMetrics");
        return statement.Condition.StringEquals["cloudwatch:namespace"];
      };
      /** A file that the host's cloud-config writes. */
      const fileOf = (host: string, path: string) => {
        const cloudConfig = JSON.parse(userDataText(tf, hosts[host]).replace(/^#cloud-config\n/, "")) as { write_files: { path: string; content: string }[] };
        return cloudConfig.write_files.find((file) => file.path === path)!.content;
      };
      for (const [host, role] of [["openclaw-dev-gw", "openclaw-dev-ec2-role"], ["openclaw-dev-node-1", "openclaw-dev-node-1-ec2-role"], ["openclaw-dev-arm", "openclaw-dev-arm-ec2-role"]]) {
        expect(JSON.parse(fileOf(host, HOST_LAYOUT.cloudwatchAgentConfig)).metrics.namespace).toBe(`OpenClaw/${host}`);
        expect(allowed(role)).toBe(`OpenClaw/${host}`);
      }
      // What the gateway's health script publishes into.
      expect(fileOf("openclaw-dev-gw", HOST_LAYOUT.hostEnv)).toContain("OPENCLAW_AWS_METRICS_NAMESPACE='OpenClaw/openclaw-dev-gw'");
      expect(alarms).toMatchObject({
        "OpenClaw-dev-GW-Memory-High": "OpenClaw/openclaw-dev-gw",
        "OpenClaw-dev-GW-Unhealthy": "OpenClaw/openclaw-dev-gw",
        "OpenClaw-dev-Node-1-Unhealthy": "OpenClaw/openclaw-dev-gw",
        "OpenClaw-dev-Arm-Unhealthy": "OpenClaw/openclaw-dev-gw",
      });
    });

    it("creates one host per configured node, each with its own name and type", () => {
      const { tf } = synthStack({
        nodes: [{ name: "node-1" }, { name: "node-2", instanceType: "t3.large" }, { name: "arm", instanceType: "c7g.medium" }],
      });
      const types = Object.fromEntries(Object.entries(instancesByName(tf)).map(([name, instance]) => [name, instance.instance_type]));
      expect(types).toEqual({ "openclaw-gw": "t3.medium", "openclaw-node-1": "t3.small", "openclaw-node-2": "t3.large", "openclaw-arm": "c7g.medium" });
    });

    it("allows zero nodes: the gateway alone, no node group, no node role, no pairing parameter", () => {
      const { tf } = synthStack({ nodes: [] });
      expect(resourcesOf(tf, "aws_instance")).toHaveLength(1);
      expect(tf.output.node_instance_ids.value).toBe("{}");
      expect(propertiesOf(tf, "aws_security_group").map((group) => group.name).sort()).toEqual(["openclaw-endpoints-sg", "openclaw-sg"]);
      // The host roles (the trail and the flow logs have their own service roles).
      expect(propertiesOf(tf, "aws_iam_role").map((role) => String(role.name)).filter((name) => name.endsWith("ec2-role"))).toEqual(["openclaw-ec2-role"]);
      expect(propertiesOf(tf, "aws_ssm_parameter").map((parameter) => parameter.name)).not.toContainEqual(expect.stringContaining("/nodes/"));
    });

    it("makes the gateway seed 000's t3.medium with 100 GB in the gateway group, its EIP in its certificate and associated with it", () => {
      const { tf } = synthStack();
      const [[gatewayId, gateway]] = resourcesOf(tf, "aws_instance").filter(([, instance]) => (instance.tags as Record<string, string>).Name === "openclaw-gw");
      expect(gateway).toMatchObject({ instance_type: "t3.medium", root_block_device: expect.objectContaining({ volume_size: 100 }) });
      expect((gateway.vpc_security_group_ids as string[]).map((group) => referenced(tf, group).name)).toEqual(["openclaw-sg"]);
      // The boot script gets the address, so it can go into the certificate.
      expect(gateway.user_data_base64).toMatch(/\$\{aws_eip\.[^.]+\.public_ip\}/);
      const [association] = propertiesOf(tf, "aws_eip_association");
      expect(association.instance_id).toBe(`\${aws_instance.${gatewayId}.id}`);
    });

    it("renders the gateway without an address when it has no Elastic IP", () => {
      const { json, tf } = synthStack({ nodes: [], gateway: { elasticIp: false, bind: "loopback", tls: false } });
      expect(json).not.toHaveResource(Eip);
      expect(String(propertiesOf(tf, "aws_instance")[0].user_data_base64)).not.toContain("aws_eip");
      expect(tf.output.gateway_public_ip).toBeUndefined();
    });

    it("gives each host its configured type and root volume, the AMI of its architecture and its own instance profile", () => {
      const { tf } = synthStack({ gateway: { rootVolumeGb: 100 }, nodes: [{ name: "arm", instanceType: "t4g.small", rootVolumeGb: 30 }] });
      const { "openclaw-gw": gateway, "openclaw-arm": arm } = instancesByName(tf);
      expect(gateway).toMatchObject({ instance_type: "t3.medium", root_block_device: expect.objectContaining({ volume_size: 100 }) });
      expect(arm).toMatchObject({ instance_type: "t4g.small", root_block_device: expect.objectContaining({ volume_size: 30 }) });
      expect(referenced(tf, gateway.ami).name).toBe("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
      expect(referenced(tf, arm.ami).name).toBe("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");
      expect(referenced(tf, gateway.iam_instance_profile).name).toBe("openclaw-ec2-role");
      expect(referenced(tf, arm.iam_instance_profile).name).toBe("openclaw-arm-ec2-role");
    });

    it("makes no key pair when SSH is not allowed (the default): no private key in the state, no tls provider", () => {
      const { json, tf } = synthStack();
      expect(json).not.toHaveResource(KeyPair);
      expect(tf.resource.tls_private_key).toBeUndefined();
      expect(tf.provider.tls).toBeUndefined();
      expect(tf.output.ssh_private_key_pem).toBeUndefined();
      for (const instance of propertiesOf(tf, "aws_instance")) expect(instance.key_name).toBeUndefined();
    });

    it("with SSH allowed and no key pair named, gives every host a generated key pair and its private key only as a sensitive output", () => {
      const { tf } = synthStack({ ssh: { allowedCidrs: ["203.0.113.0/24"] } });
      expect(tf.output.ssh_private_key_pem).toMatchObject({ sensitive: true, value: expect.stringMatching(/^\$\{tls_private_key\.[^.]+\.private_key_pem\}$/) });
      expect(tf.provider.tls).toBeDefined();
      const instances = propertiesOf(tf, "aws_instance");
      expect(instances).toHaveLength(2);
      for (const instance of instances) expect(referenced(tf, instance.key_name).key_name).toBe("openclaw-key");
    });

    it("outputs no private key for an imported key pair", () => {
      const { tf } = synthStack({ keyPair: { mode: "import", name: "mine", publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb0Zz1bUuHb5l8Sg4iTi0Hc6y1p6nA7x7mJxCkq2dTn ops@example" } });
      expect(tf.output.ssh_private_key_pem).toBeUndefined();
      expect(tf.provider.tls).toBeUndefined();
      for (const instance of propertiesOf(tf, "aws_instance")) expect(referenced(tf, instance.key_name).key_name).toBe("mine");
    });

    it("creates no key pair at all in mode none, and the hosts get none", () => {
      const { json, tf } = synthStack({ keyPair: { mode: "none" } });
      expect(json).not.toHaveResource(KeyPair);
      for (const instance of propertiesOf(tf, "aws_instance")) expect(instance.key_name).toBeUndefined();
    });

    it("scopes the gateway role to the stack's parameter path and each node role to its own three parameters, each host to its own log streams and namespace", () => {
      const { tf } = synthStack({ nodes: [{ name: "node" }, { name: "arm", instanceType: "t4g.small" }] });
      /** A statement of a role's inline policy, with Terraform references (partition, account) shown as REF. */
      const statementOf = (role: string, sid: string) => {
        const policy = propertiesOf(tf, "aws_iam_role_policy").find((candidate) => candidate.name === `${role}-policy`);
        const statements = JSON.parse(String(policy?.policy).replace(/\$\{[^}]+\}/g, "REF")).Statement as { Sid: string; Resource: unknown; Condition?: unknown }[];
        return statements.find((statement) => statement.Sid === sid)!;
      };
      expect(statementOf("openclaw-ec2-role", "SharedParameters").Resource).toEqual(["arn:REF:ssm:us-east-1:REF:parameter/openclaw/openclaw/*"]);
      for (const host of ["gw", "node", "arm"]) {
        const role = host === "gw" ? "openclaw-ec2-role" : `openclaw-${host}-ec2-role`;
        expect(statementOf(role, "OwnLogStreams").Resource).toEqual([
          `arn:REF:logs:us-east-1:REF:log-group:/openclaw/application:log-stream:openclaw-${host}/*`,
          `arn:REF:logs:us-east-1:REF:log-group:/openclaw/system:log-stream:openclaw-${host}/*`,
        ]);
        expect(statementOf(role, "OwnMetrics").Condition).toEqual({ StringEquals: { "cloudwatch:namespace": `OpenClaw/openclaw-${host}` } });
      }
      for (const node of ["node", "arm"]) {
        expect(statementOf(`openclaw-${node}-ec2-role`, "ReadPairingParameters").Resource).toEqual([
          "arn:REF:ssm:us-east-1:REF:parameter/openclaw/openclaw/gateway/tls-fingerprint",
          "arn:REF:ssm:us-east-1:REF:parameter/openclaw/openclaw/gateway/tls-certificate",
          `arn:REF:ssm:us-east-1:REF:parameter/openclaw/openclaw/nodes/${node}/pairing`,
        ]);
      }
      // The partition and the account come from the stack's data sources.
      const policy = propertiesOf(tf, "aws_iam_role_policy").find((candidate) => candidate.name === "openclaw-ec2-role-policy")!;
      expect(String(policy.policy)).toMatch(/arn:\$\{data\.aws_partition\.[^.]+\.partition\}:ssm:us-east-1:\$\{data\.aws_caller_identity\.[^.]+\.account_id\}:parameter/);
      expect(tf.resource.aws_iam_role_policy_attachment).toBeUndefined();
    });

    it("takes Bedrock and Marketplace access from the configuration", () => {
      const sids = (raw: object) => {
        const policy = propertiesOf(synthStack(raw).tf, "aws_iam_role_policy").find((candidate) => candidate.name === "openclaw-ec2-role-policy");
        return JSON.parse(String(policy?.policy)).Statement.map((statement: { Sid: string }) => statement.Sid) as string[];
      };
      const access = ["BedrockInvoke", "BedrockList", "MarketplaceViaBedrock"];
      expect(sids({}).filter((sid) => access.includes(sid))).toEqual(access);
      expect(sids({ iam: { bedrock: false, marketplace: false } }).filter((sid) => access.includes(sid))).toEqual([]);
    });

    it("admits nothing from the internet by default, and opens the configured gateway port between the groups", () => {
      expect(ingressCidrs(synthStack().tf).filter(([, source]) => source !== "group")).toEqual([]);
      const { tf } = synthStack({ gateway: { port: 8443 } });
      const portsBetweenGroups = [...propertiesOf(tf, "aws_vpc_security_group_ingress_rule"), ...propertiesOf(tf, "aws_vpc_security_group_egress_rule")]
        .filter((rule) => rule.referenced_security_group_id !== undefined)
        .map((rule) => [referenced(tf, rule.security_group_id).name, rule.from_port, referenced(tf, rule.referenced_security_group_id).name]);
      expect(portsBetweenGroups).toEqual(
        expect.arrayContaining([
          ["openclaw-sg", 8443, "openclaw-node-sg"],
          ["openclaw-node-sg", 8443, "openclaw-sg"],
        ]),
      );
    });

    it("puts the endpoints into the private subnet, behind the endpoint group", () => {
      const { tf } = synthStack();
      const endpoints = propertiesOf(tf, "aws_vpc_endpoint");
      expect(endpoints).toHaveLength(4);
      for (const endpoint of endpoints) {
        const [subnet] = endpoint.subnet_ids as string[];
        const [group] = endpoint.security_group_ids as string[];
        expect(referenced(tf, subnet).tags).toEqual({ Name: "openclaw-private", Tier: "private" });
        expect(referenced(tf, group).name).toBe("openclaw-endpoints-sg");
      }
    });

    it("drops the endpoints and their group when every endpoint is off", () => {
      const { json, tf } = synthStack({ endpoints: { bedrockRuntime: false, ssm: false, ssmmessages: false, ec2messages: false } });
      expect(json).not.toHaveResource(VpcEndpoint);
      expect(propertiesOf(tf, "aws_security_group").map((group) => group.name)).not.toContain("openclaw-endpoints-sg");
    });

    it("puts the hosts into the default subnet in network mode default", () => {
      const { tf } = synthStack({ network: { mode: "default" }, availabilityZone: "us-east-1b" });
      for (const instance of propertiesOf(tf, "aws_instance")) {
        expect(instance.subnet_id).toMatch(/^\$\{data\.aws_subnet\./);
        expect(referenced(tf, instance.subnet_id)).toMatchObject({ availability_zone: "us-east-1b", default_for_az: true });
      }
    });
  });
});
