/** docs/configuration.md is generated from the schema's JSDoc (npm run docs:config): it must not go stale. */
import { readFileSync } from "node:fs";
import { configReference, REFERENCE } from "../../scripts/config-reference";

describe("the configuration reference", () => {
  it("given the schema, when the reference is generated, then it is exactly the committed docs/configuration.md (else: npm run docs:config)", () => {
    expect(readFileSync(REFERENCE, "utf8")).toBe(configReference());
  });

  it("given every field of the schema, when the reference is generated, then each row says what the field does", () => {
    const rows = configReference().split("\n").filter((line) => line.startsWith("| `"));
    // Cells split at the table's pipes, not at the escaped ones inside a description.
    const cells = (row: string) => row.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim());
    const undescribed = rows.filter((row) => cells(row)[2] === "").map((row) => cells(row)[0]);
    expect(undescribed).toEqual([]);
    expect(rows.length).toBeGreaterThan(40);
  });
});
