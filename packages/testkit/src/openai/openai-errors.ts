import type { ServerResponse } from "node:http";
import { sendJson } from "../shared/http-io.ts";
import type { OpenAIFailure } from "./types.ts";

/** OpenAI's error object: `{"error": {message, type, param, code}}`. */
export interface OpenAIErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/** Sends text with its content type (the `text`, `srt` and `vtt` response formats). */
export function sendText(res: ServerResponse, text: string, contentType: string): void {
  res.writeHead(200, {
    "content-type": `${contentType}; charset=utf-8`,
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Sends an error as OpenAI does; the SDK picks the error class from the status. */
export function sendOpenAIError(
  res: ServerResponse,
  status: number,
  error: OpenAIErrorBody,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendJson(res, status, { error }, headers);
}

/** A 400 `invalid_request_error` about one parameter. */
export function invalidRequest(
  param: string | null,
  message: string,
  code: string | null = null,
): OpenAIErrorBody {
  return { message, type: "invalid_request_error", param, code };
}

function defaultType(status: number): string {
  if (status === 429) return "requests";
  return status >= 500 ? "server_error" : "invalid_request_error";
}

function defaultMessage(status: number): string {
  if (status === 429) return "Rate limit reached for requests. Please try again later.";
  if (status >= 500) return "The server had an error while processing your request. Sorry about that!";
  return `Request failed with status ${status}.`;
}

/** Sends a scripted or injected error, filling what it leaves out by status. */
export function sendScriptedError(res: ServerResponse, failure: OpenAIFailure): void {
  const headers: Record<string, string> = {};
  if (failure.retryAfterSeconds !== undefined) headers["retry-after"] = String(failure.retryAfterSeconds);
  if (failure.shouldRetry !== undefined) headers["x-should-retry"] = String(failure.shouldRetry);
  sendOpenAIError(
    res,
    failure.status,
    {
      message: failure.message ?? defaultMessage(failure.status),
      type: failure.type ?? defaultType(failure.status),
      param: failure.param ?? null,
      code: failure.code !== undefined ? failure.code : failure.status === 429 ? "rate_limit_exceeded" : null,
    },
    headers,
  );
}

/**
 * The fake's own failures (nothing scripted, an unsupported option) are a 500 the SDK will not
 * retry, so a forgotten script fails the test at once instead of after backoff.
 */
export function sendFakeFailure(res: ServerResponse, message: string): void {
  sendOpenAIError(
    res,
    500,
    { message: `fake openai: ${message}`, type: "server_error", param: null, code: null },
    { "x-should-retry": "false" },
  );
}
