import type { ContentBlockParam, MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import {
  buildAnthropicRequest,
  LlmError,
  type LlmMessage,
  type LlmRequest,
  MAX_CACHE_BREAKPOINTS,
  toCountTokensParams,
} from "../src/index.ts";

const user = (text: string): LlmMessage => ({ role: "user", content: [{ type: "text", text }] });
const assistant = (text: string): LlmMessage => ({ role: "assistant", content: [{ type: "text", text }] });

function request(overrides: Partial<LlmRequest> = {}): LlmRequest {
  return { model: "claude-sonnet-5-5", system: [], messages: [user("hi")], maxTokens: 1024, ...overrides };
}

function blocks(message: MessageParam | undefined): ContentBlockParam[] {
  if (message === undefined || typeof message.content === "string") throw new Error("expected block content");
  return message.content;
}

function marked(params: ReturnType<typeof buildAnthropicRequest>): string[] {
  const system = typeof params.system === "string" ? [] : (params.system ?? []);
  const systemMarks = system.flatMap((block, index) => (block.cache_control ? [`system:${index}`] : []));
  const messageMarks = params.messages.flatMap((message, index) =>
    blocks(message).some((block) => "cache_control" in block && block.cache_control)
      ? [`message:${index}`]
      : [],
  );
  return [...systemMarks, ...messageMarks];
}

describe("given a request with a system prompt", () => {
  it("when parts ask for caching, then 1h parts get ttl 1h and 5m parts the default ephemeral", () => {
    const params = buildAnthropicRequest(
      request({
        system: [{ text: "global", cache: "1h" }, { text: "persona" }, { text: "thread", cache: "5m" }],
      }),
    );
    expect(params.system).toEqual([
      { type: "text", text: "global", cache_control: { type: "ephemeral", ttl: "1h" } },
      { type: "text", text: "persona" },
      { type: "text", text: "thread", cache_control: { type: "ephemeral" } },
    ]);
  });

  it("when the system prompt is empty, then no system field is sent", () => {
    expect(buildAnthropicRequest(request({ system: [{ text: "" }] }))).not.toHaveProperty("system");
  });
});

describe("given cache breakpoints on messages", () => {
  const history = [user("a"), assistant("b"), user("c"), assistant("d"), user("e")];

  it("when one is asked for, then the last block of that message carries cache_control", () => {
    const params = buildAnthropicRequest(
      request({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "x" },
              { type: "text", text: "y" },
            ],
          },
          assistant("z"),
        ],
        cacheBreakpoints: [0],
      }),
    );
    expect(blocks(params.messages[0])).toEqual([
      { type: "text", text: "x" },
      { type: "text", text: "y", cache_control: { type: "ephemeral" } },
    ]);
    expect(blocks(params.messages[1])).toEqual([{ type: "text", text: "z" }]);
  });

  it("when more than 4 are asked for with the system's, then system ones stay and the newest messages fill up", () => {
    const params = buildAnthropicRequest(
      request({
        system: [
          { text: "g", cache: "1h" },
          { text: "t", cache: "5m" },
        ],
        messages: history,
        cacheBreakpoints: [0, 1, 2, 3, 4],
      }),
    );
    expect(marked(params)).toEqual(["system:0", "system:1", "message:3", "message:4"]);
  });

  it("when the same extra breakpoints come in another order or twice, then the same ones are kept", () => {
    const first = buildAnthropicRequest(request({ messages: history, cacheBreakpoints: [0, 1, 2, 3, 4] }));
    const second = buildAnthropicRequest(
      request({ messages: history, cacheBreakpoints: [4, 4, 2, 0, 3, 1] }),
    );
    expect(marked(first)).toEqual(["message:1", "message:2", "message:3", "message:4"]);
    expect(marked(second)).toEqual(marked(first));
    expect(marked(first)).toHaveLength(MAX_CACHE_BREAKPOINTS);
  });

  it("when a message ends with thinking, then the mark goes on the last block that can carry it", () => {
    const params = buildAnthropicRequest(
      request({
        messages: [
          user("q"),
          {
            role: "assistant",
            content: [
              { type: "text", text: "answer" },
              { type: "thinking", thinking: "t", signature: "s" },
            ],
          },
          user("more"),
        ],
        cacheBreakpoints: [1],
      }),
    );
    expect(blocks(params.messages[1])).toEqual([
      { type: "text", text: "answer", cache_control: { type: "ephemeral" } },
      { type: "thinking", thinking: "t", signature: "s" },
    ]);
  });

  it("when a breakpoint is not a message index, then the request is invalid", () => {
    expect(() => buildAnthropicRequest(request({ cacheBreakpoints: [5] }))).toThrow(LlmError);
  });
});

describe("given thinking, effort, tools and metadata", () => {
  it("when thinking is adaptive and effort set, then thinking adaptive and output_config.effort are sent", () => {
    const params = buildAnthropicRequest(request({ thinking: { mode: "adaptive" }, effort: "xhigh" }));
    expect(params.thinking).toEqual({ type: "adaptive" });
    expect(params.output_config).toEqual({ effort: "xhigh" });
  });

  it("when thinking has a budget, then it is sent as enabled with budget_tokens", () => {
    expect(
      buildAnthropicRequest(request({ thinking: { mode: "budget", budgetTokens: 4096 } })).thinking,
    ).toEqual({
      type: "enabled",
      budget_tokens: 4096,
    });
  });

  it("when neither is set, then neither field is sent", () => {
    const params = buildAnthropicRequest(request());
    expect(params).not.toHaveProperty("thinking");
    expect(params).not.toHaveProperty("output_config");
    expect(params).not.toHaveProperty("tools");
  });

  it("when tools are given, then functions get input_schema and server tools their dated types", () => {
    const params = buildAnthropicRequest(
      request({
        tools: [
          {
            type: "function",
            name: "get_weather",
            description: "Weather for a city",
            inputSchema: { properties: { city: { type: "string" } }, required: ["city"] },
          },
          { type: "web_search", maxUses: 5 },
          { type: "web_fetch", maxContentTokens: 50_000 },
        ],
      }),
    );
    expect(params.tools).toEqual([
      {
        name: "get_weather",
        description: "Weather for a city",
        input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
      { type: "web_search_20260318", name: "web_search", max_uses: 5 },
      { type: "web_fetch_20260318", name: "web_fetch", max_content_tokens: 50_000 },
    ]);
  });

  it("when server tool versions are configured, then those versions are sent", () => {
    const params = buildAnthropicRequest(
      request({ tools: [{ type: "web_search" }, { type: "web_fetch" }] }),
      {
        serverToolVersions: { webSearch: "web_search_20260209", webFetch: "web_fetch_20260209" },
      },
    );
    expect(params.tools).toEqual([
      { type: "web_search_20260209", name: "web_search" },
      { type: "web_fetch_20260209", name: "web_fetch" },
    ]);
  });

  it("when a user id and a temperature are given, then metadata.user_id is sent and temperature is not", () => {
    const params = buildAnthropicRequest(request({ metadata: { userId: "u-42" }, temperature: 0.2 }));
    expect(params.metadata).toEqual({ user_id: "u-42" });
    expect(params).not.toHaveProperty("temperature");
  });

  it("when max tokens is not a positive integer, then the request is invalid", () => {
    expect(() => buildAnthropicRequest(request({ maxTokens: 0 }))).toThrow(LlmError);
  });
});

describe("given rich message content", () => {
  it("when parts of every kind are sent, then each becomes its Anthropic block", () => {
    const webResult = { type: "web_search_tool_result", tool_use_id: "srv_1", content: [] };
    const params = buildAnthropicRequest(
      request({
        messages: [
          {
            role: "user",
            content: [
              { type: "image", fileId: "file_img" },
              { type: "image", base64: { mediaType: "image/png", data: "iVBOR" } },
              { type: "document", fileId: "file_doc" },
              { type: "document", base64: { mediaType: "application/pdf", data: "JVBER" } },
              {
                type: "document",
                base64: { mediaType: "text/plain", data: Buffer.from("notes").toString("base64") },
              },
              { type: "image" },
              { type: "image", base64: { mediaType: "image/tiff", data: "x" } },
            ],
          },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "hmm", signature: "sig" },
              { type: "redacted_thinking", data: "opaque" },
              {
                type: "server_tool_use",
                raw: { type: "server_tool_use", id: "srv_1", name: "web_search", input: {} },
              },
              { type: "server_tool_result", raw: webResult },
              { type: "tool_use", id: "toolu_1", name: "calc", input: { x: 1 } },
            ],
          },
          {
            role: "user",
            content: [
              { type: "tool_result", toolUseId: "toolu_1", content: "2" },
              {
                type: "tool_result",
                toolUseId: "toolu_2",
                content: [{ type: "text", text: "failed" }],
                isError: true,
              },
            ],
          },
        ],
      }),
    );
    expect(blocks(params.messages[0])).toEqual([
      { type: "image", source: { type: "file", file_id: "file_img" } },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } },
      { type: "document", source: { type: "file", file_id: "file_doc" } },
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBER" } },
      { type: "document", source: { type: "text", media_type: "text/plain", data: "notes" } },
      { type: "text", text: "[image unavailable]" },
      { type: "text", text: "[image unavailable]" },
    ]);
    expect(blocks(params.messages[1])).toEqual([
      { type: "thinking", thinking: "hmm", signature: "sig" },
      { type: "redacted_thinking", data: "opaque" },
      { type: "server_tool_use", id: "srv_1", name: "web_search", input: {} },
      webResult,
      { type: "tool_use", id: "toolu_1", name: "calc", input: { x: 1 } },
    ]);
    expect(blocks(params.messages[2])).toEqual([
      { type: "tool_result", tool_use_id: "toolu_1", content: "2" },
      {
        type: "tool_result",
        tool_use_id: "toolu_2",
        content: [{ type: "text", text: "failed" }],
        is_error: true,
      },
    ]);
  });

  it("when a server block is not an object with a type, then the request is invalid", () => {
    const bad = request({
      messages: [{ role: "assistant", content: [{ type: "server_tool_result", raw: "nope" }] }],
    });
    expect(() => buildAnthropicRequest(bad)).toThrow(LlmError);
  });

  it("when a tool result holds a tool call, then the request is invalid", () => {
    const bad = request({
      messages: [
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              toolUseId: "t",
              content: [{ type: "tool_use", id: "x", name: "y", input: {} }],
            },
          ],
        },
      ],
    });
    expect(() => buildAnthropicRequest(bad)).toThrow(/tool result cannot contain/);
  });
});

describe("given a built request", () => {
  it("when turned into count_tokens params, then max_tokens and metadata are left out, the rest kept", () => {
    const params = buildAnthropicRequest(
      request({
        system: [{ text: "s" }],
        thinking: { mode: "adaptive" },
        effort: "low",
        tools: [{ type: "web_search" }],
        metadata: { userId: "u" },
      }),
    );
    const count = toCountTokensParams(params);
    expect(count).toEqual({
      model: "claude-sonnet-5-5",
      messages: params.messages,
      system: params.system,
      thinking: { type: "adaptive" },
      output_config: { effort: "low" },
      tools: params.tools,
    });
  });
});
