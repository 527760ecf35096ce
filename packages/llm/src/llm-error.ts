/**
 * What went wrong with a model call, in provider-neutral terms. Adapters map their SDK
 * errors onto these kinds; callers decide retries and user messages from `kind` and
 * `beforeFirstToken` alone.
 */
export type LlmErrorKind =
  | "rate_limited"
  | "overloaded"
  | "timeout"
  | "connection"
  | "context_window_exceeded"
  | "invalid_request"
  | "authentication"
  | "not_found"
  | "server"
  | "aborted";

/** Every kind, for exhaustive tests and validation. */
export const LLM_ERROR_KINDS: readonly LlmErrorKind[] = [
  "rate_limited",
  "overloaded",
  "timeout",
  "connection",
  "context_window_exceeded",
  "invalid_request",
  "authentication",
  "not_found",
  "server",
  "aborted",
];

/** Details of an {@link LlmError}. */
export interface LlmErrorOptions {
  /** The underlying SDK or network error. */
  readonly cause?: unknown;
  /**
   * True when the stream yielded no content (text, thinking, tool calls) before failing,
   * so the caller may retry without having shown a partial answer. Usage deltas do not
   * count: they are bookkeeping, not content.
   */
  readonly beforeFirstToken: boolean;
  /** From the provider's `retry-after` header, for "rate_limited" (and sometimes "overloaded"). */
  readonly retryAfterSeconds?: number;
  /** HTTP status, when there was one. */
  readonly status?: number;
}

/** The one error type a provider throws. */
export class LlmError extends Error {
  override readonly name: string = "LlmError";
  readonly kind: LlmErrorKind;
  readonly beforeFirstToken: boolean;
  readonly retryAfterSeconds: number | undefined;
  readonly status: number | undefined;

  constructor(kind: LlmErrorKind, message: string, options: LlmErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.beforeFirstToken = options.beforeFirstToken;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.status = options.status;
  }

  /** Whether the same request may succeed later (transient capacity or network trouble). */
  get transient(): boolean {
    switch (this.kind) {
      case "rate_limited":
      case "overloaded":
      case "timeout":
      case "connection":
      case "server":
        return true;
      case "context_window_exceeded":
      case "invalid_request":
      case "authentication":
      case "not_found":
      case "aborted":
        return false;
      default: {
        const unreachable: never = this.kind;
        throw new Error(`unknown LlmError kind ${String(unreachable)}`);
      }
    }
  }

  /** The same error with a corrected `beforeFirstToken` (the adapter knows what it yielded). */
  withBeforeFirstToken(beforeFirstToken: boolean): LlmError {
    if (beforeFirstToken === this.beforeFirstToken) return this;
    return new LlmError(this.kind, this.message, {
      cause: this.cause,
      beforeFirstToken,
      ...(this.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: this.retryAfterSeconds }),
      ...(this.status === undefined ? {} : { status: this.status }),
    });
  }
}
