import type { AllStreamResolvedEvent, Position as EsdbPosition } from "@eventstore/db-client";
import { EventStoreError } from "../errors.ts";
import type { EsdbSubscription } from "./client-port.ts";

/** What a live subscription delivers, in the order the server sent it. */
export type FeedItem =
  | { readonly kind: "event"; readonly resolved: AllStreamResolvedEvent }
  | { readonly kind: "checkpoint"; readonly position: EsdbPosition }
  | { readonly kind: "caughtUp" }
  | { readonly kind: "fellBehind" };

/**
 * Buffers a subscription's events and signals in server order, with
 * backpressure (the subscription is paused while `highWater` items wait).
 *
 * Ordering: events travel through the subscription's readable buffer, but
 * checkpoints (a callback) and caughtUp/fellBehind (emitted events) do not. A
 * signal is therefore held back until the events pushed before it
 * (`readableLength` at the time) have been delivered, so a checkpoint can never
 * overtake an event that precedes it.
 */
export class SubscriptionFeed {
  readonly #highWater: number;
  readonly #items: FeedItem[] = [];
  readonly #held: { readonly afterEvents: number; readonly item: FeedItem }[] = [];
  #received = 0;
  #subscription: EsdbSubscription | undefined;
  #paused = false;
  #closed = false;
  #failure: { readonly error: unknown } | undefined;
  #wake: (() => void) | undefined;

  constructor(highWater: number) {
    this.#highWater = Math.max(1, highWater);
  }

  /** The `checkpointReached` callback of the subscription's filter. */
  readonly onCheckpoint = (
    subscription: { readonly readableLength: number },
    position: EsdbPosition,
  ): void => {
    this.#signal({ kind: "checkpoint", position }, subscription.readableLength);
  };

  /** Starts listening to the subscription. */
  attach(subscription: EsdbSubscription): void {
    this.#subscription = subscription;
    subscription.on("data", (resolved) => {
      this.#received++;
      this.#items.push({ kind: "event", resolved });
      while (this.#held[0] && this.#held[0].afterEvents <= this.#received) {
        const held = this.#held.shift();
        if (held) this.#items.push(held.item);
      }
      if (this.#items.length >= this.#highWater && !this.#paused) {
        this.#paused = true;
        subscription.pause();
      }
      this.#notify();
    });
    subscription.on("caughtUp", () => this.#signal({ kind: "caughtUp" }, subscription.readableLength));
    subscription.on("fellBehind", () => this.#signal({ kind: "fellBehind" }, subscription.readableLength));
    subscription.on("error", (error) => this.#fail(error));
    subscription.on("end", () =>
      this.#fail(new EventStoreError("the EventStoreDB subscription to $all ended unexpectedly")),
    );
  }

  /** True when nothing is buffered anywhere: caught up as far as the adapter knows. */
  get drained(): boolean {
    return (
      this.#items.length === 0 && this.#held.length === 0 && (this.#subscription?.readableLength ?? 0) === 0
    );
  }

  /**
   * Waits for items and takes what is available, with at most `maxEvents`
   * events. Returns [] once `signal` aborts; throws the subscription's error once
   * the items before it are taken.
   */
  async take(maxEvents: number, signal: AbortSignal): Promise<FeedItem[]> {
    while (this.#items.length === 0) {
      if (this.#failure) throw this.#failure.error;
      if (signal.aborted || this.#closed) return [];
      let onAbort = () => {};
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        onAbort = () => resolve();
        signal.addEventListener("abort", onAbort, { once: true });
      });
      signal.removeEventListener("abort", onAbort);
      this.#wake = undefined;
    }
    const taken: FeedItem[] = [];
    let events = 0;
    while (this.#items[0] && (this.#items[0].kind !== "event" || events < maxEvents)) {
      const item = this.#items.shift();
      if (!item) break;
      if (item.kind === "event") events++;
      taken.push(item);
    }
    if (this.#paused && this.#items.length <= this.#highWater / 2) {
      this.#paused = false;
      this.#subscription?.resume();
    }
    return taken;
  }

  /** Stops the subscription; its later errors and end are expected and ignored. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#notify();
    await this.#subscription?.unsubscribe();
  }

  #signal(item: FeedItem, pendingEvents: number): void {
    if (pendingEvents > 0) {
      this.#held.push({ afterEvents: this.#received + pendingEvents, item });
      return;
    }
    this.#items.push(item);
    this.#notify();
  }

  #fail(error: unknown): void {
    if (this.#closed || this.#failure) return;
    this.#failure = { error };
    this.#notify();
  }

  #notify(): void {
    this.#wake?.();
  }
}
