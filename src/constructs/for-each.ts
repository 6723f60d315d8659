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

/** `${<type>.<name>[each.key].<attribute>}`: in a resource made for the same keys, the copy of `resource` for its own key. */
export function sameKey(resource: TerraformResource, attribute: string): string {
  return Token.asString(ref(`${resource.terraformResourceType}.${resource.friendlyUniqueId}[each.key].${attribute}`, TerraformStack.of(resource)));
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
