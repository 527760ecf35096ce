import { multipartBoundary } from "../anthropic/read-request.ts";
import { type MultipartBody, parseMultipart } from "../bot-api/multipart.ts";
import type { BodyBytes } from "../shared/http-io.ts";
import type { LiveOpenAIRequest } from "./exchange.ts";
import { invalidRequest, type OpenAIErrorBody } from "./openai-errors.ts";

/** Why the API refuses a request, with its status. */
export interface Refusal {
  status: number;
  error: OpenAIErrorBody;
}

/** A request's multipart body, or why it could not be read. */
export type UploadForm = { ok: true; form: MultipartBody } | { ok: false; refusal: Refusal };

/** The API's 413 for a file over the limit. */
export function tooLarge(size: number, limit: number): Refusal {
  return {
    status: 413,
    error: invalidRequest(null, `Maximum content size limit (${limit}) exceeded (${size} bytes read)`),
  };
}

/**
 * Reads the multipart body. A body cut at the cap (file limit plus framing) means the file was over
 * the limit: 413 without parsing.
 */
export function readUploadForm(
  body: BodyBytes,
  contentType: string | undefined,
  maxFileBytes: number,
): UploadForm {
  if (body.truncated) return { ok: false, refusal: tooLarge(body.size, maxFileBytes) };
  const boundary = multipartBoundary(contentType);
  if (boundary === undefined) {
    return {
      ok: false,
      refusal: { status: 400, error: invalidRequest(null, "Expected a multipart/form-data body.") },
    };
  }
  try {
    return { ok: true, form: parseMultipart(body.bytes, boundary) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      refusal: { status: 400, error: invalidRequest(null, `Malformed multipart body: ${reason}`) },
    };
  }
}

/** Copies what the client sent into the request log, refused requests included. */
export function recordUpload(record: LiveOpenAIRequest, form: MultipartBody): void {
  const { fields } = form;
  const file = form.files.get("file");
  record.fields = Object.fromEntries(fields);
  record.model = fields.get("model") ?? null;
  record.language = fields.get("language") ?? null;
  record.prompt = fields.get("prompt") ?? null;
  record.responseFormat = fields.get("response_format") ?? null;
  const temperature = fields.get("temperature");
  record.temperature = temperature === undefined ? null : Number(temperature);
  record.file = file
    ? { name: file.fileName, contentType: file.contentType, sizeBytes: file.bytes.length }
    : null;
}
