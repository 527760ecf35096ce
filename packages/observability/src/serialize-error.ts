/** The JSON shape an error takes in logs. */
export interface SerializedError {
  /** Constructor name, e.g. `TypeError`. */
  readonly type: string;
  readonly message: string;
  readonly stack?: string;
  /** The serialised `error.cause`; non-error causes are kept as they are. */
  readonly cause?: unknown;
  /** The members of an `AggregateError`. */
  readonly errors?: readonly unknown[];
  /** Enumerable own properties such as `code`, `errno`, `status`. */
  readonly [property: string]: unknown;
}

/** Whether `value` is an Error, including errors from other realms (vm, workers). */
export function isError(value: unknown): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === "[object Error]";
}

/**
 * Turns an error into a plain object that keeps the whole `cause` chain as nested
 * objects (rather than pino's default of concatenating messages), plus
 * `AggregateError` members and enumerable extras like `code`. Non-errors are
 * returned unchanged. Cyclic causes are cut with `"[Circular]"`.
 */
export function serializeError(value: unknown): unknown {
  return isError(value) ? serializeWithin(value, new Set()) : value;
}

function serializeWithin(error: Error, seen: Set<Error>): SerializedError | string {
  if (seen.has(error)) return "[Circular]";
  seen.add(error);

  const serialized: { type: string; message: string; [property: string]: unknown } = {
    type: error.constructor?.name || error.name,
    message: error.message,
  };
  if (typeof error.stack === "string") serialized.stack = error.stack;
  for (const [key, property] of Object.entries(error)) {
    if (!(key in serialized))
      serialized[key] = isError(property) ? serializeWithin(property, seen) : property;
  }
  // `cause` and `errors` are own but non-enumerable, so Object.entries misses them.
  if (error.cause !== undefined) {
    serialized.cause = isError(error.cause) ? serializeWithin(error.cause, seen) : error.cause;
  }
  if (error instanceof AggregateError && Array.isArray(error.errors)) {
    serialized.errors = error.errors.map((member: unknown) =>
      isError(member) ? serializeWithin(member, seen) : member,
    );
  }

  seen.delete(error);
  return serialized;
}
