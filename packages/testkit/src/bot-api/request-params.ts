import { badRequest } from "./bot-api-error.ts";
import { parseMultipart } from "./multipart.ts";
import type { UploadedFile } from "./types.ts";

/** The parameters of one request, whatever encoding the client chose. */
export interface RequestParams {
  params: Record<string, unknown>;
  /** Files uploaded with multipart/form-data, by part name. */
  uploads: Map<string, UploadedFile>;
}

/**
 * Free-text parameters: kept as strings even when they look like JSON ("42", "true"),
 * because Telegram reads them as strings too.
 */
const TEXT_PARAMS = new Set([
  "text",
  "caption",
  "description",
  "short_description",
  "title",
  "name",
  "payload",
  "data",
  "query",
  "quote",
  "url",
  "secret_token",
  "question",
  "explanation",
  "emoji",
  "file_id",
  "callback_query_id",
  "pre_checkout_query_id",
  "language_code",
  "error_message",
  "currency",
  "provider_token",
  "telegram_payment_charge_id",
  "ip_address",
  "start_parameter",
  "action",
  "parse_mode",
]);

/**
 * Reads the parameters of a Bot API request from the query string and a JSON,
 * application/x-www-form-urlencoded or multipart/form-data body. Values of form and query
 * fields are strings on the wire; they are coerced back to the JSON types Telegram expects
 * (numbers, booleans, serialized objects), and `attach://<name>` references become the
 * uploaded {@link UploadedFile}.
 */
export function readRequestParams(contentType: string, body: Buffer, query: URLSearchParams): RequestParams {
  const params: Record<string, unknown> = {};
  for (const [key, value] of query) params[key] = coerceField(key, value);
  const uploads = new Map<string, UploadedFile>();
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (body.length > 0 && type === "application/json") {
    Object.assign(params, parseJsonBody(body));
  } else if (type === "application/x-www-form-urlencoded") {
    for (const [key, value] of new URLSearchParams(body.toString("utf8")))
      params[key] = coerceField(key, value);
  } else if (type === "multipart/form-data") {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
    if (boundary === undefined) throw badRequest("multipart boundary is missing");
    const multipart = parseMultipartOrFail(body, boundary);
    for (const [key, value] of multipart.fields) params[key] = coerceField(key, value);
    for (const [name, file] of multipart.files) {
      uploads.set(name, file);
      // curl-style uploads name the part after the parameter itself (`-F photo=@a.jpg`).
      if (!(name in params)) params[name] = file;
    }
  }
  return { params: resolveAttachments(params, uploads) as Record<string, unknown>, uploads };
}

function parseMultipartOrFail(body: Buffer, boundary: string): ReturnType<typeof parseMultipart> {
  try {
    return parseMultipart(body, boundary);
  } catch (error) {
    throw badRequest(
      `can't parse multipart/form-data: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw badRequest("can't parse JSON object");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw badRequest("can't parse JSON object");
  }
  return parsed as Record<string, unknown>;
}

function coerceField(key: string, value: string): unknown {
  if (TEXT_PARAMS.has(key)) return value;
  if (/^-?\d{1,15}$/.test(value)) return Number(value);
  if (value === "true") return true;
  if (value === "false") return false;
  if (value.startsWith("{") || value.startsWith("[")) {
    try {
      return JSON.parse(value);
    } catch {
      throw badRequest(`can't parse ${key} JSON object`);
    }
  }
  return value;
}

function resolveAttachments(value: unknown, uploads: Map<string, UploadedFile>): unknown {
  if (typeof value === "string" && value.startsWith("attach://")) {
    const file = uploads.get(value.slice("attach://".length));
    if (file === undefined) throw badRequest(`file ${value} not found in the request`);
    return file;
  }
  if (Array.isArray(value)) return value.map((item) => resolveAttachments(item, uploads));
  if (typeof value === "object" && value !== null && !Buffer.isBuffer(value) && !isUpload(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveAttachments(item, uploads)]),
    );
  }
  return value;
}

/** Whether a parameter value is an uploaded file. */
export function isUpload(value: unknown): value is UploadedFile {
  return (
    typeof value === "object" &&
    value !== null &&
    "bytes" in value &&
    Buffer.isBuffer((value as { bytes: unknown }).bytes) &&
    "fileName" in value
  );
}
