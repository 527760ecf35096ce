/**
 * Turns token usage into money, exactly: every line is `quantity × integer unit price`
 * in nano-USD, and the amount is the sum of the lines. Pure; the unit prices come from
 * the model registry.
 */
import { addUsd, multiplyUsd, type NanoUsd, nanoUsd, subtractUsd } from "@bot/domain";
import type { ModelInfo, ModelPrices } from "./registry/model-registry.ts";
import { promptTokens, type TokenUsage } from "./token-usage.ts";

/** $10 per 1,000 web searches, in nano-USD per search. */
export const DEFAULT_WEB_SEARCH_PRICE_NANO_USD = 10_000_000;

/** What a priced line is for. */
export type PriceItem =
  | "input"
  | "output"
  | "thinking"
  | "cache_write_5m"
  | "cache_write_1h"
  | "cache_read"
  | "web_search";

/** One line of a charge: `amount = quantity × unitPrice`. */
export interface PriceLine {
  readonly item: PriceItem;
  readonly quantity: number;
  readonly unitPrice: NanoUsd;
  readonly amount: NanoUsd;
}

/** Pricing switches. */
export interface PriceUsageOptions {
  /** When true the operator absorbs cache-write cost: the user pays `amount` minus cache writes. */
  readonly cacheWriteSubsidy: boolean;
  /** Price per web search; default {@link DEFAULT_WEB_SEARCH_PRICE_NANO_USD}. */
  readonly webSearchPriceNanoUsd?: number;
}

/** The priced usage of one call, with everything an auditor needs to recompute it. */
export interface PricedUsage {
  /** What the call cost (sum of `lines`). */
  readonly amount: NanoUsd;
  /** What the user is charged: `amount`, minus cache writes when subsidised. */
  readonly userAmount: NanoUsd;
  /** Non-zero quantities only, in a fixed item order. */
  readonly lines: readonly PriceLine[];
  readonly priceTableVersion: string;
  readonly modelId: string;
  /** "long_prompt" when the model's long-prompt tier applied to every token. */
  readonly tier: "standard" | "long_prompt";
}

/**
 * Prices one call's usage.
 *
 * Thinking tokens: the Anthropic SDK documents `output_tokens` as "the inclusive,
 * authoritative total used for billing" and `output_tokens_details.thinking_tokens` as
 * a read-only breakdown that is "always ≤ output_tokens". So output is priced once, as
 * `outputTokens`, and the thinking line is informational: its unit price and amount are
 * zero (it is already inside the output line). Pricing it again would double-charge,
 * which the original bot did.
 */
export function priceUsage(model: ModelInfo, usage: TokenUsage, options: PriceUsageOptions): PricedUsage {
  const longPrompt = model.longPrompt;
  const tier =
    longPrompt !== undefined && promptTokens(usage) > longPrompt.aboveTokens ? "long_prompt" : "standard";
  const prices: ModelPrices =
    tier === "long_prompt" && longPrompt !== undefined ? longPrompt.prices : model.prices;
  const webSearchPrice = nanoUsd(options.webSearchPriceNanoUsd ?? DEFAULT_WEB_SEARCH_PRICE_NANO_USD);

  const candidates: readonly [PriceItem, number, NanoUsd][] = [
    ["input", usage.inputTokens, prices.input],
    ["output", usage.outputTokens, prices.output],
    ["thinking", usage.thinkingTokens, nanoUsd(0)],
    ["cache_write_5m", usage.cacheWrite5mTokens, prices.cacheWrite5m],
    ["cache_write_1h", usage.cacheWrite1hTokens, prices.cacheWrite1h],
    ["cache_read", usage.cacheReadTokens, prices.cacheRead],
    ["web_search", usage.webSearchRequests, webSearchPrice],
  ];
  const lines: PriceLine[] = [];
  for (const [item, quantity, unitPrice] of candidates) {
    if (!Number.isSafeInteger(quantity) || quantity < 0) {
      throw new RangeError(`usage ${item} must be a non-negative integer, got ${quantity}`);
    }
    if (quantity === 0) continue;
    lines.push({ item, quantity, unitPrice, amount: multiplyUsd(unitPrice, quantity) });
  }

  const amount = addUsd(...lines.map((line) => line.amount));
  const cacheWrites = addUsd(
    ...lines
      .filter((line) => line.item === "cache_write_5m" || line.item === "cache_write_1h")
      .map((l) => l.amount),
  );
  const userAmount = options.cacheWriteSubsidy ? subtractUsd(amount, cacheWrites) : amount;
  return { amount, userAmount, lines, priceTableVersion: model.priceTableVersion, modelId: model.id, tier };
}
