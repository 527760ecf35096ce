/**
 * A usage estimate for a stream that ended without usage (cancelled before the provider
 * reported any, or found open after a crash). The caller records the charge as
 * estimated. With the Anthropic adapter this is rare: input usage arrives with
 * `message_start`, before the first token.
 */
import type { TokenUsage } from "./token-usage.ts";

/** Characters per token assumed by the estimate (the classic English-text rule of thumb). */
export const CHARS_PER_TOKEN_ESTIMATE = 4;

/**
 * Tokens the provider adds when tools are present: its tool-use system prompt plus a
 * per-tool definition allowance (figures the original bot used for Claude).
 */
export const TOOL_SYSTEM_PROMPT_TOKENS = 346;
/** See {@link TOOL_SYSTEM_PROMPT_TOKENS}. */
export const TOKENS_PER_TOOL = 200;

/** What is known about a call that reported no usage. */
export interface UsageEstimateInput {
  readonly systemChars: number;
  readonly historyChars: number;
  readonly outputChars: number;
  readonly thinkingChars: number;
  readonly toolCount: number;
}

/**
 * Estimates usage with chars/4 per part (rounded up, so any text costs at least one
 * token):
 * - the system prompt counts as cache reads: it carries a 1-hour cache breakpoint and
 *   is shared by every thread, so it is almost always a cache hit;
 * - history + tool overhead (346 + 200 per tool when tools are present) is uncached input;
 * - output = ⌈output/4⌉ + ⌈thinking/4⌉, thinking = ⌈thinking/4⌉ (inside output, as
 *   providers bill it).
 * Newer Claude tokenizers produce roughly 30% more tokens than chars/4 suggests, so this
 * leans towards undercharging the user, the right side to err on for a guess.
 */
export function estimateUsage(input: UsageEstimateInput): TokenUsage {
  for (const [name, value] of Object.entries(input)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`estimateUsage: ${name} must be a non-negative integer, got ${String(value)}`);
    }
  }
  const tokens = (chars: number) => Math.ceil(chars / CHARS_PER_TOKEN_ESTIMATE);
  const toolTokens = input.toolCount > 0 ? TOOL_SYSTEM_PROMPT_TOKENS + TOKENS_PER_TOOL * input.toolCount : 0;
  const thinkingTokens = tokens(input.thinkingChars);
  return {
    inputTokens: tokens(input.historyChars) + toolTokens,
    outputTokens: tokens(input.outputChars) + thinkingTokens,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: tokens(input.systemChars),
    thinkingTokens,
    webSearchRequests: 0,
  };
}
