/**
 * {@link LlmRequest} → Anthropic Messages API parameters. Pure.
 *
 * - System parts become text blocks; a part with `cache` gets
 *   `cache_control: {type: "ephemeral"}` (plus `ttl: "1h"` for the hour TTL; 5 minutes is
 *   the API default and is left implicit).
 * - `cacheBreakpoints` put `cache_control` on the last cacheable block of those messages
 *   (thinking blocks cannot carry one, so it walks back past them).
 * - The API allows 4 breakpoints per request. When more are asked for, the system
 *   prompt's keep priority (it is the prefix shared by every thread; of several, the
 *   last ones, which cover the longest prefixes), then the highest message indexes
 *   (the newest prefix caches the most). Same input, same choice.
 * - `temperature` is not sent: SDK 1.14 has no such parameter and the 5.x models reject
 *   non-default sampling settings with a 400.
 */
import type {
  ContentBlockParam,
  DocumentBlockParam,
  ImageBlockParam,
  MessageCountTokensParams,
  MessageCreateParamsBase,
  MessageParam,
  TextBlockParam,
  ToolResultBlockParam,
  ToolUnion,
} from "@anthropic-ai/sdk/resources/messages";
import { LlmError } from "../llm-error.ts";
import type {
  AttachmentPart,
  ContentPart,
  LlmMessage,
  LlmRequest,
  SystemPart,
  ToolSpec,
} from "../provider.ts";

/** Breakpoints the API accepts per request, system prompt included. */
export const MAX_CACHE_BREAKPOINTS = 4;

/** Which dated version of each server tool to send (newer versions add features). */
export interface AnthropicServerToolVersions {
  readonly webSearch: "web_search_20250305" | "web_search_20260209" | "web_search_20260318";
  readonly webFetch:
    | "web_fetch_20250910"
    | "web_fetch_20260209"
    | "web_fetch_20260309"
    | "web_fetch_20260318";
}

/** The newest versions SDK 1.14 knows. */
export const DEFAULT_SERVER_TOOL_VERSIONS: AnthropicServerToolVersions = {
  webSearch: "web_search_20260318",
  webFetch: "web_fetch_20260318",
};

/** Adapter-level settings that shape requests. */
export interface BuildRequestOptions {
  readonly serverToolVersions?: AnthropicServerToolVersions;
}

/** The create parameters without `stream` (the adapter adds `stream: true`). */
export type AnthropicRequestParams = Omit<MessageCreateParamsBase, "stream">;

type CacheableBlock = Exclude<ContentBlockParam, { type: "thinking" } | { type: "redacted_thinking" }>;

const IMAGE_MEDIA_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;
type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

/** Builds `messages.create` parameters. Throws {@link LlmError} "invalid_request" for input the API would reject. */
export function buildAnthropicRequest(
  request: LlmRequest,
  options: BuildRequestOptions = {},
): AnthropicRequestParams {
  if (!Number.isSafeInteger(request.maxTokens) || request.maxTokens <= 0) {
    throw invalid(`maxTokens must be a positive integer, got ${request.maxTokens}`);
  }
  const system = request.system.filter((part) => part.text !== "");
  const messages = request.messages.map(toMessageParam);
  const chosen = chooseBreakpoints(system, messages, request.cacheBreakpoints ?? []);
  const tools = (request.tools ?? []).map((tool) =>
    toToolParam(tool, options.serverToolVersions ?? DEFAULT_SERVER_TOOL_VERSIONS),
  );

  return {
    model: request.model,
    max_tokens: request.maxTokens,
    messages: messages.map((message, index) =>
      chosen.messages.has(index) ? withCacheMark(message) : message,
    ),
    ...(system.length === 0
      ? {}
      : { system: system.map((part, index) => toSystemBlock(part, chosen.system.has(index))) }),
    ...(request.thinking === undefined
      ? {}
      : {
          thinking:
            request.thinking.mode === "adaptive"
              ? { type: "adaptive" }
              : { type: "enabled", budget_tokens: request.thinking.budgetTokens },
        }),
    ...(request.effort === undefined ? {} : { output_config: { effort: request.effort } }),
    ...(tools.length === 0 ? {} : { tools }),
    ...(request.metadata?.userId === undefined ? {} : { metadata: { user_id: request.metadata.userId } }),
  };
}

/** The same request as `messages.countTokens` parameters (no max_tokens or metadata there). */
export function toCountTokensParams(params: AnthropicRequestParams): MessageCountTokensParams {
  return {
    model: params.model,
    messages: params.messages,
    ...(params.system === undefined ? {} : { system: params.system }),
    ...(params.thinking === undefined ? {} : { thinking: params.thinking }),
    ...(params.output_config === undefined ? {} : { output_config: params.output_config }),
    ...(params.tools === undefined ? {} : { tools: params.tools }),
  };
}

function toSystemBlock(part: SystemPart, marked: boolean): TextBlockParam {
  if (!marked || part.cache === undefined) return { type: "text", text: part.text };
  return {
    type: "text",
    text: part.text,
    cache_control: part.cache === "1h" ? { type: "ephemeral", ttl: "1h" } : { type: "ephemeral" },
  };
}

interface ChosenBreakpoints {
  readonly system: ReadonlySet<number>;
  readonly messages: ReadonlySet<number>;
}

function chooseBreakpoints(
  system: readonly SystemPart[],
  messages: readonly MessageParam[],
  requested: readonly number[],
): ChosenBreakpoints {
  for (const index of requested) {
    if (!Number.isInteger(index) || index < 0 || index >= messages.length) {
      throw invalid(`cache breakpoint ${index} is not a message index (0..${messages.length - 1})`);
    }
  }
  const systemCandidates = system.flatMap((part, index) => (part.cache === undefined ? [] : [index]));
  const keptSystem = systemCandidates.slice(-MAX_CACHE_BREAKPOINTS);
  const messageCandidates = [...new Set(requested)]
    .filter((index) => lastCacheableIndex(messages[index]) !== -1)
    .sort((a, b) => b - a)
    .slice(0, MAX_CACHE_BREAKPOINTS - keptSystem.length);
  return { system: new Set(keptSystem), messages: new Set(messageCandidates) };
}

function lastCacheableIndex(message: MessageParam | undefined): number {
  if (message === undefined || typeof message.content === "string") return -1;
  for (let index = message.content.length - 1; index >= 0; index--) {
    const block = message.content[index];
    if (block !== undefined && isCacheable(block)) return index;
  }
  return -1;
}

function isCacheable(block: ContentBlockParam): block is CacheableBlock {
  return block.type !== "thinking" && block.type !== "redacted_thinking";
}

function withCacheMark(message: MessageParam): MessageParam {
  const at = lastCacheableIndex(message);
  if (typeof message.content === "string" || at === -1) return message;
  const content = message.content.map((block, index) =>
    index === at && isCacheable(block) ? { ...block, cache_control: { type: "ephemeral" as const } } : block,
  );
  return { ...message, content } as MessageParam;
}

function toMessageParam(message: LlmMessage): MessageParam {
  const content = message.content.map(toContentBlock);
  return message.role === "user" ? { role: "user", content } : { role: "assistant", content };
}

function toContentBlock(part: ContentPart): ContentBlockParam {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "image":
    case "document":
      return toAttachment(part);
    case "tool_use":
      return { type: "tool_use", id: part.id, name: part.name, input: part.input };
    case "tool_result":
      return toToolResult(part.toolUseId, part.content, part.isError);
    case "thinking":
      return { type: "thinking", thinking: part.thinking, signature: part.signature };
    case "redacted_thinking":
      return { type: "redacted_thinking", data: part.data };
    case "server_tool_use":
    case "server_tool_result":
      return passThrough(part.raw);
    default: {
      const unreachable: never = part;
      throw invalid(`unknown content part ${JSON.stringify(unreachable)}`);
    }
  }
}

function toToolResult(
  toolUseId: string,
  content: readonly ContentPart[] | string,
  isError: boolean | undefined,
): ToolResultBlockParam {
  const blocks =
    typeof content === "string"
      ? content
      : content.map((part) => {
          const block = toContentBlock(part);
          if (block.type === "text" || block.type === "image" || block.type === "document") return block;
          throw invalid(`a tool result cannot contain a ${part.type} part`);
        });
  return {
    type: "tool_result",
    tool_use_id: toolUseId,
    content: blocks,
    ...(isError === undefined ? {} : { is_error: isError }),
  };
}

function toAttachment(part: AttachmentPart): ImageBlockParam | DocumentBlockParam | TextBlockParam {
  if (part.fileId !== undefined) {
    return part.type === "image"
      ? { type: "image", source: { type: "file", file_id: part.fileId } }
      : { type: "document", source: { type: "file", file_id: part.fileId } };
  }
  const inline = part.base64;
  if (inline !== undefined) {
    if (part.type === "image" && isImageMediaType(inline.mediaType)) {
      return { type: "image", source: { type: "base64", media_type: inline.mediaType, data: inline.data } };
    }
    if (part.type === "document" && inline.mediaType === "application/pdf") {
      return {
        type: "document",
        source: { type: "base64", media_type: "application/pdf", data: inline.data },
      };
    }
    if (part.type === "document" && inline.mediaType === "text/plain") {
      const text = Buffer.from(inline.data, "base64").toString("utf8");
      return { type: "document", source: { type: "text", media_type: "text/plain", data: text } };
    }
  }
  // A failed upload or an unsupported format must not fail the whole request.
  return { type: "text", text: `[${part.type} unavailable]` };
}

function isImageMediaType(mediaType: string): mediaType is ImageMediaType {
  return (IMAGE_MEDIA_TYPES as readonly string[]).includes(mediaType);
}

/** Provider blocks from an earlier response go back verbatim (the API requires that). */
function passThrough(raw: unknown): ContentBlockParam {
  if (typeof raw !== "object" || raw === null || typeof (raw as { type?: unknown }).type !== "string") {
    throw invalid(`server tool block must be an Anthropic content block, got ${JSON.stringify(raw)}`);
  }
  // Verbatim by design: it came from the API as a content block of this shape.
  return raw as ContentBlockParam;
}

function toToolParam(tool: ToolSpec, versions: AnthropicServerToolVersions): ToolUnion {
  switch (tool.type) {
    case "function":
      return {
        name: tool.name,
        description: tool.description,
        input_schema: { ...tool.inputSchema, type: "object" },
      };
    case "web_search":
      return {
        type: versions.webSearch,
        name: "web_search",
        ...(tool.maxUses === undefined ? {} : { max_uses: tool.maxUses }),
      };
    case "web_fetch":
      return {
        type: versions.webFetch,
        name: "web_fetch",
        ...(tool.maxUses === undefined ? {} : { max_uses: tool.maxUses }),
        ...(tool.maxContentTokens === undefined ? {} : { max_content_tokens: tool.maxContentTokens }),
      };
    default: {
      const unreachable: never = tool;
      throw invalid(`unknown tool ${JSON.stringify(unreachable)}`);
    }
  }
}

function invalid(message: string): LlmError {
  return new LlmError("invalid_request", message, { beforeFirstToken: true });
}
