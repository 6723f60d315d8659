/**
 * Bad configurations, one per rule: each must be rejected naming `field`, with `hint` in the message.
 * Plain data, so the same table can be run against any version of validateConfig.
 */
export interface BadConfig {
  readonly why: string;
  readonly config: unknown;
  readonly field: string;
  readonly hint: RegExp;
}

const INTERPOLATION = '${file("/etc/passwd")}';
const ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ8t1i0T3Y5J2m6v0m3wqz8x9XxQv6b0Yp1c2d3e4f5g user@host";

export const BAD_CONFIGS: readonly BadConfig[] = [
  { why: "unknown region", config: { region: "us-east-9" }, field: "region", hint: /us-east-1, us-east-2/ },
  { why: "region of made-up shape", config: { region: "moon-1" }, field: "region", hint: /not an AWS region/ },
  { why: "a name Object.prototype has, as the region", config: { region: "constructor", availabilityZone: "constructora" }, field: "region", hint: /not an AWS region/ },
  { why: "a name Object.prototype has, as the type", config: { region: "eu-west-1", gateway: { instanceType: "toString" } }, field: "gateway.instanceType", hint: /not an EC2 instance type/ },
  { why: "zone letter that does not exist", config: { availabilityZone: "us-east-1z" }, field: "availabilityZone", hint: /us-east-1a, .*us-east-1f/ },
  { why: "zone of another region", config: { availabilityZone: "eu-west-1a" }, field: "availabilityZone", hint: /zone of region us-east-1/ },
  { why: "zone without a letter", config: { availabilityZone: "us-east-1" }, field: "availabilityZone", hint: /availability zone such as/ },
  { why: "state region that is not a region", config: { state: { region: "us-north-1" } }, field: "state.region", hint: /not an AWS region/ },
  { why: "state region in another partition", config: { state: { region: "cn-north-1" } }, field: "state.region", hint: /same partition \(aws\)/ },
  { why: "made-up instance type", config: { gateway: { instanceType: "t3.gigantic" } }, field: "gateway.instanceType", hint: /not an EC2 instance type; t3 sizes: t3\.nano.*t3\.medium/ },
  { why: "made-up family", config: { nodes: [{ name: "node", instanceType: "zz9.large" }] }, field: "nodes[0].instanceType", hint: /e\.g\. t3\.medium/ },
  { why: "EC2 Mac type", config: { gateway: { instanceType: "mac2.metal" } }, field: "gateway.instanceType", hint: /EC2 Mac/ },
  { why: "type the region does not offer", config: { region: "ap-southeast-4", gateway: { instanceType: "t2.micro" } }, field: "gateway.instanceType", hint: /not offered in region ap-southeast-4.*e\.g\. t3\.medium/ },
  { why: "retention far beyond S3's limit", config: { audit: { retentionDays: 1e10 } }, field: "audit.retentionDays", hint: /at most 2147483647/ },
  { why: "fractional retention", config: { audit: { retentionDays: 1.5 } }, field: "audit.retentionDays", hint: /whole number/ },
  { why: "root volume above gp3's limit", config: { gateway: { rootVolumeGb: 1e10 } }, field: "gateway.rootVolumeGb", hint: /at most 65536/ },
  { why: "log retention CloudWatch refuses", config: { monitoring: { logRetentionDays: 1e10 } }, field: "monitoring.logRetentionDays", hint: /one of 1, 3, 5/ },
  { why: "gateway on sshd's port", config: { gateway: { port: 22 } }, field: "gateway.port", hint: /sshd/ },
  { why: "port out of range", config: { gateway: { port: 70000 } }, field: "gateway.port", hint: /between 1 and 65535/ },
  { why: "credentials in the repository URL", config: { openclaw: { install: { method: "source", repository: "https://user:ghp_secret123@github.com/x/openclaw.git" } } }, field: "openclaw.install.repository", hint: /must not hold credentials.*\(got "https:\/\/\*\*\*@github\.com\/x\/openclaw\.git"\)/ },
  { why: "token-only userinfo", config: { openclaw: { install: { method: "source", repository: "https://ghp_secret123@github.com/x/openclaw.git" } } }, field: "openclaw.install.repository", hint: /credentials/ },
  { why: "plain http repository", config: { openclaw: { install: { method: "source", repository: "http://github.com/x/openclaw.git" } } }, field: "openclaw.install.repository", hint: /https:\/\/ URL/ },
  { why: "shell quote in the repository", config: { openclaw: { install: { method: "source", repository: "https://github.com/x/o'penclaw.git" } } }, field: "openclaw.install.repository", hint: /quotes/ },
  { why: "query in the repository URL", config: { openclaw: { install: { method: "source", repository: "https://github.com/x/y.git?ref=main" } } }, field: "openclaw.install.repository", hint: /\?query/ },
  { why: "an array where an object belongs", config: { gateway: [] }, field: "gateway", hint: /must be an object \{ \.\.\. \}/ },
  { why: "credentials in the emulator endpoint", config: { target: { kind: "local", endpoint: "http://admin:pw@127.0.0.1:5000" } }, field: "target.endpoint", hint: /credentials/ },
  { why: "ref git would read as an option", config: { openclaw: { install: { method: "source", ref: "-uevil" } } }, field: "openclaw.install.ref", hint: /full 40-character commit SHA/ },
  { why: "a branch (it moves)", config: { openclaw: { install: { method: "source", ref: "main" } } }, field: "openclaw.install.ref", hint: /branches and tags move/ },
  { why: "a tag (it can move)", config: { openclaw: { install: { method: "source", ref: "v2026.9.6" } } }, field: "openclaw.install.ref", hint: /git ls-remote/ },
  { why: "an abbreviated commit", config: { openclaw: { install: { method: "source", ref: "eb377ac59e6c" } } }, field: "openclaw.install.ref", hint: /full 40-character commit SHA/ },
  { why: "another OpenClaw version than the pinned (its lock is the pinned one's)", config: { openclaw: { install: { method: "npm", version: "2026.10.1" } } }, field: "openclaw.install.version", hint: /must be the pinned version "2026\.9\.6".*update-pins\.mjs openclaw@<version>/ },
  { why: "Terraform interpolation in a tag value", config: { tags: { Owner: INTERPOLATION } }, field: "tags.Owner", hint: /must not contain \$\{ or %\{/ },
  { why: "Terraform interpolation in a tag key", config: { tags: { [INTERPOLATION]: "x" } }, field: `tags[${JSON.stringify(INTERPOLATION)}]`, hint: /key must not contain/ },
  { why: "Terraform directive in the namespace", config: { monitoring: { namespace: "%{ if true }x%{ endif }" } }, field: "monitoring.namespace", hint: /must not contain/ },
  { why: "Terraform interpolation in the state key", config: { state: { key: "x/${path.cwd}/state" } }, field: "state.key", hint: /must not contain/ },
  { why: "Terraform interpolation in a key comment", config: { keyPair: { mode: "import", publicKey: `${ED25519} ${INTERPOLATION}` } }, field: "keyPair.publicKey", hint: /must not contain/ },
  { why: "tag key reserved by AWS", config: { tags: { "aws:owner": "me" } }, field: 'tags["aws:owner"]', hint: /reserved by AWS/ },
  { why: "tag key the stack sets", config: { tags: { Stack: "x" } }, field: "tags.Stack", hint: /the stack sets those/ },
  { why: "tag value with characters AWS refuses", config: { tags: { Owner: "a;b" } }, field: "tags.Owner", hint: /only letters, digits, spaces/ },
  { why: "tag value too long", config: { tags: { Owner: "x".repeat(300) } }, field: "tags.Owner", hint: /at most 256/ },
  { why: "public key whose blob is another type", config: { keyPair: { mode: "import", publicKey: "ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ" } }, field: "keyPair.publicKey", hint: /base64 key of that type/ },
  { why: "VPC block larger than AWS allows", config: { network: { mode: "create", vpcCidr: "10.0.0.0/8" } }, field: "network.vpcCidr", hint: /between \/16 and \/28/ },
  { why: "subnet smaller than AWS allows", config: { network: { mode: "create", privateSubnetCidr: "10.0.2.0/29" } }, field: "network.privateSubnetCidr", hint: /between \/16 and \/28/ },
  { why: "duplicate CIDR", config: { ssh: { allowedCidrs: ["192.0.2.0/24", "192.0.2.0/24"] } }, field: "ssh.allowedCidrs[1]", hint: /listed twice/ },
  { why: "reserved CloudWatch namespace", config: { monitoring: { namespace: "AWS/EC2" } }, field: "monitoring.namespace", hint: /reserved/ },
  { why: "state key with a leading slash", config: { state: { key: "/state.tfstate" } }, field: "state.key", hint: /must not start or end with "\/"/ },
  { why: "bucket name shaped like an IP address", config: { state: { bucket: "192.168.1.10" } }, field: "state.bucket", hint: /not an IP address/ },
  { why: "duplicate node name", config: { nodes: [{ name: "alpha" }, { name: "alpha" }] }, field: "nodes[1].name", hint: /must be unique/ },
  { why: "bad node name", config: { nodes: [{ name: "node" }, { name: "Bad Name" }] }, field: "nodes[1].name", hint: /lower-case letters/ },
  { why: "typo in a setting", config: { gateway: { instancetype: "t3.small" } }, field: "gateway.instancetype", hint: /unknown setting/ },
  { why: "wrong key pair mode", config: { keyPair: { mode: "rsa" } }, field: "keyPair.mode", hint: /"generate", "import" or "none" \(got "rsa"\)/ },
];
