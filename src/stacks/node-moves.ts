import { makeUniqueId } from "cdktf/lib/private/unique";
import type { NodeRecord } from "../config/hosts";
import { alarmLabel } from "../monitoring/metrics";
import { fleetAlarmResourceName } from "../monitoring/monitoring";
import { NODE_RESOURCE_NAME } from "../node/node-hosts";

/** A Terraform `moved` block: state at `from` is now `to`, so the plan updates it in place, never replaces it. */
export interface Move {
  readonly from: string;
  readonly to: string;
}

/**
 * Until 0.1.0 (commit e58df41) each node was its own set of resources, named by cdktf from its construct
 * path, e.g. `aws_instance.node-node-1_host_instance_1C824D3C`; now they are made per key, e.g.
 * `aws_instance.node["node-1"]`. These moves carry a deployment of then over: its nodes, their data
 * volumes and roles stay as they are. Terraform ignores a move whose `from` is in no state, so a new
 * deployment is unaffected.
 */
export function movesFromPerNodeResources(nodes: readonly NodeRecord[], alarmPrefix: string): Move[] {
  // cdktf named a resource makeUniqueId(its construct path below the stack).
  const old = (type: string, ...path: string[]) => `${type}.${makeUniqueId(path)}`;
  return nodes.flatMap(({ name }) => {
    const to = (type: string, suffix = "") => `${type}.${NODE_RESOURCE_NAME}${suffix}[${JSON.stringify(name)}]`;
    // The node's construct id, and the prefix of its role's construct ids under "iam".
    const nodeScope = `node-${name}`;
    return [
      { from: old("aws_ssm_parameter", nodeScope, "list-entry"), to: to("aws_ssm_parameter", "_list_entry") },
      { from: old("aws_instance", nodeScope, "host", "instance"), to: to("aws_instance") },
      { from: old("aws_ebs_volume", nodeScope, "host", "data", "volume"), to: to("aws_ebs_volume", "_data") },
      { from: old("aws_volume_attachment", nodeScope, "host", "data", "attachment"), to: to("aws_volume_attachment", "_data_attachment") },
      { from: old("aws_iam_role", "iam", `${nodeScope}-role`), to: to("aws_iam_role") },
      { from: old("aws_iam_role_policy", "iam", `${nodeScope}-policy`), to: to("aws_iam_role_policy", "_policy") },
      { from: old("aws_iam_instance_profile", "iam", `${nodeScope}-profile`), to: to("aws_iam_instance_profile", "_profile") },
      ...["CPU-High", "StatusCheck", "SystemCheck-Recover", "InstanceCheck-Reboot", "Unhealthy"].map((suffix) => ({
        from: old("aws_cloudwatch_metric_alarm", "monitoring", `${alarmPrefix}-${alarmLabel(name, false)}-${suffix}`),
        to: `aws_cloudwatch_metric_alarm.${fleetAlarmResourceName(NODE_RESOURCE_NAME, suffix)}[${JSON.stringify(name)}]`,
      })),
    ];
  });
}
