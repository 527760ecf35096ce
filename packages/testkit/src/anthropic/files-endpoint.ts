import { parseMultipart } from "../bot-api/multipart.ts";
import { sendJson } from "../shared/http-io.ts";
import type { Exchange, FakeState } from "./exchange.ts";
import { cursorPage, idPage } from "./file-list.ts";
import { fileMetadata, usesFilesBeta } from "./file-metadata.ts";
import { type FileRecord, isExpired } from "./file-store.ts";
import { retryHeaders, sendApiError, sendBytes } from "./http-replies.ts";
import { storedFileName, storedMimeType } from "./mime-types.ts";
import { multipartBoundary } from "./read-request.ts";

/** Room for the multipart framing and other fields around an upload's `file` part. */
export const MULTIPART_OVERHEAD_BYTES = 1024 * 1024;

/** `expires_in_seconds` must lie between one hour and ninety days. */
const MIN_EXPIRY_SECONDS = 3_600;
const MAX_EXPIRY_SECONDS = 7_776_000;

/** A Files API call on one file. */
export interface FileCall {
  operation: "retrieveMetadata" | "download" | "delete";
  fileId: string;
}

/** A Files API call recognised from method and path. */
export type FilesCall = { operation: "upload" } | { operation: "list" } | FileCall;

/** Which Files API call a request is, or undefined when it is none. */
export function filesCall(method: string, path: string): FilesCall | undefined {
  if (path === "/v1/files") {
    if (method === "POST") return { operation: "upload" };
    if (method === "GET") return { operation: "list" };
    return undefined;
  }
  const match = /^\/v1\/files\/([^/]+)(\/content)?$/.exec(path);
  const encoded = match?.[1];
  if (encoded === undefined) return undefined;
  let fileId = encoded;
  try {
    fileId = decodeURIComponent(encoded);
  } catch {
    // A malformed escape is just an id no file has: the lookup answers 404.
  }
  if (match?.[2] !== undefined) return method === "GET" ? { operation: "download", fileId } : undefined;
  if (method === "GET") return { operation: "retrieveMetadata", fileId };
  if (method === "DELETE") return { operation: "delete", fileId };
  return undefined;
}

function parseExpiry(raw: string | undefined): number | string | undefined {
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  return Number.isInteger(seconds) && seconds >= MIN_EXPIRY_SECONDS && seconds <= MAX_EXPIRY_SECONDS
    ? seconds
    : `expires_in_seconds: must be an integer from ${MIN_EXPIRY_SECONDS} to ${MAX_EXPIRY_SECONDS}`;
}

function sendTooLarge(exchange: Exchange, size: number, state: FakeState): void {
  sendApiError(
    exchange.res,
    413,
    "request_too_large",
    `File of ${size} bytes exceeds the maximum file size of ${state.maxFileBytes} bytes`,
  );
}

function upload(exchange: Exchange, state: FakeState, beta: boolean): void {
  const { body, record } = exchange;
  if (body.truncated) {
    sendTooLarge(exchange, body.size, state);
    return;
  }
  const boundary = multipartBoundary(record.headers["content-type"]);
  if (boundary === undefined) {
    sendApiError(exchange.res, 400, "invalid_request_error", "Expected a multipart/form-data body");
    return;
  }
  let form: ReturnType<typeof parseMultipart>;
  try {
    form = parseMultipart(body.bytes, boundary);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    sendApiError(exchange.res, 400, "invalid_request_error", `Malformed multipart body: ${reason}`);
    return;
  }
  const part = form.files.get("file");
  if (!part) {
    sendApiError(exchange.res, 400, "invalid_request_error", "file: Field required");
    return;
  }
  record.upload = { filename: part.fileName, contentType: part.contentType, sizeBytes: part.bytes.length };
  if (part.bytes.length > state.maxFileBytes) {
    sendTooLarge(exchange, part.bytes.length, state);
    return;
  }
  const expiresInSeconds = parseExpiry(form.fields.get("expires_in_seconds"));
  if (typeof expiresInSeconds === "string") {
    sendApiError(exchange.res, 400, "invalid_request_error", expiresInSeconds);
    return;
  }
  const mimeType = storedMimeType(part.fileName, part.contentType);
  const file = state.files.add({
    filename: storedFileName(part.fileName, mimeType),
    mimeType,
    bytes: part.bytes,
    // Only files a tool produced can be downloaded; an upload never can.
    downloadable: false,
    expiresInSeconds,
  });
  sendJson(exchange.res, 200, fileMetadata(file, beta));
}

function list(exchange: Exchange, state: FakeState, beta: boolean): void {
  const query = new URL(exchange.record.url, "http://fake.invalid").searchParams;
  const files = state.files.newestFirst();
  const data = (page: readonly FileRecord[]) => page.map((file) => fileMetadata(file, beta));
  if (beta) {
    const result = idPage(files, query);
    if (!result.ok) {
      sendApiError(exchange.res, 400, "invalid_request_error", result.problem);
      return;
    }
    const { files: shown, hasMore } = result.page;
    sendJson(exchange.res, 200, {
      data: data(shown),
      has_more: hasMore,
      first_id: shown[0]?.id ?? null,
      last_id: shown.at(-1)?.id ?? null,
    });
    return;
  }
  const result = cursorPage(files, query);
  if (!result.ok) {
    sendApiError(exchange.res, 400, "invalid_request_error", result.problem);
    return;
  }
  sendJson(exchange.res, 200, { data: data(result.page.files), next_page: result.page.nextPage });
}

function download(exchange: Exchange, file: FileRecord): void {
  if (isExpired(file)) {
    sendApiError(exchange.res, 404, "not_found_error", `File ${file.id} has expired`, {}, "file_expired");
  } else if (!file.downloadable) {
    sendApiError(
      exchange.res,
      400,
      "invalid_request_error",
      `File ${file.id} is not downloadable: only files created by tools can be downloaded`,
      {},
      "file_not_downloadable",
    );
  } else {
    sendBytes(exchange.res, file.bytes, file.mimeType);
  }
}

function answerFile(exchange: Exchange, state: FakeState, call: FileCall, beta: boolean): void {
  const file = state.files.get(call.fileId);
  if (!file) {
    sendApiError(exchange.res, 404, "not_found_error", `File not found: ${call.fileId}`);
    return;
  }
  switch (call.operation) {
    case "retrieveMetadata":
      sendJson(exchange.res, 200, fileMetadata(file, beta));
      return;
    case "download":
      download(exchange, file);
      return;
    case "delete":
      state.files.delete(file.id);
      sendJson(exchange.res, 200, { id: file.id, type: "file_deleted" });
      return;
    default:
      unreachable(call.operation);
  }
}

/** Answers one Files API call: an injected fault if one is planned, else the operation. */
export function answerFiles(exchange: Exchange, state: FakeState, call: FilesCall): void {
  const fault = state.fileFaults.take(call.operation);
  if (fault) {
    sendApiError(
      exchange.res,
      fault.status,
      fault.errorType,
      fault.message,
      retryHeaders(fault),
      fault.errorCode,
    );
    return;
  }
  // Beta callers keep getting the beta shapes, as the API promises.
  const beta = usesFilesBeta(exchange.record.headers);
  switch (call.operation) {
    case "upload":
      upload(exchange, state, beta);
      return;
    case "list":
      list(exchange, state, beta);
      return;
    case "retrieveMetadata":
    case "download":
    case "delete":
      answerFile(exchange, state, call, beta);
      return;
    default:
      unreachable(call);
  }
}

function unreachable(call: never): never {
  throw new Error(`fake anthropic: unknown files call ${JSON.stringify(call)}`);
}
