/**
 * A synthesized Terraform JSON document with each `for_each` resource written out once per key, as
 * Terraform plans it: `aws_instance.node` over `local.nodes` becomes `aws_instance.node["node-1"]`, ...,
 * with `each.key` and `each.value.<field>` put in, and a local that maps every copy of a resource to an
 * attribute (`{ for key, val in aws_instance.node: key => val.id }`), read at a key, written as that copy's
 * attribute (`aws_instance.node["node-1"].id`). What the estimate prices, and what a test reads, is then
 * every copy with its own literal settings. A `for_each` over anything but a literal map or a local
 * holding one is left as it is (its copies are unknown until Terraform runs).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Resources = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** The parts of a document the expansion reads and writes. */
export interface ForEachDocument {
  readonly locals?: Readonly<Record<string, unknown>>;
  readonly resource?: Resources;
}

const WHOLE_VALUE = /^\$\{each\.value((?:\.\w+)*)\}$/;
const VALUE_IN_TEXT = /\$\{each\.value((?:\.\w+)*)\}/g;
const IN_EXPRESSION = /\beach\.(?:key\b|value((?:\.\w+)+))/g;
const LOCAL_MAP = /^\$\{local\.([\w-]+)\}$/;
const ATTRIBUTE_BY_KEY = /^\$\{\{ for key, val in (\w+\.[\w-]+): key => val\.(\w+) \}\}$/;
const LOCAL_AT_KEY = /\blocal\.([\w-]+)\[("(?:[^"\\]|\\.)*")\]/g;

export function expandForEach<T extends ForEachDocument>(document: T): T {
  if (!document.resource) return document;
  const byKey = attributeByKeyLocals(document);
  const resource: Record<string, Record<string, unknown>> = {};
  for (const [type, byName] of Object.entries(document.resource)) {
    resource[type] = {};
    for (const [name, properties] of Object.entries(byName)) {
      const { for_each: forEach, ...rest } = properties as Record<string, unknown>;
      const map = forEachMap(document, forEach);
      if (!map) {
        resource[type][name] = properties;
        continue;
      }
      for (const [key, value] of Object.entries(map)) resource[type][`${name}[${JSON.stringify(key)}]`] = substitute(rest as Json, key, value as Json, byKey);
    }
  }
  return { ...document, resource };
}

/** The locals that map every copy of a resource to an attribute: name -> [resource address, attribute]. */
function attributeByKeyLocals(document: ForEachDocument): ReadonlyMap<string, readonly [string, string]> {
  const found = new Map<string, readonly [string, string]>();
  for (const [name, value] of Object.entries(document.locals ?? {})) {
    const match = typeof value === "string" ? ATTRIBUTE_BY_KEY.exec(value) : null;
    if (match) found.set(name, [match[1], match[2]]);
  }
  return found;
}

function forEachMap(document: ForEachDocument, forEach: unknown): Record<string, unknown> | undefined {
  if (forEach === undefined) return undefined;
  const local = typeof forEach === "string" ? LOCAL_MAP.exec(forEach)?.[1] : undefined;
  const map = local !== undefined ? document.locals?.[local] : forEach;
  return map !== null && typeof map === "object" && !Array.isArray(map) ? (map as Record<string, unknown>) : undefined;
}

/** `each.value.a.b` of this entry; undefined when the path is not in it. */
function field(value: Json, path: string): Json | undefined {
  let current: Json | undefined = value;
  for (const step of path.split(".").filter(Boolean)) {
    current = current !== null && typeof current === "object" && !Array.isArray(current) ? current[step] : undefined;
  }
  return current;
}

function substitute(node: Json, key: string, value: Json, byKey: ReadonlyMap<string, readonly [string, string]>): Json {
  if (Array.isArray(node)) return node.map((item) => substitute(item, key, value, byKey));
  if (node !== null && typeof node === "object") {
    return Object.fromEntries(Object.entries(node).map(([name, item]) => [name, substitute(item, key, value, byKey)]));
  }
  if (typeof node !== "string" || !node.includes("each.")) return node;
  const whole = WHOLE_VALUE.exec(node);
  if (whole) return field(value, whole[1]) ?? node;
  return (
    node
      // As text of a template: "${each.key}-data", "OpenClaw-${each.value.label}-CPU-High".
      .replaceAll("${each.key}", key)
      .replace(VALUE_IN_TEXT, (expression, path: string) => {
        const found = field(value, path);
        return typeof found === "string" || typeof found === "number" ? String(found) : expression;
      })
      // Within an expression: aws_instance.node[each.key].id, replace(..., each.key).
      .replace(IN_EXPRESSION, (expression, path: string | undefined) => {
        const found = path === undefined ? key : field(value, path);
        return found === undefined ? expression : JSON.stringify(found);
      })
      // A copy's attribute through its local: local.aws_instance_node_id_by_key["node-1"].
      .replace(LOCAL_AT_KEY, (expression, name: string, at: string) => {
        const found = byKey.get(name);
        return found ? `${found[0]}[${at}].${found[1]}` : expression;
      })
  );
}
