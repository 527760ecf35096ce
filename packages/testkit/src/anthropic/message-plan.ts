import { type PlannedBlock, planBlock } from "./block-plan.ts";
import { fakeId } from "./ids.ts";
import type { AnthropicMessageScript, AnthropicStopReason, ScriptBlock } from "./types.ts";
import { buildUsage } from "./usage.ts";
import type { JsonObject } from "./wire.ts";

/** What the request contributes to the answer. */
export interface MessageContext {
  requestedModel: string;
  inputTokens: number;
  stopSequences: readonly string[];
}

/** Everything needed to send one message, as JSON or as SSE. */
export interface MessagePlan {
  /** The finished message: the non-streaming response body. */
  message: JsonObject;
  /** The message as `message_start` carries it: no content, no stop reason yet. */
  startMessage: JsonObject;
  blocks: PlannedBlock[];
  /** `message_delta` payload (delta + cumulative usage). */
  messageDelta: JsonObject;
  /** Number of token deltas, i.e. what pacing applies to. */
  tokenCount: number;
}

function defaultStopReason(blocks: readonly ScriptBlock[]): AnthropicStopReason {
  return blocks.some((block) => block.type === "tool_use") ? "tool_use" : "end_turn";
}

function countServerTools(blocks: readonly ScriptBlock[], name: "web_search" | "web_fetch"): number {
  return blocks.filter((block) => block.type === "server_tool_use" && block.name === name).length;
}

/** Turns a message script into the message the fake sends for a request. */
export function planMessage(script: AnthropicMessageScript, context: MessageContext): MessagePlan {
  const blocks = script.blocks.map(planBlock);
  const deltas = blocks.flatMap((block) => block.deltas);
  const tokenCount = deltas.filter((delta) => delta.token).length;
  const thinkingTokens = script.blocks.some((block) => block.type === "thinking")
    ? deltas.filter((delta) => delta.delta.type === "thinking_delta").length
    : null;
  const usage = buildUsage(
    {
      inputTokens: context.inputTokens,
      outputTokens: tokenCount,
      thinkingTokens,
      webSearchRequests: countServerTools(script.blocks, "web_search"),
      webFetchRequests: countServerTools(script.blocks, "web_fetch"),
    },
    script.usage,
  );
  const stopReason = script.stopReason ?? defaultStopReason(script.blocks);
  const stop = {
    stop_reason: stopReason,
    stop_sequence:
      stopReason === "stop_sequence" ? (script.stopSequence ?? context.stopSequences[0] ?? null) : null,
    stop_details:
      script.stopDetails !== undefined
        ? script.stopDetails
        : stopReason === "refusal"
          ? { type: "refusal", category: null, explanation: null }
          : null,
  };
  const head = {
    id: fakeId("msg_"),
    type: "message",
    role: "assistant",
    model: script.model ?? context.requestedModel,
  };
  return {
    message: {
      ...head,
      content: blocks.map((block) => block.final),
      ...stop,
      container: null,
      diagnostics: null,
      usage: usage.final,
    },
    startMessage: {
      ...head,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: usage.atStart,
    },
    blocks,
    messageDelta: { type: "message_delta", delta: { ...stop, container: null }, usage: usage.delta },
    tokenCount,
  };
}
