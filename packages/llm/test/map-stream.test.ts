import { describe, expect, it } from "vitest";
import { type AnthropicStreamEvent, AnthropicStreamMapper, type LlmDelta, LlmError } from "../src/index.ts";
import {
  blockDelta,
  blockStart,
  blockStop,
  deltaUsage,
  messageDelta,
  messageStart,
  messageStop,
  startUsage,
  textBlock,
  thinkingBlock,
  toolUseBlock,
} from "./anthropic-events.ts";

function mapAll(events: readonly AnthropicStreamEvent[], mapper = new AnthropicStreamMapper()): LlmDelta[] {
  return events.flatMap((event) => mapper.map(event));
}

function thrownBy(work: () => unknown): LlmError {
  try {
    work();
  } catch (error) {
    if (error instanceof LlmError) return error;
    throw error;
  }
  throw new Error("expected an LlmError");
}

const done = (deltas: readonly LlmDelta[]) => {
  const last = deltas.at(-1);
  if (last?.type !== "done") throw new Error(`last delta is ${JSON.stringify(last)}`);
  return last;
};

describe("given a plain text answer", () => {
  const events: AnthropicStreamEvent[] = [
    messageStart(startUsage({ input_tokens: 12 })),
    { type: "ping" },
    blockStart(0, textBlock),
    blockDelta(0, { type: "text_delta", text: "Hel" }),
    { type: "ping" },
    blockDelta(0, { type: "text_delta", text: "lo" }),
    blockStop(0),
    messageDelta("end_turn", deltaUsage({ output_tokens: 2 })),
    messageStop,
  ];

  it("when mapped, then usage comes first, text streams in order, pings vanish, done closes", () => {
    const deltas = mapAll(events);
    expect(deltas.map((delta) => delta.type)).toEqual(["usage", "text", "text", "usage", "done"]);
    expect(deltas.filter((delta) => delta.type === "text")).toEqual([
      { type: "text", text: "Hel" },
      { type: "text", text: "lo" },
    ]);
  });

  it("when done, then it carries the assembled turn, final usage, model and message id", () => {
    expect(done(mapAll(events))).toEqual({
      type: "done",
      stopReason: "end_turn",
      content: [{ type: "text", text: "Hello" }],
      usage: {
        inputTokens: 12,
        outputTokens: 2,
        cacheWrite5mTokens: 0,
        cacheWrite1hTokens: 0,
        cacheReadTokens: 0,
        thinkingTokens: 0,
        webSearchRequests: 0,
      },
      model: "claude-sonnet-5-5",
      messageId: "msg_1",
    });
  });

  it("when the first usage is mapped, then it already holds the input tokens (before any text)", () => {
    const mapper = new AnthropicStreamMapper();
    const [first] = mapper.map(events[0] as AnthropicStreamEvent);
    expect(first).toMatchObject({ type: "usage", usage: { inputTokens: 12, outputTokens: 1 } });
    expect(mapper.emittedContent).toBe(false);
  });

  it("when only usage was mapped, then no content counts as emitted; after text it does", () => {
    const mapper = new AnthropicStreamMapper();
    mapAll(events.slice(0, 3), mapper);
    expect(mapper.emittedContent).toBe(false);
    mapAll(events.slice(3, 4), mapper);
    expect(mapper.emittedContent).toBe(true);
    expect(mapper.done).toBe(false);
    mapAll(events.slice(4), mapper);
    expect(mapper.done).toBe(true);
  });
});

describe("given thinking followed by a tool call", () => {
  const events: AnthropicStreamEvent[] = [
    messageStart(),
    blockStart(0, thinkingBlock),
    blockDelta(0, { type: "thinking_delta", thinking: "Let me " }),
    blockDelta(0, { type: "thinking_delta", thinking: "check." }),
    blockDelta(0, { type: "signature_delta", signature: "sig-abc" }),
    blockStop(0),
    blockStart(1, toolUseBlock("toolu_1", "get_weather")),
    blockDelta(1, { type: "input_json_delta", partial_json: '{"city": "Pa' }),
    blockDelta(1, { type: "input_json_delta", partial_json: 'ris", "days": 2}' }),
    blockStop(1),
    messageDelta(
      "tool_use",
      deltaUsage({ output_tokens: 40, output_tokens_details: { thinking_tokens: 25 } }),
    ),
    messageStop,
  ];

  it("when mapped, then thinking streams and the tool call arrives once, input parsed", () => {
    const deltas = mapAll(events).filter((delta) => delta.type !== "usage" && delta.type !== "done");
    expect(deltas).toEqual([
      { type: "thinking", text: "Let me " },
      { type: "thinking", text: "check." },
      { type: "tool_call", id: "toolu_1", name: "get_weather", input: { city: "Paris", days: 2 } },
    ]);
  });

  it("when done, then the turn holds the signed thinking block and the tool use, to send back", () => {
    const finished = done(mapAll(events));
    expect(finished.stopReason).toBe("tool_use");
    expect(finished.content).toEqual([
      { type: "thinking", thinking: "Let me check.", signature: "sig-abc" },
      { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris", days: 2 } },
    ]);
    expect(finished.usage).toMatchObject({ outputTokens: 40, thinkingTokens: 25 });
  });

  it("when a tool takes no input deltas, then its input is the one from content_block_start", () => {
    const deltas = mapAll([
      messageStart(),
      blockStart(0, toolUseBlock("toolu_2", "list_files")),
      blockStop(0),
      messageDelta("tool_use"),
      messageStop,
    ]);
    expect(deltas).toContainEqual({ type: "tool_call", id: "toolu_2", name: "list_files", input: {} });
  });

  it("when the tool input JSON is broken, then the mapper throws a server LlmError", () => {
    const mapper = new AnthropicStreamMapper();
    mapAll(
      [
        messageStart(),
        blockStart(0, toolUseBlock("t", "x")),
        blockDelta(0, { type: "input_json_delta", partial_json: '{"a":' }),
      ],
      mapper,
    );
    const error = thrownBy(() => mapper.map(blockStop(0)));
    expect(error.kind).toBe("server");
  });
});

describe("given a web search by the server", () => {
  const searchResult = {
    type: "web_search_tool_result" as const,
    tool_use_id: "srvtoolu_1",
    caller: { type: "direct" as const },
    content: [
      {
        type: "web_search_result" as const,
        url: "https://example.com",
        title: "Ex",
        encrypted_content: "enc",
        page_age: null,
      },
    ],
  };
  const events: AnthropicStreamEvent[] = [
    messageStart(),
    blockStart(0, {
      type: "server_tool_use",
      id: "srvtoolu_1",
      name: "web_search",
      input: {},
      caller: { type: "direct" },
    }),
    blockDelta(0, { type: "input_json_delta", partial_json: '{"query":"weather paris"}' }),
    blockStop(0),
    blockStart(1, searchResult),
    blockStop(1),
    blockStart(2, textBlock),
    blockDelta(2, { type: "text_delta", text: "Sunny." }),
    blockStop(2),
    messageDelta(
      "end_turn",
      deltaUsage({ server_tool_use: { web_search_requests: 1, web_fetch_requests: 0 } }),
    ),
    messageStop,
  ];

  it("when mapped, then the search use and its result are separate deltas", () => {
    const deltas = mapAll(events);
    expect(deltas).toContainEqual({
      type: "server_tool_use",
      id: "srvtoolu_1",
      name: "web_search",
      input: { query: "weather paris" },
    });
    expect(deltas).toContainEqual({ type: "server_tool_result", toolUseId: "srvtoolu_1", raw: searchResult });
  });

  it("when done, then both server blocks are kept verbatim (input parsed) and the search is counted", () => {
    const finished = done(mapAll(events));
    expect(finished.content).toEqual([
      {
        type: "server_tool_use",
        raw: {
          type: "server_tool_use",
          id: "srvtoolu_1",
          name: "web_search",
          input: { query: "weather paris" },
          caller: { type: "direct" },
        },
      },
      { type: "server_tool_result", raw: searchResult },
      { type: "text", text: "Sunny." },
    ]);
    expect(finished.usage.webSearchRequests).toBe(1);
  });
});

describe("given stop details and redacted thinking", () => {
  it("when the model refused, then done carries the stop details verbatim", () => {
    const details = { type: "refusal" as const, category: "cyber" as const, explanation: "no" };
    const finished = done(
      mapAll([messageStart(), messageDelta("refusal", deltaUsage(), details), messageStop]),
    );
    expect(finished.stopReason).toBe("refusal");
    expect(finished.stopDetails).toEqual(details);
    expect(finished.content).toEqual([]);
  });

  it("when thinking was redacted, then the opaque block is kept for the next turn", () => {
    const finished = done(
      mapAll([
        messageStart(),
        blockStart(0, { type: "redacted_thinking", data: "opaque" }),
        blockStop(0),
        messageDelta("end_turn"),
        messageStop,
      ]),
    );
    expect(finished.content).toEqual([{ type: "redacted_thinking", data: "opaque" }]);
  });
});

describe("given a stream that breaks", () => {
  it("when an overloaded error event arrives mid-answer, then it throws overloaded, not before the first token", () => {
    const mapper = new AnthropicStreamMapper();
    mapAll(
      [messageStart(), blockStart(0, textBlock), blockDelta(0, { type: "text_delta", text: "Hi" })],
      mapper,
    );
    const error = thrownBy(() =>
      mapper.map({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
    );
    expect(error.kind).toBe("overloaded");
    expect(error.beforeFirstToken).toBe(false);
  });

  it("when an api_error event arrives before any content, then it throws server, before the first token", () => {
    const mapper = new AnthropicStreamMapper();
    mapper.map(messageStart());
    const error = thrownBy(() => mapper.map({ type: "error", error: { type: "api_error" } }));
    expect(error.kind).toBe("server");
    expect(error.beforeFirstToken).toBe(true);
  });

  it("when a delta names an unknown block, then it is a protocol error", () => {
    const mapper = new AnthropicStreamMapper();
    mapper.map(messageStart());
    expect(thrownBy(() => mapper.map(blockDelta(3, { type: "text_delta", text: "x" }))).kind).toBe("server");
  });

  it("when content arrives before message_start, then it is a protocol error", () => {
    expect(thrownBy(() => new AnthropicStreamMapper().map(blockStart(0, textBlock))).kind).toBe("server");
  });

  it("when message_stop comes without a stop reason, then it is a protocol error", () => {
    const mapper = new AnthropicStreamMapper();
    mapAll([messageStart(), messageDelta(null)], mapper);
    expect(thrownBy(() => mapper.map(messageStop)).kind).toBe("server");
  });

  it("when a delta does not fit its block, then it is a protocol error", () => {
    const mapper = new AnthropicStreamMapper();
    mapAll([messageStart(), blockStart(0, textBlock)], mapper);
    expect(thrownBy(() => mapper.map(blockDelta(0, { type: "signature_delta", signature: "s" }))).kind).toBe(
      "server",
    );
  });
});
