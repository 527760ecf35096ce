import type { UnitPrice } from "../events/thread-events.ts";
import { type NanoUsd, nanoUsd } from "../money.ts";

/** A tool's price list: the nano-USD price of each unit it measures. */
export type ToolPrices = Readonly<Record<string, UnitPrice>>;

/** A quantity was measured for which the price list has no price. */
export class UnpricedQuantityError extends Error {
  override readonly name = "UnpricedQuantityError";
  constructor(readonly unit: string) {
    super(`no price for the quantity "${unit}"`);
  }
}

/**
 * What measured quantities cost: Σ ceil(quantity × nanoUsd / per), in integer nano-USD.
 * Each quantity is rounded up on its own (a started unit is a used unit) so the amount
 * can be recomputed from the event alone. Throws {@link UnpricedQuantityError} for a
 * quantity without a price: an unpriced measurement is a bug, never free.
 */
export function priceToolUse(quantities: Readonly<Record<string, number>>, prices: ToolPrices): NanoUsd {
  let total = 0n;
  for (const [unit, quantity] of Object.entries(quantities)) {
    if (!Number.isSafeInteger(quantity) || quantity < 0) {
      throw new RangeError(`quantity ${unit} must be a non-negative integer, got ${quantity}`);
    }
    const price = prices[unit];
    if (!price) throw new UnpricedQuantityError(unit);
    const product = BigInt(quantity) * BigInt(price.nanoUsd);
    const per = BigInt(price.per);
    total += (product + per - 1n) / per;
  }
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError("tool charge out of range");
  return nanoUsd(Number(total));
}
