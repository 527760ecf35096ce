import Anthropic from "@anthropic-ai/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeAnthropic, startFakeAnthropic } from "../src/index.ts";

const MODEL = "claude-sonnet-5-5";
const fakes: FakeAnthropic[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(): Promise<{ fake: FakeAnthropic; client: Anthropic }> {
  const fake = await startFakeAnthropic();
  fakes.push(fake);
  return { fake, client: new Anthropic({ baseURL: fake.baseURL, apiKey: "test-key", maxRetries: 0 }) };
}

const question = { model: MODEL, max_tokens: 1024, messages: [{ role: "user" as const, content: "Hi" }] };

describe("given a scripted text answer", () => {
  const text = "Hello there, this is a deliberately extraordinary answer.";

  it("when streamed with messages.stream, then the text arrives in several pieces and finalMessage has it all", async () => {
    const { fake, client } = await setup();
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text }] });

    const stream = client.messages.stream(question);
    const pieces: string[] = [];
    stream.on("text", (delta) => pieces.push(delta));
    const message = await stream.finalMessage();

    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join("")).toBe(text);
    expect(message.content).toEqual([{ type: "text", text, citations: null }]);
    expect(message.role).toBe("assistant");
    expect(message.model).toBe(MODEL);
    expect(message.id).toMatch(/^msg_[0-9A-Za-z]{24}$/);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.output_tokens).toBe(pieces.length);
  });

  it("when the text has emoji, long words and odd whitespace, then the pieces join back exactly", async () => {
    const { fake, client } = await setup();
    const tricky = "  Grüße 👋🏽👋🏽👋🏽 supercalifragilistic\n\n\tend  ";
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: tricky }] });

    const stream = client.messages.stream(question);
    const pieces: string[] = [];
    stream.on("text", (delta) => pieces.push(delta));
    await stream.finalMessage();

    expect(pieces.join("")).toBe(tricky);
    expect(pieces.every((piece) => Array.from(piece).length <= 8)).toBe(true);
  });

  it("when usage is scripted with cache numbers, then finalMessage usage carries them and the input estimate", async () => {
    const { fake, client } = await setup();
    fake.enqueue({
      kind: "message",
      blocks: [{ type: "text", text: "cached" }],
      usage: { cache_read_input_tokens: 100, ephemeral_5m_input_tokens: 20, ephemeral_1h_input_tokens: 30 },
    });
    const system = [
      { type: "text" as const, text: "Be brief.", cache_control: { type: "ephemeral" as const } },
    ];

    const message = await client.messages.stream({ ...question, system }).finalMessage();

    const estimate = Math.ceil(JSON.stringify({ system, messages: question.messages }).length / 4);
    expect(message.usage).toMatchObject({
      input_tokens: estimate,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 50,
      cache_creation: { ephemeral_5m_input_tokens: 20, ephemeral_1h_input_tokens: 30 },
      output_tokens: 1,
      server_tool_use: null,
    });
  });

  it("when pinned output and input tokens are scripted, then usage reports those instead of the counts", async () => {
    const { fake, client } = await setup();
    fake.enqueue({
      kind: "message",
      blocks: [{ type: "text", text }],
      usage: { input_tokens: 1234, output_tokens: 77 },
    });

    const message = await client.messages.stream(question).finalMessage();

    expect(message.usage.input_tokens).toBe(1234);
    expect(message.usage.output_tokens).toBe(77);
  });

  it("when requested with create({ stream: true }), then the raw events come in the API's order", async () => {
    const { fake, client } = await setup();
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "one two three" }] });

    const stream = await client.messages.create({ ...question, stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);

    expect(types).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });

  it("when message_start is read raw, then it has no content, a null stop reason and one output token", async () => {
    const { fake, client } = await setup();
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "hi" }], model: "claude-opus-5-5" });

    const stream = await client.messages.create({ ...question, stream: true });
    const events = [];
    for await (const event of stream) events.push(event);

    const start = events[0];
    expect(start?.type).toBe("message_start");
    if (start?.type !== "message_start") return;
    expect(start.message).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-opus-5-5",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        output_tokens: 1,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      },
    });
  });

  it("when requested without stream, then the whole message comes back as JSON", async () => {
    const { fake, client } = await setup();
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text }] });

    const message = await client.messages.create(question);

    expect(message.content).toEqual([{ type: "text", text, citations: null }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.output_tokens).toBeGreaterThan(5);
    expect(message._request_id).toMatch(/^req_/);
  });
});

describe("given a scripted thinking block before the text", () => {
  it("when streamed, then thinking arrives in pieces and the signature is kept", async () => {
    const { fake, client } = await setup();
    const thinking = "Let me think about this carefully before answering.";
    fake.enqueue({
      kind: "message",
      blocks: [
        { type: "thinking", thinking, signature: "sig-abc" },
        { type: "text", text: "Done." },
      ],
    });

    const stream = client.messages.stream(question);
    const pieces: string[] = [];
    stream.on("thinking", (delta) => pieces.push(delta));
    const message = await stream.finalMessage();

    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join("")).toBe(thinking);
    expect(message.content[0]).toEqual({ type: "thinking", thinking, signature: "sig-abc" });
    expect(message.content[1]).toMatchObject({ type: "text", text: "Done." });
    expect(message.usage.output_tokens_details).toEqual({ thinking_tokens: pieces.length });
  });

  it("when a redacted thinking block is scripted, then it comes back with its data unchanged", async () => {
    const { fake, client } = await setup();
    fake.enqueue({ kind: "message", blocks: [{ type: "redacted_thinking", data: "opaque==" }] });

    const message = await client.messages.stream(question).finalMessage();

    expect(message.content).toEqual([{ type: "redacted_thinking", data: "opaque==" }]);
  });
});

describe("given a scripted tool call", () => {
  const input = { city: "Paris", days: [1, 2, 3], options: { units: "metric", detailed: true } };

  it("when streamed, then the input assembled from input_json_delta equals the scripted input", async () => {
    const { fake, client } = await setup();
    fake.enqueue({ kind: "message", blocks: [{ type: "tool_use", id: "toolu_1", name: "weather", input }] });

    const stream = await client.messages.create({ ...question, stream: true });
    const fragments: string[] = [];
    for await (const event of stream) {
      if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") {
        fragments.push(event.delta.partial_json);
      }
    }

    expect(fragments.length).toBeGreaterThan(3);
    expect(JSON.parse(fragments.join(""))).toEqual(input);
  });

  it("when read through finalMessage, then the tool_use block has the input and the stop reason is tool_use", async () => {
    const { fake, client } = await setup();
    fake.enqueue({
      kind: "message",
      blocks: [
        { type: "text", text: "Checking." },
        { type: "tool_use", name: "weather", input },
      ],
    });

    const message = await client.messages.stream(question).finalMessage();

    expect(message.stop_reason).toBe("tool_use");
    expect(message.content[1]).toMatchObject({ type: "tool_use", name: "weather", input });
    const block = message.content[1];
    expect(block?.type === "tool_use" && block.id).toMatch(/^toolu_/);
  });
});

describe("given a scripted web search", () => {
  it("when streamed, then the server tool blocks arrive and usage counts the search", async () => {
    const { fake, client } = await setup();
    const results = [
      {
        type: "web_search_result",
        url: "https://example.com",
        title: "Example",
        encrypted_content: "enc",
        page_age: null,
      },
    ];
    fake.enqueue({
      kind: "message",
      blocks: [
        { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "weather paris" } },
        { type: "web_search_tool_result", toolUseId: "srvtoolu_1", content: results },
        { type: "text", text: "It is sunny." },
      ],
    });

    const message = await client.messages.stream(question).finalMessage();

    expect(message.content[0]).toMatchObject({
      type: "server_tool_use",
      id: "srvtoolu_1",
      name: "web_search",
      input: { query: "weather paris" },
    });
    expect(message.content[1]).toMatchObject({
      type: "web_search_tool_result",
      tool_use_id: "srvtoolu_1",
      content: results,
    });
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.server_tool_use).toEqual({ web_search_requests: 1, web_fetch_requests: 0 });
  });
});

describe("given scripted stop reasons", () => {
  it("when the answer is a refusal with details, then stop_reason and stop_details come through", async () => {
    const { fake, client } = await setup();
    const details = { type: "refusal" as const, category: "cyber" as const, explanation: "Not this." };
    fake.enqueue({ kind: "message", blocks: [], stopReason: "refusal", stopDetails: details });

    const message = await client.messages.stream(question).finalMessage();

    expect(message.stop_reason).toBe("refusal");
    expect(message.stop_details).toEqual(details);
  });

  it("when a refusal has no scripted details, then stop_details is a bare refusal", async () => {
    const { fake, client } = await setup();
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "I" }], stopReason: "refusal" });

    const message = await client.messages.create(question);

    expect(message.stop_details).toEqual({ type: "refusal", category: null, explanation: null });
  });

  it("when the answer hits max_tokens, then finalMessage reports max_tokens and no stop details", async () => {
    const { fake, client } = await setup();
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "cut off" }], stopReason: "max_tokens" });

    const message = await client.messages.stream(question).finalMessage();

    expect(message.stop_reason).toBe("max_tokens");
    expect(message.stop_details).toBeNull();
  });

  it("when the answer stops on a stop sequence, then the request's sequence is reported", async () => {
    const { fake, client } = await setup();
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "a" }], stopReason: "stop_sequence" });

    const message = await client.messages.create({ ...question, stop_sequences: ["END", "STOP"] });

    expect(message.stop_reason).toBe("stop_sequence");
    expect(message.stop_sequence).toBe("END");
  });
});
