import { priceToolUse, type ToolChargeDraft, type UnitPrice } from "@bot/domain";
import type { ModelInfo, TokenUsage } from "@bot/llm";

/**
 * What a vision call cost, as a tool charge: its token counts priced at the vision
 * model's per-token prices (integer nano-USD per token in the registry), so the amount
 * can be recomputed from the event. Zero quantities are left out.
 */
export function visionCharge(model: ModelInfo, usage: TokenUsage): ToolChargeDraft {
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
  const amount = priceToolUse(quantities, unitPrices);
  return { priceTableVersion: model.priceTableVersion, quantities, unitPrices, amount, userAmount: amount };
}
