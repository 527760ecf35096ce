import { NANO_PER_USD } from "@bot/domain";

const NANO = BigInt(NANO_PER_USD);

/**
 * Exact nano-USD as dollars with all 9 decimals (`-$0.001234500`), for bigint sums
 * that may leave the safe-integer range of `formatUsd`. Same shape as
 * `formatUsd(x, { decimals: 9 })`; with `plus`, positive amounts get a "+".
 */
export function usdExact(nano: bigint, options: { readonly plus?: boolean } = {}): string {
  const magnitude = nano < 0n ? -nano : nano;
  const whole = magnitude / NANO;
  const fraction = (magnitude % NANO).toString().padStart(9, "0");
  const sign = nano < 0n ? "-" : options.plus && nano > 0n ? "+" : "";
  return `${sign}$${whole}.${fraction}`;
}

/** Nano-USD as a plain signed decimal of dollars (`-0.001234500`): CSV and JSON cells. */
export function usdDecimal(nano: bigint): string {
  return usdExact(nano).replace("$", "");
}

/** Basis points as a percentage with two decimals: 3500 → `35.00%`. */
export function percent(basisPoints: number): string {
  const sign = basisPoints < 0 ? "-" : "";
  const magnitude = Math.abs(basisPoints);
  return `${sign}${Math.floor(magnitude / 100)}.${String(magnitude % 100).padStart(2, "0")}%`;
}
