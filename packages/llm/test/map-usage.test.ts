import { describe, expect, it } from "vitest";
import { applyMessageDeltaUsage, toTokenUsage, usageFromMessageStart } from "../src/index.ts";
import { deltaUsage, startUsage } from "./anthropic-events.ts";

describe("given message_start usage with a cache breakdown", () => {
  const start = usageFromMessageStart(
    startUsage({
      input_tokens: 50,
      cache_creation_input_tokens: 300,
      cache_read_input_tokens: 1_000,
      cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 100 },
    }),
  );

  it("when normalised, then uncached input, reads and both TTL writes map one to one", () => {
    expect(toTokenUsage(start)).toEqual({
      inputTokens: 50,
      outputTokens: 1,
      cacheWrite5mTokens: 200,
      cacheWrite1hTokens: 100,
      cacheReadTokens: 1_000,
      thinkingTokens: 0,
      webSearchRequests: 0,
    });
  });

  it("when message_delta reports cumulative totals, then output and extras update, nulls keep values", () => {
    const after = applyMessageDeltaUsage(
      start,
      deltaUsage({
        output_tokens: 500,
        output_tokens_details: { thinking_tokens: 300 },
        server_tool_use: { web_search_requests: 2, web_fetch_requests: 1 },
      }),
    );
    expect(toTokenUsage(after)).toEqual({
      inputTokens: 50,
      outputTokens: 500,
      cacheWrite5mTokens: 200,
      cacheWrite1hTokens: 100,
      cacheReadTokens: 1_000,
      thinkingTokens: 300,
      webSearchRequests: 2,
    });
  });

  it("when the delta's cache-write total exceeds the breakdown, then the rest counts as 1h writes", () => {
    const after = applyMessageDeltaUsage(start, deltaUsage({ cache_creation_input_tokens: 350 }));
    expect(toTokenUsage(after)).toMatchObject({ cacheWrite5mTokens: 200, cacheWrite1hTokens: 150 });
  });
});

describe("given usage without any TTL breakdown", () => {
  it("when normalised, then all cache writes are priced as 1h writes", () => {
    const start = usageFromMessageStart(
      startUsage({ cache_creation_input_tokens: 80, cache_creation: null }),
    );
    expect(toTokenUsage(start)).toMatchObject({ cacheWrite5mTokens: 0, cacheWrite1hTokens: 80 });
  });

  it("when a thinking count above output is reported, then thinking is capped at output", () => {
    const start = usageFromMessageStart(
      startUsage({ output_tokens: 5, output_tokens_details: { thinking_tokens: 9 } }),
    );
    expect(toTokenUsage(start).thinkingTokens).toBe(5);
  });
});
