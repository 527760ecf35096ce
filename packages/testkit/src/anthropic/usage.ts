import type { AnthropicUsageOverrides } from "./types.ts";
import type { JsonObject } from "./wire.ts";

/** What a message's content contributed to usage, before overrides. */
export interface ContentCounts {
  inputTokens: number;
  outputTokens: number;
  /** null when the message had no thinking block. */
  thinkingTokens: number | null;
  webSearchRequests: number;
  webFetchRequests: number;
}

/** The three usage objects of one message, as the API sends them. */
export interface MessageUsage {
  /** `Message.usage`: the non-streaming body. */
  final: JsonObject;
  /** `message_start.message.usage`: output not generated yet. */
  atStart: JsonObject;
  /** `message_delta.usage`: cumulative totals (`MessageDeltaUsage`). */
  delta: JsonObject;
}

/** Builds the usage objects from counts and a script's overrides. */
export function buildUsage(counts: ContentCounts, overrides: AnthropicUsageOverrides = {}): MessageUsage {
  const oneHour = overrides.ephemeral_1h_input_tokens ?? 0;
  const cacheCreation =
    overrides.cache_creation_input_tokens ?? (overrides.ephemeral_5m_input_tokens ?? 0) + oneHour;
  const fiveMinutes = overrides.ephemeral_5m_input_tokens ?? Math.max(0, cacheCreation - oneHour);
  const input = {
    input_tokens: overrides.input_tokens ?? counts.inputTokens,
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: overrides.cache_read_input_tokens ?? 0,
  };
  const outputTokens = overrides.output_tokens ?? counts.outputTokens;
  const thinkingTokens = overrides.thinking_tokens ?? counts.thinkingTokens;
  const outputDetails = thinkingTokens === null ? null : { thinking_tokens: thinkingTokens };
  const usedServerTools =
    counts.webSearchRequests + counts.webFetchRequests > 0 ||
    overrides.web_search_requests !== undefined ||
    overrides.web_fetch_requests !== undefined;
  const serverToolUse = usedServerTools
    ? {
        web_search_requests: overrides.web_search_requests ?? counts.webSearchRequests,
        web_fetch_requests: overrides.web_fetch_requests ?? counts.webFetchRequests,
      }
    : null;
  const cacheBreakdown = { ephemeral_5m_input_tokens: fiveMinutes, ephemeral_1h_input_tokens: oneHour };
  const fixed = { service_tier: "standard", inference_geo: null, speed: null };
  return {
    final: {
      ...input,
      cache_creation: cacheBreakdown,
      output_tokens: outputTokens,
      output_tokens_details: outputDetails,
      server_tool_use: serverToolUse,
      ...fixed,
    },
    // The real API reports one output token before any content is generated.
    atStart: {
      ...input,
      cache_creation: cacheBreakdown,
      output_tokens: 1,
      output_tokens_details: null,
      server_tool_use: null,
      ...fixed,
    },
    delta: {
      ...input,
      output_tokens: outputTokens,
      output_tokens_details: outputDetails,
      server_tool_use: serverToolUse,
    },
  };
}
