/** Builders of raw Anthropic stream events (SDK 1.14 shapes) for mapper tests. */
import type {
  ContentBlock,
  MessageDeltaUsage,
  RawContentBlockDelta,
  RawMessageStreamEvent,
  StopReason,
  Usage,
} from "@anthropic-ai/sdk/resources/messages";

export function startUsage(overrides: Partial<Usage> = {}): Usage {
  return {
    input_tokens: 100,
    output_tokens: 1,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens_details: null,
    server_tool_use: null,
    inference_geo: null,
    service_tier: "standard",
    speed: null,
    ...overrides,
  };
}

export function messageStart(
  usage: Usage = startUsage(),
  id = "msg_1",
  model = "claude-sonnet-5-5",
): RawMessageStreamEvent {
  return {
    type: "message_start",
    message: {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [],
      container: null,
      diagnostics: null,
      stop_reason: null,
      stop_details: null,
      stop_sequence: null,
      usage,
    },
  };
}

export function blockStart(index: number, block: ContentBlock): RawMessageStreamEvent {
  return { type: "content_block_start", index, content_block: block };
}

export function blockDelta(index: number, delta: RawContentBlockDelta): RawMessageStreamEvent {
  return { type: "content_block_delta", index, delta };
}

export function blockStop(index: number): RawMessageStreamEvent {
  return { type: "content_block_stop", index };
}

export function deltaUsage(overrides: Partial<MessageDeltaUsage> = {}): MessageDeltaUsage {
  return {
    input_tokens: null,
    output_tokens: 10,
    cache_creation_input_tokens: null,
    cache_read_input_tokens: null,
    output_tokens_details: null,
    server_tool_use: null,
    ...overrides,
  };
}

export function messageDelta(
  stopReason: StopReason | null,
  usage: MessageDeltaUsage = deltaUsage(),
  stopDetails: Extract<RawMessageStreamEvent, { type: "message_delta" }>["delta"]["stop_details"] = null,
): RawMessageStreamEvent {
  return {
    type: "message_delta",
    delta: { stop_reason: stopReason, stop_details: stopDetails, stop_sequence: null, container: null },
    usage,
  };
}

export const messageStop: RawMessageStreamEvent = { type: "message_stop" };

export const textBlock: ContentBlock = { type: "text", text: "", citations: null };
export const thinkingBlock: ContentBlock = { type: "thinking", thinking: "", signature: "" };

export function toolUseBlock(id: string, name: string): ContentBlock {
  return { type: "tool_use", id, name, input: {}, caller: { type: "direct" } };
}
