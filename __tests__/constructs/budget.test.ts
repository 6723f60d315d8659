import { Budget, budgetArn, type BudgetProps } from "../../src/constructs/budget";
import { propertiesOf } from "../helpers";
import { synthConstruct, TEST_ENVIRONMENT } from "./bare-stack";

const props: BudgetProps = {
  name: "openclaw",
  monthlyUsd: 150,
  costAllocationTag: { key: "Stack", value: "openclaw" },
  topicArn: "arn:aws:sns:us-east-1:123456789012:openclaw-alarms",
  environment: TEST_ENVIRONMENT,
};

function synthBudget(overrides: Partial<BudgetProps> = {}) {
  return synthConstruct((stack) => ({ arn: new Budget(stack, "budget", { ...props, ...overrides }).arn }));
}

describe("Budget", () => {
  it("given the stack's tag, when synthesized, then a monthly cost budget counts the tagged costs and notifies the topic at 80 % spent and 100 % forecast", () => {
    const { tf, exposed } = synthBudget();
    const [budget] = propertiesOf(tf, "aws_budgets_budget");
    expect(budget).toMatchObject({ name: "openclaw", budget_type: "COST", limit_amount: "150", limit_unit: "USD", time_unit: "MONTHLY" });
    expect(budget.cost_filter).toEqual([{ name: "TagKeyValue", values: ["user:Stack$openclaw"] }]);
    expect(budget.notification).toEqual([
      { notification_type: "ACTUAL", threshold: 80, threshold_type: "PERCENTAGE", comparison_operator: "GREATER_THAN", subscriber_sns_topic_arns: [props.topicArn] },
      { notification_type: "FORECASTED", threshold: 100, threshold_type: "PERCENTAGE", comparison_operator: "GREATER_THAN", subscriber_sns_topic_arns: [props.topicArn] },
    ]);
    expect(exposed.arn).toBe("arn:aws:budgets::123456789012:budget/openclaw");
    expect(budgetArn(props)).toBe(exposed.arn);
  });

  it("given no tag (scope account), when synthesized, then it counts every cost of the account", () => {
    const [budget] = propertiesOf(synthBudget({ costAllocationTag: undefined, monthlyUsd: 42.5 }).tf, "aws_budgets_budget");
    expect(budget.cost_filter).toBeUndefined();
    expect(budget.limit_amount).toBe("42.5");
  });
});
