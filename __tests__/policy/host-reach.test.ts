/**
 * What each role of the stack may do to what the alarms watch and the trail keeps: metrics, log groups
 * and streams, parameters outside the stack, snapshots. The synthesized identity policies of every role
 * are evaluated by ./iam-evaluator.ts (as AWS decides: an explicit Deny wins, else an Allow is needed,
 * conditions on the request's context keys) for the defaults, every example and a stack of three nodes.
 * Prints the matrix (role × request) and asserts: a host publishes metrics only into its own namespace
 * (so no node publishes a health value, nor a metric another host's alarm watches); a host writes log
 * events only into its own streams; no role creates, deletes or shortens a log group; the gateway reads
 * no parameter outside the stack's path; the snapshot role snapshots only the stack's data volumes and
 * deletes only the snapshots its policy made.
 */
import { deploymentHosts } from "../../src/config/hosts";
import { deploymentNames } from "../../src/config/names";
import { HOST_METRICS } from "../../src/monitoring/metrics";
import { configWith, defaultAndExamples, synthStack } from "../helpers";
import { evaluateIdentity, type Decision } from "./iam-evaluator";
import { ACCOUNT, resources, stackModel, type Role } from "./stack-model";

interface Probe {
  readonly label: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
}

const CONFIGS: [string, Record<string, unknown>][] = [...defaultAndExamples(), ["three nodes", { nodes: [{ name: "node-1" }, { name: "node-2" }, { name: "arm", instanceType: "t4g.small" }] }]];

/** Another stack in the same account, whose gateway's metrics, logs and parameters no role here may touch. */
const OTHER_STACK = { namespace: "OpenClaw/openclaw-other-gw", logGroup: "/openclaw-other/application", stream: "openclaw-other-gw", parameter: "/openclaw/other/channels/telegram-bot-token" };

const INSTANCE = "i-0123456789abcdef0";

describe.each(CONFIGS)("%s", (name, raw) => {
  const { tf } = synthStack(raw);
  const config = configWith(raw);
  const names = deploymentNames(config);
  const hosts = deploymentHosts(config, names);
  const { region, roles } = stackModel(tf);
  const hostNames = [hosts.gateway.hostName, ...hosts.nodes.map((node) => node.hostName)];
  const roleOfHost = new Map([[hosts.gateway.hostName, hosts.gateway.roleName], ...hosts.nodes.map((node): [string, string] => [node.hostName, node.roleName])]);
  const namespace = (host: string) => HOST_METRICS.namespace(config.monitoring.namespace, host);
  const groupArn = (group: string) => `arn:aws:logs:${region}:${ACCOUNT}:log-group:${group}`;
  const logGroups = resources(tf, "aws_cloudwatch_log_group").map(([, group]) => String(group.name));
  const hostGroups = [names.applicationLogGroup, names.systemLogGroup];
  const snapshot = (tags: Record<string, string>) => ({ resource: `arn:aws:ec2:${region}::snapshot/snap-0123456789abcdef0`, context: Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value])) });
  const volumeTag = { OpenClawDataVolume: names.prefix };

  const probes: Probe[] = [
    ...hostNames.map((host) => ({ label: `metric into ${namespace(host)}`, action: "cloudwatch:PutMetricData", resource: "*", context: { "cloudwatch:namespace": namespace(host) } })),
    { label: `metric into ${config.monitoring.namespace}`, action: "cloudwatch:PutMetricData", resource: "*", context: { "cloudwatch:namespace": config.monitoring.namespace } },
    { label: `metric into ${OTHER_STACK.namespace}`, action: "cloudwatch:PutMetricData", resource: "*", context: { "cloudwatch:namespace": OTHER_STACK.namespace } },
    ...hostGroups.flatMap((group) =>
      hostNames.flatMap((host) =>
        ["logs:CreateLogStream", "logs:PutLogEvents"].map((action) => ({ label: `${action.split(":")[1]} ${group} ${host}/…`, action, resource: `${groupArn(group)}:log-stream:${host}/${INSTANCE}` })),
      ),
    ),
    ...logGroups
      .filter((group) => !hostGroups.includes(group))
      .map((group) => ({ label: `PutLogEvents ${group}`, action: "logs:PutLogEvents", resource: `${groupArn(group)}:log-stream:any` })),
    { label: `PutLogEvents ${OTHER_STACK.logGroup}`, action: "logs:PutLogEvents", resource: `${groupArn(OTHER_STACK.logGroup)}:log-stream:${OTHER_STACK.stream}/${INSTANCE}` },
    ...logGroups.flatMap((group) =>
      ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:DeleteLogGroup", "logs:DisassociateKmsKey"].map((action) => ({
        label: `${action.split(":")[1]} ${group}`,
        action,
        resource: groupArn(group),
      })),
    ),
    { label: `GetParameter ${OTHER_STACK.parameter}`, action: "ssm:GetParameter", resource: `arn:aws:ssm:${region}:${ACCOUNT}:parameter${OTHER_STACK.parameter}` },
    { label: "GetParametersByPath /", action: "ssm:GetParametersByPath", resource: `arn:aws:ssm:${region}:${ACCOUNT}:parameter/` },
    { label: "CreateSnapshot of a data volume", action: "ec2:CreateSnapshot", resource: `arn:aws:ec2:${region}:${ACCOUNT}:volume/vol-1`, context: { "aws:ResourceTag/OpenClawDataVolume": names.prefix } },
    { label: "CreateSnapshot of another volume", action: "ec2:CreateSnapshot", resource: `arn:aws:ec2:${region}:${ACCOUNT}:volume/vol-2`, context: { "aws:ResourceTag/OpenClawDataVolume": "openclaw-other" } },
    { label: "DeleteSnapshot the policy made", action: "ec2:DeleteSnapshot", ...snapshot({ SnapshotCreator: "openclaw-dlm", ...volumeTag }) },
    { label: "DeleteSnapshot by hand of a data volume", action: "ec2:DeleteSnapshot", ...snapshot(volumeTag) },
    { label: "DeleteSnapshot another stack's policy made", action: "ec2:DeleteSnapshot", ...snapshot({ SnapshotCreator: "openclaw-dlm", OpenClawDataVolume: "openclaw-other" }) },
    { label: "DeleteSnapshot untagged", action: "ec2:DeleteSnapshot", ...snapshot({}) },
  ];
  const decide = (role: Role, probe: Probe): Decision => evaluateIdentity(role.identity, { action: probe.action, resource: probe.resource, context: probe.context ?? {} });
  const allowed = (role: Role) => probes.filter((probe) => decide(role, probe) === "allowed").map((probe) => probe.label);
  const roleNamed = (roleName: string) => roles.find((role) => role.name === roleName)!;

  it("prints the matrix (role × request)", () => {
    const width = Math.max(...roles.map((role) => role.name.length));
    const short: Record<Decision, string> = { allowed: "ALLOW", "explicit-deny": "deny!", "implicit-deny": "-" };
    const lines = probes.map((probe, index) => `  [${index}] ${probe.label}`);
    const rows = roles.map((role) => `  ${role.name.padEnd(width)}  ${probes.map((probe, index) => `[${index}] ${short[decide(role, probe)]}`).join(" ")}`);
    process.stdout.write(`Host reach, ${name} (ALLOW; deny! = explicit Deny; - = no Allow):\n${lines.join("\n")}\n${rows.join("\n")}\n`);
    expect(rows).toHaveLength(roles.length);
  });

  it("each host publishes metrics only into its own namespace: no node a health value, no host what another's alarm watches", () => {
    for (const host of hostNames) {
      expect([host, allowed(roleNamed(roleOfHost.get(host)!)).filter((label) => label.startsWith("metric"))]).toEqual([host, [`metric into ${namespace(host)}`]]);
    }
    for (const role of roles.filter((candidate) => ![...roleOfHost.values()].includes(candidate.name))) {
      expect([role.name, allowed(role).filter((label) => label.startsWith("metric"))]).toEqual([role.name, []]);
    }
  });

  it("each host writes log events only into its own streams of the hosts' two groups", () => {
    for (const host of hostNames) {
      const own = hostGroups.flatMap((group) => [`CreateLogStream ${group} ${host}/…`, `PutLogEvents ${group} ${host}/…`]);
      expect([host, allowed(roleNamed(roleOfHost.get(host)!)).filter((label) => /LogStream|LogEvents/.test(label))]).toEqual([host, own]);
    }
  });

  it("no role creates, deletes, shortens or un-keys a log group, reads a parameter outside the stack, or touches another stack's", () => {
    const forbidden = /^(CreateLogGroup|PutRetentionPolicy|DeleteRetentionPolicy|DeleteLogGroup|DisassociateKmsKey|GetParameter|metric into OpenClaw-other|PutLogEvents \/openclaw-other)/;
    for (const role of roles) expect([role.name, allowed(role).filter((label) => forbidden.test(label) || label.includes("other"))]).toEqual([role.name, []]);
    // The gateway's own statement says so explicitly, whatever else is ever attached to its role.
    const gateway = roleNamed(hosts.gateway.roleName);
    expect(decide(gateway, probes.find((probe) => probe.label.startsWith("GetParameter "))!)).toBe("explicit-deny");
  });

  it("the snapshot role (where there is one) snapshots only the stack's data volumes and deletes only the snapshots its policy made", () => {
    const dlm = roles.find((role) => role.name === `${names.prefix}-dlm-role`);
    const snapshotting = (role: Role) => allowed(role).filter((label) => label.includes("Snapshot"));
    if (dlm) expect(snapshotting(dlm)).toEqual(["CreateSnapshot of a data volume", "DeleteSnapshot the policy made"]);
    for (const role of roles.filter((candidate) => candidate !== dlm)) expect([role.name, snapshotting(role)]).toEqual([role.name, []]);
  });
});
