import type { ServerResponse } from "node:http";

/** Sends a JSON body; the `request-id` header is already set on `res`. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/**
 * Sends an error the way the API does: `{"type":"error","error":{"type","message"},"request_id"}`.
 * The SDK picks the error class from the status and reads `error.type` from the body.
 */
export function sendApiError(
  res: ServerResponse,
  status: number,
  errorType: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const requestId = res.getHeader("request-id");
  sendJson(
    res,
    status,
    {
      type: "error",
      error: { type: errorType, message },
      request_id: typeof requestId === "string" ? requestId : null,
    },
    headers,
  );
}

/**
 * The fake's own failures (nothing scripted, a responder that threw) are answered with a 500 the
 * SDK will not retry, so a forgotten script fails the test at once instead of after backoff.
 */
export function sendFakeFailure(res: ServerResponse, message: string): void {
  sendApiError(res, 500, "api_error", `fake anthropic: ${message}`, { "x-should-retry": "false" });
}
