import { isSensitiveKey, REDACTED } from "./redaction.ts";
import { isError, serializeError } from "./serialize-error.ts";

/** Deeper structures are cut rather than walked: logs should never be that deep. */
const MAX_DEPTH = 32;

/**
 * Makes a value safe for JSON log output, at any depth:
 * - bigints become decimal strings (JSON has no bigint, and numbers lose precision
 *   past 2^53, which matters for event positions);
 * - errors become {@link serializeError} objects with their cause chain;
 * - properties with secret-sounding names ({@link isSensitiveKey}) become
 *   `"[redacted]"`, except booleans, which cannot leak a secret (`hasToken: true`);
 * - cycles become `"[Circular]"`.
 *
 * Only arrays and plain objects are copied; class instances (Date, Buffer, ...) are
 * left for `JSON.stringify` so their own `toJSON` still applies. The input is never
 * mutated.
 */
export function sanitizeLogValue(value: unknown): unknown {
  return sanitize(value, new Set(), 0);
}

/** {@link sanitizeLogValue} for a log line's merge object or bindings. */
export function sanitizeLogObject(object: Record<string, unknown>): Record<string, unknown> {
  return sanitizePlainObject(object, new Set(), 0);
}

function sanitize(value: unknown, ancestors: Set<object>, depth: number): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object" || value === null) return value;
  if (ancestors.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Too deep]";
  if (isError(value)) return sanitize(serializeError(value), ancestors, depth);
  if (Array.isArray(value)) {
    ancestors.add(value);
    const copy = value.map((item: unknown) => sanitize(item, ancestors, depth + 1));
    ancestors.delete(value);
    return copy;
  }
  if (!isPlainObject(value)) return value;
  return sanitizePlainObject(value, ancestors, depth);
}

function sanitizePlainObject(
  object: Record<string, unknown>,
  ancestors: Set<object>,
  depth: number,
): Record<string, unknown> {
  ancestors.add(object);
  const copy: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(object)) {
    copy[key] =
      isSensitiveKey(key) && isRedactable(property) ? REDACTED : sanitize(property, ancestors, depth + 1);
  }
  ancestors.delete(object);
  return copy;
}

function isRedactable(value: unknown): boolean {
  return value !== undefined && value !== null && typeof value !== "boolean";
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
