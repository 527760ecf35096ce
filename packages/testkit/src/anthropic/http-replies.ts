import type { ServerResponse } from "node:http";
import { sendJson } from "../shared/http-io.ts";

/** Sends raw bytes, e.g. a file's content. */
export function sendBytes(res: ServerResponse, bytes: Buffer, contentType: string): void {
  res.writeHead(200, { "content-type": contentType, "content-length": String(bytes.length) });
  res.end(bytes);
}

/**
 * Sends an error the way the API does: `{"type":"error","error":{"type","message"},"request_id"}`.
 * The SDK picks the error class from the status and reads `error.type` from the body; with
 * `errorCode`, `error.details.error_code` is set too, from which SDK 1.x picks a subclass (e.g.
 * `404 file_expired` → `FileExpiredError`).
 */
export function sendApiError(
  res: ServerResponse,
  status: number,
  errorType: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
  errorCode?: string,
): void {
  const requestId = res.getHeader("request-id");
  const details = errorCode === undefined ? {} : { details: { error_code: errorCode } };
  sendJson(
    res,
    status,
    {
      type: "error",
      error: { type: errorType, message, ...details },
      request_id: typeof requestId === "string" ? requestId : null,
    },
    headers,
  );
}

/** The headers an injected error carries: `retry-after` and `x-should-retry` when set. */
export function retryHeaders(fault: {
  retryAfterSeconds?: number;
  shouldRetry?: boolean;
}): Record<string, string> {
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
  if (fault.shouldRetry !== undefined) headers["x-should-retry"] = String(fault.shouldRetry);
  return headers;
}

/**
 * The fake's own failures (nothing scripted, a responder that threw) are answered with a 500 the
 * SDK will not retry, so a forgotten script fails the test at once instead of after backoff.
 */
export function sendFakeFailure(res: ServerResponse, message: string): void {
  sendApiError(res, 500, "api_error", `fake anthropic: ${message}`, { "x-should-retry": "false" });
}
