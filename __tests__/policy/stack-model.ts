/**
 * A synthesized stack as the IAM evaluator sees it: Terraform references resolved to the ARNs they
 * stand for (in account ACCOUNT), every role with the statements of all its policies (inline, and the
 * real documents of attached AWS managed policies as moto ships them), and the stack's KMS key.
 */
import type { TerraformJson } from "../helpers";
import { awsManagedPolicy, statementsOf, type PolicyDocument, type Statement } from "./iam-evaluator";

export const ACCOUNT = "123456789012";

type Resources = Record<string, Record<string, unknown>>;

/** [Terraform name, properties] of every resource of one type. */
export const resources = (tf: TerraformJson, type: string) => Object.entries((tf.resource[type] ?? {}) as Resources);

export interface Role {
  readonly name: string;
  readonly arn: string;
  readonly identity: readonly Statement[];
}

export interface StackModel {
  readonly region: string;
  readonly roles: readonly Role[];
  /** The stack's key: its ARN, its key policy, and whether a `key_id`-like value refers to it (by key or alias). */
  readonly stackKey: { readonly keyArn: string; readonly keyPolicy: readonly Statement[]; readonly refersTo: (keyRef: unknown) => boolean };
  /** A policy document of the stack with its references resolved. */
  readonly document: (policy: unknown) => PolicyDocument;
}

const managed = new Map<string, PolicyDocument>();
function managedPolicy(name: string): PolicyDocument {
  if (!managed.has(name)) managed.set(name, awsManagedPolicy(name));
  return managed.get(name)!;
}

export function stackModel(tf: TerraformJson): StackModel {
  const region = String((tf.provider.aws[0] as { region: string }).region);
  const roleArn = (id: string) => `arn:aws:iam::${ACCOUNT}:role/${String(tf.resource.aws_iam_role[id].name)}`;
  const keyArn = (id: string) => `arn:aws:kms:${region}:${ACCOUNT}:key/${id}`;
  const resolve = (text: string) =>
    text
      .replace(/\$\{data\.aws_partition\.[^.}]+\.partition\}/g, "aws")
      .replace(/\$\{data\.aws_caller_identity\.[^.}]+\.account_id\}/g, ACCOUNT)
      .replace(/\$\{aws_iam_role\.([^.}]+)\.arn\}/g, (_, id: string) => roleArn(id))
      .replace(/\$\{aws_kms_key\.([^.}]+)\.arn\}/g, (_, id: string) => keyArn(id))
      .replace(/\$\{aws_cloudwatch_log_group\.([^.}]+)\.arn\}/g, (_, id: string) => `arn:aws:logs:${region}:${ACCOUNT}:log-group:${String(tf.resource.aws_cloudwatch_log_group[id].name)}`);
  const document = (policy: unknown) => JSON.parse(resolve(String(policy))) as PolicyDocument;

  const [[keyId, key]] = resources(tf, "aws_kms_key");
  const aliases = resources(tf, "aws_kms_alias");
  const refersTo = (keyRef: unknown) =>
    typeof keyRef === "string" &&
    (keyRef.includes(`aws_kms_key.${keyId}.`) || aliases.some(([id, alias]) => keyRef.includes(`aws_kms_alias.${id}.`) || keyRef === alias.name));

  const roles: Role[] = resources(tf, "aws_iam_role").map(([id, role]) => {
    const refers = (value: unknown) => String(value).includes(`aws_iam_role.${id}.`);
    const inline = resources(tf, "aws_iam_role_policy").filter(([, policy]) => refers(policy.role)).map(([, policy]) => document(policy.policy));
    const attached = resources(tf, "aws_iam_role_policy_attachment")
      .filter(([, attachment]) => refers(attachment.role))
      .map(([, attachment]) => managedPolicy(String(attachment.policy_arn).split(":policy/")[1]));
    return { name: String(role.name), arn: roleArn(id), identity: statementsOf([...inline, ...attached]) };
  });
  return { region, roles, stackKey: { keyArn: keyArn(keyId), keyPolicy: statementsOf([document(key.policy)]), refersTo }, document };
}
