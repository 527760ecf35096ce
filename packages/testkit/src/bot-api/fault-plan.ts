import type { Fault, FaultOptions } from "./types.ts";

interface PlannedFault {
  method: string;
  fault: Fault;
  remaining: number;
  when: ((params: Record<string, unknown>) => boolean) | undefined;
}

/** The faults injected with `fail()`, consumed in the order they were planned. */
export class FaultPlan {
  private planned: PlannedFault[] = [];

  /** Plans `fault` for calls of `method` (case-insensitive) or of every method with "*". */
  add(method: string, fault: Fault, options: FaultOptions = {}): void {
    const times = options.times ?? 1;
    if (!(times > 0)) throw new RangeError(`fault times must be positive, got ${times}`);
    this.planned.push({ method: method.toLowerCase(), fault, remaining: times, when: options.when });
  }

  /** Forgets every planned fault. */
  clear(): void {
    this.planned = [];
  }

  /** The first planned fault matching this call, counting it as used; undefined when none applies. */
  take(method: string, params: Record<string, unknown>): Fault | undefined {
    const name = method.toLowerCase();
    const index = this.planned.findIndex(
      (entry) => (entry.method === "*" || entry.method === name) && (entry.when?.(params) ?? true),
    );
    const entry = this.planned[index];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.planned.splice(index, 1);
    return entry.fault;
  }
}
