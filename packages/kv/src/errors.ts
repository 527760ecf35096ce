/**
 * The backing store cannot serve the operation right now (server unreachable,
 * connection lost, command timed out, or the store was closed). Callers decide
 * whether to fail open (skip a rate limit) or closed; the original error is `cause`.
 */
export class KeyValueUnavailableError extends Error {
  override readonly name = "KeyValueUnavailableError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
