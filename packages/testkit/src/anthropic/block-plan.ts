import { fakeId } from "./ids.ts";
import { splitIntoTokens, splitToolInput } from "./tokenize.ts";
import type { ScriptBlock } from "./types.ts";
import type { JsonObject } from "./wire.ts";

/** One `content_block_delta` payload; `token` deltas are paced and counted as output. */
export interface PlannedDelta {
  delta: JsonObject;
  token: boolean;
}

/** A script block turned into what the API sends for it, streamed and not. */
export interface PlannedBlock {
  /** `content_block_start.content_block`. */
  start: JsonObject;
  deltas: PlannedDelta[];
  /** The block in the finished message. */
  final: JsonObject;
}

// Blocks the model emits on its own carry a `direct` caller (the SDK types require `caller`).
const DIRECT_CALLER = { type: "direct" } as const;

function tokenDeltas(pieces: readonly string[], toDelta: (piece: string) => JsonObject): PlannedDelta[] {
  return pieces.map((piece) => ({ delta: toDelta(piece), token: true }));
}

function toolBlock(
  type: "tool_use" | "server_tool_use",
  id: string,
  name: string,
  input: unknown,
): PlannedBlock {
  const head = { type, id, name };
  return {
    // The API opens tool blocks with an empty input and streams the JSON in fragments.
    start: { ...head, input: {}, caller: DIRECT_CALLER },
    deltas: tokenDeltas(splitToolInput(input), (partial_json) => ({
      type: "input_json_delta",
      partial_json,
    })),
    final: { ...head, input: input ?? {}, caller: DIRECT_CALLER },
  };
}

/** Plans one block: its start shape, its deltas (text split into tokens) and its final shape. */
export function planBlock(block: ScriptBlock): PlannedBlock {
  switch (block.type) {
    case "text": {
      const citations = block.citations ?? [];
      return {
        start: { type: "text", text: "", citations: null },
        deltas: [
          // The API sends a block's citations before the text they back.
          ...citations.map((citation) => ({ delta: { type: "citations_delta", citation }, token: false })),
          ...tokenDeltas(splitIntoTokens(block.text), (text) => ({ type: "text_delta", text })),
        ],
        final: { type: "text", text: block.text, citations: citations.length > 0 ? [...citations] : null },
      };
    }
    case "thinking":
      return {
        start: { type: "thinking", thinking: "", signature: "" },
        deltas: [
          ...tokenDeltas(splitIntoTokens(block.thinking), (thinking) => ({
            type: "thinking_delta",
            thinking,
          })),
          // The signature arrives whole, just before the block stops.
          { delta: { type: "signature_delta", signature: block.signature }, token: false },
        ],
        final: { type: "thinking", thinking: block.thinking, signature: block.signature },
      };
    case "redacted_thinking":
      return {
        start: { type: "redacted_thinking", data: block.data },
        deltas: [],
        final: { type: "redacted_thinking", data: block.data },
      };
    case "tool_use":
      return toolBlock("tool_use", block.id ?? fakeId("toolu_"), block.name, block.input);
    case "server_tool_use":
      return toolBlock("server_tool_use", block.id ?? fakeId("srvtoolu_"), block.name, block.input);
    case "web_search_tool_result":
    case "web_fetch_tool_result":
      return wholeBlock({
        type: block.type,
        tool_use_id: block.toolUseId,
        content: block.content,
        caller: DIRECT_CALLER,
      });
    default:
      return unreachable(block);
  }
}

/** Result blocks arrive complete in `content_block_start`, with no deltas. */
function wholeBlock(whole: JsonObject): PlannedBlock {
  return { start: whole, deltas: [], final: whole };
}

function unreachable(block: never): never {
  throw new Error(`fake anthropic: unknown script block ${JSON.stringify(block)}`);
}
