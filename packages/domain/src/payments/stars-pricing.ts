import { multiplyUsd, type NanoUsd, nanoUsd } from "../money.ts";

/**
 * What one Star is worth before commissions: $0.013 (the commonly quoted withdrawal
 * rate), in nano-USD.
 */
export const NOMINAL_PER_STAR = nanoUsd(13_000_000);

/** Basis points in a whole (100 %). */
export const BASIS_POINTS = 10_000;
/** k1: Telegram's withdrawal fee, 35 %. */
export const K1_BASIS_POINTS = 3_500;
/** k2: the fee for topics in private chats, 15 %. */
export const K2_BASIS_POINTS = 1_500;
/** The largest owner margin k3: k1 + k2 + k3 may not exceed 100 %. */
export const MAX_K3_BASIS_POINTS = BASIS_POINTS - K1_BASIS_POINTS - K2_BASIS_POINTS;

/** The Star packages /pay offers. */
export const STAR_PACKAGES: readonly number[] = [10, 50, 100, 250, 500];
/** Smallest custom amount of Stars. */
export const MIN_CUSTOM_STARS = 1;
/** Largest custom amount of Stars. */
export const MAX_CUSTOM_STARS = 2_500;

/** A Stars amount outside what can be bought, or a margin outside its range. */
export class StarsPricingError extends Error {
  override readonly name = "StarsPricingError";
}

/** The breakdown a credit records. */
export interface StarsCredit {
  readonly stars: number;
  readonly nominalAmount: NanoUsd;
  readonly k1BasisPoints: number;
  readonly k2BasisPoints: number;
  readonly k3BasisPoints: number;
  readonly creditedAmount: NanoUsd;
}

/** Throws unless `k3` is an integer number of basis points in [0, {@link MAX_K3_BASIS_POINTS}]. */
export function assertMargin(k3BasisPoints: number): void {
  if (!Number.isInteger(k3BasisPoints) || k3BasisPoints < 0 || k3BasisPoints > MAX_K3_BASIS_POINTS) {
    throw new StarsPricingError(
      `the margin must be 0-${MAX_K3_BASIS_POINTS} basis points, got ${k3BasisPoints}`,
    );
  }
}

/**
 * What `stars` credit at margin `k3`: `stars × $0.013 × (1 − k1 − k2 − k3)`. Exact in
 * nano-USD for any whole number of basis points ($0.013 / 10 000 = 1 300 nano-USD), so
 * nothing is rounded.
 */
export function creditForStars(stars: number, k3BasisPoints: number): StarsCredit {
  if (!Number.isSafeInteger(stars) || stars <= 0) {
    throw new StarsPricingError(`a payment is a positive whole number of Stars, got ${stars}`);
  }
  assertMargin(k3BasisPoints);
  const kept = BASIS_POINTS - K1_BASIS_POINTS - K2_BASIS_POINTS - k3BasisPoints;
  const perBasisPoint = NOMINAL_PER_STAR / BASIS_POINTS;
  return {
    stars,
    nominalAmount: multiplyUsd(NOMINAL_PER_STAR, stars),
    k1BasisPoints: K1_BASIS_POINTS,
    k2BasisPoints: K2_BASIS_POINTS,
    k3BasisPoints,
    creditedAmount: multiplyUsd(nanoUsd(perBasisPoint * kept), stars),
  };
}

/** True for an amount of Stars a user may buy (a package or a custom 1–2 500). */
export function isPurchasableStars(stars: number): boolean {
  return Number.isInteger(stars) && stars >= MIN_CUSTOM_STARS && stars <= MAX_CUSTOM_STARS;
}

const PERCENT = /^(\d{1,3})(?:\.(\d{1,2}))?\s*%$/;
const FRACTION = /^0?\.(\d{1,4})$|^(0|1)(?:\.0{1,4})?$/;

/**
 * Parses an administrator's margin: a percentage ("10%", "12.5 %") or a fraction
 * ("0.1", ".125"), to basis points. Null when it is not one of those with at most
 * 0.01 % precision; the range is checked by {@link assertMargin}.
 */
export function parseMargin(input: string): number | null {
  const text = input.trim();
  const percent = PERCENT.exec(text);
  if (percent) return Number(percent[1]) * 100 + Number((percent[2] ?? "").padEnd(2, "0"));
  const fraction = FRACTION.exec(text);
  if (!fraction) return null;
  if (fraction[1] !== undefined) return Number(fraction[1].padEnd(4, "0"));
  return Number(fraction[2]) * BASIS_POINTS;
}

/** Formats basis points as a percentage: 3500 → "35%", 1250 → "12.5%". */
export function formatBasisPoints(basisPoints: number): string {
  const whole = Math.trunc(basisPoints / 100);
  const rest = Math.abs(basisPoints % 100);
  return rest === 0 ? `${whole}%` : `${whole}.${String(rest).padStart(2, "0").replace(/0$/, "")}%`;
}
