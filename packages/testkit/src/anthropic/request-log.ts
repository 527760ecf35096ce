import type { RecordedAnthropicRequest } from "./types.ts";

/** A recorded request whose response state the server updates as it goes. */
export type LiveRecordedRequest = {
  -readonly [K in keyof RecordedAnthropicRequest]: RecordedAnthropicRequest[K];
};

interface Waiter {
  count: number;
  resolve: (requests: RecordedAnthropicRequest[]) => void;
}

/** Keeps received requests in order and wakes those waiting for a number of them. */
export class RequestLog {
  readonly entries: LiveRecordedRequest[] = [];
  #waiters: Waiter[] = [];

  /** Records a request and resolves the waits it completes. */
  add(request: LiveRecordedRequest): void {
    this.entries.push(request);
    const stillWaiting: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (this.entries.length >= waiter.count) waiter.resolve(this.entries.slice(0, waiter.count));
      else stillWaiting.push(waiter);
    }
    this.#waiters = stillWaiting;
  }

  /** Resolves with the first `count` requests once they arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<RecordedAnthropicRequest[]> {
    if (this.entries.length >= count) return Promise.resolve(this.entries.slice(0, count));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        count,
        resolve: (requests) => {
          clearTimeout(timer);
          resolve(requests);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((other) => other !== waiter);
        reject(
          new Error(
            `fake anthropic: waited ${timeoutMs} ms for ${count} request(s), got ${this.entries.length}: ` +
              this.entries.map((entry) => `${entry.method} ${entry.path}`).join(", "),
          ),
        );
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }
}
