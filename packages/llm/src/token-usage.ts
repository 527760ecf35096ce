import { type TokenQuantities, tokenQuantities } from "@bot/domain";

/**
 * Token usage of one model call, normalised across providers. All fields are
 * non-negative integers.
 *
 * Conventions every adapter must follow (pricing relies on them):
 * - `inputTokens` is the uncached input only: it excludes `cacheReadTokens` and the
 *   cache writes (Anthropic reports it that way; OpenAI's `input_tokens` includes
 *   cached tokens and must be reduced by them).
 * - `outputTokens` is the billed output total and INCLUDES `thinkingTokens`
 *   (Anthropic's `output_tokens` and OpenAI's `output_tokens` already do; Gemini
 *   reports `thoughtsTokenCount` separately and must add it). `thinkingTokens` is an
 *   informational breakdown, never priced on top.
 */
export type TokenUsage = TokenQuantities;

/** Usage of a call that consumed nothing. */
export const ZERO_USAGE: TokenUsage = tokenQuantities();

/** Field-wise sum, e.g. to show the total of a tool loop (charge each call separately). */
export function addTokenUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheWrite5mTokens: a.cacheWrite5mTokens + b.cacheWrite5mTokens,
    cacheWrite1hTokens: a.cacheWrite1hTokens + b.cacheWrite1hTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    thinkingTokens: a.thinkingTokens + b.thinkingTokens,
    webSearchRequests: a.webSearchRequests + b.webSearchRequests,
  };
}

/** Prompt size as providers count it for long-prompt price tiers: input + cache reads + cache writes. */
export function promptTokens(usage: TokenUsage): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWrite5mTokens + usage.cacheWrite1hTokens;
}
