import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BASIS_POINTS,
  creditForStars,
  formatBasisPoints,
  formatUsd,
  isPurchasableStars,
  K1_BASIS_POINTS,
  K2_BASIS_POINTS,
  MAX_K3_BASIS_POINTS,
  mayStartRequest,
  mayUsePaidTool,
  NOMINAL_PER_STAR,
  nanoUsd,
  parseMargin,
  STAR_PACKAGES,
  StarsPricingError,
} from "../src/index.ts";

describe("given the Stars credit formula", () => {
  it("when the margin is zero, then the packages credit $0.0065 a Star, as the original did", () => {
    expect(
      STAR_PACKAGES.map((stars) => formatUsd(creditForStars(stars, 0).creditedAmount, { decimals: 4 })),
    ).toEqual(["$0.0650", "$0.3250", "$0.6500", "$1.6250", "$3.2500"]);
  });

  it("when a credit is computed, then it records the nominal amount and k1, k2, k3 that priced it", () => {
    expect(creditForStars(100, 1_000)).toEqual({
      stars: 100,
      nominalAmount: 1_300_000_000,
      k1BasisPoints: 3_500,
      k2BasisPoints: 1_500,
      k3BasisPoints: 1_000,
      creditedAmount: 520_000_000,
    });
  });

  it("when any whole Stars and margin are priced, then the credit is exactly nominal × (1 − k1 − k2 − k3), an integer", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: MAX_K3_BASIS_POINTS }),
        (stars, k3) => {
          const credit = creditForStars(stars, k3);
          const kept = BASIS_POINTS - K1_BASIS_POINTS - K2_BASIS_POINTS - k3;
          expect(Number.isSafeInteger(credit.creditedAmount)).toBe(true);
          expect(BigInt(credit.creditedAmount) * BigInt(BASIS_POINTS)).toBe(
            BigInt(NOMINAL_PER_STAR) * BigInt(stars) * BigInt(kept),
          );
          expect(credit.creditedAmount).toBeLessThanOrEqual(credit.nominalAmount);
        },
      ),
    );
  });

  it("when the margin takes everything that is left, then nothing is credited; beyond that it is refused", () => {
    expect(creditForStars(10, MAX_K3_BASIS_POINTS).creditedAmount).toBe(0);
    expect(() => creditForStars(10, MAX_K3_BASIS_POINTS + 1)).toThrow(StarsPricingError);
    expect(() => creditForStars(10, -1)).toThrow(StarsPricingError);
    expect(() => creditForStars(0, 0)).toThrow(StarsPricingError);
    expect(() => creditForStars(1.5, 0)).toThrow(StarsPricingError);
  });

  it("when amounts are checked, then 1–2500 whole Stars can be bought and nothing else", () => {
    expect([1, 10, 2_500].map(isPurchasableStars)).toEqual([true, true, true]);
    expect([0, -5, 2_501, 2.5, Number.NaN].map(isPurchasableStars)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe("given an administrator typing a margin", () => {
  it("when it is a percentage or a fraction, then it becomes basis points", () => {
    expect(["10%", "12.5 %", "0.25%", "0%", "0.1", ".125", "0", "1", "0.0001"].map(parseMargin)).toEqual([
      1_000, 1_250, 25, 0, 1_000, 1_250, 0, 10_000, 1,
    ]);
  });

  it("when it is not a number, or finer than 0.01 %, then it is not understood", () => {
    expect(["ten", "", "0.123%", "0.00001", "-5%", "1.5", "5"].map(parseMargin)).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it("when basis points are shown, then they read as a percentage", () => {
    expect([3_500, 1_250, 25, 0, 5_000].map(formatBasisPoints)).toEqual([
      "35%",
      "12.5%",
      "0.25%",
      "0%",
      "50%",
    ]);
  });
});

describe("given the balance policy", () => {
  const at = (usd: number, privileged = false) => ({ balance: nanoUsd(usd), privileged });

  it("when the balance is above zero, then a request may start; at zero or below it may not", () => {
    expect([1, 0, -1].map((balance) => mayStartRequest(at(balance)))).toEqual([true, false, false]);
  });

  it("when the balance is zero, then paid tools still run; below zero they do not", () => {
    expect([1, 0, -1].map((balance) => mayUsePaidTool(at(balance)))).toEqual([true, true, false]);
  });

  it("when the user is privileged, then nothing is ever blocked", () => {
    expect(mayStartRequest(at(-5, true))).toBe(true);
    expect(mayUsePaidTool(at(-5, true))).toBe(true);
  });
});
