import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  BadRequestError,
  InternalServerError,
  OverloadedError,
  RateLimitError,
} from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { LlmError, mapAnthropicError } from "../src/index.ts";

const before = { beforeFirstToken: true, callerAborted: false };

function body(type: string, message: string) {
  return { type: "error", error: { type, message } };
}

/** What the SDK throws for an HTTP error response, built the way the SDK builds it. */
function httpError(status: number, type: string, message: string, headers: Record<string, string> = {}) {
  return APIError.generate(status, body(type, message), undefined, new Headers(headers));
}

describe("given errors whose SDK class is a subclass of another mapped class", () => {
  it("when a 429 arrives, then it is rate_limited with retry-after, not a generic status error", () => {
    const error = httpError(429, "rate_limit_error", "slow down", { "retry-after": "7" });
    expect(error).toBeInstanceOf(RateLimitError);
    const mapped = mapAnthropicError(error, before);
    expect(mapped).toMatchObject({
      kind: "rate_limited",
      retryAfterSeconds: 7,
      status: 429,
      beforeFirstToken: true,
    });
    expect(mapped.cause).toBe(error);
  });

  it("when retry-after-ms is present, then it wins and is converted to seconds", () => {
    const error = httpError(429, "rate_limit_error", "x", { "retry-after-ms": "1500", "retry-after": "9" });
    expect(mapAnthropicError(error, before).retryAfterSeconds).toBe(1.5);
  });

  it("when a timeout happens, then it is timeout, not connection", () => {
    const error = new APIConnectionTimeoutError();
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(mapAnthropicError(error, before).kind).toBe("timeout");
  });

  it("when the connection fails, then it is connection", () => {
    expect(mapAnthropicError(new APIConnectionError({ message: "ECONNREFUSED" }), before).kind).toBe(
      "connection",
    );
  });

  it("when a 529 arrives, then it is overloaded, not a generic server error", () => {
    const error = httpError(529, "overloaded_error", "Overloaded");
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(mapAnthropicError(error, before).kind).toBe("overloaded");
  });

  it("when the SDK reports its own abort, then it is aborted (APIUserAbortError is an APIError too)", () => {
    const error = new APIUserAbortError();
    expect(error).toBeInstanceOf(APIError);
    expect(mapAnthropicError(error, before).kind).toBe("aborted");
  });
});

describe("given HTTP errors by status", () => {
  const cases: [number, string, string, LlmError["kind"]][] = [
    [400, "invalid_request_error", "max_tokens: Field required", "invalid_request"],
    [
      400,
      "invalid_request_error",
      "prompt is too long: 215000 tokens > 200000 maximum",
      "context_window_exceeded",
    ],
    [401, "authentication_error", "invalid x-api-key", "authentication"],
    [403, "permission_error", "no access", "authentication"],
    [404, "not_found_error", "model: claude-nope", "not_found"],
    [408, "timeout_error", "request timeout", "timeout"],
    [413, "request_too_large", "too big", "invalid_request"],
    [500, "api_error", "Internal server error", "server"],
    [500, "overloaded_error", "Overloaded", "overloaded"],
    [503, "api_error", "unavailable", "server"],
    [504, "timeout_error", "gateway timeout", "timeout"],
    [402, "billing_error", "credit balance too low", "authentication"],
  ];
  for (const [status, type, message, kind] of cases) {
    it(`when ${status} ${type} "${message}" arrives, then it maps to ${kind}`, () => {
      const mapped = mapAnthropicError(httpError(status, type, message), before);
      expect(mapped.kind).toBe(kind);
      expect(mapped.status).toBe(status);
    });
  }
  it("when a 400 says the prompt is too long, then it is context_window_exceeded, not invalid_request", () => {
    const error = httpError(
      400,
      "invalid_request_error",
      "prompt is too long: 1000001 tokens > 1000000 maximum",
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect(mapAnthropicError(error, before).kind).toBe("context_window_exceeded");
  });
});

describe("given errors inside a stream", () => {
  it("when the SDK throws an overloaded error event, then it is overloaded with beforeFirstToken as told", () => {
    const error = new APIError(undefined, body("overloaded_error", "Overloaded"), undefined, new Headers());
    const mapped = mapAnthropicError(error, { beforeFirstToken: false, callerAborted: false });
    expect(mapped.kind).toBe("overloaded");
    expect(mapped.beforeFirstToken).toBe(false);
  });

  it("when the SDK throws an api_error event, then it is server", () => {
    const error = new APIError(undefined, body("api_error", "boom"), undefined, new Headers());
    expect(mapAnthropicError(error, before).kind).toBe("server");
  });

  it("when the caller aborted, then any error is aborted", () => {
    const error = new APIConnectionError({ message: "socket closed" });
    expect(mapAnthropicError(error, { beforeFirstToken: false, callerAborted: true }).kind).toBe("aborted");
  });

  it("when an LlmError passes through, then only beforeFirstToken is corrected", () => {
    const original = new LlmError("overloaded", "x", { beforeFirstToken: true, retryAfterSeconds: 3 });
    const mapped = mapAnthropicError(original, { beforeFirstToken: false, callerAborted: false });
    expect(mapped).toMatchObject({ kind: "overloaded", beforeFirstToken: false, retryAfterSeconds: 3 });
  });

  it("when something unknown is thrown, then it is server with the original as cause", () => {
    const cause = new RangeError("weird");
    const mapped = mapAnthropicError(cause, before);
    expect(mapped.kind).toBe("server");
    expect(mapped.cause).toBe(cause);
  });

  it("when a DOM-style AbortError is thrown, then it is aborted", () => {
    const abort = new Error("The operation was aborted");
    abort.name = "AbortError";
    expect(mapAnthropicError(abort, before).kind).toBe("aborted");
  });
});
