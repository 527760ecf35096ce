import { type FakeAnthropic, type RecordedAnthropicRequest, startFakeAnthropic } from "@bot/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  AnthropicProvider,
  type AnthropicProviderOptions,
  type DoneDelta,
  type LlmDelta,
  LlmError,
  type LlmRequest,
} from "../src/index.ts";
import { caught, collect, drainUntilError } from "./helpers.ts";

const MODEL = "claude-sonnet-5-5";
const fakes: FakeAnthropic[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(options: Partial<AnthropicProviderOptions> = {}) {
  const fake = await startFakeAnthropic();
  fakes.push(fake);
  const provider = new AnthropicProvider({
    apiKey: "test-key",
    baseURL: fake.baseURL,
    maxRetries: 0,
    ...options,
  });
  return { fake, provider };
}

function request(overrides: Partial<LlmRequest> = {}): LlmRequest {
  return {
    model: MODEL,
    system: [{ text: "You are a bot.", cache: "1h" }],
    messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    maxTokens: 1024,
    ...overrides,
  };
}

function stream(
  provider: AnthropicProvider,
  req: LlmRequest = request(),
  signal = new AbortController().signal,
) {
  return provider.stream(req, signal);
}

function doneOf(deltas: readonly LlmDelta[]): DoneDelta {
  const last = deltas.at(-1);
  if (last?.type !== "done") throw new Error(`stream did not end with done: ${JSON.stringify(last)}`);
  return last;
}

function textOf(deltas: readonly LlmDelta[]): string {
  return deltas.flatMap((delta) => (delta.type === "text" ? [delta.text] : [])).join("");
}

function asLlmError(error: unknown): LlmError {
  if (!(error instanceof LlmError)) throw new Error(`expected an LlmError, got ${String(error)}`);
  return error;
}

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function firstRequest(fake: FakeAnthropic): RecordedAnthropicRequest {
  const [recorded] = fake.requests;
  if (recorded === undefined) throw new Error("the fake received no request");
  return recorded;
}

describe("given a scripted text answer", () => {
  it("when streamed, then the text arrives in pieces, usage first, and done carries the turn and usage", async () => {
    const { fake, provider } = await setup();
    fake.enqueue({
      kind: "message",
      blocks: [{ type: "text", text: "Hello there, how are you today?" }],
      usage: {
        input_tokens: 42,
        output_tokens: 9,
        cache_read_input_tokens: 1_000,
        ephemeral_5m_input_tokens: 200,
        ephemeral_1h_input_tokens: 100,
      },
    });

    const deltas = await collect(stream(provider));

    expect(deltas[0]).toMatchObject({ type: "usage", usage: { inputTokens: 42, cacheReadTokens: 1_000 } });
    expect(deltas.filter((delta) => delta.type === "text").length).toBeGreaterThan(3);
    expect(textOf(deltas)).toBe("Hello there, how are you today?");
    const done = doneOf(deltas);
    expect(done).toMatchObject({
      stopReason: "end_turn",
      content: [{ type: "text", text: "Hello there, how are you today?" }],
      model: MODEL,
      usage: {
        inputTokens: 42,
        outputTokens: 9,
        cacheWrite5mTokens: 200,
        cacheWrite1hTokens: 100,
        cacheReadTokens: 1_000,
        thinkingTokens: 0,
        webSearchRequests: 0,
      },
    });
    expect(done.messageId).toMatch(/^msg_/);
  });
});

describe("given thinking followed by a tool call", () => {
  it("when streamed, then thinking streams, the tool call arrives parsed, and done keeps the signature", async () => {
    const { fake, provider } = await setup();
    fake.enqueue({
      kind: "message",
      blocks: [
        { type: "thinking", thinking: "The user wants the weather.", signature: "sig-123" },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris", days: [1, 2] } },
      ],
    });

    const deltas = await collect(stream(provider, request({ thinking: { mode: "adaptive" } })));

    expect(
      deltas
        .filter((delta) => delta.type === "thinking")
        .map((delta) => delta.text)
        .join(""),
    ).toBe("The user wants the weather.");
    expect(deltas.filter((delta) => delta.type === "tool_call")).toEqual([
      { type: "tool_call", id: "toolu_1", name: "get_weather", input: { city: "Paris", days: [1, 2] } },
    ]);
    const done = doneOf(deltas);
    expect(done.stopReason).toBe("tool_use");
    expect(done.content).toEqual([
      { type: "thinking", thinking: "The user wants the weather.", signature: "sig-123" },
      { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris", days: [1, 2] } },
    ]);
    expect(done.usage.thinkingTokens).toBeGreaterThan(0);
    expect(done.usage.thinkingTokens).toBeLessThanOrEqual(done.usage.outputTokens);
  });

  it("when the turn is sent back with the tool result, then the thinking block goes back unchanged", async () => {
    const { fake, provider } = await setup();
    fake.enqueue(
      {
        kind: "message",
        blocks: [
          { type: "thinking", thinking: "Need a tool.", signature: "sig-xyz" },
          { type: "tool_use", id: "toolu_9", name: "calc", input: { x: 2 } },
        ],
      },
      { kind: "message", blocks: [{ type: "text", text: "It is 4." }] },
    );
    const first = doneOf(await collect(stream(provider)));
    const followUp = request({
      messages: [
        ...request().messages,
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", toolUseId: "toolu_9", content: "4" }] },
      ],
    });

    const second = await collect(stream(provider, followUp));

    expect(textOf(second)).toBe("It is 4.");
    const sent = fake.requests[1]?.body.messages as unknown[];
    expect(sent[1]).toEqual({
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Need a tool.", signature: "sig-xyz" },
        { type: "tool_use", id: "toolu_9", name: "calc", input: { x: 2 } },
      ],
    });
    expect(sent[2]).toEqual({
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "toolu_9", content: "4" }],
    });
  });
});

describe("given a server-side web search", () => {
  it("when streamed, then the search, its result and the search count come through", async () => {
    const { fake, provider } = await setup();
    const results = [
      {
        type: "web_search_result",
        url: "https://a.example",
        title: "A",
        encrypted_content: "e",
        page_age: null,
      },
    ];
    fake.enqueue({
      kind: "message",
      blocks: [
        { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "cats" } },
        { type: "web_search_tool_result", toolUseId: "srvtoolu_1", content: results },
        { type: "text", text: "Cats are great." },
      ],
    });

    const deltas = await collect(stream(provider, request({ tools: [{ type: "web_search", maxUses: 3 }] })));

    expect(deltas).toContainEqual({
      type: "server_tool_use",
      id: "srvtoolu_1",
      name: "web_search",
      input: { query: "cats" },
    });
    expect(deltas).toContainEqual(
      expect.objectContaining({ type: "server_tool_result", toolUseId: "srvtoolu_1" }),
    );
    expect(doneOf(deltas).usage.webSearchRequests).toBe(1);
    expect(firstRequest(fake).body.tools).toEqual([
      { type: "web_search_20260318", name: "web_search", max_uses: 3 },
    ]);
  });
});

describe("given a request with caching, thinking and effort", () => {
  it("when sent, then the body carries model, system cache_control, breakpoints, thinking, effort, stream", async () => {
    const { fake, provider } = await setup();
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "ok" }] });

    await collect(
      stream(
        provider,
        request({
          system: [
            { text: "Global rules.", cache: "1h" },
            { text: "Be terse.", cache: "5m" },
          ],
          messages: [
            { role: "user", content: [{ type: "text", text: "q1" }] },
            { role: "assistant", content: [{ type: "text", text: "a1" }] },
            { role: "user", content: [{ type: "text", text: "q2" }] },
          ],
          cacheBreakpoints: [1],
          thinking: { mode: "budget", budgetTokens: 2_048 },
          effort: "high",
          maxTokens: 4_096,
          metadata: { userId: "user-7" },
        }),
      ),
    );

    const { body, headers } = firstRequest(fake);
    expect(body).toMatchObject({
      model: MODEL,
      max_tokens: 4_096,
      stream: true,
      thinking: { type: "enabled", budget_tokens: 2_048 },
      output_config: { effort: "high" },
      metadata: { user_id: "user-7" },
      system: [
        { type: "text", text: "Global rules.", cache_control: { type: "ephemeral", ttl: "1h" } },
        { type: "text", text: "Be terse.", cache_control: { type: "ephemeral" } },
      ],
      messages: [
        { role: "user", content: [{ type: "text", text: "q1" }] },
        { role: "assistant", content: [{ type: "text", text: "a1", cache_control: { type: "ephemeral" } }] },
        { role: "user", content: [{ type: "text", text: "q2" }] },
      ],
    });
    expect(headers.authorization).toBe("Bearer test-key");
    expect(headers["anthropic-version"]).toBeDefined();
  });
});

describe("given HTTP errors before the stream starts", () => {
  it("when a 429 arrives, then rate_limited with retry-after, before the first token", async () => {
    const { fake, provider } = await setup();
    fake.enqueue({
      kind: "http_error",
      status: 429,
      errorType: "rate_limit_error",
      message: "Too many",
      retryAfterSeconds: 17,
    });

    const { deltas, error } = await drainUntilError(stream(provider));

    expect(deltas).toEqual([]);
    expect(asLlmError(error)).toMatchObject({
      kind: "rate_limited",
      retryAfterSeconds: 17,
      beforeFirstToken: true,
      status: 429,
    });
  });

  it("when a 429 precedes a success and retries are allowed, then the SDK retries and the stream succeeds", async () => {
    const { fake, provider } = await setup({ maxRetries: 2 });
    fake.enqueue(
      {
        kind: "http_error",
        status: 429,
        errorType: "rate_limit_error",
        message: "Too many",
        retryAfterSeconds: 0.01,
      },
      { kind: "message", blocks: [{ type: "text", text: "second time lucky" }] },
    );

    const deltas = await collect(stream(provider));

    expect(textOf(deltas)).toBe("second time lucky");
    expect(fake.requests).toHaveLength(2);
  });

  it("when a 529 arrives, then overloaded", async () => {
    const { fake, provider } = await setup();
    fake.enqueue({ kind: "http_error", status: 529, errorType: "overloaded_error", message: "Overloaded" });

    const { error } = await drainUntilError(stream(provider));

    expect(asLlmError(error)).toMatchObject({ kind: "overloaded", beforeFirstToken: true, status: 529 });
  });

  it("when the prompt is too long, then context_window_exceeded", async () => {
    const { fake, provider } = await setup();
    fake.enqueue({
      kind: "http_error",
      status: 400,
      errorType: "invalid_request_error",
      message: "prompt is too long: 1000123 tokens > 1000000 maximum",
    });

    const { error } = await drainUntilError(stream(provider));

    expect(asLlmError(error).kind).toBe("context_window_exceeded");
  });

  it("when the model does not exist, then not_found", async () => {
    const { fake, provider } = await setup();
    fake.enqueue({
      kind: "http_error",
      status: 404,
      errorType: "not_found_error",
      message: "model: claude-nope",
    });

    const { error } = await drainUntilError(stream(provider));

    expect(asLlmError(error).kind).toBe("not_found");
  });
});

describe("given a stream that breaks midway", () => {
  it("when an overloaded error event follows some text, then overloaded, not before the first token", async () => {
    const { fake, provider } = await setup();
    fake.enqueue({
      kind: "stream_error",
      afterBlocks: [{ type: "text", text: "Partial answer" }],
      errorType: "overloaded_error",
    });

    const { deltas, error } = await drainUntilError(stream(provider));

    expect(textOf(deltas)).toBe("Partial answer");
    expect(asLlmError(error)).toMatchObject({ kind: "overloaded", beforeFirstToken: false });
  });

  it("when an api_error event comes before any block, then server, before the first token", async () => {
    const { fake, provider } = await setup();
    fake.enqueue({ kind: "stream_error", afterBlocks: [], errorType: "api_error" });

    const { deltas, error } = await drainUntilError(stream(provider));

    expect(deltas.every((delta) => delta.type === "usage")).toBe(true);
    expect(asLlmError(error)).toMatchObject({ kind: "server", beforeFirstToken: true });
  });
});

describe("given a server that never answers", () => {
  it("when the timeout passes, then timeout (not connection)", async () => {
    const { fake, provider } = await setup({ timeoutMs: 300 });
    fake.enqueue({ kind: "hang" });

    const { error } = await drainUntilError(stream(provider));

    expect(asLlmError(error)).toMatchObject({ kind: "timeout", beforeFirstToken: true });
  });

  it("when a stream goes silent after its first tokens, then the idle watchdog ends it as timeout", async () => {
    const { fake, provider } = await setup({ streamIdleTimeoutMs: 300 });
    // One token every 5 s: the first arrives at once, the second never within the test.
    fake.enqueue({
      kind: "message",
      blocks: [{ type: "text", text: "slow slow slow" }],
      tokensPerSecond: 0.2,
    });

    const { deltas, error } = await drainUntilError(stream(provider));

    expect(textOf(deltas).length).toBeGreaterThan(0);
    expect(asLlmError(error)).toMatchObject({ kind: "timeout", beforeFirstToken: false });
    await until(() => firstRequest(fake).aborted);
  });
});

describe("given a caller who aborts", () => {
  it("when the signal aborts mid-stream, then aborted, and the fake sees the request aborted", async () => {
    const { fake, provider } = await setup();
    fake.enqueue({
      kind: "message",
      blocks: [{ type: "text", text: "one two three four five six seven eight nine ten" }],
      tokensPerSecond: 20,
    });
    const controller = new AbortController();
    const seen: LlmDelta[] = [];

    const error = await caught(
      (async () => {
        for await (const delta of provider.stream(request(), controller.signal)) {
          seen.push(delta);
          if (delta.type === "text") controller.abort();
        }
      })(),
    );

    expect(asLlmError(error)).toMatchObject({ kind: "aborted", beforeFirstToken: false });
    expect(seen.some((delta) => delta.type === "done")).toBe(false);
    await until(() => firstRequest(fake).aborted);
  });

  it("when the signal is already aborted, then aborted before the first token, without a request", async () => {
    const { fake, provider } = await setup();
    const controller = new AbortController();
    controller.abort();

    const { deltas, error } = await drainUntilError(provider.stream(request(), controller.signal));

    expect(deltas).toEqual([]);
    expect(asLlmError(error)).toMatchObject({ kind: "aborted", beforeFirstToken: true });
    expect(fake.requests).toHaveLength(0);
  });
});

describe("given a token count request", () => {
  it("when counted, then the provider's number comes back and the body is a count_tokens body", async () => {
    const { fake, provider } = await setup();
    fake.countTokens((body) => (Array.isArray(body.messages) ? 1_000 + body.messages.length : 0));

    const counted = await provider.countTokens(
      request({
        tools: [{ type: "function", name: "f", description: "d", inputSchema: {} }],
        thinking: { mode: "adaptive" },
      }),
    );

    expect(counted).toBe(1_001);
    const recorded = firstRequest(fake);
    expect(recorded.path).toBe("/v1/messages/count_tokens");
    expect(recorded.body).not.toHaveProperty("max_tokens");
    expect(recorded.body).not.toHaveProperty("stream");
    expect(recorded.body).toMatchObject({
      model: MODEL,
      thinking: { type: "adaptive" },
      tools: [{ name: "f", description: "d", input_schema: { type: "object" } }],
    });
  });

  it("when the key is wrong, then authentication", async () => {
    const fake = await startFakeAnthropic({ apiKey: "right-key" });
    fakes.push(fake);
    const provider = new AnthropicProvider({ apiKey: "wrong-key", baseURL: fake.baseURL, maxRetries: 0 });

    const error = await caught(provider.countTokens(request()));

    expect(asLlmError(error)).toMatchObject({ kind: "authentication", status: 401 });
  });
});
