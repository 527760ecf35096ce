/**
 * Maps Anthropic's raw stream events to {@link LlmDelta}s. Deterministic and free of
 * I/O: feed it events in order, get deltas back; the adapter only moves bytes.
 *
 * Per block index it assembles text, thinking (+ signature), tool input JSON and
 * server-tool blocks, so that `done.content` is the complete assistant turn to send
 * back in a tool loop.
 */
import type {
  ContentBlock,
  RawContentBlockDelta,
  RawMessageStreamEvent,
  ServerToolUseBlock,
} from "@anthropic-ai/sdk/resources/messages";
import { LlmError } from "../llm-error.ts";
import type { ContentPart, LlmDelta, StopReason } from "../provider.ts";
import { kindForErrorType } from "./error-type.ts";
import {
  type AnthropicUsageState,
  applyMessageDeltaUsage,
  toTokenUsage,
  usageFromMessageStart,
} from "./map-usage.ts";

/**
 * An SSE `event: error` payload. The SDK throws these itself instead of yielding them;
 * the mapper accepts them too so a raw SSE transcript maps completely.
 */
export interface AnthropicStreamErrorEvent {
  readonly type: "error";
  readonly error: { readonly type: string; readonly message?: string };
}

/** A keep-alive; the SDK drops these, raw transcripts contain them. */
export interface AnthropicPingEvent {
  readonly type: "ping";
}

/** Everything the mapper accepts. */
export type AnthropicStreamEvent = RawMessageStreamEvent | AnthropicStreamErrorEvent | AnthropicPingEvent;

type BlockState =
  | { readonly kind: "text"; text: string }
  | { readonly kind: "thinking"; thinking: string; signature: string }
  | { readonly kind: "redacted_thinking"; readonly data: string }
  | { readonly kind: "tool_use"; readonly id: string; readonly name: string; json: string; input: unknown }
  | { readonly kind: "server_tool_use"; readonly block: ServerToolUseBlock; json: string; input: unknown }
  | { readonly kind: "server_tool_result"; readonly toolUseId: string | undefined; readonly raw: unknown };

/** Stateful per stream; create one per call. */
export class AnthropicStreamMapper {
  readonly #blocks = new Map<number, BlockState>();
  #usage: AnthropicUsageState | undefined;
  #messageId = "";
  #model = "";
  #stopReason: StopReason | null = null;
  #stopDetails: unknown = null;
  #emittedContent = false;
  #done = false;

  /** True once `message_stop` was mapped (the `done` delta was produced). */
  get done(): boolean {
    return this.#done;
  }

  /** True once any content delta (text, thinking, tool call, server tool) was produced. */
  get emittedContent(): boolean {
    return this.#emittedContent;
  }

  /**
   * Maps one event. Throws {@link LlmError}: "overloaded"/"server" for an `error` event,
   * "server" for a stream that breaks the protocol (unknown block index, bad tool JSON).
   */
  map(event: AnthropicStreamEvent): LlmDelta[] {
    if (this.#done) return [];
    const deltas = this.#mapEvent(event);
    if (deltas.some((delta) => delta.type !== "usage" && delta.type !== "done")) this.#emittedContent = true;
    return deltas;
  }

  #mapEvent(event: AnthropicStreamEvent): LlmDelta[] {
    switch (event.type) {
      case "message_start":
        this.#messageId = event.message.id;
        this.#model = event.message.model;
        this.#usage = usageFromMessageStart(event.message.usage);
        return [{ type: "usage", usage: toTokenUsage(this.#usage) }];
      case "content_block_start":
        return this.#startBlock(event.index, event.content_block);
      case "content_block_delta":
        return this.#applyDelta(event.index, event.delta);
      case "content_block_stop":
        return this.#stopBlock(event.index);
      case "message_delta":
        this.#stopReason = event.delta.stop_reason ?? this.#stopReason;
        this.#stopDetails = event.delta.stop_details ?? this.#stopDetails;
        this.#usage = applyMessageDeltaUsage(this.#requireStarted(), event.usage);
        return [{ type: "usage", usage: toTokenUsage(this.#usage) }];
      case "message_stop":
        return [this.#finish()];
      case "ping":
        return [];
      case "error":
        throw streamError(event, !this.#emittedContent);
      default: {
        const unreachable: never = event;
        throw this.#protocolError(`unknown stream event ${JSON.stringify(unreachable)}`);
      }
    }
  }

  #startBlock(index: number, block: ContentBlock): LlmDelta[] {
    this.#requireStarted();
    switch (block.type) {
      case "text":
        this.#blocks.set(index, { kind: "text", text: block.text });
        return block.text === "" ? [] : [{ type: "text", text: block.text }];
      case "thinking":
        this.#blocks.set(index, { kind: "thinking", thinking: block.thinking, signature: block.signature });
        return block.thinking === "" ? [] : [{ type: "thinking", text: block.thinking }];
      case "redacted_thinking":
        this.#blocks.set(index, { kind: "redacted_thinking", data: block.data });
        return [];
      case "tool_use":
        this.#blocks.set(index, {
          kind: "tool_use",
          id: block.id,
          name: block.name,
          json: "",
          input: block.input,
        });
        return [];
      case "server_tool_use":
        this.#blocks.set(index, { kind: "server_tool_use", block, json: "", input: block.input });
        return [];
      case "web_search_tool_result":
      case "web_fetch_tool_result":
      case "code_execution_tool_result":
      case "bash_code_execution_tool_result":
      case "text_editor_code_execution_tool_result":
      case "tool_search_tool_result":
        // Result blocks arrive complete in content_block_start.
        this.#blocks.set(index, { kind: "server_tool_result", toolUseId: block.tool_use_id, raw: block });
        return [{ type: "server_tool_result", toolUseId: block.tool_use_id, raw: block }];
      case "container_upload":
        // No tool call to attach it to; kept in the turn so it goes back unchanged.
        this.#blocks.set(index, { kind: "server_tool_result", toolUseId: undefined, raw: block });
        return [];
      default: {
        const unreachable: never = block;
        throw this.#protocolError(`unknown content block ${JSON.stringify(unreachable)}`);
      }
    }
  }

  #applyDelta(index: number, delta: RawContentBlockDelta): LlmDelta[] {
    const block = this.#blocks.get(index);
    if (block === undefined) throw this.#protocolError(`delta for unknown block index ${index}`);
    switch (delta.type) {
      case "text_delta":
        if (block.kind !== "text") throw this.#protocolError(`text_delta on a ${block.kind} block`);
        block.text += delta.text;
        return delta.text === "" ? [] : [{ type: "text", text: delta.text }];
      case "thinking_delta":
        if (block.kind !== "thinking") throw this.#protocolError(`thinking_delta on a ${block.kind} block`);
        block.thinking += delta.thinking;
        return delta.thinking === "" ? [] : [{ type: "thinking", text: delta.thinking }];
      case "signature_delta":
        if (block.kind !== "thinking") throw this.#protocolError(`signature_delta on a ${block.kind} block`);
        block.signature = delta.signature;
        return [];
      case "input_json_delta":
        if (block.kind !== "tool_use" && block.kind !== "server_tool_use") {
          throw this.#protocolError(`input_json_delta on a ${block.kind} block`);
        }
        block.json += delta.partial_json;
        return [];
      case "citations_delta":
        // Citations are not part of the normalised stream (yet); the text itself is.
        return [];
      default: {
        const unreachable: never = delta;
        throw this.#protocolError(`unknown delta ${JSON.stringify(unreachable)}`);
      }
    }
  }

  #stopBlock(index: number): LlmDelta[] {
    const block = this.#blocks.get(index);
    if (block === undefined) throw this.#protocolError(`stop for unknown block index ${index}`);
    switch (block.kind) {
      case "tool_use":
        block.input = this.#parseInput(block.json, block.input, block.name);
        return [{ type: "tool_call", id: block.id, name: block.name, input: block.input }];
      case "server_tool_use":
        block.input = this.#parseInput(block.json, block.input, block.block.name);
        return [{ type: "server_tool_use", id: block.block.id, name: block.block.name, input: block.input }];
      case "text":
      case "thinking":
      case "redacted_thinking":
      case "server_tool_result":
        return [];
      default: {
        const unreachable: never = block;
        throw this.#protocolError(`unknown block state ${JSON.stringify(unreachable)}`);
      }
    }
  }

  #parseInput(json: string, initial: unknown, toolName: string): unknown {
    // Without input_json_delta events the input is the one content_block_start carried.
    if (json === "") return initial ?? {};
    try {
      return JSON.parse(json);
    } catch (cause) {
      throw new LlmError("server", `tool "${toolName}" input is not valid JSON`, {
        cause,
        beforeFirstToken: !this.#emittedContent,
      });
    }
  }

  #finish(): LlmDelta {
    const usage = this.#requireStarted();
    if (this.#stopReason === null) throw this.#protocolError("message_stop before a stop_reason");
    this.#done = true;
    const content = [...this.#blocks.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, block]) => toContentPart(block));
    return {
      type: "done",
      stopReason: this.#stopReason,
      ...(this.#stopDetails === null ? {} : { stopDetails: this.#stopDetails }),
      content,
      usage: toTokenUsage(usage),
      model: this.#model,
      messageId: this.#messageId,
    };
  }

  #requireStarted(): AnthropicUsageState {
    if (this.#usage === undefined) throw this.#protocolError("event before message_start");
    return this.#usage;
  }

  #protocolError(message: string): LlmError {
    return new LlmError("server", `unexpected Anthropic stream: ${message}`, {
      beforeFirstToken: !this.#emittedContent,
    });
  }
}

function toContentPart(block: BlockState): ContentPart {
  switch (block.kind) {
    case "text":
      return { type: "text", text: block.text };
    case "thinking":
      return { type: "thinking", thinking: block.thinking, signature: block.signature };
    case "redacted_thinking":
      return { type: "redacted_thinking", data: block.data };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: block.input };
    case "server_tool_use":
      return { type: "server_tool_use", raw: { ...block.block, input: block.input } };
    case "server_tool_result":
      return { type: "server_tool_result", raw: block.raw };
    default: {
      const unreachable: never = block;
      throw new Error(`unknown block state ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * An `error` event as an {@link LlmError}: overloaded_error → "overloaded", other known
 * API error types by {@link kindForErrorType}, anything else (api_error) → "server".
 */
export function streamError(event: AnthropicStreamErrorEvent, beforeFirstToken: boolean): LlmError {
  const kind = kindForErrorType(event.error.type) ?? "server";
  const detail = event.error.message === undefined ? "" : `: ${event.error.message}`;
  return new LlmError(kind, `Anthropic stream error ${event.error.type}${detail}`, {
    cause: event,
    beforeFirstToken,
  });
}
