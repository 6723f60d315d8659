/**
 * A small IAM evaluator for the secret-access matrix: identity policies of a role, and KMS key
 * policies, over one request (action, resource, condition context). It does what AWS's evaluation
 * logic does for what this stack uses, and refuses (throws) on anything it does not know, so a policy
 * it cannot read never passes silently:
 *   - an explicit Deny in any applicable policy wins; otherwise an Allow is needed;
 *   - Action / NotAction with `*` and `?` wildcards (case-insensitive), Resource / NotResource with
 *     wildcards (case-sensitive);
 *   - conditions StringEquals, StringLike, ArnLike, ArnEquals, Bool (multi-valued = any value matches;
 *     a key missing from the request fails the condition);
 *   - KMS in one account: the key policy must allow the principal itself, or allow the account (root)
 *     and the principal's identity policies allow it too.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export type Decision = "allowed" | "explicit-deny" | "implicit-deny";

export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | { readonly AWS?: string | readonly string[]; readonly Service?: string | readonly string[] };
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[] | boolean>>;
}

export interface PolicyDocument {
  readonly Statement: Statement | readonly Statement[];
}

export interface Request {
  readonly action: string;
  readonly resource: string;
  /** Condition keys of the request, e.g. kms:ViaService. */
  readonly context: Readonly<Record<string, string>>;
}

const list = <T>(value: T | readonly T[] | undefined): readonly T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value as T]);

function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}

const OPERATORS: Record<string, (expected: string, actual: string) => boolean> = {
  StringEquals: (expected, actual) => expected === actual,
  StringLike: (expected, actual) => wildcard(expected, actual, false),
  ArnEquals: (expected, actual) => expected === actual,
  ArnLike: (expected, actual) => wildcard(expected, actual, false),
  Bool: (expected, actual) => expected.toLowerCase() === actual.toLowerCase(),
};

function conditionsHold(statement: Statement, context: Request["context"]): boolean {
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) => {
    const test = OPERATORS[operator];
    if (!test) throw new Error(`the evaluator does not know condition operator ${operator} (statement ${statement.Sid ?? "?"})`);
    return Object.entries(keys).every(([key, expected]) => {
      const actual = context[key];
      return actual !== undefined && list(expected).some((value) => test(String(value), actual));
    });
  });
}

/** Whether a statement applies to the request (principal aside). */
function applies(statement: Statement, request: Request): boolean {
  const actionMatches = (patterns: string | readonly string[] | undefined) => list(patterns).some((pattern) => wildcard(pattern, request.action, true));
  const resourceMatches = (patterns: string | readonly string[] | undefined) => list(patterns).some((pattern) => wildcard(pattern, request.resource, false));
  if (statement.Action === undefined && statement.NotAction === undefined) throw new Error(`statement ${statement.Sid ?? "?"} has no Action`);
  const action = statement.Action !== undefined ? actionMatches(statement.Action) : !actionMatches(statement.NotAction);
  const resource = statement.NotResource !== undefined ? !resourceMatches(statement.NotResource) : resourceMatches(statement.Resource ?? "*");
  return action && resource && conditionsHold(statement, request.context);
}

/** The statements of some policies that apply to a request, split by effect. */
function matching(statements: readonly Statement[], request: Request): { allow: boolean; deny: boolean } {
  const applicable = statements.filter((statement) => applies(statement, request));
  return { allow: applicable.some((statement) => statement.Effect === "Allow"), deny: applicable.some((statement) => statement.Effect === "Deny") };
}

export function statementsOf(policies: readonly PolicyDocument[]): Statement[] {
  return policies.flatMap((policy) => [...list(policy.Statement)]);
}

/** A request against identity policies only (services without a resource policy here: SSM, Secrets Manager). */
export function evaluateIdentity(identity: readonly Statement[], request: Request): Decision {
  const { allow, deny } = matching(identity, request);
  return deny ? "explicit-deny" : allow ? "allowed" : "implicit-deny";
}

/** A KMS request by `principalArn` of account `accountId`: key policy and identity policies together. */
export function evaluateKms(keyPolicy: readonly Statement[], identity: readonly Statement[], principalArn: string, accountId: string, request: Request): Decision {
  const root = new RegExp(`^arn:[^:]+:iam::${accountId}:root$`);
  const forPrincipal = (statement: Statement, match: (arn: string) => boolean) =>
    statement.Principal === "*" || list(statement.Principal?.AWS).some((arn) => arn === "*" || match(arn));
  const keyDirect = keyPolicy.filter((statement) => forPrincipal(statement, (arn) => arn === principalArn));
  const keyAccount = keyPolicy.filter((statement) => forPrincipal(statement, (arn) => root.test(arn)));
  const direct = matching(keyDirect, request);
  const account = matching(keyAccount, request);
  const own = matching(identity, request);
  if (direct.deny || account.deny || own.deny) return "explicit-deny";
  return direct.allow || (account.allow && own.allow) ? "allowed" : "implicit-deny";
}

/** AWS managed policy documents as moto ships them (moto/iam/aws_managed_policies.py), by name. */
export function awsManagedPolicy(name: string): PolicyDocument {
  const motoDir = execFileSync("python3", ["-c", "import moto, os; print(os.path.dirname(moto.__file__))"], { encoding: "utf8" }).trim();
  const source = readFileSync(join(motoDir, "iam", "aws_managed_policies.py"), "utf8");
  const json = /aws_managed_policies_data = """([\s\S]*?)"""/.exec(source);
  if (!json) throw new Error("moto's aws_managed_policies.py has no aws_managed_policies_data");
  const policy = (JSON.parse(json[1]) as Record<string, { Document: PolicyDocument }>)[name];
  if (!policy) throw new Error(`moto ships no AWS managed policy ${name}`);
  return policy.Document;
}
