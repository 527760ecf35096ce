import Anthropic from "@anthropic-ai/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeAnthropic, type FakeAnthropicOptions, startFakeAnthropic } from "../src/index.ts";

const fakes: FakeAnthropic[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(
  options: FakeAnthropicOptions = {},
): Promise<{ fake: FakeAnthropic; client: Anthropic }> {
  const fake = await startFakeAnthropic(options);
  fakes.push(fake);
  return { fake, client: new Anthropic({ baseURL: fake.baseURL, apiKey: "test-key", maxRetries: 0 }) };
}

const question = {
  model: "claude-sonnet-5-5",
  max_tokens: 1024,
  messages: [{ role: "user" as const, content: "Hi" }],
};

/** Twenty one-word tokens. */
const twentyTokens = Array.from({ length: 20 }, (_, i) => `w${i}`).join(" ");

describe("given a request from the SDK", () => {
  it("when it is recorded, then model, system with cache_control, messages and SDK headers are kept", async () => {
    const { fake, client } = await setup();
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "ok" }] });
    const system = [
      {
        type: "text" as const,
        text: "You are a bot.",
        cache_control: { type: "ephemeral" as const, ttl: "1h" as const },
      },
    ];

    await client.messages.stream({ ...question, system }).finalMessage();

    const [request] = fake.requests;
    expect(request).toMatchObject({ method: "POST", path: "/v1/messages", completed: true, aborted: false });
    expect(request?.body).toMatchObject({
      model: "claude-sonnet-5-5",
      max_tokens: 1024,
      stream: true,
      system,
    });
    expect(request?.body.messages).toEqual(question.messages);
    expect(request?.headers["anthropic-version"]).toBe("2026-10-21");
    expect(request?.headers.authorization).toBe("Bearer test-key");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.rawBody ?? "")).toEqual(request?.body);
    expect(request?.receivedAt).toBeGreaterThan(Date.now() - 10_000);
  });

  it("when waited for, then waitForRequests resolves once the request has arrived", async () => {
    const { fake, client } = await setup();
    fake.enqueue({ kind: "hang" });

    const call = client.messages.create(question).catch(() => undefined);
    const [request] = await fake.waitForRequests(1);

    expect(request?.body.model).toBe("claude-sonnet-5-5");
    await fake.close();
    await call;
  });

  it("when more requests are awaited than arrive, then waitForRequests rejects after its timeout", async () => {
    const { fake } = await setup();

    await expect(fake.waitForRequests(1, 50)).rejects.toThrow(/waited 50 ms for 1 request\(s\), got 0/);
  });
});

describe("given a responder and queued scripts", () => {
  it("when requests arrive, then queued scripts go first and the responder sees the request", async () => {
    const { fake, client } = await setup();
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "queued" }] });
    fake.respondWith((request) => ({
      kind: "message",
      blocks: [{ type: "text", text: `echo ${String(request.body.model)}` }],
    }));

    const first = await client.messages.create(question);
    const second = await client.messages.create({ ...question, model: "claude-haiku-5-5" });

    expect(first.content[0]).toMatchObject({ text: "queued" });
    expect(second.content[0]).toMatchObject({ text: "echo claude-haiku-5-5" });
  });

  it("when the responder is async, then its script is awaited", async () => {
    const { fake, client } = await setup();
    fake.respondWith(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { kind: "message", blocks: [{ type: "text", text: "later" }] };
    });

    const message = await client.messages.stream(question).finalMessage();

    expect(message.content[0]).toMatchObject({ text: "later" });
  });
});

describe("given the count_tokens endpoint", () => {
  it("when no counter is set, then the SDK gets the deterministic JSON-length estimate", async () => {
    const { client } = await setup();
    const system = "Be brief.";

    const count = await client.messages.countTokens({
      model: question.model,
      messages: question.messages,
      system,
    });

    expect(count.input_tokens).toBe(
      Math.ceil(JSON.stringify({ system, messages: question.messages }).length / 4),
    );
  });

  it("when a counter is set, then both count_tokens and the default input usage use it", async () => {
    const { fake, client } = await setup();
    fake.countTokens((body) => (Array.isArray(body.messages) ? body.messages.length * 1000 : 0));
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "ok" }] });

    const count = await client.messages.countTokens({ model: question.model, messages: question.messages });
    const message = await client.messages.stream(question).finalMessage();

    expect(count.input_tokens).toBe(1000);
    expect(message.usage.input_tokens).toBe(1000);
    expect(fake.requests[0]?.path).toBe("/v1/messages/count_tokens");
  });
});

describe("given a pace of tokens per second", () => {
  it("when 20 tokens stream at 100 per second from the script, then it takes at least 150 ms", async () => {
    const { fake, client } = await setup();
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: twentyTokens }], tokensPerSecond: 100 });

    const startedAt = performance.now();
    const stream = client.messages.stream(question);
    let pieces = 0;
    stream.on("text", () => {
      pieces += 1;
    });
    await stream.finalMessage();

    expect(pieces).toBe(20);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(150);
  });

  it("when the pace is set on the server, then a non-streaming answer also waits for it", async () => {
    const { fake, client } = await setup({ tokensPerSecond: 100 });
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: twentyTokens }] });

    const startedAt = performance.now();
    await client.messages.create(question);

    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(150);
  });

  it("when the server is started with a non-positive pace, then it refuses", async () => {
    await expect(startFakeAnthropic({ tokensPerSecond: 0 })).rejects.toThrow(RangeError);
  });
});

describe("given the raw SSE wire format", () => {
  async function rawStream(fake: FakeAnthropic): Promise<{ response: Response; text: string }> {
    const response = await fetch(`${fake.baseURL}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...question, stream: true }),
    });
    return { response, text: await response.text() };
  }

  it("when read byte for byte, then every data line follows an event line naming the data's type", async () => {
    const { fake } = await setup();
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "one two three four" }], pingEvery: 2 });

    const { response, text } = await rawStream(fake);

    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("request-id")).toMatch(/^req_/);
    const events = text.trimEnd().split("\n\n");
    for (const event of events) {
      const [eventLine, dataLine, ...rest] = event.split("\n");
      expect(rest).toEqual([]);
      const name = eventLine?.replace(/^event: /, "");
      expect(JSON.parse(dataLine?.replace(/^data: /, "") ?? "").type).toBe(name);
    }
    expect(events.filter((event) => event.startsWith("event: ping"))).toHaveLength(2);
  });

  it("when message_delta is read raw, then it has the stop reason and cumulative usage", async () => {
    const { fake } = await setup();
    fake.enqueue({
      kind: "message",
      blocks: [{ type: "server_tool_use", name: "web_fetch", input: { url: "https://example.com" } }],
      stopReason: "pause_turn",
      usage: { input_tokens: 10, cache_read_input_tokens: 4, web_search_requests: 2 },
    });

    const { text } = await rawStream(fake);

    const deltaLine = text.split("\n").find((line) => line.startsWith('data: {"type":"message_delta"'));
    expect(JSON.parse(deltaLine?.slice("data: ".length) ?? "")).toMatchObject({
      delta: { stop_reason: "pause_turn", stop_sequence: null, stop_details: null },
      usage: {
        input_tokens: 10,
        cache_read_input_tokens: 4,
        cache_creation_input_tokens: 0,
        server_tool_use: { web_search_requests: 2, web_fetch_requests: 1 },
      },
    });
  });
});
