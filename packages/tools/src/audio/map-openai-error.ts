import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  RateLimitError,
} from "openai";
import { parseRetryAfter } from "../shared/retry-after.ts";
import { TranscriptionError } from "./transcription-error.ts";

/** What the caller knows when mapping: its signal, and the charge if the audio may have been processed. */
export interface MappingContext {
  readonly signal: AbortSignal | undefined;
  readonly model: string;
  /** The charge of the known duration, for a timeout or cancellation after the upload started. */
  readonly chargeIfProcessed: TranscriptionError["charge"];
}

/**
 * Maps what the `openai` SDK threw to a {@link TranscriptionError}. The order matters: the
 * SDK's abort and timeout errors are subclasses of `APIError` and must be told apart first.
 */
export function toTranscriptionError(error: unknown, context: MappingContext): TranscriptionError {
  if (error instanceof TranscriptionError) return error;
  const { chargeIfProcessed } = context;
  if (context.signal?.aborted === true || error instanceof APIUserAbortError) {
    return new TranscriptionError("cancelled", "The transcription was cancelled.", {
      cause: error,
      charge: chargeIfProcessed,
    });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new TranscriptionError("timeout", "The transcription service did not answer in time.", {
      cause: error,
      charge: chargeIfProcessed,
    });
  }
  if (error instanceof APIConnectionError) {
    return new TranscriptionError(
      "provider_error",
      `Could not reach the transcription service: ${error.message}`,
      {
        cause: error,
      },
    );
  }
  if (error instanceof RateLimitError) {
    // insufficient_quota is also a 429, but waiting will not fix an unpaid account.
    if (error.code === "insufficient_quota") {
      return new TranscriptionError("provider_error", "The transcription service quota is exhausted.", {
        cause: error,
      });
    }
    const retryAfterSeconds = parseRetryAfter(error.headers.get("retry-after"));
    return new TranscriptionError(
      "rate_limited",
      "The transcription service is rate limited; try again later.",
      {
        cause: error,
        retryAfterSeconds,
      },
    );
  }
  if (error instanceof APIError) return fromStatus(error, context.model);
  const message = error instanceof Error ? error.message : String(error);
  return new TranscriptionError("provider_error", `The transcription failed: ${message}`, { cause: error });
}

function fromStatus(error: APIError, model: string): TranscriptionError {
  const status = error.status ?? 0;
  // A 400 about the model is our configuration, not the user's file.
  if (status === 404 || (status === 400 && error.param === "model")) {
    return new TranscriptionError("provider_error", `The transcription model "${model}" is not available.`, {
      cause: error,
    });
  }
  if (status === 400 || status === 413 || status === 415 || status === 422) {
    return new TranscriptionError(
      "bad_input",
      `The transcription service refused the file: ${providerMessage(error)}`,
      {
        cause: error,
      },
    );
  }
  return new TranscriptionError(
    "provider_error",
    `The transcription service failed (HTTP ${status}): ${providerMessage(error)}`,
    { cause: error },
  );
}

/** The API's own message, without the SDK's "400 " status prefix. */
function providerMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  return typeof body?.message === "string" ? body.message : error.message;
}
