import { describe, expect, it } from "vitest";
import { estimateUsage, TOKENS_PER_TOOL, TOOL_SYSTEM_PROMPT_TOKENS } from "../src/index.ts";

const nothing = { systemChars: 0, historyChars: 0, outputChars: 0, thinkingChars: 0, toolCount: 0 };

describe("given a cancelled stream that reported no usage", () => {
  it("when estimating, then chars/4 rounded up per part, system as cache reads", () => {
    expect(
      estimateUsage({
        systemChars: 1_000,
        historyChars: 4_001,
        outputChars: 10,
        thinkingChars: 8,
        toolCount: 0,
      }),
    ).toEqual({
      inputTokens: 1_001,
      outputTokens: 3 + 2,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      cacheReadTokens: 250,
      thinkingTokens: 2,
      webSearchRequests: 0,
    });
  });

  it("when tools were offered, then the tool-use overhead is added to input", () => {
    const withTools = estimateUsage({ ...nothing, historyChars: 400, toolCount: 3 });
    expect(withTools.inputTokens).toBe(100 + TOOL_SYSTEM_PROMPT_TOKENS + 3 * TOKENS_PER_TOOL);
  });

  it("when nothing was sent or streamed, then the estimate is zero", () => {
    expect(estimateUsage(nothing)).toMatchObject({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0 });
  });

  it("when a count is negative or fractional, then it is refused", () => {
    expect(() => estimateUsage({ ...nothing, outputChars: -1 })).toThrow(RangeError);
    expect(() => estimateUsage({ ...nothing, toolCount: 0.5 })).toThrow(RangeError);
  });
});
