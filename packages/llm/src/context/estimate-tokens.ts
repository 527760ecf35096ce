/**
 * A cheap, deliberately pessimistic token estimate for context trimming. It only decides
 * whether the provider's counter needs asking; the counter has the last word.
 */
import type { ContentPart, LlmMessage, SystemPart, ToolSpec } from "../provider.ts";

/**
 * Characters per token assumed when trimming. Lower than the usual 4 because the Claude
 * 4.7+ tokenizer yields about 30% more tokens for the same text; overestimating only
 * costs a count call, underestimating would send an over-long prompt.
 */
export const TRIM_CHARS_PER_TOKEN = 3;
/** Role and framing tokens per message. */
export const MESSAGE_OVERHEAD_TOKENS = 8;
/** Flat allowance for an image or document (a page or a picture is ~1.5k tokens). */
export const ATTACHMENT_TOKENS = 1_600;

/** Estimated tokens of a text. */
export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / TRIM_CHARS_PER_TOKEN);
}

/** Estimated tokens of one message. */
export function estimateMessageTokens(message: LlmMessage): number {
  return MESSAGE_OVERHEAD_TOKENS + message.content.reduce((sum, part) => sum + estimatePartTokens(part), 0);
}

/** Estimated tokens of the system prompt and tool definitions. */
export function estimatePreambleTokens(system: readonly SystemPart[], tools: readonly ToolSpec[]): number {
  const systemTokens = system.reduce((sum, part) => sum + estimateTextTokens(part.text), 0);
  const toolTokens = tools.length === 0 ? 0 : estimateTextTokens(JSON.stringify(tools));
  return systemTokens + toolTokens;
}

function estimatePartTokens(part: ContentPart): number {
  switch (part.type) {
    case "text":
      return estimateTextTokens(part.text);
    case "image":
    case "document":
      return ATTACHMENT_TOKENS;
    case "tool_use":
      return estimateTextTokens(part.name + JSON.stringify(part.input ?? null));
    case "tool_result":
      return typeof part.content === "string"
        ? estimateTextTokens(part.content)
        : part.content.reduce((sum, inner) => sum + estimatePartTokens(inner), 0);
    case "thinking":
      return estimateTextTokens(part.thinking);
    case "redacted_thinking":
      return estimateTextTokens(part.data);
    case "server_tool_use":
    case "server_tool_result":
      return estimateTextTokens(JSON.stringify(part.raw ?? null));
    default: {
      const unreachable: never = part;
      throw new Error(`unknown content part ${JSON.stringify(unreachable)}`);
    }
  }
}
