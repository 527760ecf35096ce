import type { ChargeDraft, ThreadState, TokenQuantities } from "@bot/domain";
import { estimateUsage, type ModelInfo, priceUsage, type TokenUsage } from "@bot/llm";

/** The domain's token quantities from the provider port's usage. */
export function toQuantities(usage: TokenUsage): TokenQuantities {
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cacheWrite5mTokens: usage.cacheWrite5mTokens,
    cacheWrite1hTokens: usage.cacheWrite1hTokens,
    cacheReadTokens: usage.cacheReadTokens,
    thinkingTokens: usage.thinkingTokens,
    webSearchRequests: usage.webSearchRequests,
  };
}

/** Prices one model call into the charge recorded by UsageCharged. */
export function chargeFor(
  model: ModelInfo,
  usage: TokenUsage,
  options: { callIndex: number; estimated: boolean; cacheWriteSubsidy: boolean },
): ChargeDraft {
  const priced = priceUsage(model, usage, { cacheWriteSubsidy: options.cacheWriteSubsidy });
  return {
    callIndex: options.callIndex,
    modelId: model.id,
    priceTableVersion: priced.priceTableVersion,
    estimated: options.estimated,
    quantities: toQuantities(usage),
    amount: priced.amount,
    userAmount: priced.userAmount,
    cacheWriteSubsidised: options.cacheWriteSubsidy,
  };
}

/** Characters of the context the model was given (for estimates when the provider reported nothing). */
export function contextChars(
  state: ThreadState,
  systemChars: number,
): { systemChars: number; historyChars: number } {
  let historyChars = 0;
  for (const turn of state.turns) historyChars += turn.text.length;
  return { systemChars, historyChars };
}

/**
 * Usage for a call that ended without the provider's final usage: the reported
 * input side if a first usage arrived, else estimated; output estimated from the
 * streamed characters. Always marked estimated by the caller.
 */
export function estimatedUsage(
  reported: TokenUsage | null,
  chars: { systemChars: number; historyChars: number; outputChars: number; thinkingChars: number },
): TokenUsage {
  const estimate = estimateUsage({ ...chars, toolCount: 0 });
  if (!reported) return estimate;
  return {
    ...reported,
    outputTokens: Math.max(reported.outputTokens, estimate.outputTokens),
    thinkingTokens: Math.max(reported.thinkingTokens, estimate.thinkingTokens),
  };
}
