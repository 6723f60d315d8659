import { Construct } from "constructs";
import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget";
import type { AwsEnvironment } from "../aws-environment";

export interface BudgetProps {
  /** The budget's name, unique in the account (the stack's prefix). */
  readonly name: string;
  /** The monthly limit in USD. */
  readonly monthlyUsd: number;
  /**
   * Count only costs with this user-defined cost allocation tag (AWS Budgets counts them once the tag is
   * active in the account's billing settings); none: every cost of the account.
   */
  readonly costAllocationTag?: { readonly key: string; readonly value: string };
  /** The SNS topic the notifications go to (its policy must let budgets.amazonaws.com publish). */
  readonly topicArn: string;
  /** For the budget's ARN, which the topic policy names. */
  readonly environment: AwsEnvironment;
}

/** The notifications: 80 % of the limit spent, and the month's forecast over the limit. */
export const BUDGET_NOTIFICATIONS = [
  { notificationType: "ACTUAL", threshold: 80 },
  { notificationType: "FORECASTED", threshold: 100 },
] as const;

/**
 * A monthly AWS Budgets cost budget of the stack (or the account), notifying the alarm topic when 80 %
 * of it is spent and when the month is forecast to pass it. Budgets learns costs from billing data, up
 * to a day late: the Bedrock token alarm is the faster guard.
 */
export class Budget extends Construct {
  /** The budget's ARN, known before it exists (arn:<partition>:budgets::<account>:budget/<name>). */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: BudgetProps) {
    super(scope, id);
    new BudgetsBudget(this, "budget", {
      name: props.name,
      budgetType: "COST",
      limitAmount: String(props.monthlyUsd),
      limitUnit: "USD",
      timeUnit: "MONTHLY",
      // "TagKeyValue" values are "user:<key>$<value>" for a user-defined cost allocation tag.
      costFilter: props.costAllocationTag ? [{ name: "TagKeyValue", values: [`user:${props.costAllocationTag.key}$${props.costAllocationTag.value}`] }] : undefined,
      notification: BUDGET_NOTIFICATIONS.map(({ notificationType, threshold }) => ({
        notificationType,
        threshold,
        thresholdType: "PERCENTAGE",
        comparisonOperator: "GREATER_THAN",
        subscriberSnsTopicArns: [props.topicArn],
      })),
    });
    this.arn = budgetArn(props);
  }
}

/** A budget's ARN from its name, as AWS Budgets writes it. */
export function budgetArn({ environment, name }: Pick<BudgetProps, "environment" | "name">): string {
  return environment.arn("budgets", `budget/${name}`, { region: "" });
}
