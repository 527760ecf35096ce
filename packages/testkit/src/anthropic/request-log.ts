import type { RecordedAnthropicRequest } from "./types.ts";

/** A recorded request whose response state the server updates as it goes. */
export type LiveRecordedRequest = {
  -readonly [K in keyof RecordedAnthropicRequest]: RecordedAnthropicRequest[K];
};

/** What the log needs of a request to describe it in a timeout message. */
interface Loggable {
  readonly method: string;
  readonly path: string;
}

interface Waiter<T> {
  count: number;
  resolve: (requests: T[]) => void;
}

/**
 * Keeps received requests in order and wakes those waiting for a number of them. Generic so the
 * other fakes (OpenAI) keep their own request shape; `label` names the fake in timeout messages.
 */
export class RequestLog<T extends Loggable = LiveRecordedRequest> {
  readonly entries: T[] = [];
  readonly #label: string;
  #waiters: Waiter<T>[] = [];

  constructor(label = "fake anthropic") {
    this.#label = label;
  }

  /** Records a request and resolves the waits it completes. */
  add(request: T): void {
    this.entries.push(request);
    const stillWaiting: Waiter<T>[] = [];
    for (const waiter of this.#waiters) {
      if (this.entries.length >= waiter.count) waiter.resolve(this.entries.slice(0, waiter.count));
      else stillWaiting.push(waiter);
    }
    this.#waiters = stillWaiting;
  }

  /** Resolves with the first `count` requests once they arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<T[]> {
    if (this.entries.length >= count) return Promise.resolve(this.entries.slice(0, count));
    return new Promise((resolve, reject) => {
      const waiter: Waiter<T> = {
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
            `${this.#label}: waited ${timeoutMs} ms for ${count} request(s), got ${this.entries.length}: ` +
              this.entries.map((entry) => `${entry.method} ${entry.path}`).join(", "),
          ),
        );
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }
}
