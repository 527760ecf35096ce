/** Rejects the empty key: it would alias the bare prefix and hides caller bugs. */
export function checkKey(key: string): void {
  if (typeof key !== "string" || key.length === 0) throw new RangeError("key must be a non-empty string");
}

/**
 * Rejects a TTL that is not a positive safe integer. Both adapters need the same
 * rule: Redis PX rejects 0, negatives and fractions, and an entry without expiry
 * would defeat the point of an ephemeral store.
 */
export function checkTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`ttlMs must be a positive integer, got ${String(ttlMs)}`);
  }
}

/** Checks a write's arguments (key, then TTL). */
export function checkWrite(key: string, ttlMs: number): void {
  checkKey(key);
  checkTtl(ttlMs);
}

/** Rejects an option that must be a positive integer (sizes, intervals, timeouts). */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
