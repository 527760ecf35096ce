import Anthropic from "@anthropic-ai/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { type AnthropicScriptCitation, type FakeAnthropic, startFakeAnthropic } from "../src/index.ts";

const fakes: FakeAnthropic[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(): Promise<{ fake: FakeAnthropic; client: Anthropic }> {
  const fake = await startFakeAnthropic();
  fakes.push(fake);
  return { fake, client: new Anthropic({ baseURL: fake.baseURL, apiKey: "test-key", maxRetries: 0 }) };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

const question = {
  model: "claude-sonnet-5-5",
  max_tokens: 1024,
  messages: [{ role: "user" as const, content: "Weather in Paris?" }],
};

const searchTool = { type: "web_search_20260318" as const, name: "web_search" as const, max_uses: 3 };
const fetchTool = { type: "web_fetch_20250910" as const, name: "web_fetch" as const };

const results = [
  {
    type: "web_search_result",
    url: "https://weather.example/paris",
    title: "Paris weather",
    encrypted_content: "enc-1",
    page_age: "2 hours ago",
  },
];

const citation: AnthropicScriptCitation = {
  type: "web_search_result_location",
  url: "https://weather.example/paris",
  title: "Paris weather",
  encrypted_index: "idx-1",
  cited_text: "Sunny, 24 degrees.",
};

function searchAnswer(): Parameters<FakeAnthropic["enqueue"]>[0] {
  return {
    kind: "message",
    blocks: [
      { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "paris weather" } },
      { type: "web_search_tool_result", toolUseId: "srvtoolu_1", content: results },
      { type: "text", text: "It is sunny in Paris.", citations: [citation] },
    ],
  };
}

describe("given a scripted web search with a cited answer", () => {
  it("when streamed with the tool offered, then finalMessage has the blocks, the citation and the search count", async () => {
    const { fake, client } = await setup();
    fake.enqueue(searchAnswer());

    const stream = client.messages.stream({ ...question, tools: [searchTool] });
    const citations: unknown[] = [];
    stream.on("citation", (received) => citations.push(received));
    const message = await stream.finalMessage();

    expect(message.content.map((block) => block.type)).toEqual([
      "server_tool_use",
      "web_search_tool_result",
      "text",
    ]);
    expect(message.content[0]).toMatchObject({ id: "srvtoolu_1", input: { query: "paris weather" } });
    expect(message.content[1]).toMatchObject({ tool_use_id: "srvtoolu_1", content: results });
    expect(message.content[2]).toMatchObject({ text: "It is sunny in Paris.", citations: [citation] });
    expect(citations).toEqual([citation]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.server_tool_use).toEqual({ web_search_requests: 1, web_fetch_requests: 0 });
    expect(fake.requests[0]?.body.tools).toEqual([searchTool]);
  });

  it("when read raw, then the tool input streams as input_json_delta and the citation precedes the text", async () => {
    const { fake, client } = await setup();
    fake.enqueue(searchAnswer());

    const events = [];
    for await (const event of await client.messages.create({
      ...question,
      tools: [searchTool],
      stream: true,
    })) {
      events.push(event);
    }

    const starts = events.filter((event) => event.type === "content_block_start");
    expect(starts[0]?.content_block).toMatchObject({ type: "server_tool_use", input: {} });
    expect(starts[1]?.content_block).toMatchObject({ type: "web_search_tool_result", content: results });
    const deltas = events.flatMap((event) => (event.type === "content_block_delta" ? [event] : []));
    const toolJson = deltas.filter((event) => event.index === 0).map((event) => event.delta);
    expect(toolJson.every((delta) => delta.type === "input_json_delta")).toBe(true);
    expect(
      toolJson.map((delta) => (delta.type === "input_json_delta" ? delta.partial_json : "")).join(""),
    ).toBe(JSON.stringify({ query: "paris weather" }));
    expect(deltas.filter((event) => event.index === 2).map((event) => event.delta.type)[0]).toBe(
      "citations_delta",
    );
    const messageDelta = events.find((event) => event.type === "message_delta");
    expect(messageDelta?.usage.server_tool_use).toEqual({ web_search_requests: 1, web_fetch_requests: 0 });
  });
});

describe("given a scripted web fetch", () => {
  const fetched = {
    type: "web_fetch_result",
    url: "https://example.com/post",
    retrieved_at: "2026-11-01T10:00:00Z",
    content: {
      type: "document",
      source: { type: "text", media_type: "text/plain", data: "Post body" },
      title: "A post",
      citations: null,
    },
  };

  it("when answered without streaming, then the result block and the fetch count come back", async () => {
    const { fake, client } = await setup();
    fake.enqueue({
      kind: "message",
      blocks: [
        { type: "server_tool_use", id: "srvtoolu_2", name: "web_fetch", input: { url: fetched.url } },
        { type: "web_fetch_tool_result", toolUseId: "srvtoolu_2", content: fetched },
        { type: "text", text: "The post says hello." },
      ],
    });

    const message = await client.messages.create({ ...question, tools: [fetchTool] });

    expect(message.content[1]).toEqual({
      type: "web_fetch_tool_result",
      tool_use_id: "srvtoolu_2",
      content: fetched,
      caller: { type: "direct" },
    });
    expect(message.usage.server_tool_use).toEqual({ web_search_requests: 0, web_fetch_requests: 1 });
  });

  it("when searches and fetches mix and usage is pinned, then the pinned counts win", async () => {
    const { fake, client } = await setup();
    fake.enqueue({
      kind: "message",
      blocks: [
        { type: "server_tool_use", name: "web_search", input: { query: "a" } },
        { type: "server_tool_use", name: "web_fetch", input: { url: "https://a.example" } },
      ],
      stopReason: "pause_turn",
      usage: { web_search_requests: 5 },
    });

    const message = await client.messages
      .stream({ ...question, tools: [searchTool, fetchTool] })
      .finalMessage();

    expect(message.stop_reason).toBe("pause_turn");
    expect(message.usage.server_tool_use).toEqual({ web_search_requests: 5, web_fetch_requests: 1 });
  });
});

describe("given requests offering server tools", () => {
  const versions = [
    { type: "web_search_20250305", name: "web_search" },
    { type: "web_search_20260209", name: "web_search" },
    { type: "web_search_20260318", name: "web_search" },
    { type: "web_fetch_20250910", name: "web_fetch" },
    { type: "web_fetch_20260209", name: "web_fetch" },
    { type: "web_fetch_20260309", name: "web_fetch" },
    { type: "web_fetch_20260318", name: "web_fetch" },
  ];

  it.each(versions)("when $type is offered, then count_tokens accepts it", async (tool) => {
    const { client } = await setup();

    const count = await client.messages.countTokens({
      model: question.model,
      messages: question.messages,
      tools: [tool as Anthropic.MessageCountTokensTool],
    });

    expect(count.input_tokens).toBeGreaterThan(0);
  });

  it("when an unknown server tool version is offered, then the message is rejected with 400 and no script is used", async () => {
    const { fake, client } = await setup();
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "later" }] });
    const unknown = { type: "web_search_20990101", name: "web_search" } as unknown as Anthropic.ToolUnion;

    const error = await caught(client.messages.create({ ...question, tools: [unknown] }));
    const next = await client.messages.create(question);

    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error instanceof Anthropic.APIError && error.type).toBe("invalid_request_error");
    expect(String(error)).toContain("tools.0: Input tag 'web_search_20990101'");
    expect(next.content[0]).toMatchObject({ text: "later" });
  });

  it.each([
    [
      "a server tool under the wrong name",
      [{ ...searchTool, name: "search" }],
      "tools.0.web_search_20260318.name",
    ],
    [
      "allowed and blocked domains together",
      [{ ...searchTool, allowed_domains: ["a"], blocked_domains: ["b"] }],
      "allowed_domains and blocked_domains",
    ],
    ["max_uses of zero", [{ ...fetchTool, max_uses: 0 }], "max_uses"],
    ["two tools of one name", [searchTool, searchTool], "Tool names must be unique"],
    ["a custom tool without a name", [{ input_schema: { type: "object" } }], "tools.0.custom.name"],
  ])("when %s is offered, then it is rejected with 400", async (_case, tools, message) => {
    const { client } = await setup();

    const error = await caught(
      client.messages.create({ ...question, tools: tools as unknown as Anthropic.ToolUnion[] }),
    );

    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(String(error)).toContain(message);
  });

  it("when tools are offered, then count_tokens adds the tool system prompt to the JSON estimate", async () => {
    const { client } = await setup();

    const without = await client.messages.countTokens({ model: question.model, messages: question.messages });
    const withTools = await client.messages.countTokens({
      model: question.model,
      messages: question.messages,
      tools: [searchTool],
    });

    const toolJson = Math.ceil(
      JSON.stringify({ messages: question.messages, tools: [searchTool] }).length / 4,
    );
    expect(without.input_tokens).toBe(Math.ceil(JSON.stringify({ messages: question.messages }).length / 4));
    expect(withTools.input_tokens).toBe(toolJson + 346);
  });
});
