import { readFileSync } from "node:fs";
import regionFacts from "../../src/config/aws-facts/regions.json";
import { BEDROCK_MODELS } from "../../src/config/bedrock-models";
import priceTable from "../../src/config/aws-prices.json";
import { guideDocs } from "../docs/guide-blocks";

/** The README and docs/, where the claims this test checks are written (docs/cost.md). */
const DOCS = guideDocs().map((doc) => readFileSync(doc, "utf8")).join("\n");
const regions = priceTable.regions as Record<string, Record<string, Record<string, number>>>;

describe("the pinned price table", () => {
  it("names the page of every group it prices", () => {
    const groups = new Set(Object.values(regions).flatMap((groups) => Object.keys(groups)));
    for (const group of groups) expect({ group, page: (priceTable.pages as Record<string, string>)[group] }).toEqual({ group, page: expect.stringMatching(/^https:\/\/aws\.amazon\.com\//) });
  });

  it("lists in the docs every region of the AWS facts it has no prices for", () => {
    const listed = /Regions without prices \(the estimate says `unknown`\): ([^]*?)\. AWS free tiers/.exec(DOCS)?.[1];
    expect(listed).toBeDefined();
    const documented = Object.fromEntries(listed!.replace(/\s+/g, " ").split("; ").map((part) => {
      const [, partition, names] = /^`([\w-]+)`: (.*)$/.exec(part)!;
      return [partition, names.split(", ")];
    }));
    const missing = Object.fromEntries(
      Object.entries(regionFacts.partitions)
        .map(([partition, names]) => [partition, names.filter((name) => !(name in regions))] as const)
        .filter(([, names]) => names.length > 0),
    );
    expect(documented).toEqual(missing);
  });

  it("prices the same groups in every region it has, and every model it pins for input and output alike", () => {
    const base = Object.keys(regions["us-east-1"]).filter((group) => !group.startsWith("bedrock")).sort();
    for (const [region, groups] of Object.entries(regions)) {
      expect({ region, groups: Object.keys(groups).filter((group) => !group.startsWith("bedrock")).sort() }).toEqual({ region, groups: base });
      expect(Object.keys(groups.bedrockInputPerMillionTokens ?? {})).toEqual(Object.keys(groups.bedrockOutputPerMillionTokens ?? {}));
      // Only models the gateway can be configured with by id.
      for (const model of Object.keys(groups.bedrockInputPerMillionTokens ?? {})) expect(Object.keys(BEDROCK_MODELS)).toContain(model);
    }
  });
});
