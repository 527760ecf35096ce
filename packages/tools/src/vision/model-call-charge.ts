import { priceToolUse, type ToolChargeDraft, type UnitPrice } from "@bot/domain";
import type { ModelInfo, TokenUsage } from "@bot/llm";

/**
 * What a model call made by a tool cost, as a tool charge: its token counts (and web
 * searches, when `webSearchPriceNanoUsd` is given) priced at the model's per-token prices
 * (integer nano-USD per token in the registry), so the amount can be recomputed from the
 * event. Zero quantities are left out. `userCap` limits what the user pays.
 */
export function modelCallCharge(
  model: ModelInfo,
  usage: TokenUsage,
  options: { readonly webSearchPriceNanoUsd?: number; readonly userCap?: number } = {},
): ToolChargeDraft {
  const quantities: Record<string, number> = {};
  const unitPrices: Record<string, UnitPrice> = {};
  const add = (unit: string, quantity: number, nanoUsd: number) => {
    if (quantity <= 0) return;
    quantities[unit] = quantity;
    unitPrices[unit] = { nanoUsd, per: 1 };
  };
  add("inputTokens", usage.inputTokens, model.prices.input);
  add("outputTokens", usage.outputTokens, model.prices.output);
  add("cacheReadTokens", usage.cacheReadTokens, model.prices.cacheRead);
  add("cacheWrite5mTokens", usage.cacheWrite5mTokens, model.prices.cacheWrite5m);
  add("cacheWrite1hTokens", usage.cacheWrite1hTokens, model.prices.cacheWrite1h);
  if (options.webSearchPriceNanoUsd !== undefined) {
    add("webSearchRequests", usage.webSearchRequests, options.webSearchPriceNanoUsd);
  }
  const amount = priceToolUse(quantities, unitPrices);
  return {
    priceTableVersion: model.priceTableVersion,
    quantities,
    unitPrices,
    amount,
    // The event keeps the full cost; a cap is the difference the owner pays.
    userAmount: options.userCap === undefined ? amount : Math.min(amount, options.userCap),
  };
}
