/** The OpenAI transcription models this bot may be configured with. */
export const TRANSCRIPTION_MODELS = [
  "whisper-1",
  "gpt-transcribe",
  "gpt-4o-transcribe",
  "gpt-4o-mini-transcribe",
] as const;

/** One of {@link TRANSCRIPTION_MODELS}. */
export type TranscriptionModel = (typeof TRANSCRIPTION_MODELS)[number];

/** The default: the original bot's model, priced per minute. */
export const DEFAULT_TRANSCRIPTION_MODEL: TranscriptionModel = "whisper-1";

/** Whether `model` is one of {@link TRANSCRIPTION_MODELS}. */
export function isTranscriptionModel(model: string): model is TranscriptionModel {
  return (TRANSCRIPTION_MODELS as readonly string[]).includes(model);
}

/**
 * The response format asked of a model. verbose_json reports the duration and language, which
 * the per-minute charge needs; the gpt-4o models answer only json (usage in tokens), so their
 * duration must be known beforehand.
 */
export function responseFormatOf(model: TranscriptionModel): "verbose_json" | "json" {
  switch (model) {
    case "whisper-1":
    case "gpt-transcribe":
      return "verbose_json";
    case "gpt-4o-transcribe":
    case "gpt-4o-mini-transcribe":
      return "json";
    default:
      return unreachable(model);
  }
}

function unreachable(value: never): never {
  throw new Error(`unexpected transcription model ${String(value)}`);
}
