/**
 * SDK error → {@link LlmError}.
 *
 * The checks go from the most specific class to the most general. The SDK's hierarchy
 * nests: `RateLimitError` is an `APIError`, `OverloadedError` an `InternalServerError`,
 * `APIConnectionTimeoutError` an `APIConnectionError`, and even `APIUserAbortError` is an
 * `APIError`. The original bot caught the parent first, so 429s surfaced as generic
 * errors and timeouts as connection failures.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ContentTooLargeError,
  GatewayTimeoutError,
  InternalServerError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
  RequestTimeoutError,
} from "@anthropic-ai/sdk";
import { LlmError, type LlmErrorKind } from "../llm-error.ts";
import { kindForErrorType } from "./error-type.ts";

/** What the adapter knows when an error reaches it. */
export interface ErrorContext {
  /** Nothing visible was yielded to the consumer yet. */
  readonly beforeFirstToken: boolean;
  /** The caller's own signal aborted: whatever the SDK threw, the cause is the caller. */
  readonly callerAborted: boolean;
}

// The API's wording for an over-long prompt: "prompt is too long: 215000 tokens > 200000 maximum".
const PROMPT_TOO_LONG =
  /prompt is too long|exceeds? the (?:model's )?(?:maximum )?context (?:window|length)/i;

/** Maps anything an Anthropic SDK call threw. */
export function mapAnthropicError(error: unknown, context: ErrorContext): LlmError {
  if (error instanceof LlmError) return error.withBeforeFirstToken(context.beforeFirstToken);
  const make = (kind: LlmErrorKind, extra: { retryAfterSeconds?: number } = {}) =>
    new LlmError(kind, describe(kind, error), {
      cause: error,
      beforeFirstToken: context.beforeFirstToken,
      ...extra,
      ...statusOf(error),
    });

  if (context.callerAborted || error instanceof APIUserAbortError || isAbortError(error))
    return make("aborted");
  if (error instanceof APIConnectionTimeoutError) return make("timeout");
  if (error instanceof APIConnectionError) return make("connection");
  if (error instanceof RateLimitError) return make("rate_limited", retryAfter(error));
  if (error instanceof OverloadedError) return make("overloaded", retryAfter(error));
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError)
    return make("authentication");
  if (error instanceof NotFoundError) return make("not_found");
  if (error instanceof RequestTimeoutError || error instanceof GatewayTimeoutError) return make("timeout");
  if (error instanceof BadRequestError) {
    return make(
      promptTooLong(error) ? "context_window_exceeded" : (kindForErrorType(error.type) ?? "invalid_request"),
    );
  }
  if (error instanceof ContentTooLargeError) return make("invalid_request");
  if (error instanceof InternalServerError) {
    return make(kindForErrorType(error.type) === "overloaded" ? "overloaded" : "server", retryAfter(error));
  }
  if (error instanceof APIError) {
    // No status: an `event: error` inside a stream, which the SDK throws as a bare APIError.
    if (promptTooLong(error)) return make("context_window_exceeded");
    const byType = kindForErrorType(error.type);
    if (byType !== undefined) return make(byType, retryAfter(error));
    return make(error.status === undefined || error.status >= 500 ? "server" : "invalid_request");
  }
  return make("server");
}

function promptTooLong(error: APIError): boolean {
  return PROMPT_TOO_LONG.test(error.apiMessage ?? "") || PROMPT_TOO_LONG.test(error.message);
}

/** Seconds from `retry-after-ms` or a numeric `retry-after` (HTTP dates are left to the SDK's own retries). */
function retryAfter(error: APIError): { retryAfterSeconds?: number } {
  const headers = error.headers;
  if (!(headers instanceof Headers)) return {};
  const millis = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(millis) && millis >= 0) return { retryAfterSeconds: millis / 1000 };
  const seconds = Number.parseFloat(headers.get("retry-after") ?? "");
  if (Number.isFinite(seconds) && seconds >= 0) return { retryAfterSeconds: seconds };
  return {};
}

function statusOf(error: unknown): { status?: number } {
  return error instanceof APIError && typeof error.status === "number" ? { status: error.status } : {};
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}

function describe(kind: LlmErrorKind, error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  return `Anthropic ${kind}: ${detail}`;
}
