import type { RecordedCall } from "./types.ts";

interface Waiter {
  predicate: (call: RecordedCall) => boolean;
  resolve: (call: RecordedCall) => void;
}

/** Answered requests, in the order they were answered, with a way to await a future one. */
export class CallLog {
  private readonly recorded: RecordedCall[] = [];
  private waiters: Waiter[] = [];

  add(call: RecordedCall): void {
    this.recorded.push(call);
    const matched = this.waiters.filter((waiter) => waiter.predicate(call));
    this.waiters = this.waiters.filter((waiter) => !matched.includes(waiter));
    for (const waiter of matched) waiter.resolve(call);
  }

  /** Calls of `method` (case-insensitive), or all calls. */
  list(method?: string): RecordedCall[] {
    if (method === undefined) return [...this.recorded];
    const name = method.toLowerCase();
    return this.recorded.filter((call) => call.method.toLowerCase() === name);
  }

  /**
   * The first call, already answered or future, that satisfies `predicate`.
   * Rejects after `timeoutMs` with the methods seen so far, which is what a failing test needs.
   */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs: number): Promise<RecordedCall> {
    const done = this.recorded.find(predicate);
    if (done !== undefined) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        const seen = this.recorded.map((call) => call.method).join(", ") || "none";
        reject(new Error(`fake Bot API: no matching call within ${timeoutMs} ms (calls so far: ${seen})`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}
