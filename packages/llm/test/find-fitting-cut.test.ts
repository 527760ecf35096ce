import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findFittingCut } from "../src/index.ts";

/** A counter over fixed true token counts that records which candidates it was asked about. */
function counter(actual: readonly number[]) {
  const asked: number[] = [];
  return {
    asked,
    count: async (index: number) => {
      asked.push(index);
      const tokens = actual[index];
      if (tokens === undefined) throw new Error(`no candidate ${index}`);
      return tokens;
    },
  };
}

describe("given an estimate well under the budget", () => {
  it("when searching, then the first candidate is taken without counting", async () => {
    const { asked, count } = counter([80, 60]);
    expect(await findFittingCut({ estimates: [89, 70], budget: 100, count, maxCalls: 5 })).toEqual({
      index: 0,
      tokens: 89,
      counted: false,
    });
    expect(asked).toEqual([]);
  });
});

describe("given an estimate within 10% of the budget", () => {
  it("when the exact count fits, then nothing is dropped and the count is reported", async () => {
    const { asked, count } = counter([95, 60]);
    expect(await findFittingCut({ estimates: [91, 70], budget: 100, count, maxCalls: 5 })).toEqual({
      index: 0,
      tokens: 95,
      counted: true,
    });
    expect(asked).toEqual([0]);
  });
});

describe("given no candidate fits", () => {
  it("when searching, then the result is undefined", async () => {
    const { count } = counter([300, 250, 201]);
    expect(
      await findFittingCut({ estimates: [300, 250, 200], budget: 200, count, maxCalls: 10 }),
    ).toBeUndefined();
  });
});

describe("given the call budget runs out before any fit is found", () => {
  it("when searching, then the most-dropped candidate is returned uncounted", async () => {
    const { asked, count } = counter([500, 400, 300, 200, 100]);
    // The estimate is half the truth, so the first guess (index 2) does not fit.
    const found = await findFittingCut({
      estimates: [250, 200, 150, 100, 50],
      budget: 150,
      count,
      maxCalls: 1,
    });
    expect(asked).toEqual([2]);
    expect(found).toMatchObject({ index: 4, counted: false });
  });
});

describe("given any non-increasing token counts and a scaled estimate (property)", () => {
  const scenario = fc
    .record({
      steps: fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 60 }),
      base: fc.integer({ min: 1, max: 20_000 }),
      scale: fc.double({ min: 0.5, max: 2, noNaN: true }),
      budget: fc.integer({ min: 1, max: 200_000 }),
    })
    .map(({ steps, base, scale, budget }) => {
      // actual[i] = base + sum of later steps: more dropped, fewer tokens.
      const actual = steps.map((_, index) => base + steps.slice(index).reduce((a, b) => a + b, 0));
      return { actual, estimates: actual.map((tokens) => Math.ceil(tokens * scale)), budget };
    });

  it("when calls suffice, then the smallest fitting candidate is found, or undefined when none fits", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ actual, estimates, budget }) => {
        const { count } = counter(actual);
        const found = await findFittingCut({ estimates, budget, count, maxCalls: 64 });
        const firstFit = actual.findIndex((tokens) => tokens <= budget);
        if (found === undefined) {
          expect(firstFit).toBe(-1);
          return;
        }
        if (found.counted) {
          expect(found.index).toBe(firstFit);
          expect(found.tokens).toBe(actual[firstFit]);
        } else {
          // Only the trusted-estimate shortcut skips counting when calls suffice.
          expect(found.index).toBe(0);
        }
      }),
    );
  });

  it("when searching, then the number of counter calls stays logarithmic", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ actual, estimates, budget }) => {
        const { asked, count } = counter(actual);
        await findFittingCut({ estimates, budget, count, maxCalls: 64 });
        expect(asked.length).toBeLessThanOrEqual(2 + Math.ceil(Math.log2(actual.length + 1)));
      }),
    );
  });
});
