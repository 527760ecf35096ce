/**
 * Speech to text through OpenAI's transcription API. Independent of the tool: the bot also
 * uses it to transcribe voice notes as they arrive. Every call is priced per started second
 * from the registry (`transcribe_audio:<model>`), so a model without a price cannot be used.
 */
import type { ToolChargeDraft } from "@bot/domain";
import type { ToolPriceList } from "@bot/llm";
import OpenAI, { toFile } from "openai";
import {
  bundledToolPrices,
  requireToolPrices,
  type ToolPriceSource,
  toolChargeFor,
} from "../pricing/tool-charge.ts";
import {
  MAX_TRANSCRIPTION_BYTES,
  TRANSCRIBABLE_EXTENSIONS,
  transcribableUploadName,
} from "./audio-format.ts";
import { isLanguageCode, languageCode } from "./language-code.ts";
import { toTranscriptionError } from "./map-openai-error.ts";
import { TranscriptionError } from "./transcription-error.ts";
import {
  DEFAULT_TRANSCRIPTION_MODEL,
  isTranscriptionModel,
  responseFormatOf,
  TRANSCRIPTION_MODELS,
  type TranscriptionModel,
} from "./transcription-models.ts";

/** The unit the registry prices transcription in (`per` 60: a price per minute). */
export const AUDIO_SECONDS_UNIT = "audioSeconds";

/** How to reach the API and which model to use. */
export interface TranscriberOptions {
  readonly apiKey: string;
  /** Default OpenAI's; includes `/v1`. */
  readonly baseURL?: string;
  /** Default {@link DEFAULT_TRANSCRIPTION_MODEL}; must be priced in the registry. */
  readonly model?: string;
  /** Per attempt, ms. Default 120 000 (a 25 MB file takes a while). */
  readonly timeoutMs?: number;
  /** The SDK's retries of 408/409/429/5xx and timeouts. Default 2. */
  readonly maxRetries?: number;
  /** Default the bundled model registry. */
  readonly prices?: ToolPriceSource;
}

/** One audio file to transcribe. */
export interface TranscribeRequest {
  readonly bytes: Uint8Array;
  /** The file's name; its extension (or `mimeType`) tells the API the format. */
  readonly name: string;
  readonly mimeType: string;
  /** "auto" (the default) lets the model detect it; else an ISO-639-1 code. */
  readonly language?: string;
  /** The duration Telegram reported, if any: the charge falls back to it. */
  readonly durationSeconds?: number | null;
  readonly signal?: AbortSignal;
}

/** A transcript and what it cost. */
export interface Transcript {
  readonly text: string;
  /** ISO-639-1 code when known (detected or requested), else null. */
  readonly language: string | null;
  /** As the API reported it (or the known duration when it reports none). */
  readonly durationSeconds: number;
  /** Per started second of `durationSeconds`; null only for a zero duration. */
  readonly charge: ToolChargeDraft | null;
}

/** Transcribes audio; rejects only with {@link TranscriptionError}. */
export interface Transcriber {
  readonly model: TranscriptionModel;
  /** Largest file accepted, bytes (the API's 25 MB). */
  readonly maxBytes: number;
  transcribe(request: TranscribeRequest): Promise<Transcript>;
}

/**
 * Creates a transcriber. Throws when the model is unknown or has no per-second price in the
 * registry: an unpriced model would be used for free.
 */
export function createTranscriber(options: TranscriberOptions): Transcriber {
  const model = options.model ?? DEFAULT_TRANSCRIPTION_MODEL;
  if (!isTranscriptionModel(model)) {
    throw new Error(
      `unknown transcription model "${model}"; expected one of ${TRANSCRIPTION_MODELS.join(", ")}`,
    );
  }
  const prices = requireToolPrices(options.prices ?? bundledToolPrices, `transcribe_audio:${model}`, [
    AUDIO_SECONDS_UNIT,
  ]);
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
    timeout: options.timeoutMs ?? 120_000,
    maxRetries: options.maxRetries ?? 2,
  });
  return {
    model,
    maxBytes: MAX_TRANSCRIPTION_BYTES,
    transcribe: (request) => transcribe(client, model, prices, request),
  };
}

/** The request's checks, before anything is uploaded (so a wrong file costs nothing). */
function checkRequest(
  model: TranscriptionModel,
  request: TranscribeRequest,
): { upload: string; language: string | null } {
  if (request.bytes.length === 0) throw new TranscriptionError("bad_input", "The audio file is empty.");
  if (request.bytes.length > MAX_TRANSCRIPTION_BYTES) {
    throw new TranscriptionError(
      "bad_input",
      `The audio file is ${megabytes(request.bytes.length)} MB; the limit is 25 MB.`,
    );
  }
  const upload = transcribableUploadName(request.name, request.mimeType);
  if (upload === null) {
    throw new TranscriptionError(
      "bad_input",
      `"${request.name}" (${request.mimeType}) is not a supported audio format; supported: ${TRANSCRIBABLE_EXTENSIONS.join(", ")}.`,
    );
  }
  const language = request.language?.trim().toLowerCase() ?? "auto";
  if (language !== "auto" && !isLanguageCode(language)) {
    throw new TranscriptionError(
      "bad_input",
      `The language must be "auto" or an ISO-639-1 code such as "en"; got "${request.language}".`,
    );
  }
  // The gpt-4o models report no duration, so the charge needs the one Telegram gave.
  if (responseFormatOf(model) === "json" && !(knownDuration(request) > 0)) {
    throw new TranscriptionError("bad_input", `The audio's duration must be known to use ${model}.`);
  }
  return { upload, language: language === "auto" ? null : language };
}

async function transcribe(
  client: OpenAI,
  model: TranscriptionModel,
  prices: ToolPriceList,
  request: TranscribeRequest,
): Promise<Transcript> {
  const { signal } = request;
  if (signal?.aborted === true) throw new TranscriptionError("cancelled", "The transcription was cancelled.");
  const { upload, language } = checkRequest(model, request);
  const known = knownDuration(request);
  // Once the upload starts the provider may process (and bill) the audio even if we stop
  // waiting, so a timeout or cancellation from here on charges the known duration.
  const chargeIfProcessed = known > 0 ? chargeOf(prices, known) : null;
  try {
    const file = await toFile(request.bytes, upload, { type: request.mimeType });
    const params = {
      file,
      model,
      ...(language === null ? {} : { language }),
    };
    const options = signal === undefined ? {} : { signal };
    if (responseFormatOf(model) === "verbose_json") {
      const verbose = await client.audio.transcriptions.create(
        { ...params, response_format: "verbose_json" },
        options,
      );
      const duration = positive(verbose.duration) ?? positive(verbose.usage?.seconds) ?? known;
      return finish(
        prices,
        verbose.text,
        verbose.language ? languageCode(verbose.language) : language,
        duration,
      );
    }
    const plain = await client.audio.transcriptions.create({ ...params, response_format: "json" }, options);
    const reported = plain.usage?.type === "duration" ? positive(plain.usage.seconds) : undefined;
    return finish(prices, plain.text, language, reported ?? known);
  } catch (error) {
    throw toTranscriptionError(error, { signal, model, chargeIfProcessed });
  }
}

function finish(prices: ToolPriceList, text: string, language: string | null, duration: number): Transcript {
  if (!(duration > 0)) {
    // Cannot happen with the real API (verbose_json always has a duration); refusing is
    // better than returning work nobody is charged for.
    throw new TranscriptionError("provider_error", "The transcription service reported no audio duration.");
  }
  return { text, language, durationSeconds: duration, charge: chargeOf(prices, duration) };
}

/** Per started second: 6.2 s of audio is 7 billed seconds. */
function chargeOf(prices: ToolPriceList, durationSeconds: number): ToolChargeDraft | null {
  return toolChargeFor(prices, { [AUDIO_SECONDS_UNIT]: Math.ceil(durationSeconds) });
}

function knownDuration(request: TranscribeRequest): number {
  return positive(request.durationSeconds ?? undefined) ?? 0;
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
