/**
 * Money is an integer count of nano-US-dollars (1 USD = 1_000_000_000 nano-USD).
 *
 * Why nano-USD: model prices are quoted per million tokens down to $0.01/MTok
 * (cache reads), i.e. 10 nano-USD per token; with nano-USD every per-token,
 * per-second and per-image price in the registry is an exact integer, so a
 * charge is `quantity * unitPrice` with no rounding at all. Rounding happens only
 * at the edge, when an amount is shown to a person.
 *
 * Values are JavaScript numbers restricted to safe integers (|x| < 2^53, about
 * 9 million USD per value); every operation checks the bound and throws
 * {@link MoneyOverflowError} instead of silently losing precision. Totals over
 * many users are summed in SQL as `bigint`/`numeric`, not here.
 */
export type NanoUsd = number & { readonly __unit: "nano-usd" };

/** The number of nano-USD in one US dollar. */
export const NANO_PER_USD = 1_000_000_000;

/** Zero nano-USD. */
export const ZERO_USD = 0 as NanoUsd;

/** Thrown when a money value is not a safe integer or an operation would overflow. */
export class MoneyOverflowError extends Error {
  override readonly name = "MoneyOverflowError";
  constructor(readonly value: number) {
    super(`money value ${value} is not a safe integer number of nano-USD`);
  }
}

/** Thrown when a decimal USD string cannot be represented exactly in nano-USD. */
export class InvalidUsdAmountError extends Error {
  override readonly name = "InvalidUsdAmountError";
  constructor(readonly input: string) {
    super(`"${input}" is not a USD amount with at most 9 decimal places`);
  }
}

/** Brands a safe integer as nano-USD, throwing if it is not one. */
export function nanoUsd(value: number): NanoUsd {
  if (!Number.isSafeInteger(value)) throw new MoneyOverflowError(value);
  return value as NanoUsd;
}

/**
 * Sums amounts exactly; throws when the total is not a safe integer. A partial sum
 * past 2^53 would be rounded silently (`MAX + 2 - 2` gave `MAX - 1`), so the sum
 * falls back to bigint as soon as one partial sum leaves the safe range.
 */
export function addUsd(...amounts: readonly NanoUsd[]): NanoUsd {
  let total = 0;
  for (const amount of amounts) {
    const next = total + nanoUsd(amount);
    if (!Number.isSafeInteger(next)) return addUsdExact(amounts);
    total = next;
  }
  return total as NanoUsd;
}

function addUsdExact(amounts: readonly NanoUsd[]): NanoUsd {
  let total = 0n;
  for (const amount of amounts) total += BigInt(nanoUsd(amount));
  if (total > BigInt(Number.MAX_SAFE_INTEGER) || total < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new MoneyOverflowError(Number(total));
  }
  return Number(total) as NanoUsd;
}

/** `a - b`, exact; throws on overflow. */
export function subtractUsd(a: NanoUsd, b: NanoUsd): NanoUsd {
  return nanoUsd(a - b);
}

/** `-a`. */
export function negateUsd(a: NanoUsd): NanoUsd {
  return nanoUsd(a === 0 ? 0 : -a);
}

/**
 * `quantity * unitPrice` for integer quantities (tokens, seconds, images) and an
 * integer unit price in nano-USD. Exact; throws if the product is not safe.
 */
export function multiplyUsd(unitPrice: NanoUsd, quantity: number): NanoUsd {
  if (!Number.isSafeInteger(quantity)) throw new MoneyOverflowError(quantity);
  const product = unitPrice * quantity;
  // A negative price times 0 is -0 in IEEE 754; money has one zero (as in negateUsd).
  return nanoUsd(product === 0 ? 0 : product);
}

const USD_PATTERN = /^(-)?(\d+)(?:\.(\d{1,9}))?$/;

/**
 * Parses a decimal USD string ("0.10", "-3", "1.000000001") exactly into nano-USD.
 * Accepts at most 9 decimal places; anything else is an {@link InvalidUsdAmountError}.
 */
export function parseUsd(input: string): NanoUsd {
  const match = USD_PATTERN.exec(input.trim());
  if (!match) throw new InvalidUsdAmountError(input);
  const [, sign, whole = "0", fraction = ""] = match;
  const nano = BigInt(whole) * BigInt(NANO_PER_USD) + BigInt(fraction.padEnd(9, "0"));
  const signed = sign ? -nano : nano;
  if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new InvalidUsdAmountError(input);
  }
  return nanoUsd(Number(signed));
}

/** Options for {@link formatUsd}. */
export interface FormatUsdOptions {
  /** Decimal places to show, 0-9 (default 2). The value is rounded half away from zero. */
  readonly decimals?: number;
  /** Prefix with "$" (default true). */
  readonly symbol?: boolean;
}

/**
 * Formats nano-USD for people: rounds half away from zero to `decimals` places.
 * `formatUsd(x, { decimals: 9, symbol: false })` round-trips through {@link parseUsd}.
 */
export function formatUsd(amount: NanoUsd, options: FormatUsdOptions = {}): string {
  const decimals = options.decimals ?? 2;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 9) {
    throw new RangeError(`decimals must be an integer 0-9, got ${decimals}`);
  }
  const negative = amount < 0;
  const magnitude = BigInt(Math.abs(amount));
  const step = 10n ** BigInt(9 - decimals);
  const rounded = ((magnitude + step / 2n) / step) * step;
  const whole = rounded / BigInt(NANO_PER_USD);
  const fraction = (rounded % BigInt(NANO_PER_USD)).toString().padStart(9, "0").slice(0, decimals);
  const sign = negative && rounded !== 0n ? "-" : "";
  const symbol = options.symbol === false ? "" : "$";
  return `${sign}${symbol}${whole}${decimals > 0 ? `.${fraction}` : ""}`;
}
