import Anthropic from "@anthropic-ai/sdk";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type FakeAnthropic, type FakeAnthropicOptions, startFakeAnthropic } from "../src/index.ts";

const fakes: FakeAnthropic[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function start(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const fake = await startFakeAnthropic(options);
  fakes.push(fake);
  return fake;
}

function clientFor(fake: FakeAnthropic, overrides: { maxRetries?: number; timeout?: number } = {}) {
  return new Anthropic({ baseURL: fake.baseURL, apiKey: "test-key", maxRetries: 0, ...overrides });
}

/** The rejection of a promise that must reject. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

const question = {
  model: "claude-sonnet-5-5",
  max_tokens: 1024,
  messages: [{ role: "user" as const, content: "Hi" }],
};

describe("given a scripted 429 rate limit", () => {
  it("when the SDK calls, then it throws RateLimitError with retry-after, type and request id readable", async () => {
    const fake = await start();
    fake.enqueue({
      kind: "http_error",
      status: 429,
      errorType: "rate_limit_error",
      message: "slow down",
      retryAfterSeconds: 7,
    });

    const error = await rejectionOf(clientFor(fake).messages.create(question));

    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    if (!(error instanceof Anthropic.RateLimitError)) return;
    expect(error.status).toBe(429);
    expect(error.headers.get("retry-after")).toBe("7");
    expect(error.type).toBe("rate_limit_error");
    expect(error.apiMessage).toBe("slow down");
    expect(error.requestID).toBe(fake.requests[0]?.requestId);
    expect(error.requestID).toMatch(/^req_/);
  });

  it("when the SDK may retry once, then it consumes the error script and then the answer", async () => {
    const fake = await start();
    fake.enqueue(
      {
        kind: "http_error",
        status: 429,
        errorType: "rate_limit_error",
        message: "slow down",
        retryAfterSeconds: 0.01,
      },
      { kind: "message", blocks: [{ type: "text", text: "after retry" }] },
    );

    const message = await clientFor(fake, { maxRetries: 1 }).messages.create(question);

    expect(message.content[0]).toMatchObject({ text: "after retry" });
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]?.headers["x-stainless-retry-count"]).toBe("1");
  });

  it("when the script forbids retrying, then the SDK gives up after one request", async () => {
    const fake = await start();
    fake.enqueue({
      kind: "http_error",
      status: 429,
      errorType: "rate_limit_error",
      message: "no",
      shouldRetry: false,
    });

    const error = await rejectionOf(clientFor(fake, { maxRetries: 2 }).messages.create(question));

    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(fake.requests).toHaveLength(1);
  });
});

describe("given a scripted 529 overload", () => {
  it("when the SDK streams, then it throws an APIError with status 529 and the overloaded_error body", async () => {
    const fake = await start();
    fake.enqueue({ kind: "http_error", status: 529, errorType: "overloaded_error", message: "Overloaded" });

    const error = await rejectionOf(clientFor(fake).messages.stream(question).finalMessage());

    expect(error).toBeInstanceOf(Anthropic.APIError);
    if (!(error instanceof Anthropic.APIError)) return;
    expect(error.status).toBe(529);
    expect(error.type).toBe("overloaded_error");
    expect(error.error).toMatchObject({
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
    });
  });
});

describe("given a scripted mid-stream error", () => {
  it("when streamed with messages.stream, then the text before it arrives and the stream throws the error type", async () => {
    const fake = await start();
    fake.enqueue({
      kind: "stream_error",
      afterBlocks: [{ type: "text", text: "partial answer" }],
      errorType: "overloaded_error",
    });

    const stream = clientFor(fake).messages.stream(question);
    let received = "";
    stream.on("text", (delta) => {
      received += delta;
    });
    const error = await rejectionOf(stream.finalMessage());

    expect(received).toBe("partial answer");
    expect(error).toBeInstanceOf(Anthropic.APIError);
    if (!(error instanceof Anthropic.APIError)) return;
    expect(error.type).toBe("overloaded_error");
    expect(error.apiMessage).toBe("Overloaded");
  });

  it("when iterated raw, then the iteration throws after the block events", async () => {
    const fake = await start();
    fake.enqueue({ kind: "stream_error", afterBlocks: [], errorType: "api_error", message: "boom" });

    const stream = await clientFor(fake).messages.create({ ...question, stream: true });
    const types: string[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const event of stream) types.push(event.type);
      })(),
    );

    expect(types).toEqual(["message_start"]);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error instanceof Anthropic.APIError && error.type).toBe("api_error");
  });

  it("when the request did not stream, then the error comes back as its HTTP status", async () => {
    const fake = await start();
    fake.enqueue({ kind: "stream_error", afterBlocks: [], errorType: "overloaded_error" });

    const error = await rejectionOf(clientFor(fake).messages.create(question));

    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error instanceof Anthropic.APIError && error.status).toBe(529);
  });
});

describe("given a request that hangs", () => {
  it("when the SDK timeout passes, then it throws APIConnectionTimeoutError and the request is aborted", async () => {
    const fake = await start();
    fake.enqueue({ kind: "hang" });

    const error = await rejectionOf(clientFor(fake, { timeout: 200 }).messages.create(question));

    expect(error).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    await vi.waitFor(() => expect(fake.requests[0]?.aborted).toBe(true));
    expect(fake.requests[0]?.completed).toBe(false);
  });

  it("when the server closes, then close() returns although the request never got an answer", async () => {
    const fake = await start();
    fake.enqueue({ kind: "hang" });
    const pending = rejectionOf(clientFor(fake).messages.create(question));
    await fake.waitForRequests(1);

    await fake.close();

    expect(await pending).toBeInstanceOf(Anthropic.APIConnectionError);
    expect(fake.requests[0]?.completed).toBe(false);
  });
});

describe("given a slow stream", () => {
  it("when the client aborts after the first piece, then the request is marked aborted and not completed", async () => {
    const fake = await start();
    const text = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text }], tokensPerSecond: 50 });
    const controller = new AbortController();

    const stream = clientFor(fake).messages.stream(question, { signal: controller.signal });
    stream.on("text", () => controller.abort());
    const error = await rejectionOf(stream.finalMessage());

    expect(error).toBeInstanceOf(Anthropic.APIUserAbortError);
    await vi.waitFor(() => expect(fake.requests[0]?.aborted).toBe(true));
    expect(fake.requests[0]?.completed).toBe(false);
  });

  it("when the client reads to the end, then the request is completed and not aborted", async () => {
    const fake = await start();
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "short one" }] });

    await clientFor(fake).messages.stream(question).finalMessage();

    await vi.waitFor(() => expect(fake.requests[0]?.completed).toBe(true));
    expect(fake.requests[0]?.aborted).toBe(false);
  });
});

describe("given nothing scripted", () => {
  it("when a message is requested, then a 500 api_error says so and the SDK does not retry it", async () => {
    const fake = await start();

    const error = await rejectionOf(clientFor(fake, { maxRetries: 2 }).messages.create(question));

    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    if (!(error instanceof Anthropic.APIError)) return;
    expect(error.status).toBe(500);
    expect(error.type).toBe("api_error");
    expect(error.apiMessage).toBe("fake anthropic: no response scripted");
    expect(fake.requests).toHaveLength(1);
  });

  it("when the responder throws, then the 500 carries its message", async () => {
    const fake = await start();
    fake.respondWith(() => {
      throw new Error("responder bug");
    });

    const error = await rejectionOf(clientFor(fake).messages.create(question));

    expect(error instanceof Anthropic.APIError && error.apiMessage).toContain("responder bug");
  });
});

describe("given an unknown path or a bad body", () => {
  it("when the SDK lists models, then it gets NotFoundError with not_found_error", async () => {
    const fake = await start();

    const error = await rejectionOf(clientFor(fake).models.list());

    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect(error instanceof Anthropic.APIError && error.type).toBe("not_found_error");
    expect(fake.requests[0]).toMatchObject({ method: "GET", path: "/v1/models" });
  });

  it("when max_tokens is missing, then the request is rejected with 400 and no script is consumed", async () => {
    const fake = await start();
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "kept" }] });

    const response = await fetch(`${fake.baseURL}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [] }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error", message: "max_tokens: Field required" },
    });
    const message = await clientFor(fake).messages.create(question);
    expect(message.content[0]).toMatchObject({ text: "kept" });
  });
});

describe("given a fake that requires an API key", () => {
  it("when the SDK sends the wrong key, then it throws AuthenticationError", async () => {
    const fake = await start({ apiKey: "right-key" });
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "hi" }] });
    const client = new Anthropic({ baseURL: fake.baseURL, apiKey: "wrong-key", maxRetries: 0 });

    const error = await rejectionOf(client.messages.create(question));

    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(error instanceof Anthropic.APIError && error.type).toBe("authentication_error");
  });

  it("when the SDK sends the right key, then the request is answered and the bearer header recorded", async () => {
    const fake = await start({ apiKey: "right-key" });
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "hi" }] });
    const client = new Anthropic({ baseURL: fake.baseURL, apiKey: "right-key", maxRetries: 0 });

    const message = await client.messages.create(question);

    expect(message.content[0]).toMatchObject({ text: "hi" });
    expect(fake.requests[0]?.headers.authorization).toBe("Bearer right-key");
  });

  it("when a raw caller sends x-api-key, then it is accepted too", async () => {
    const fake = await start({ apiKey: "right-key" });

    const response = await fetch(`${fake.baseURL}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { "x-api-key": "right-key", "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [] }),
    });

    expect(response.status).toBe(200);
  });
});
