/**
 * What one call costs. E2B bills a sandbox per second of its life for its vCPUs and memory;
 * the user pays for the time *this call* kept the sandbox busy: from the moment the call
 * reached for the sandbox (connect or create) to the moment it was done with it (outputs
 * read back, or the sandbox killed). Idle time between calls, while the sandbox waits for
 * the next one, is not charged to the user (the bot carries it, bounded by the sandbox
 * timeout). Python errors, timeouts and cancellations are charged like successes: the
 * sandbox ran all the same.
 */
import type { ToolChargeDraft, UnitPrice } from "@bot/domain";
import { priceToolUse } from "@bot/domain";
import type { ToolPriceList } from "@bot/llm";
import type { SandboxResources } from "./options.ts";

/** The measured quantities: ceil(elapsed s × vCPUs) and ceil(elapsed s × MiB). */
export function sandboxQuantities(
  elapsedMs: number,
  resources: SandboxResources,
): { vcpuSeconds: number; memoryMibSeconds: number } {
  const ms = Math.max(0, Math.round(elapsedMs));
  // Integer arithmetic on milliseconds first, one division: a started unit is a used unit.
  return {
    vcpuSeconds: Math.ceil((ms * resources.cpuCount) / 1000),
    memoryMibSeconds: Math.ceil((ms * resources.memoryMB) / 1000),
  };
}

/** The charge of a call that kept a sandbox busy for `elapsedMs`. */
export function sandboxCharge(
  elapsedMs: number,
  resources: SandboxResources,
  priceList: ToolPriceList,
): ToolChargeDraft {
  const quantities = sandboxQuantities(elapsedMs, resources);
  const unitPrices: Record<string, UnitPrice> = {};
  for (const unit of Object.keys(quantities)) {
    const price = priceList.prices[unit];
    if (price) unitPrices[unit] = price;
  }
  // priceToolUse throws for a quantity without a price: an unpriced measurement is a bug.
  const amount = priceToolUse(quantities, priceList.prices);
  return {
    priceTableVersion: priceList.priceTableVersion,
    quantities,
    unitPrices,
    amount,
    userAmount: amount,
  };
}
