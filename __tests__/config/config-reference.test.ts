/** docs/configuration.md is generated from the schema's JSDoc (npm run docs:config): it must not go stale. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { configReference, REFERENCE } from "../../scripts/config-reference";

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to dashes. */
const anchorOf = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");

describe("the configuration reference", () => {
  // Generating it reads the schema with the TypeScript compiler (a few seconds): once for every test.
  let reference: string;
  beforeAll(() => {
    reference = configReference();
  });

  it("given the schema, when the reference is generated, then it is exactly the committed docs/configuration.md (else: npm run docs:config)", () => {
    expect(readFileSync(REFERENCE, "utf8")).toBe(reference);
  });

  it("given every field of the schema, when the reference is generated, then each row says what the field does", () => {
    const rows = reference.split("\n").filter((line) => line.startsWith("| `"));
    // Cells split at the table's pipes, not at the escaped ones inside a description.
    const cells = (row: string) => row.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim());
    const undescribed = rows.filter((row) => cells(row)[2] === "").map((row) => cells(row)[0]);
    expect(undescribed).toEqual([]);
    expect(rows.length).toBeGreaterThan(40);
  });

  it("given the descriptions' links, when the reference is generated, then each names a file and heading that exist (relative to docs/)", () => {
    const links = [...reference.matchAll(/\]\(([^)#\s]+)(?:#([^)\s]+))?\)/g)].map(([, file, anchor]) => ({ file, anchor }));
    expect(links.length).toBeGreaterThan(5);
    const broken = links.filter(({ file, anchor }) => {
      const target = resolve(dirname(REFERENCE), file);
      if (!existsSync(target)) return true;
      const headings = readFileSync(target, "utf8").split("\n").filter((line) => /^#+ /.test(line)).map((line) => anchorOf(line.replace(/^#+ /, "")));
      return anchor !== undefined && !headings.includes(anchor);
    });
    expect(broken).toEqual([]);
  });

  it("given placeholders such as <prefix>, when the reference is generated, then each is inside a code span (markdown would take it for an HTML tag)", () => {
    const rows = reference.split("\n").filter((line) => line.startsWith("| `"));
    expect(rows.filter((row) => /<[A-Za-z]/.test(row.replace(/`[^`]*`/g, "")))).toEqual([]);
  });
});
