import { expandForEach } from "../../src/cost/for-each";

describe("expandForEach", () => {
  it("given a resource made per key of a local map, when expanded, then it is one resource per key with each.key and each.value put in", () => {
    const expanded = expandForEach({
      locals: { nodes: { "node-1": { type: "t3.small", gb: 30, name: "openclaw-node-1" }, arm: { type: "t4g.small", gb: 20, name: "openclaw-arm" } } },
      resource: {
        aws_instance: {
          node: { for_each: "${local.nodes}", instance_type: "${each.value.type}", root_block_device: { volume_size: "${each.value.gb}" }, tags: { Name: "${each.value.name}" } },
          gateway: { instance_type: "t3.medium" },
        },
        aws_ebs_volume: {
          node_data: { for_each: "${local.nodes}", tags: { Name: "${each.value.name}-data", Key: "${each.key}" }, instance: "${aws_instance.node[each.key].id}" },
        },
        aws_cloudwatch_metric_alarm: {
          node_cpu: { for_each: { a: { label: "A" } }, alarm_name: "OpenClaw-${each.value.label}-CPU", expression: '${replace(local.x[each.value.label], "p", each.key)}' },
        },
      },
    });
    expect(expanded.resource).toEqual({
      aws_instance: {
        'node["node-1"]': { instance_type: "t3.small", root_block_device: { volume_size: 30 }, tags: { Name: "openclaw-node-1" } },
        'node["arm"]': { instance_type: "t4g.small", root_block_device: { volume_size: 20 }, tags: { Name: "openclaw-arm" } },
        gateway: { instance_type: "t3.medium" },
      },
      aws_ebs_volume: {
        'node_data["node-1"]': { tags: { Name: "openclaw-node-1-data", Key: "node-1" }, instance: '${aws_instance.node["node-1"].id}' },
        'node_data["arm"]': { tags: { Name: "openclaw-arm-data", Key: "arm" }, instance: '${aws_instance.node["arm"].id}' },
      },
      aws_cloudwatch_metric_alarm: {
        'node_cpu["a"]': { alarm_name: "OpenClaw-A-CPU", expression: '${replace(local.x["A"], "p", "a")}' },
      },
    });
  });

  it("given a copy's attribute read through a local of every copy's attribute, when expanded, then it is that copy's attribute", () => {
    const expanded = expandForEach({
      locals: { nodes: { a: {}, b: {} }, aws_instance_node_id_by_key: "${{ for key, val in aws_instance.node: key => val.id }}", other: "${{ a = 1 }}" },
      resource: {
        aws_volume_attachment: {
          node: { for_each: "${local.nodes}", instance_id: "${local.aws_instance_node_id_by_key[each.key]}", other: "${local.other[each.key]}" },
        },
      },
    });
    expect(expanded.resource?.aws_volume_attachment).toEqual({
      'node["a"]': { instance_id: '${aws_instance.node["a"].id}', other: '${local.other["a"]}' },
      'node["b"]': { instance_id: '${aws_instance.node["b"].id}', other: '${local.other["b"]}' },
    });
  });

  it("given a for_each it cannot read (a computed map), when expanded, then the resource is left as it is", () => {
    const resource = { aws_instance: { node: { for_each: "${data.x.y}", instance_type: "${each.value.type}" } } };
    expect(expandForEach({ resource }).resource).toEqual(resource);
  });
});
