/**
 * A tiny key-value port for ephemeral coordination state shared between
 * processes: rate limits, short-lived pending inputs, confirmation states.
 * Never money or history: those live in the event store. Every entry expires.
 */
export interface KeyValueStore {
  /** Sets key to value with a TTL only if absent; true when it was set (SET NX PX). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Sets key to value with a TTL (overwrites). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** The live value of key, null when absent or expired. */
  get(key: string): Promise<string | null>;
  /** Returns the value and deletes the key atomically (GETDEL), null when absent. */
  take(key: string): Promise<string | null>;
  /** Deletes key; a no-op when absent. */
  delete(key: string): Promise<void>;
  /** Releases the store (timers, connections). Later operations reject. Idempotent. */
  close(): Promise<void>;
}

/** The slice of a pino-style logger the adapters use to report connection trouble. */
export interface KeyValueLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}
