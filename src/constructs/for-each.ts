import type { Construct } from "constructs";
import { ref, TerraformIterator, TerraformLocal, TerraformStack, Token, type ITerraformIterator, type MapTerraformIterator, type TerraformResource } from "cdktf";

/**
 * Resources made once per key of a map (Terraform `for_each`), as the node hosts are: a deployment of
 * 250 nodes is the same few resources as one of a single node, with one more key each, and its plan
 * names each copy `aws_instance.node["node-1"]`.
 */
export interface ForEachResources {
  /** The map the resources are made from: `${local.<name>}`, one entry per key. */
  readonly forEach: ITerraformIterator;
  /** Terraform name of the main resource; the others are named `<name>_<role>`, e.g. node_data. */
  readonly resourceName: string;
}

/**
 * `${local.<type>_<name>_<attribute>_by_key[each.key]}`: in a resource made for the same keys, the
 * attribute of `resource`'s copy for its own key, read from a local map of every copy's attribute
 * (`{ for key, val in <type>.<name> : key => val.<attribute> }`, made once per resource and attribute).
 * Terraform evaluates a local once, but loads every copy of a resource for each expression that names
 * `<type>.<name>[each.key]`: so a plan grew with the square of the node count (250 nodes: 151 CPU-s and
 * 1.2 GiB that way, 72 CPU-s and 440 MiB through the locals, measured).
 */
export function sameKey(resource: TerraformResource, attribute: string): string {
  const id = `${attribute}-by-key`;
  let local = resource.node.tryFindChild(id) as TerraformLocal | undefined;
  if (!local) {
    local = new TerraformLocal(resource, id, TerraformIterator.fromResources(resource).forExpressionForMap("key", `val.${attribute}`));
    local.overrideLogicalId(`${resource.terraformResourceType}_${resource.friendlyUniqueId}_${attribute}_by_key`);
  }
  return Token.asString(ref(`local.${local.friendlyUniqueId}[each.key]`, TerraformStack.of(resource)));
}

/** `${<type>.<name>["<key>"].<attribute>}`: one copy's attribute, e.g. for an output. */
export function atKey(resource: TerraformResource, key: string, attribute: string): string {
  return Token.asString(ref(`${resource.terraformResourceType}.${resource.friendlyUniqueId}[${JSON.stringify(key)}].${attribute}`, TerraformStack.of(resource)));
}

/**
 * A map as a Terraform local named `name` (`local.<name>`, one entry per key), and the iterator that
 * makes a resource once per key of it (`for_each = local.<name>`).
 */
export function perKeyOf(scope: Construct, name: string, entries: Readonly<Record<string, unknown>>): MapTerraformIterator {
  const local = new TerraformLocal(scope, name, entries);
  local.overrideLogicalId(name);
  return TerraformIterator.fromMap(local.asAnyMap);
}
