import type { ToolChargeDraft } from "@bot/domain";

/**
 * Why a transcription failed: the input cannot be transcribed (format, size, language), the
 * provider failed or refused, it asked us to slow down, it took too long, or the caller
 * cancelled.
 */
export type TranscriptionErrorKind =
  | "bad_input"
  | "provider_error"
  | "rate_limited"
  | "timeout"
  | "cancelled";

/** A failed transcription, with the provider's error (if any) as `cause`. */
export class TranscriptionError extends Error {
  override readonly name = "TranscriptionError";
  /** For `rate_limited`: how long the provider asked us to wait, when it said. */
  readonly retryAfterSeconds: number | null;
  /**
   * What the attempt still costs: set only when the audio may have been processed (a
   * timeout or cancellation after the upload), null when the provider refused it.
   */
  readonly charge: ToolChargeDraft | null;

  constructor(
    readonly kind: TranscriptionErrorKind,
    message: string,
    options: {
      readonly cause?: unknown;
      readonly retryAfterSeconds?: number | null;
      readonly charge?: ToolChargeDraft | null;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
    this.charge = options.charge ?? null;
  }
}
