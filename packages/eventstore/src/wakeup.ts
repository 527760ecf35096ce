/**
 * Wakes waiting readers when new events may be visible. A generation counter
 * closes the race between "read, found nothing" and "start waiting": a reader
 * remembers the generation before reading and returns at once if it moved.
 */
export class Wakeup {
  #generation = 0;
  #waiters = new Set<() => void>();

  /** The current generation; pass it to {@link wait}. */
  get generation(): number {
    return this.#generation;
  }

  /** Something changed: wake every waiter. */
  notify(): void {
    this.#generation++;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  /**
   * Resolves after a {@link notify} that happened after `seen` was read, after
   * `timeoutMs`, or when `signal` aborts, whichever is first.
   */
  wait(seen: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.#generation !== seen || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener("abort", done, { once: true });
      this.#waiters.add(done);
    });
  }
}
