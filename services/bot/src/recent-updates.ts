/**
 * Remembers the most recent update ids so that an update Telegram delivers twice
 * (a retried webhook, a poll after a crash) is handled once in this process. The
 * event log de-duplicates messages across processes and restarts as well.
 */
export class RecentUpdates {
  readonly #seen = new Set<number>();
  constructor(private readonly capacity = 10_000) {}

  /** True the first time an id is seen. */
  firstTime(updateId: number): boolean {
    if (this.#seen.has(updateId)) return false;
    this.#seen.add(updateId);
    if (this.#seen.size > this.capacity) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    return true;
  }
}

/** Allows one action per key per `intervalMs` (e.g. the "unsupported message" reply). */
export class RateGate {
  readonly #last = new Map<string, number>();
  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** True when the action may happen now for `key` (and records it). */
  allow(key: string): boolean {
    const now = this.now();
    const last = this.#last.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.#last.set(key, now);
    if (this.#last.size > 50_000) this.#last.clear();
    return true;
  }
}
