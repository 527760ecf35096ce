import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addUsd,
  formatUsd,
  InvalidUsdAmountError,
  MoneyOverflowError,
  multiplyUsd,
  NANO_PER_USD,
  nanoUsd,
  negateUsd,
  parseUsd,
  subtractUsd,
  ZERO_USD,
} from "../src/index.ts";

const MAX = Number.MAX_SAFE_INTEGER;
const MIN = Number.MIN_SAFE_INTEGER;
const MAX_BIG = BigInt(MAX);
const MIN_BIG = BigInt(MIN);

/** Any safe integer, as nano-USD. */
const anyAmount = fc.maxSafeInteger().map(nanoUsd);
/** Amounts small enough that sums of three never leave the safe range. */
const smallAmount = fc.integer({ min: -(2 ** 50), max: 2 ** 50 }).map(nanoUsd);

function inSafeRange(value: bigint): boolean {
  return value <= MAX_BIG && value >= MIN_BIG;
}

function expectOverflow(work: () => unknown): void {
  expect(work).toThrow(MoneyOverflowError);
}

describe("given decimal USD strings", () => {
  it("when they have at most 9 decimals, then parseUsd converts them exactly", () => {
    expect(parseUsd("0")).toBe(0);
    expect(parseUsd("1")).toBe(NANO_PER_USD);
    expect(parseUsd("0.10")).toBe(100_000_000);
    expect(parseUsd("1.000000001")).toBe(1_000_000_001);
    expect(parseUsd("0.000000001")).toBe(1);
    expect(parseUsd("12.5")).toBe(12_500_000_000);
    expect(parseUsd("  3.25 ")).toBe(3_250_000_000);
    expect(parseUsd("9007199.254740991")).toBe(MAX);
  });

  it("when they are negative, then parseUsd keeps the sign and -0 is plain zero", () => {
    expect(parseUsd("-3")).toBe(-3 * NANO_PER_USD);
    expect(parseUsd("-0.10")).toBe(-100_000_000);
    expect(parseUsd("-0.000000001")).toBe(-1);
    expect(parseUsd("-9007199.254740991")).toBe(MIN);
    expect(Object.is(parseUsd("-0"), 0)).toBe(true);
    expect(Object.is(parseUsd("-0.000000000"), 0)).toBe(true);
  });

  it.each([
    "1.0000000001",
    "0.0000000000",
    "abc",
    "1e5",
    "1E5",
    "",
    " ",
    "-",
    ".5",
    "1.",
    "+1",
    "--1",
    "1,00",
    "1.5.5",
    "$1",
    "0x10",
    "Infinity",
    "NaN",
    "1 000",
    "١",
    "9007199.254740992",
    "-9007199.254740992",
    "99999999999999999999",
  ])("when the input is %j, then parseUsd rejects it with InvalidUsdAmountError naming it", (input) => {
    let caught: unknown;
    try {
      parseUsd(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidUsdAmountError);
    expect((caught as InvalidUsdAmountError).input).toBe(input);
  });

  it("when a decimal string is built from random digits, then parseUsd equals the exact bigint value", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.bigInt({ min: 0n, max: 9_007_198n }),
        fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: 9 }),
        (negative, whole, fraction) => {
          const text = `${negative ? "-" : ""}${whole}.${fraction}`;
          const magnitude = whole * 1_000_000_000n + BigInt(fraction.padEnd(9, "0"));
          const expected = Number(negative ? -magnitude : magnitude);
          expect(parseUsd(text)).toBe(expected);
        },
      ),
    );
  });

  it("when a string has 10 or more decimals, then parseUsd rejects it even if the extra digits are zero", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 1_000_000 }),
        fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 10, maxLength: 20 }),
        (whole, fraction) => {
          expect(() => parseUsd(`${whole}.${fraction}`)).toThrow(InvalidUsdAmountError);
        },
      ),
    );
  });
});

describe("given any safe integer amount", () => {
  it("when formatted with 9 decimals and no symbol, then parseUsd returns exactly the same amount", () => {
    fc.assert(
      fc.property(anyAmount, (amount) => {
        const text = formatUsd(amount, { decimals: 9, symbol: false });
        expect(text).toMatch(/^-?\d+\.\d{9}$/);
        expect(parseUsd(text)).toBe(amount);
      }),
    );
    // The extremes are worth checking explicitly.
    for (const amount of [MAX, MIN, 0, 1, -1]) {
      expect(parseUsd(formatUsd(nanoUsd(amount), { decimals: 9, symbol: false }))).toBe(amount);
    }
  });

  it("when formatted with fewer decimals, then the result is the nearest multiple, ties away from zero", () => {
    // Bounded below 9e15 so that rounding up never leaves the range parseUsd accepts.
    const bounded = fc.integer({ min: -9e15, max: 9e15 }).map(nanoUsd);
    fc.assert(
      fc.property(bounded, fc.integer({ min: 0, max: 8 }), (amount, decimals) => {
        const step = 10 ** (9 - decimals);
        const shown = parseUsd(formatUsd(amount, { decimals, symbol: false }));
        expect(shown % step === 0).toBe(true);
        const distance = Math.abs(shown - amount);
        expect(distance * 2).toBeLessThanOrEqual(step);
        if (distance * 2 === step) expect(Math.abs(shown)).toBeGreaterThan(Math.abs(amount));
        // Rounding is symmetric: the negated amount shows the negated value.
        expect(parseUsd(formatUsd(negateUsd(amount), { decimals, symbol: false }))).toBe(
          shown === 0 ? 0 : -shown,
        );
      }),
    );
  });
});

describe("given amounts to show to people", () => {
  it("when formatted with the defaults, then there are 2 decimals and a dollar sign", () => {
    expect(formatUsd(nanoUsd(1_234_567_890))).toBe("$1.23");
    expect(formatUsd(ZERO_USD)).toBe("$0.00");
    expect(formatUsd(nanoUsd(100_000_000_000))).toBe("$100.00");
  });

  it.each([
    [1_005_000_000, "$1.01"],
    [1_004_999_999, "$1.00"],
    [1_015_000_000, "$1.02"],
    [1_025_000_000, "$1.03"],
    [5_000_000, "$0.01"],
    [4_999_999, "$0.00"],
    [-1_005_000_000, "-$1.01"],
    [-1_004_999_999, "-$1.00"],
    [-5_000_000, "-$0.01"],
    [-4_999_999, "$0.00"],
    [9_995_000_000, "$10.00"],
    [-9_995_000_000, "-$10.00"],
  ])("when %i nano-USD is shown with 2 decimals, then it reads %s (half away from zero)", (amount, text) => {
    expect(formatUsd(nanoUsd(amount), { decimals: 2 })).toBe(text);
  });

  it.each([
    [123_450_000, "$0.1235"],
    [123_449_999, "$0.1234"],
    [123_550_000, "$0.1236"],
    [-123_450_000, "-$0.1235"],
    [-123_449_999, "-$0.1234"],
    [50_000, "$0.0001"],
    [49_999, "$0.0000"],
    [-50_000, "-$0.0001"],
    [-49_999, "$0.0000"],
    [99_995_000, "$0.1000"],
  ])("when %i nano-USD is shown with 4 decimals, then it reads %s (half away from zero)", (amount, text) => {
    expect(formatUsd(nanoUsd(amount), { decimals: 4 })).toBe(text);
  });

  it("when shown with 0 decimals, then halves go away from zero (not to even) and there is no point", () => {
    expect(formatUsd(nanoUsd(1_500_000_000), { decimals: 0 })).toBe("$2");
    expect(formatUsd(nanoUsd(2_500_000_000), { decimals: 0 })).toBe("$3");
    expect(formatUsd(nanoUsd(-2_500_000_000), { decimals: 0 })).toBe("-$3");
    expect(formatUsd(nanoUsd(2_499_999_999), { decimals: 0, symbol: false })).toBe("2");
  });

  it("when symbol is false, then the dollar sign is left out but the minus sign stays", () => {
    expect(formatUsd(nanoUsd(-1_500_000_000), { symbol: false })).toBe("-1.50");
    expect(formatUsd(nanoUsd(1_500_000_000), { symbol: false })).toBe("1.50");
  });

  it.each([-1, 10, 1.5, Number.NaN])(
    "when decimals is %d, then formatUsd throws a RangeError",
    (decimals) => {
      expect(() => formatUsd(nanoUsd(1), { decimals })).toThrow(RangeError);
    },
  );
});

describe("given arithmetic on nano-USD", () => {
  it("when a value is not a safe integer, then nanoUsd refuses it", () => {
    for (const value of [2 ** 53, -(2 ** 53), 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectOverflow(() => nanoUsd(value));
    }
    expect(nanoUsd(MAX)).toBe(MAX);
    expect(nanoUsd(MIN)).toBe(MIN);
  });

  it("when sums leave the safe range, then addUsd throws MoneyOverflowError", () => {
    expectOverflow(() => addUsd(nanoUsd(MAX), nanoUsd(1)));
    expectOverflow(() => addUsd(nanoUsd(MIN), nanoUsd(-1)));
    expectOverflow(() => addUsd(nanoUsd(MAX), nanoUsd(MAX), nanoUsd(MAX)));
    expectOverflow(() => addUsd(nanoUsd(2 ** 52), nanoUsd(2 ** 52)));
  });

  it("when a partial sum leaves the safe range but the total is back inside, then addUsd is still exact", () => {
    // Summing left to right in doubles would give MAX - 1 here (2^53 + 1 is not representable).
    expect(addUsd(nanoUsd(MAX), nanoUsd(2), nanoUsd(-2))).toBe(MAX);
    expect(addUsd(nanoUsd(MIN), nanoUsd(-2), nanoUsd(2))).toBe(MIN);
    expect(addUsd(nanoUsd(MAX), nanoUsd(MAX), nanoUsd(MIN), nanoUsd(MIN), nanoUsd(1))).toBe(1);
  });

  it("when any list of safe amounts is added, then the result is the exact sum or MoneyOverflowError", () => {
    fc.assert(
      fc.property(fc.array(anyAmount, { maxLength: 6 }), (amounts) => {
        const exact = amounts.reduce((sum, amount) => sum + BigInt(amount), 0n);
        if (inSafeRange(exact)) expect(addUsd(...amounts)).toBe(Number(exact));
        else expectOverflow(() => addUsd(...amounts));
      }),
    );
  });

  it("when the operands are reordered, then addUsd gives the same total (commutative)", () => {
    fc.assert(
      fc.property(
        fc
          .array(anyAmount, { minLength: 1, maxLength: 6 })
          .chain((amounts) =>
            fc.tuple(fc.constant(amounts), fc.shuffledSubarray(amounts, { minLength: amounts.length })),
          ),
        ([amounts, shuffled]) => {
          const exact = amounts.reduce((sum, amount) => sum + BigInt(amount), 0n);
          fc.pre(inSafeRange(exact));
          expect(addUsd(...shuffled)).toBe(addUsd(...amounts));
        },
      ),
    );
    fc.assert(
      fc.property(smallAmount, smallAmount, (a, b) => {
        expect(addUsd(a, b)).toBe(addUsd(b, a));
      }),
    );
  });

  it("when three amounts are grouped differently, then addUsd gives the same total (associative)", () => {
    fc.assert(
      fc.property(smallAmount, smallAmount, smallAmount, (a, b, c) => {
        const left = addUsd(addUsd(a, b), c);
        expect(addUsd(a, addUsd(b, c))).toBe(left);
        expect(addUsd(a, b, c)).toBe(left);
        expect(left).toBe(a + b + c);
      }),
    );
  });

  it("when nothing or zero is added, then the identity holds", () => {
    expect(addUsd()).toBe(0);
    fc.assert(
      fc.property(anyAmount, (a) => {
        expect(addUsd(a, ZERO_USD)).toBe(a);
        expect(addUsd(a)).toBe(a);
      }),
    );
  });

  it("when subtracting, then the result is exact or MoneyOverflowError", () => {
    expectOverflow(() => subtractUsd(nanoUsd(MIN), nanoUsd(1)));
    expectOverflow(() => subtractUsd(nanoUsd(MAX), nanoUsd(-1)));
    expectOverflow(() => subtractUsd(nanoUsd(MAX), nanoUsd(MIN)));
    fc.assert(
      fc.property(anyAmount, anyAmount, (a, b) => {
        const exact = BigInt(a) - BigInt(b);
        if (inSafeRange(exact)) {
          expect(subtractUsd(a, b)).toBe(Number(exact));
          expect(addUsd(subtractUsd(a, b), b)).toBe(a);
        } else {
          expectOverflow(() => subtractUsd(a, b));
        }
      }),
    );
  });

  it("when negating, then it is an involution and zero stays positive zero", () => {
    expect(Object.is(negateUsd(ZERO_USD), 0)).toBe(true);
    fc.assert(
      fc.property(anyAmount, (a) => {
        expect(negateUsd(negateUsd(a))).toBe(a);
        expect(addUsd(a, negateUsd(a))).toBe(0);
      }),
    );
  });

  it("when multiplying a unit price by a quantity, then the result is exact or MoneyOverflowError", () => {
    expect(multiplyUsd(nanoUsd(10), 1_000_000)).toBe(10_000_000);
    expect(multiplyUsd(nanoUsd(-3), 7)).toBe(-21);
    // One zero: a negative price times 0 is +0, not IEEE -0 (as negateUsd(0) is +0).
    expect(Object.is(multiplyUsd(nanoUsd(-3), 0), 0)).toBe(true);
    expect(Object.is(multiplyUsd(nanoUsd(0), -5), 0)).toBe(true);
    expectOverflow(() => multiplyUsd(nanoUsd(MAX), 2));
    expectOverflow(() => multiplyUsd(nanoUsd(MIN), 2));
    expect(multiplyUsd(nanoUsd(MIN), -1)).toBe(MAX);
    expectOverflow(() => multiplyUsd(nanoUsd(2 ** 27), 2 ** 26));
    expectOverflow(() => multiplyUsd(nanoUsd(1), 1.5));
    expectOverflow(() => multiplyUsd(nanoUsd(1), 2 ** 53));
    expectOverflow(() => multiplyUsd(nanoUsd(1), Number.NaN));
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map(nanoUsd),
        fc.integer({ min: -(2 ** 20), max: 2 ** 20 }),
        (price, quantity) => {
          const exact = BigInt(price) * BigInt(quantity);
          if (inSafeRange(exact)) expect(multiplyUsd(price, quantity)).toBe(Number(exact));
          else expectOverflow(() => multiplyUsd(price, quantity));
        },
      ),
    );
  });

  it("when an overflow error is raised, then it carries the offending value", () => {
    let caught: unknown;
    try {
      multiplyUsd(nanoUsd(1), 0.25);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MoneyOverflowError);
    expect((caught as MoneyOverflowError).value).toBe(0.25);
    expect((caught as MoneyOverflowError).name).toBe("MoneyOverflowError");
  });
});
