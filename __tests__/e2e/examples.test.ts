/**
 * The examples, end to end on the emulator: deploy (bootstrap + S3 backend), the settings that make each
 * example what it is, a clean second plan, destroy. examples/gateway-node.json generates its key pair,
 * which needs the tls provider (not in the offline mirror): it is deployed with the key switched to an
 * imported one, and the test says so. examples/source-build.json differs from the defaults only in the
 * boot script, which tests/hosts and the default deployment's user data check cover.
 * examples/multi-node.json is deployed by the deploy guide's test (guide.test.ts), as the README's
 * guide configures it, with every check it had here.
 * examples/private-gateway.json is planned (terraform/plan.test.ts) and its shape checked at synth level
 * (stacks/openclaw-stack.test.ts), not deployed: what its deployment proved, the others' prove. The
 * default deployment deploys its own VPC, endpoints and trail, plans again cleanly and destroys them; the
 * guide's second stack deploys and destroys a gateway without nodes.
 */
import { DescribeSubnetsCommand, DescribeVpcEndpointsCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { GetRolePolicyCommand } from "@aws-sdk/client-iam";
import { DescribeTrailsCommand } from "@aws-sdk/client-cloudtrail";
import type { Instance } from "@aws-sdk/client-ec2";
import { renderGatewayHost } from "../../src/gateway/gateway-context";
import { renderNodeHost } from "../../src/node/node-context";
import { contextsFor } from "../hosts/fixtures";
import { clients, instanceNamed, instancesNamed, rulesOf, securityGroupId, userDataOf } from "./aws";
import type { LocalDeployment } from "../../scripts/lib/local-deployment";
import { openDeployment } from "./deployment";

jest.setTimeout(15 * 60_000);

let aws: ReturnType<typeof clients>;

async function groupNames(names: string[]): Promise<Record<string, string>> {
  const groups: Record<string, string> = {};
  for (const name of names) {
    const id = await securityGroupId(aws.ec2, name);
    if (id) groups[id] = name;
  }
  return groups;
}

const idOf = (groups: Record<string, string>, name: string) => Object.keys(groups).find((key) => groups[key] === name)!;

async function policyOf(role: string) {
  const response = await aws.iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: `${role}-policy` }));
  const text = response.PolicyDocument!;
  return JSON.parse(text.trimStart().startsWith("{") ? text : decodeURIComponent(text)) as { Statement: { Sid: string; Condition?: unknown }[] };
}

/** Deploy in beforeAll, destroy as the last test (or in afterAll after a failure). */
function lifecycle(example: string) {
  const state: { deployment?: LocalDeployment; destroyed: boolean } = { destroyed: false };
  beforeAll(async () => {
    state.deployment = await openDeployment(example);
    aws = clients(state.deployment.endpoint);
    await state.deployment.deploy();
  });
  afterAll(async () => {
    if (state.deployment && !state.destroyed) await state.deployment.destroy().catch(() => undefined);
    await state.deployment?.release();
  });
  return state;
}

async function expectCleanPlan(deployment: LocalDeployment) {
  const plan = await deployment.plan();
  expect({ code: plan.code, changes: plan.output.match(/^\s*# .*$/gm) ?? [] }).toEqual({ code: 0, changes: [] });
}

async function expectUserData(deployment: LocalDeployment, gateway: Instance, nodes: Instance[]) {
  const outputs = deployment.outputs();
  const contexts = contextsFor(deployment.config, {
    gatewayPublicAddress: outputs.gateway_public_ip,
    gatewayPrivateAddress: gateway.PrivateIpAddress!,
  });
  expect(await userDataOf(aws.ec2, gateway.InstanceId!)).toBe(renderGatewayHost(contexts.gateway).userData);
  for (const [index, node] of nodes.entries()) {
    expect(await userDataOf(aws.ec2, node.InstanceId!)).toBe(renderNodeHost(contexts.nodes[index]).userData);
  }
}

describe("examples/gateway-node.json: seed 000 in the default VPC, public gateway, SSH (key switched to import)", () => {
  const state = lifecycle("gateway-node");
  const prefix = "openclaw-gateway-node";

  test('its keyPair "generate" needs the tls provider (not offline): deployed with an imported key instead', async () => {
    const deployment = state.deployment!;
    expect(deployment.notes.join(" ")).toMatch(/tls provider.*imports/);
    const gateway = await instanceNamed(aws.ec2, `${prefix}-gw`);
    expect(gateway.KeyName).toBe(`${prefix}-key`);
  });

  test("hosts in the default VPC's default subnet; public 443 and SSH; no endpoints, no Bedrock, no trail", async () => {
    const deployment = state.deployment!;
    const gateway = await instanceNamed(aws.ec2, `${prefix}-gw`);
    const node = await instanceNamed(aws.ec2, `${prefix}-node`);
    const vpcs = await aws.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }));
    expect(gateway.VpcId).toBe(vpcs.Vpcs![0].VpcId);
    const subnets = await aws.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [gateway.SubnetId!] }));
    expect(subnets.Subnets![0]).toEqual(expect.objectContaining({ DefaultForAz: true, AvailabilityZone: "us-east-1a" }));
    const groups = await groupNames([`${prefix}-sg`, `${prefix}-node-sg`, `${prefix}-endpoints-sg`]);
    expect(Object.values(groups).sort()).toEqual([`${prefix}-node-sg`, `${prefix}-sg`]);
    expect(await rulesOf(aws.ec2, idOf(groups, `${prefix}-sg`), groups)).toEqual([
      "in tcp 22 from 0.0.0.0/0",
      "in tcp 443 from 0.0.0.0/0",
      `in tcp 443 from ${prefix}-node-sg`,
      "out tcp 443 to 0.0.0.0/0",
      "out tcp 80 to 0.0.0.0/0",
    ]);
    const endpoints = await aws.ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: "vpc-id", Values: [gateway.VpcId!] }] }));
    expect(endpoints.VpcEndpoints).toEqual([]);
    const policy = await policyOf(`${prefix}-ec2-role`);
    expect(policy.Statement.map((statement) => statement.Sid)).toEqual([
      "SsmAgent",
      "OwnLogStreams",
      "OwnMetrics",
      "SharedParameters",
      "ListNodes",
      "JoinCodes",
      "DenyOtherParameters",
      "GatewayTokenSecret",
      "StackKey",
      "DescribeStackKey",
      "InstallFiles",
    ]);
    expect((await aws.cloudtrail.send(new DescribeTrailsCommand({ trailNameList: [`${prefix}-trail`] }))).trailList).toEqual([]);
    expect(deployment.outputs().ssh_command).toBe(`ssh -i ~/.ssh/${prefix}-key.pem ec2-user@${deployment.outputs().gateway_public_ip}`);
    await expectUserData(deployment, gateway, [node]);
  });

  test("a second plan is clean; destroy leaves nothing (the default VPC stays)", async () => {
    const deployment = state.deployment!;
    await expectCleanPlan(deployment);
    await deployment.destroy();
    state.destroyed = true;
    expect(await deployment.resourceCount()).toBe(0);
    expect(await instancesNamed(aws.ec2, `${prefix}-gw`)).toEqual([]);
    expect(await securityGroupId(aws.ec2, `${prefix}-sg`)).toBeUndefined();
    const vpcs = await aws.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }));
    expect(vpcs.Vpcs).toHaveLength(1);
  });
});
