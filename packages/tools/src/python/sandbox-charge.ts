/**
 * What one call costs. E2B bills a sandbox per second of its life for its vCPUs and memory;
 * the user pays for the time *this call* kept the sandbox busy: from the moment the call
 * reached for the sandbox (connect or create) to the moment it was done with it (outputs
 * read back, or the sandbox killed). Idle time between calls, while the sandbox waits for
 * the next one, is not charged to the user (the bot carries it, bounded by the sandbox
 * timeout). Python errors, timeouts and cancellations are charged like successes: the
 * sandbox ran all the same.
 */
import type { ToolChargeDraft } from "@bot/domain";
import type { ToolPriceList } from "@bot/llm";
import { toolChargeFor } from "../pricing/tool-charge.ts";
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
  // A call that measured nothing (0 ms) still records its zero charge: the sandbox ran.
  return (
    toolChargeFor(priceList, quantities) ?? {
      priceTableVersion: priceList.priceTableVersion,
      quantities,
      unitPrices: Object.fromEntries(
        Object.keys(quantities).flatMap((unit) => {
          const price = priceList.prices[unit];
          return price ? [[unit, price]] : [];
        }),
      ),
      amount: 0,
      userAmount: 0,
    }
  );
}
