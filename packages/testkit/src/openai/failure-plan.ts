import type { OpenAIFailure, OpenAIFailureOptions } from "./types.ts";

interface PlannedFailure {
  failure: OpenAIFailure;
  remaining: number;
}

/** Failures injected with `fail()`, used up in the order they were planned. */
export class FailurePlan {
  #planned: PlannedFailure[] = [];

  /** Plans `failure` for the next `times` requests. */
  add(failure: OpenAIFailure, options: OpenAIFailureOptions = {}): void {
    const times = options.times ?? 1;
    if (!(times > 0)) throw new RangeError(`failure times must be positive, got ${times}`);
    this.#planned.push({ failure, remaining: times });
  }

  /** Forgets every planned failure. */
  clear(): void {
    this.#planned = [];
  }

  /** The next planned failure, counted as used; undefined when none is left. */
  take(): OpenAIFailure | undefined {
    const entry = this.#planned[0];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#planned.shift();
    return entry.failure;
  }
}
