import { KeyValueUnavailableError } from "./errors.ts";
import { type Expiry, ExpiryHeap } from "./expiry-heap.ts";
import type { KeyValueStore } from "./types.ts";
import { checkKey, checkWrite, positiveInteger } from "./validation.ts";

/** Options of {@link createMemoryKeyValueStore}. */
export interface MemoryKeyValueStoreOptions {
  /** Namespace prepended to every key, e.g. "tgbot:". Default "". */
  readonly prefix?: string;
  /** The clock in epoch milliseconds; tests inject one to expire entries without sleeping. Default `Date.now`. */
  readonly now?: () => number;
  /** Upper bound on held entries; when full, the entry expiring soonest is dropped. Default 100_000. */
  readonly maxEntries?: number;
  /** How often expired entries are swept in the background. Default 60_000 ms. */
  readonly sweepIntervalMs?: number;
}

/** The in-memory adapter, with two extras for tests and metrics. */
export interface MemoryKeyValueStore extends KeyValueStore {
  /** Entries held, including expired ones not swept yet. */
  readonly size: number;
  /** Removes every expired entry now; returns how many were removed. */
  sweep(): number;
}

interface Entry {
  readonly value: string;
  readonly expiresAt: number;
  readonly seq: number;
}

const DEFAULT_MAX_ENTRIES = 100_000;
const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

/**
 * A process-local {@link KeyValueStore} for embedded mode (only Node, no Redis).
 * Each operation runs synchronously inside its promise, so concurrent callers in
 * this process see check-and-set and get-and-delete as atomic. It coordinates
 * nothing across processes: use Redis when more than one process serves the bot.
 *
 * @throws RangeError when `maxEntries` or `sweepIntervalMs` is not a positive integer.
 */
export function createMemoryKeyValueStore(options: MemoryKeyValueStoreOptions = {}): MemoryKeyValueStore {
  const prefix = options.prefix ?? "";
  const now = options.now ?? Date.now;
  const maxEntries = positiveInteger("maxEntries", options.maxEntries ?? DEFAULT_MAX_ENTRIES);
  const sweepIntervalMs = positiveInteger(
    "sweepIntervalMs",
    options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
  );
  const entries = new Map<string, Entry>();
  const expiries = new ExpiryHeap();
  let seq = 0;
  let closed = false;

  const isCurrent = (item: Expiry): boolean => entries.get(item.key)?.seq === item.seq;

  /** The entry of a prefixed key if still live; an expired one is dropped on sight. */
  function live(fullKey: string, at: number): Entry | undefined {
    const entry = entries.get(fullKey);
    if (entry === undefined || entry.expiresAt > at) return entry;
    entries.delete(fullKey);
    return undefined;
  }

  function sweepAt(at: number): number {
    let removed = 0;
    for (let top = expiries.peek(); top !== undefined && top.expiresAt <= at; top = expiries.peek()) {
      expiries.pop();
      if (isCurrent(top)) {
        entries.delete(top.key);
        removed++;
      }
    }
    return removed;
  }

  /** Frees one slot: expired entries first, else the live entry expiring soonest. */
  function makeRoom(at: number): void {
    sweepAt(at);
    while (entries.size >= maxEntries) {
      const soonest = expiries.pop();
      if (soonest === undefined) return;
      if (isCurrent(soonest)) entries.delete(soonest.key);
    }
  }

  function write(fullKey: string, value: string, ttlMs: number, at: number): void {
    if (!entries.has(fullKey) && entries.size >= maxEntries) makeRoom(at);
    seq++;
    const entry: Entry = { value, expiresAt: at + ttlMs, seq };
    entries.set(fullKey, entry);
    expiries.push({ key: fullKey, expiresAt: entry.expiresAt, seq });
    // Overwrites and deletes leave stale heap items; rebuilding once they outnumber
    // the live entries keeps the heap O(entries) at amortised O(1) per write.
    if (expiries.size > 2 * entries.size + 1024) {
      expiries.rebuild([...entries].map(([key, e]) => ({ key, expiresAt: e.expiresAt, seq: e.seq })));
    }
  }

  function open(): void {
    if (closed) throw new KeyValueUnavailableError("the in-memory key-value store is closed");
  }

  // unref: a sweep timer alone must not keep the process (or a test worker) alive.
  const timer = setInterval(() => sweepAt(now()), sweepIntervalMs);
  timer.unref();

  return {
    get size() {
      return entries.size;
    },
    sweep: () => sweepAt(now()),
    async setIfAbsent(key, value, ttlMs) {
      checkWrite(key, ttlMs);
      open();
      const at = now();
      if (live(prefix + key, at) !== undefined) return false;
      write(prefix + key, value, ttlMs, at);
      return true;
    },
    async set(key, value, ttlMs) {
      checkWrite(key, ttlMs);
      open();
      const at = now();
      live(prefix + key, at);
      write(prefix + key, value, ttlMs, at);
    },
    async get(key) {
      checkKey(key);
      open();
      return live(prefix + key, now())?.value ?? null;
    },
    async take(key) {
      checkKey(key);
      open();
      const entry = live(prefix + key, now());
      if (entry === undefined) return null;
      entries.delete(prefix + key);
      return entry.value;
    },
    async delete(key) {
      checkKey(key);
      open();
      entries.delete(prefix + key);
    },
    async close() {
      closed = true;
      clearInterval(timer);
      entries.clear();
      expiries.clear();
    },
  };
}
