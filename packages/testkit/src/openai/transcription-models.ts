/** The response formats the fake can produce (not `diarized_json`: no diarize model is offered). */
export type ResponseFormat = "json" | "text" | "srt" | "verbose_json" | "vtt";

/** How a model reports usage: whisper-style per second, the gpt-4o family in tokens. */
export type TranscriptionPricing = "duration" | "tokens";

/** What the fake knows of a transcription model. */
export interface TranscriptionModel {
  pricing: TranscriptionPricing;
  formats: readonly ResponseFormat[];
}

const ALL_FORMATS: readonly ResponseFormat[] = ["json", "text", "srt", "verbose_json", "vtt"];
/** The gpt-4o transcribe models answer only json and text. */
const TOKEN_FORMATS: readonly ResponseFormat[] = ["json", "text"];

/**
 * The models accepted, after the SDK's `AudioModel` (diarize left out). `gpt-transcribe` is billed per
 * minute like whisper-1 (llm-apis.md), so it is treated as whisper-style, formats included.
 */
export const TRANSCRIPTION_MODELS: ReadonlyMap<string, TranscriptionModel> = new Map([
  ["whisper-1", { pricing: "duration", formats: ALL_FORMATS }],
  ["gpt-transcribe", { pricing: "duration", formats: ALL_FORMATS }],
  ["gpt-4o-transcribe", { pricing: "tokens", formats: TOKEN_FORMATS }],
  ["gpt-4o-mini-transcribe", { pricing: "tokens", formats: TOKEN_FORMATS }],
  ["gpt-4o-mini-transcribe-2025-12-15", { pricing: "tokens", formats: TOKEN_FORMATS }],
]);

/** Whether `value` is a format the fake produces. */
export function isResponseFormat(value: string): value is ResponseFormat {
  return (ALL_FORMATS as readonly string[]).includes(value);
}
