/**
 * Paid tools' charges: the registry's price list for `tool:model`, checked when the tool is
 * created, and the {@link ToolChargeDraft} for what one call measured.
 */
import { priceToolUse, type ToolChargeDraft, type UnitPrice } from "@bot/domain";
import { modelRegistry, type ToolPriceList } from "@bot/llm";

/** Where a paid tool finds its prices: the bundled registry in production, a stub in tests. */
export interface ToolPriceSource {
  toolPrices(name: string): ToolPriceList | undefined;
}

/** The bundled model registry as a price source. */
export const bundledToolPrices: ToolPriceSource = modelRegistry;

/**
 * The price list of `name` (e.g. `transcribe_audio:whisper-1`), which must price every unit
 * in `units`. Throws at creation otherwise: a paid tool without a price would run for free.
 */
export function requireToolPrices(
  source: ToolPriceSource,
  name: string,
  units: readonly string[],
): ToolPriceList {
  const list = source.toolPrices(name);
  if (list === undefined) {
    throw new Error(`no price for "${name}" in the model registry; a paid tool must not run unpriced`);
  }
  const missing = units.filter((unit) => list.prices[unit] === undefined);
  if (missing.length > 0) {
    throw new Error(`the price list of "${name}" has no price for ${missing.join(", ")}`);
  }
  return list;
}

/**
 * The charge for `quantities` at `list`'s prices; only the units used are recorded, so the
 * event stays small and the amount can be recomputed from it. Null when nothing was measured.
 */
export function toolChargeFor(
  list: ToolPriceList,
  quantities: Readonly<Record<string, number>>,
): ToolChargeDraft | null {
  const used = Object.entries(quantities).filter(([, quantity]) => quantity > 0);
  if (used.length === 0) return null;
  const unitPrices: Record<string, UnitPrice> = {};
  for (const [unit] of used) {
    const price = list.prices[unit];
    // requireToolPrices checked the units at creation; a miss here is a programming error.
    if (price === undefined) throw new Error(`no price for the unit "${unit}"`);
    unitPrices[unit] = price;
  }
  const measured = Object.fromEntries(used);
  const amount = priceToolUse(measured, unitPrices);
  return {
    priceTableVersion: list.priceTableVersion,
    quantities: measured,
    unitPrices,
    amount,
    // No cap or subsidy applies to these tools: the user pays what the provider charged.
    userAmount: amount,
  };
}
