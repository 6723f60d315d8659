import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { DeploymentNames } from "../config/names";

export interface SecurityGroupsProps {
  readonly vpcId: string;
  readonly names: DeploymentNames;
  /** Port the gateway listens on. */
  readonly gatewayPort: number;
  /** Internet CIDRs allowed to reach the gateway port; empty keeps it off the internet. */
  readonly gatewayPublicCidrs: readonly string[];
  /** Whether node hosts exist (they get their own group, allowed to reach the gateway port). */
  readonly withNodes: boolean;
  /** CIDRs allowed to SSH to the hosts; empty means no SSH rule at all. */
  readonly sshCidrs: readonly string[];
  /** Whether interface endpoints exist (they get a group that takes 443 from the hosts only). */
  readonly withEndpoints: boolean;
  /**
   * Local emulator only: moto drops the description of a rule that references a security group (it keeps
   * only CIDR rule descriptions), so the plan would never settle; such rules get none there.
   */
  readonly omitReferencedRuleDescriptions?: boolean;
}

/** Ports the hosts may reach on the internet: package repositories, npm, Bedrock and bot APIs are HTTPS; 80 for plain repository mirrors. */
const HOST_EGRESS_PORTS = [443, 80] as const;

/**
 * The hosts' firewalls. Every rule is its own resource so the plan shows each opening by itself;
 * there is no rule that is not listed here (Terraform removes AWS's default allow-all egress).
 */
export class SecurityGroups extends Construct {
  readonly gatewayGroupId: string;
  readonly nodeGroupId?: string;
  readonly endpointGroupId?: string;

  constructor(scope: Construct, id: string, props: SecurityGroupsProps) {
    super(scope, id);
    const { names, vpcId, gatewayPort } = props;

    const group = (groupId: string, name: string, description: string) =>
      new SecurityGroup(this, groupId, { name, description, vpcId, tags: { Name: name } });
    const settle = (rule: RuleProps) =>
      props.omitReferencedRuleDescriptions && rule.referencedSecurityGroupId ? { ...rule, description: undefined } : rule;
    const ingress = (ruleId: string, groupIdRef: string, rule: RuleProps) =>
      new VpcSecurityGroupIngressRule(this, ruleId, { securityGroupId: groupIdRef, ipProtocol: "tcp", ...settle(rule) });
    const egress = (ruleId: string, groupIdRef: string, rule: RuleProps) =>
      new VpcSecurityGroupEgressRule(this, ruleId, { securityGroupId: groupIdRef, ipProtocol: "tcp", ...settle(rule) });

    const hostGroups: { key: string; id: string }[] = [];
    const gateway = group("gateway", names.gatewaySecurityGroup, "OpenClaw gateway host");
    hostGroups.push({ key: "gateway", id: gateway.id });
    props.gatewayPublicCidrs.forEach((cidr, index) =>
      ingress(`gateway-public-${index}`, gateway.id, {
        fromPort: gatewayPort,
        toPort: gatewayPort,
        cidrIpv4: cidr,
        description: `OpenClaw gateway (wss) from ${cidr}`,
      }),
    );

    if (props.withNodes) {
      const node = group("node", names.nodeSecurityGroup, "OpenClaw node hosts");
      hostGroups.push({ key: "node", id: node.id });
      ingress("gateway-from-nodes", gateway.id, {
        fromPort: gatewayPort,
        toPort: gatewayPort,
        referencedSecurityGroupId: node.id,
        description: "OpenClaw gateway from the node hosts",
      });
      egress("node-to-gateway", node.id, {
        fromPort: gatewayPort,
        toPort: gatewayPort,
        referencedSecurityGroupId: gateway.id,
        description: "Node hosts to the OpenClaw gateway",
      });
      this.nodeGroupId = node.id;
    }

    for (const host of hostGroups) {
      props.sshCidrs.forEach((cidr, index) =>
        ingress(`${host.key}-ssh-${index}`, host.id, {
          fromPort: 22,
          toPort: 22,
          cidrIpv4: cidr,
          description: `SSH from ${cidr}`,
        }),
      );
      for (const port of HOST_EGRESS_PORTS) {
        egress(`${host.key}-egress-${port}`, host.id, {
          fromPort: port,
          toPort: port,
          cidrIpv4: "0.0.0.0/0",
          description: `Outbound TCP ${port}`,
        });
      }
    }

    if (props.withEndpoints) {
      const endpoints = group("endpoints", names.endpointSecurityGroup, "OpenClaw VPC interface endpoints");
      for (const host of hostGroups) {
        ingress(`endpoints-from-${host.key}`, endpoints.id, {
          fromPort: 443,
          toPort: 443,
          referencedSecurityGroupId: host.id,
          description: `HTTPS from the ${host.key} hosts`,
        });
      }
      this.endpointGroupId = endpoints.id;
    }

    this.gatewayGroupId = gateway.id;
  }
}

/** One ingress or egress rule of a group, less the group. */
interface RuleProps {
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrIpv4?: string;
  readonly referencedSecurityGroupId?: string;
  readonly description: string;
}
