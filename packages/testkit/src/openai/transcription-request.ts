import type { MultipartBody } from "../bot-api/multipart.ts";
import type { UploadedFile } from "../bot-api/types.ts";
import { INVALID_FORMAT_MESSAGE, isAudioUpload } from "./audio-files.ts";
import { invalidRequest } from "./openai-errors.ts";
import {
  isResponseFormat,
  type ResponseFormat,
  TRANSCRIPTION_MODELS,
  type TranscriptionModel,
} from "./transcription-models.ts";
import { type Refusal, tooLarge, type UploadForm } from "./upload-form.ts";

/** A transcription request that passed the API's checks. */
export interface TranscriptionRequest {
  model: TranscriptionModel;
  format: ResponseFormat;
  file: UploadedFile;
  language: string | null;
  prompt: string | null;
  stream: boolean;
}

/** The checked request, or the API's refusal. */
export type Checked = { ok: true; request: TranscriptionRequest } | { ok: false; refusal: Refusal };

function refuse(param: string | null, message: string, code: string | null = null): Checked {
  return { ok: false, refusal: { status: 400, error: invalidRequest(param, message, code) } };
}

function checkFormat(fields: MultipartBody["fields"], model: TranscriptionModel, modelName: string) {
  const format = fields.get("response_format") ?? "json";
  if (!isResponseFormat(format)) {
    return refuse("response_format", `Invalid response_format '${format}'.`, "invalid_value");
  }
  if (!model.formats.includes(format)) {
    const allowed = model.formats.map((name) => `'${name}'`).join(" or ");
    return refuse(
      "response_format",
      `response_format '${format}' is not compatible with model '${modelName}'. Use ${allowed} instead.`,
      "unsupported_value",
    );
  }
  return format;
}

function checkOptions(fields: MultipartBody["fields"]): Checked | undefined {
  const language = fields.get("language");
  if (language !== undefined && !/^[a-z]{2,3}$/.test(language)) {
    return refuse(
      "language",
      `Invalid language '${language}'. Language parameter must be specified in ISO-639-1 format.`,
      "invalid_value",
    );
  }
  const temperature = fields.get("temperature");
  if (temperature !== undefined && !(Number(temperature) >= 0 && Number(temperature) <= 1)) {
    return refuse("temperature", "temperature must be between 0 and 1.", "invalid_value");
  }
  return undefined;
}

/**
 * Checks a `POST /v1/audio/transcriptions` the way the API does: a readable multipart body within
 * the size limit, a known model, an audio file, a response format the model supports, an ISO-639-1
 * language and a temperature in [0, 1].
 */
export function checkTranscriptionRequest(upload: UploadForm, maxFileBytes: number): Checked {
  if (!upload.ok) return upload;
  const { fields, files } = upload.form;
  const modelName = fields.get("model");
  if (modelName === undefined) return refuse("model", "you must provide a model parameter");
  const model = TRANSCRIPTION_MODELS.get(modelName);
  if (!model) {
    return refuse(
      "model",
      `The model '${modelName}' does not exist or does not support transcriptions.`,
      "model_not_found",
    );
  }
  const file = files.get("file");
  if (!file) return refuse("file", "you must provide a file parameter");
  if (file.bytes.length > maxFileBytes)
    return { ok: false, refusal: tooLarge(file.bytes.length, maxFileBytes) };
  if (!isAudioUpload(file.fileName, file.contentType))
    return refuse("file", INVALID_FORMAT_MESSAGE, "invalid_value");
  if (file.bytes.length === 0) {
    return refuse("file", "Audio file is too short. Minimum audio length is 0.1 seconds.", "audio_too_short");
  }
  const format = checkFormat(fields, model, modelName);
  if (typeof format !== "string") return format;
  const problem = checkOptions(fields);
  if (problem) return problem;
  return {
    ok: true,
    request: {
      model,
      format,
      file,
      language: fields.get("language") ?? null,
      prompt: fields.get("prompt") ?? null,
      stream: fields.get("stream") === "true",
    },
  };
}
