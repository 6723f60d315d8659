/**
 * The pinned per-token prices of Bedrock models (./aws-prices.json, with their sources): what the
 * estimate shows per use, what a daily dollar figure becomes in tokens, and what the dashboard's spend
 * today is computed with.
 */
import priceTable from "./aws-prices.json";

/** USD per million tokens of one model, invoked from one region. */
export interface BedrockTokenPrices {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
  /** The date of the price table. */
  readonly written: string;
}

type Regions = Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, number>>>>>>;

/** The model's pinned prices when invoked from `region` (the source region bills it), or undefined. */
export function bedrockTokenPrices(region: string, modelId: string): BedrockTokenPrices | undefined {
  const groups = (priceTable.regions as Regions)[region];
  const inputPerMillion = groups?.bedrockInputPerMillionTokens?.[modelId];
  const outputPerMillion = groups?.bedrockOutputPerMillionTokens?.[modelId];
  if (inputPerMillion === undefined || outputPerMillion === undefined) return undefined;
  return { inputPerMillion, outputPerMillion, written: priceTable.written };
}
