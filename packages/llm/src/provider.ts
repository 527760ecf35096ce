/**
 * The provider port: one normalised request/stream shape that the Anthropic adapter
 * implements today and the OpenAI and Gemini adapters implement later. Nothing in this
 * file names a vendor SDK type; adapters translate at their edge.
 */
import { type StopReason as DomainStopReason, stopReasonSchema } from "@bot/domain";
import type { TokenUsage } from "./token-usage.ts";

/** Which vendor a provider (and a registry model) belongs to. */
export type ProviderName = "anthropic" | "openai" | "google";

/**
 * How long a cached prefix should live. "1h" costs 2x input to write (vs 1.25x for
 * "5m") and pays off for prefixes shared by many requests over a longer time.
 */
export type CacheTtl = "5m" | "1h";

/** One block of the system prompt; `cache` puts a cache breakpoint after it. */
export interface SystemPart {
  readonly text: string;
  readonly cache?: CacheTtl;
}

/** Model-side reasoning: let the model decide ("adaptive") or give it a token budget. */
export type ThinkingConfig =
  | { readonly mode: "adaptive" }
  | { readonly mode: "budget"; readonly budgetTokens: number };

/** How hard the model should work (Anthropic `output_config.effort`, OpenAI reasoning effort). */
export type Effort = "low" | "medium" | "high" | "xhigh" | "max";

/** Base64-encoded inline data, e.g. an image the provider has no file id for. */
export interface InlineData {
  readonly mediaType: string;
  readonly data: string;
}

/** Plain text. */
export interface TextPart {
  readonly type: "text";
  readonly text: string;
}

/**
 * An image or document, by provider file id (preferred: the bytes are uploaded once) or
 * inline. With neither, adapters send a short "[... unavailable]" text instead, so a
 * failed upload never breaks the request.
 */
export interface AttachmentPart {
  readonly type: "image" | "document";
  readonly fileId?: string;
  readonly base64?: InlineData;
}

/** A call of one of our (client-side) tools, as the model emitted it. */
export interface ToolUsePart {
  readonly type: "tool_use";
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
}

/** Our answer to a {@link ToolUsePart}. */
export interface ToolResultPart {
  readonly type: "tool_result";
  readonly toolUseId: string;
  readonly content: readonly ContentPart[] | string;
  readonly isError?: boolean;
}

/**
 * A thinking block. Within a tool loop it must go back to the provider exactly as
 * received, signature included, or the request is rejected.
 */
export interface ThinkingPart {
  readonly type: "thinking";
  readonly thinking: string;
  readonly signature: string;
}

/** Thinking the provider redacted; opaque, sent back unchanged. */
export interface RedactedThinkingPart {
  readonly type: "redacted_thinking";
  readonly data: string;
}

/**
 * A block produced by a provider-executed tool (web search, web fetch, ...): the
 * provider's own block, kept verbatim so it can be passed back unchanged.
 */
export interface ServerToolPart {
  readonly type: "server_tool_use" | "server_tool_result";
  readonly raw: unknown;
}

/** Any piece of message content. */
export type ContentPart =
  | TextPart
  | AttachmentPart
  | ToolUsePart
  | ToolResultPart
  | ThinkingPart
  | RedactedThinkingPart
  | ServerToolPart;

/** One conversation message. */
export interface LlmMessage {
  readonly role: "user" | "assistant";
  readonly content: readonly ContentPart[];
}

/** A client-side tool: we execute it when the model calls it. */
export interface FunctionToolSpec {
  readonly type: "function";
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the input object (`{ type: "object", properties, required }`). */
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/** The provider's own web search; billed per search. */
export interface WebSearchToolSpec {
  readonly type: "web_search";
  readonly maxUses?: number;
}

/** The provider's own web fetch; billed by tokens only. */
export interface WebFetchToolSpec {
  readonly type: "web_fetch";
  readonly maxUses?: number;
  readonly maxContentTokens?: number;
}

/** A tool offered to the model. */
export type ToolSpec = FunctionToolSpec | WebSearchToolSpec | WebFetchToolSpec;

/** Everything needed for one model call. */
export interface LlmRequest {
  readonly model: string;
  readonly system: readonly SystemPart[];
  readonly messages: readonly LlmMessage[];
  readonly maxTokens: number;
  readonly thinking?: ThinkingConfig;
  readonly effort?: Effort;
  readonly tools?: readonly ToolSpec[];
  /**
   * Indexes into `messages` whose last block gets a cache breakpoint. Providers cap the
   * number of breakpoints (Anthropic: 4 including the system prompt's); adapters drop
   * extras deterministically and document how.
   */
  readonly cacheBreakpoints?: readonly number[];
  /** Sampling temperature, for providers that still accept it (see the adapter's notes). */
  readonly temperature?: number;
  readonly metadata?: { readonly userId?: string };
}

/** Why the model stopped: the domain's stop reasons, which events record. */
export type StopReason = DomainStopReason;

/** Every stop reason, for validation and exhaustive tests. */
export const STOP_REASONS: readonly StopReason[] = stopReasonSchema.options;

/** Streamed visible text. */
export interface TextDelta {
  readonly type: "text";
  readonly text: string;
}

/** Streamed thinking text (for display; the full block arrives in `done.content`). */
export interface ThinkingDelta {
  readonly type: "thinking";
  readonly text: string;
}

/** A complete client-side tool call, input parsed. */
export interface ToolCallDelta {
  readonly type: "tool_call";
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
}

/** The provider started one of its own tools (input parsed once complete). */
export interface ServerToolUseDelta {
  readonly type: "server_tool_use";
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
}

/** The result of a provider-executed tool, verbatim. */
export interface ServerToolResultDelta {
  readonly type: "server_tool_result";
  readonly toolUseId: string;
  readonly raw: unknown;
}

/**
 * Usage so far in this call (cumulative, not an increment). The first one arrives
 * before any text, so a cancelled stream still knows its input tokens.
 */
export interface UsageDelta {
  readonly type: "usage";
  readonly usage: TokenUsage;
}

/**
 * The call finished. `usage` is this call's final usage: in a tool loop every call
 * yields its own `done`, and each must be charged (the original bot billed only the
 * last call of a loop).
 */
export interface DoneDelta {
  readonly type: "done";
  readonly stopReason: StopReason;
  /** Provider detail for the stop (e.g. the refusal category), verbatim. */
  readonly stopDetails?: unknown;
  /** The whole assistant turn, thinking blocks with signatures included, to send back in a tool loop. */
  readonly content: readonly ContentPart[];
  readonly usage: TokenUsage;
  /** The model that actually answered, as the provider reports it. */
  readonly model: string;
  readonly messageId: string;
}

/** One normalised stream item. */
export type LlmDelta =
  | TextDelta
  | ThinkingDelta
  | ToolCallDelta
  | ServerToolUseDelta
  | ServerToolResultDelta
  | UsageDelta
  | DoneDelta;

/** A file in the provider's own store (Anthropic Files API), referenced by id in requests. */
export interface ProviderFile {
  readonly providerFileId: string;
  /** When the provider drops it by itself; null when it keeps it until deleted. */
  readonly expiresAt: string | null;
}

/** The provider's file store; throws {@link LlmError} only. */
export interface ProviderFileStore {
  upload(
    file: { readonly bytes: Uint8Array; readonly name: string; readonly mimeType: string },
    signal?: AbortSignal,
  ): Promise<ProviderFile>;
  /** Deletes a file; one that is already gone counts as deleted. */
  delete(providerFileId: string, signal?: AbortSignal): Promise<void>;
}

/**
 * A model vendor behind one interface. Both methods throw {@link LlmError} only.
 *
 * `stream` ends with exactly one `done` delta when the call succeeds; when `signal`
 * aborts it throws an `LlmError` of kind "aborted" (it never just stops silently).
 */
export interface LlmProvider {
  readonly name: ProviderName;
  stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmDelta>;
  /** Input tokens the request would use (system, tools and messages), from the provider's counter. */
  countTokens(request: LlmRequest, signal?: AbortSignal): Promise<number>;
  /** Where images and documents can be uploaded once and referenced by id; absent: inline only. */
  readonly files?: ProviderFileStore;
}

/** True for deltas that show content to the user (everything but usage and done). */
export function isContentDelta(delta: LlmDelta): boolean {
  switch (delta.type) {
    case "text":
    case "thinking":
    case "tool_call":
    case "server_tool_use":
    case "server_tool_result":
      return true;
    case "usage":
    case "done":
      return false;
    default: {
      const unreachable: never = delta;
      throw new Error(`unknown delta ${JSON.stringify(unreachable)}`);
    }
  }
}
