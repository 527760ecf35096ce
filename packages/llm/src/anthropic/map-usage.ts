/**
 * Anthropic usage → {@link TokenUsage}.
 *
 * `message_start` carries the full `Usage`, including the cache-write breakdown by TTL
 * (`cache_creation.ephemeral_5m_input_tokens` / `ephemeral_1h_input_tokens`).
 * `message_delta` carries cumulative `MessageDeltaUsage`: totals only, no TTL
 * breakdown, and nullable input fields (null = unchanged). So the breakdown is kept from
 * the start and only the totals are updated.
 */
import type { MessageDeltaUsage, Usage } from "@anthropic-ai/sdk/resources/messages";
import type { TokenUsage } from "../token-usage.ts";

/** The raw counters seen so far in one stream. */
export interface AnthropicUsageState {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  /** Total cache writes as last reported (`cache_creation_input_tokens`). */
  readonly cacheCreationTokens: number;
  readonly cacheWrite5mTokens: number;
  readonly cacheWrite1hTokens: number;
  readonly thinkingTokens: number;
  readonly webSearchRequests: number;
}

/** The counters of `message_start`. */
export function usageFromMessageStart(usage: Usage): AnthropicUsageState {
  const breakdown = usage.cache_creation;
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    cacheCreationTokens: usage.cache_creation_input_tokens ?? 0,
    cacheWrite5mTokens: breakdown?.ephemeral_5m_input_tokens ?? 0,
    cacheWrite1hTokens: breakdown?.ephemeral_1h_input_tokens ?? 0,
    thinkingTokens: usage.output_tokens_details?.thinking_tokens ?? 0,
    webSearchRequests: usage.server_tool_use?.web_search_requests ?? 0,
  };
}

/** Applies a cumulative `message_delta` usage; null fields keep their previous value. */
export function applyMessageDeltaUsage(
  state: AnthropicUsageState,
  delta: MessageDeltaUsage,
): AnthropicUsageState {
  return {
    ...state,
    inputTokens: delta.input_tokens ?? state.inputTokens,
    outputTokens: delta.output_tokens,
    cacheReadTokens: delta.cache_read_input_tokens ?? state.cacheReadTokens,
    cacheCreationTokens: delta.cache_creation_input_tokens ?? state.cacheCreationTokens,
    thinkingTokens: delta.output_tokens_details?.thinking_tokens ?? state.thinkingTokens,
    webSearchRequests: delta.server_tool_use?.web_search_requests ?? state.webSearchRequests,
  };
}

/**
 * The normalised usage. Cache writes the TTL breakdown does not explain (a total larger
 * than 5m + 1h, or no breakdown at all) are counted as 1-hour writes: the dearer rate,
 * so the operator is never charged more by Anthropic than it bills (the original bot
 * made the same call). Thinking stays inside `outputTokens` (see `TokenUsage`).
 */
export function toTokenUsage(state: AnthropicUsageState): TokenUsage {
  const explained = state.cacheWrite5mTokens + state.cacheWrite1hTokens;
  const unexplained = Math.max(0, state.cacheCreationTokens - explained);
  return {
    inputTokens: state.inputTokens,
    outputTokens: state.outputTokens,
    cacheWrite5mTokens: state.cacheWrite5mTokens,
    cacheWrite1hTokens: state.cacheWrite1hTokens + unexplained,
    cacheReadTokens: state.cacheReadTokens,
    thinkingTokens: Math.min(state.thinkingTokens, state.outputTokens),
    webSearchRequests: state.webSearchRequests,
  };
}
