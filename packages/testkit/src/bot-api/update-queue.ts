import type { Update } from "@grammyjs/types";
import { BotApiError } from "./bot-api-error.ts";

/** The name of an update's payload field ("message", "callback_query", ...). */
export type UpdateKind = Exclude<keyof Update, "update_id">;

/** Telegram's default when `allowed_updates` is empty or never set. */
const OPT_IN_KINDS = new Set<string>(["chat_member", "message_reaction", "message_reaction_count"]);

/** A queued delivery of an update. */
export interface QueueEntry {
  update: Update;
  /** A duplicate queued by `redeliver`: not confirmed by offsets it was already confirmed by. */
  redelivery: boolean;
  /** Whether getUpdates has returned it at least once. */
  delivered: boolean;
  /** Failed webhook deliveries so far. */
  attempts: number;
}

/** How one getUpdates call asks. */
export interface PollRequest {
  offset: number | undefined;
  limit: number;
  timeoutSeconds: number;
  /** Aborted when the client goes away, so its long poll must not hold updates. */
  signal: AbortSignal;
}

interface Poller {
  wake: () => void;
  supersede: (error: BotApiError) => void;
}

const CONFLICT =
  "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";

/**
 * Pending updates, in delivery order, with getUpdates semantics: an update stays until an
 * offset above its id confirms it, and a long poll returns as soon as one is pushed.
 */
export class UpdateQueue {
  private entries: QueueEntry[] = [];
  private readonly history = new Map<number, Update>();
  private lastUpdateId = 0;
  private allowed: ReadonlySet<string> | undefined;
  private poller: Poller | undefined;
  private readonly listeners = new Set<() => void>();
  private closed = false;

  /**
   * Assigns the next update_id and queues the update unless `allowed_updates` excludes its
   * kind or `deliver` is false (e.g. privacy mode hides it from the bot).
   */
  push(payload: Omit<Update, "update_id">, options: { deliver?: boolean } = {}): Update {
    this.lastUpdateId += 1;
    const update = { update_id: this.lastUpdateId, ...payload } as Update;
    this.history.set(update.update_id, update);
    if (options.deliver !== false && this.accepts(update)) this.enqueue(update, false);
    return update;
  }

  /** Queues an already delivered update once more, as Telegram does after a lost answer. */
  redeliver(updateId: number): void {
    const update = this.history.get(updateId);
    if (update === undefined) throw new Error(`fake Bot API: no update ${updateId} was pushed`);
    this.enqueue(update, true);
  }

  /** Replaces the allowed update kinds; an empty list restores Telegram's default. */
  setAllowed(kinds: readonly string[]): void {
    this.allowed = kinds.length === 0 ? undefined : new Set(kinds);
  }

  allowedKinds(): string[] | undefined {
    return this.allowed === undefined ? undefined : [...this.allowed];
  }

  dropPending(): void {
    this.entries = [];
  }

  pendingCount(): number {
    return this.entries.length;
  }

  /** The oldest pending entry (for webhook delivery). */
  peek(): QueueEntry | undefined {
    return this.entries[0];
  }

  remove(entry: QueueEntry): void {
    this.entries = this.entries.filter((other) => other !== entry);
  }

  /** Calls `listener` whenever an update is queued; returns the unsubscribe function. */
  onQueued(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** getUpdates: confirm by offset, then return pending updates, long polling when there are none. */
  async poll(request: PollRequest): Promise<Update[]> {
    this.poller?.supersede(new BotApiError(CONFLICT, 409));
    this.confirm(request.offset);
    const batch = this.take(request.limit);
    if (batch.length > 0 || request.timeoutSeconds <= 0 || this.closed) return batch;
    await this.waitForUpdate(request);
    return request.signal.aborted ? [] : this.take(request.limit);
  }

  /** Ends every pending long poll with an empty answer (the fake is closing). */
  close(): void {
    this.closed = true;
    this.poller?.wake();
  }

  private accepts(update: Update): boolean {
    const kind = Object.keys(update).find((key) => key !== "update_id") ?? "";
    return this.allowed === undefined ? !OPT_IN_KINDS.has(kind) : this.allowed.has(kind);
  }

  private enqueue(update: Update, redelivery: boolean): void {
    this.entries.push({ update, redelivery, delivered: false, attempts: 0 });
    this.poller?.wake();
    for (const listener of this.listeners) listener();
  }

  private confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    if (offset < 0) {
      this.entries = this.entries.slice(offset);
      return;
    }
    this.entries = this.entries.filter(
      (entry) => entry.update.update_id >= offset || (entry.redelivery && !entry.delivered),
    );
  }

  private take(limit: number): Update[] {
    const batch = this.entries.slice(0, limit);
    for (const entry of batch) entry.delivered = true;
    return batch.map((entry) => entry.update);
  }

  private waitForUpdate(request: PollRequest): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (error?: BotApiError): void => {
        clearTimeout(timer);
        request.signal.removeEventListener("abort", finish);
        if (this.poller === poller) this.poller = undefined;
        if (error === undefined) resolve();
        else reject(error);
      };
      const finish = (): void => settle();
      const poller: Poller = { wake: finish, supersede: settle };
      const timer = setTimeout(finish, request.timeoutSeconds * 1000);
      request.signal.addEventListener("abort", finish);
      this.poller = poller;
    });
  }
}
