import { EventEmitter } from "node:events";
import type { AllStreamResolvedEvent } from "@eventstore/db-client";
import type { EsdbSubscription } from "../client-port.ts";

/**
 * A hand-driven stand-in for the client's live subscription. Events pushed with
 * {@link push} wait in a readable buffer (counted by `readableLength`, as in the
 * real Node stream) until {@link deliver} emits them, so tests control exactly
 * when events and out-of-band signals (checkpoints, caughtUp) interleave.
 */
export class FakeSubscription extends EventEmitter implements EsdbSubscription {
  readonly #buffer: AllStreamResolvedEvent[] = [];
  #paused = false;
  unsubscribed = false;
  pauseCount = 0;

  get readableLength(): number {
    return this.#buffer.length;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Buffers events without delivering them. */
  push(...events: AllStreamResolvedEvent[]): this {
    this.#buffer.push(...events);
    return this;
  }

  /** Delivers buffered events as `data` (unless paused). */
  deliver(): this {
    while (!this.#paused && this.#buffer.length > 0) {
      const next = this.#buffer.shift();
      if (next) this.emit("data", next);
    }
    return this;
  }

  pause(): this {
    this.#paused = true;
    this.pauseCount++;
    return this;
  }

  resume(): this {
    this.#paused = false;
    return this.deliver();
  }

  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
  }
}
