import type { ResponseFormat, TranscriptionModel } from "./transcription-models.ts";
import type { OpenAIScriptSegment, OpenAITranscriptScript } from "./types.ts";

/** Assumed bit rate when a script sets no duration: Telegram voice notes are Opus at ~16 kbit/s. */
const BYTES_PER_SECOND = 2_000;
/** Fake rate of audio tokens for the token-priced models. */
const AUDIO_TOKENS_PER_SECOND = 10;

/** Names verbose_json gives languages (it reports "english", not "en"). */
const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  en: "english",
  ru: "russian",
  uk: "ukrainian",
  be: "belarusian",
  kk: "kazakh",
  de: "german",
  fr: "french",
  es: "spanish",
  it: "italian",
  pt: "portuguese",
  pl: "polish",
  tr: "turkish",
  nl: "dutch",
  ja: "japanese",
  zh: "chinese",
  ko: "korean",
  ar: "arabic",
  hi: "hindi",
};

/** What the answer is made from. */
export interface TranscriptInput {
  script: OpenAITranscriptScript;
  model: TranscriptionModel;
  fileBytes: number;
  /** The request's `language` (ISO-639-1), if any. */
  language: string | null;
  prompt: string | null;
}

/** The response body: JSON for json/verbose_json, text for text/srt/vtt. */
export type TranscriptResponse =
  | { kind: "json"; body: Record<string, unknown> }
  | { kind: "text"; text: string; contentType: string };

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function durationOf(input: TranscriptInput): number {
  return input.script.durationSeconds ?? round2(Math.max(0.1, input.fileBytes / BYTES_PER_SECOND));
}

function tokensOf(text: string): number {
  return Math.ceil(text.length / 4);
}

/** `usage` as the model reports it: seconds (rounded up) or input/output tokens. */
function usageOf(input: TranscriptInput, duration: number): Record<string, unknown> {
  const pinned = input.script.usage ?? {};
  switch (input.model.pricing) {
    case "duration":
      return { type: "duration", seconds: pinned.seconds ?? Math.ceil(duration) };
    case "tokens": {
      const audioTokens = pinned.audioTokens ?? Math.ceil(duration * AUDIO_TOKENS_PER_SECOND);
      const textTokens = pinned.textTokens ?? tokensOf(input.prompt ?? "");
      const outputTokens = pinned.outputTokens ?? tokensOf(input.script.text);
      return {
        type: "tokens",
        input_tokens: audioTokens + textTokens,
        output_tokens: outputTokens,
        total_tokens: audioTokens + textTokens + outputTokens,
        input_token_details: { audio_tokens: audioTokens, text_tokens: textTokens },
      };
    }
    default:
      return unreachable(input.model.pricing);
  }
}

/** Sentences spread over the duration in proportion to their length. */
function autoSegments(text: string, duration: number): OpenAIScriptSegment[] {
  const sentences = (text.match(/[^.!?]+[.!?]*/g) ?? []).map((sentence) => sentence.trim()).filter(Boolean);
  const total = sentences.reduce((sum, sentence) => sum + sentence.length, 0);
  let start = 0;
  return sentences.map((sentence, index) => {
    // The last segment ends exactly at the duration, whatever the rounding before it.
    const end =
      index === sentences.length - 1 ? duration : round2(start + (duration * sentence.length) / total);
    // Whisper's segment texts start with the space that separated them.
    const segment = { start, end, text: ` ${sentence}` };
    start = end;
    return segment;
  });
}

function segmentsOf(input: TranscriptInput, duration: number): OpenAIScriptSegment[] {
  return input.script.segments ? [...input.script.segments] : autoSegments(input.script.text, duration);
}

function verboseSegment(segment: OpenAIScriptSegment, id: number): Record<string, unknown> {
  return {
    id,
    seek: 0,
    start: segment.start,
    end: segment.end,
    text: segment.text,
    tokens: [],
    temperature: 0,
    avg_logprob: -0.25,
    compression_ratio: 1.2,
    no_speech_prob: 0.01,
  };
}

function timestamp(seconds: number, separator: "," | "."): string {
  const ms = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor(ms / 60_000) % 60;
  const secs = Math.floor(ms / 1000) % 60;
  return `${pad(hours)}:${pad(minutes)}:${pad(secs)}${separator}${pad(ms % 1000, 3)}`;
}

function cues(segments: readonly OpenAIScriptSegment[], separator: "," | "."): string[] {
  return segments.map(
    (segment) =>
      `${timestamp(segment.start, separator)} --> ${timestamp(segment.end, separator)}\n${segment.text.trim()}\n`,
  );
}

/** Builds the answer in the requested format. */
export function transcriptResponse(format: ResponseFormat, input: TranscriptInput): TranscriptResponse {
  const duration = durationOf(input);
  const { text } = input.script;
  switch (format) {
    case "json":
      return { kind: "json", body: { text, usage: usageOf(input, duration) } };
    case "text":
      return { kind: "text", text, contentType: "text/plain" };
    case "verbose_json": {
      const language =
        input.script.language ??
        (input.language === null ? "english" : (LANGUAGE_NAMES[input.language] ?? input.language));
      return {
        kind: "json",
        body: {
          task: "transcribe",
          language,
          duration,
          text,
          segments: segmentsOf(input, duration).map(verboseSegment),
          usage: usageOf(input, duration),
        },
      };
    }
    case "srt":
      return {
        kind: "text",
        text: cues(segmentsOf(input, duration), ",")
          .map((cue, index) => `${index + 1}\n${cue}`)
          .join("\n"),
        contentType: "text/plain",
      };
    case "vtt":
      return {
        kind: "text",
        text: `WEBVTT\n\n${cues(segmentsOf(input, duration), ".").join("\n")}`,
        contentType: "text/vtt",
      };
    default:
      return unreachable(format);
  }
}

function unreachable(value: never): never {
  throw new Error(`fake openai: unexpected ${String(value)}`);
}
