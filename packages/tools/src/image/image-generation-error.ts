import { ApiError } from "@google/genai";
import { parseRetryAfter } from "../shared/retry-after.ts";

/**
 * Why no image came back: the input is unusable, the provider's safety filters blocked the
 * prompt or the image, the model answered without an image, it asked us to slow down, it
 * failed, it took too long, or the caller cancelled.
 */
export type ImageGenerationErrorKind =
  | "bad_input"
  | "blocked"
  | "no_image"
  | "rate_limited"
  | "provider_error"
  | "timeout"
  | "cancelled";

/** A failed image generation, with the provider's error (if any) as `cause`. */
export class ImageGenerationError extends Error {
  override readonly name = "ImageGenerationError";
  /** For `rate_limited`: how long the provider asked us to wait, when it said. */
  readonly retryAfterSeconds: number | null;
  /** For `blocked`: the provider's reason (SAFETY, IMAGE_SAFETY, PROHIBITED_CONTENT, ...). */
  readonly reason: string | null;
  /** Text the model wrote instead of an image (its refusal or question), if any. */
  readonly modelText: string | null;

  constructor(
    readonly kind: ImageGenerationErrorKind,
    message: string,
    options: {
      readonly cause?: unknown;
      readonly retryAfterSeconds?: number | null;
      readonly reason?: string | null;
      readonly modelText?: string | null;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
    this.reason = options.reason ?? null;
    this.modelText = options.modelText ?? null;
  }
}

/** Google's error body, as `ApiError.message` carries it (JSON text). */
interface GoogleErrorBody {
  readonly message: string;
  readonly status: string;
  readonly details: readonly unknown[];
}

function googleError(error: ApiError): GoogleErrorBody {
  try {
    const parsed = JSON.parse(error.message) as {
      error?: { message?: unknown; status?: unknown; details?: unknown };
    };
    const body = parsed.error ?? {};
    return {
      message: typeof body.message === "string" ? body.message : error.message,
      status: typeof body.status === "string" ? body.status : "",
      details: Array.isArray(body.details) ? body.details : [],
    };
  } catch {
    return { message: error.message, status: "", details: [] };
  }
}

/** `RetryInfo.retryDelay` ("12s") from the error details, when Google sent one. */
function retryDelayOf(details: readonly unknown[]): number | null {
  for (const detail of details) {
    const delay = (detail as { retryDelay?: unknown } | null)?.retryDelay;
    if (typeof delay === "string") return parseRetryAfter(delay.replace(/s$/, ""));
  }
  return null;
}

function hasReason(details: readonly unknown[], reason: string): boolean {
  return details.some((detail) => (detail as { reason?: unknown } | null)?.reason === reason);
}

/** What the caller knows when mapping. */
export interface GeminiErrorContext {
  readonly signal: AbortSignal;
  readonly model: string;
  /** The `retry-after` header of the last failed response, captured by the fetch wrapper. */
  readonly retryAfterHeader: string | null;
}

/**
 * Maps what `@google/genai` threw. Its timeout aborts the request like a cancellation does,
 * so the two are told apart by the caller's signal.
 */
export function toImageGenerationError(error: unknown, context: GeminiErrorContext): ImageGenerationError {
  if (error instanceof ImageGenerationError) return error;
  if (context.signal.aborted) {
    return new ImageGenerationError("cancelled", "The image generation was cancelled.", { cause: error });
  }
  if (error instanceof ApiError) return fromApiError(error, context);
  if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
    return new ImageGenerationError("timeout", "The image model did not answer in time.", { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ImageGenerationError("provider_error", `The image generation failed: ${message}`, {
    cause: error,
  });
}

function fromApiError(error: ApiError, context: GeminiErrorContext): ImageGenerationError {
  const body = googleError(error);
  const { status } = error;
  if (status === 429) {
    const retryAfterSeconds = parseRetryAfter(context.retryAfterHeader) ?? retryDelayOf(body.details);
    return new ImageGenerationError("rate_limited", "The image model is rate limited; try again later.", {
      cause: error,
      retryAfterSeconds,
    });
  }
  if (status === 404) {
    return new ImageGenerationError(
      "provider_error",
      `The image model "${context.model}" is not available: ${body.message}`,
      { cause: error },
    );
  }
  if (status === 400 && !hasReason(body.details, "API_KEY_INVALID")) {
    return new ImageGenerationError("bad_input", `The image model refused the request: ${body.message}`, {
      cause: error,
    });
  }
  return new ImageGenerationError(
    "provider_error",
    `The image model failed (HTTP ${status}${body.status ? ` ${body.status}` : ""}): ${body.message}`,
    { cause: error },
  );
}
