import { addUsd } from "@bot/domain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_WEB_SEARCH_PRICE_NANO_USD,
  getModel,
  listModels,
  type PriceItem,
  priceUsage,
  type TokenUsage,
  ZERO_USAGE,
} from "../src/index.ts";

const sonnet = getModel("claude-sonnet-4-6");
const haiku55 = getModel("claude-haiku-5-5");

function usage(overrides: Partial<TokenUsage>): TokenUsage {
  return { ...ZERO_USAGE, ...overrides };
}

const FIELDS = [
  "inputTokens",
  "outputTokens",
  "cacheWrite5mTokens",
  "cacheWrite1hTokens",
  "cacheReadTokens",
  "thinkingTokens",
  "webSearchRequests",
] as const satisfies readonly (keyof TokenUsage)[];

/** Usage as providers report it: thinking is part of output. */
const anyUsage = fc
  .record({
    inputTokens: fc.nat(2_000_000),
    outputTokens: fc.nat(200_000),
    cacheWrite5mTokens: fc.nat(1_000_000),
    cacheWrite1hTokens: fc.nat(1_000_000),
    cacheReadTokens: fc.nat(1_000_000),
    thinkingShare: fc.double({ min: 0, max: 1, noNaN: true }),
    webSearchRequests: fc.nat(100),
  })
  .map(
    ({ thinkingShare, ...rest }): TokenUsage => ({
      ...rest,
      thinkingTokens: Math.floor(rest.outputTokens * thinkingShare),
    }),
  );
const anyModel = fc.constantFrom(...listModels());
const anySubsidy = fc.boolean();

function line(priced: ReturnType<typeof priceUsage>, item: PriceItem) {
  return priced.lines.find((entry) => entry.item === item);
}

describe("given a model's usage", () => {
  it("when pricing plain input and output, then each line is quantity × unit price", () => {
    const priced = priceUsage(sonnet, usage({ inputTokens: 1_000, outputTokens: 200 }), {
      cacheWriteSubsidy: false,
    });
    expect(priced.lines).toEqual([
      { item: "input", quantity: 1_000, unitPrice: 3_000, amount: 3_000_000 },
      { item: "output", quantity: 200, unitPrice: 15_000, amount: 3_000_000 },
    ]);
    expect(priced.amount).toBe(6_000_000);
    expect(priced.userAmount).toBe(6_000_000);
    expect(priced.priceTableVersion).toBe(sonnet.priceTableVersion);
    expect(priced.modelId).toBe("claude-sonnet-4-6");
  });

  it("when output includes thinking, then thinking is reported but not priced twice", () => {
    const priced = priceUsage(sonnet, usage({ outputTokens: 1_000, thinkingTokens: 600 }), {
      cacheWriteSubsidy: false,
    });
    expect(line(priced, "output")).toEqual({
      item: "output",
      quantity: 1_000,
      unitPrice: 15_000,
      amount: 15_000_000,
    });
    expect(line(priced, "thinking")).toEqual({ item: "thinking", quantity: 600, unitPrice: 0, amount: 0 });
    expect(priced.amount).toBe(15_000_000);
  });

  it("when the prompt used the cache, then writes and reads get their own rates", () => {
    const priced = priceUsage(
      sonnet,
      usage({ cacheWrite5mTokens: 100, cacheWrite1hTokens: 10, cacheReadTokens: 1_000 }),
      { cacheWriteSubsidy: false },
    );
    expect(line(priced, "cache_write_5m")?.amount).toBe(375_000);
    expect(line(priced, "cache_write_1h")?.amount).toBe(60_000);
    expect(line(priced, "cache_read")?.amount).toBe(300_000);
    expect(priced.amount).toBe(735_000);
  });

  it("when cache writes are subsidised, then the user pays everything but the writes", () => {
    const priced = priceUsage(
      sonnet,
      usage({ inputTokens: 10, cacheWrite5mTokens: 100, cacheWrite1hTokens: 10, cacheReadTokens: 1_000 }),
      { cacheWriteSubsidy: true },
    );
    expect(priced.amount).toBe(765_000);
    expect(priced.userAmount).toBe(765_000 - 375_000 - 60_000);
  });

  it("when web searches ran, then each costs $0.01 by default or the configured price", () => {
    const byDefault = priceUsage(sonnet, usage({ webSearchRequests: 3 }), { cacheWriteSubsidy: false });
    expect(line(byDefault, "web_search")).toEqual({
      item: "web_search",
      quantity: 3,
      unitPrice: DEFAULT_WEB_SEARCH_PRICE_NANO_USD,
      amount: 30_000_000,
    });
    const custom = priceUsage(sonnet, usage({ webSearchRequests: 3 }), {
      cacheWriteSubsidy: false,
      webSearchPriceNanoUsd: 20_000_000,
    });
    expect(custom.amount).toBe(60_000_000);
  });

  it("when Haiku 5.5's prompt is at most 100K tokens, then the standard tier applies", () => {
    const priced = priceUsage(
      haiku55,
      usage({ inputTokens: 60_000, cacheReadTokens: 40_000, outputTokens: 10 }),
      {
        cacheWriteSubsidy: false,
      },
    );
    expect(priced.tier).toBe("standard");
    expect(line(priced, "input")?.unitPrice).toBe(100);
  });

  it("when Haiku 5.5's prompt exceeds 100K tokens, then every token, output too, pays the long tier", () => {
    const priced = priceUsage(
      haiku55,
      usage({ inputTokens: 60_000, cacheReadTokens: 40_001, outputTokens: 10 }),
      {
        cacheWriteSubsidy: false,
      },
    );
    expect(priced.tier).toBe("long_prompt");
    expect(line(priced, "input")?.unitPrice).toBe(500);
    expect(line(priced, "cache_read")?.unitPrice).toBe(50);
    expect(line(priced, "output")?.unitPrice).toBe(2_500);
  });

  it("when a quantity is negative or fractional, then pricing refuses it", () => {
    expect(() => priceUsage(sonnet, usage({ inputTokens: -1 }), { cacheWriteSubsidy: false })).toThrow(
      RangeError,
    );
    expect(() => priceUsage(sonnet, usage({ outputTokens: 1.5 }), { cacheWriteSubsidy: false })).toThrow(
      RangeError,
    );
  });
});

describe("given any usage on any model (properties)", () => {
  it("when priced, then the amount is the sum of the lines and each line is exact", () => {
    fc.assert(
      fc.property(anyModel, anyUsage, anySubsidy, (model, used, subsidy) => {
        const priced = priceUsage(model, used, { cacheWriteSubsidy: subsidy });
        expect(priced.amount).toBe(addUsd(...priced.lines.map((entry) => entry.amount)));
        for (const entry of priced.lines) {
          expect(Number.isSafeInteger(entry.amount)).toBe(true);
          expect(entry.amount).toBe(entry.quantity * entry.unitPrice);
        }
      }),
    );
  });

  it("when any one quantity grows, then neither amount nor user amount shrinks", () => {
    fc.assert(
      fc.property(
        anyModel,
        anyUsage,
        fc.constantFrom(...FIELDS),
        fc.integer({ min: 1, max: 200_000 }),
        anySubsidy,
        (model, used, field, extra, subsidy) => {
          const grown: TokenUsage = {
            ...used,
            [field]: used[field] + extra,
            // Thinking is part of output: more thinking means at least as much output.
            ...(field === "thinkingTokens" ? { outputTokens: used.outputTokens + extra } : {}),
          };
          const before = priceUsage(model, used, { cacheWriteSubsidy: subsidy });
          const after = priceUsage(model, grown, { cacheWriteSubsidy: subsidy });
          expect(after.amount).toBeGreaterThanOrEqual(before.amount);
          expect(after.userAmount).toBeGreaterThanOrEqual(before.userAmount);
        },
      ),
    );
  });

  it("when the subsidy is on, then the user never pays more than without it, nor more than the cost", () => {
    fc.assert(
      fc.property(anyModel, anyUsage, (model, used) => {
        const subsidised = priceUsage(model, used, { cacheWriteSubsidy: true });
        const full = priceUsage(model, used, { cacheWriteSubsidy: false });
        expect(subsidised.userAmount).toBeLessThanOrEqual(full.userAmount);
        expect(subsidised.userAmount).toBeLessThanOrEqual(subsidised.amount);
        expect(full.userAmount).toBe(full.amount);
      }),
    );
  });

  it("when nothing was used, then it costs zero with no lines", () => {
    fc.assert(
      fc.property(anyModel, anySubsidy, (model, subsidy) => {
        const priced = priceUsage(model, ZERO_USAGE, { cacheWriteSubsidy: subsidy });
        expect(priced.amount).toBe(0);
        expect(priced.userAmount).toBe(0);
        expect(priced.lines).toEqual([]);
      }),
    );
  });
});
