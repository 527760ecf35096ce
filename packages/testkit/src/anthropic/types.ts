/**
 * Public types of the fake Anthropic Messages API. Wire shapes follow
 * `@anthropic-ai/sdk` 1.14 (`resources/messages/messages.ts`).
 */

import type { FakeAnthropicFiles, RecordedAnthropicUpload } from "./file-types.ts";

/** Why the fake model stopped; the SDK's `StopReason`. */
export type AnthropicStopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "pause_turn"
  | "refusal"
  | "model_context_window_exceeded";

/** `stop_details` of a refused message; the SDK's `RefusalStopDetails`. */
export interface AnthropicRefusalStopDetails {
  type: "refusal";
  category: "cyber" | "bio" | "frontier_llm" | "reasoning_extraction" | "general_harms" | null;
  explanation: string | null;
}

/**
 * A citation on a text block, passed through as is; the SDK's `TextCitation` (e.g.
 * `web_search_result_location` with `url`, `title`, `encrypted_index`, `cited_text`).
 */
export interface AnthropicScriptCitation {
  readonly type:
    | "char_location"
    | "page_location"
    | "content_block_location"
    | "web_search_result_location"
    | "search_result_location";
  readonly cited_text: string;
  readonly [field: string]: unknown;
}

/** One content block the fake model produces, in script form (streamed as the real API would). */
export type ScriptBlock =
  /** Citations stream as `citations_delta`s before the text. */
  | { type: "text"; text: string; citations?: readonly AnthropicScriptCitation[] }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id?: string; name: string; input: unknown }
  | { type: "server_tool_use"; id?: string; name: "web_search" | "web_fetch"; input: unknown }
  /** `content`: `web_search_result` objects, or a `web_search_tool_result_error`. */
  | { type: "web_search_tool_result"; toolUseId: string; content: unknown }
  /** `content`: a `web_fetch_result` (url, retrieved_at, document), or a `web_fetch_tool_result_error`. */
  | { type: "web_fetch_tool_result"; toolUseId: string; content: unknown };

/**
 * Usage numbers a script may pin. Unset ones are derived: input from the token estimate of the
 * request, output from the number of streamed token deltas, thinking from the thinking deltas,
 * server tool requests from the `server_tool_use` blocks, cache numbers 0.
 */
export interface AnthropicUsageOverrides {
  input_tokens?: number;
  output_tokens?: number;
  /** Defaults to `ephemeral_5m_input_tokens + ephemeral_1h_input_tokens`. */
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
  /** Defaults to whatever of `cache_creation_input_tokens` the 1-hour part leaves. */
  ephemeral_5m_input_tokens?: number;
  ephemeral_1h_input_tokens?: number;
  web_search_requests?: number;
  web_fetch_requests?: number;
  thinking_tokens?: number;
}

/** A successful answer: a message made of `blocks`, streamed when the request asked for it. */
export interface AnthropicMessageScript {
  kind: "message";
  blocks: readonly ScriptBlock[];
  /** Defaults to `tool_use` when a `tool_use` block is present, else `end_turn`. */
  stopReason?: AnthropicStopReason;
  /** Defaults to `{type: "refusal", category: null, explanation: null}` for refusals, else null. */
  stopDetails?: AnthropicRefusalStopDetails | null;
  /** For `stop_sequence`; defaults to the request's first `stop_sequences` entry. */
  stopSequence?: string;
  usage?: AnthropicUsageOverrides;
  /** Defaults to the requested model. */
  model?: string;
  /** Overrides the server's pace for this answer. */
  tokensPerSecond?: number;
  /** Sends a `ping` event after every N token deltas. */
  pingEvery?: number;
}

/** An HTTP error response with the API's error body; the SDK throws the matching `APIError` subclass. */
export interface AnthropicHttpErrorScript {
  kind: "http_error";
  status: number;
  /** e.g. rate_limit_error, overloaded_error (529), api_error, invalid_request_error, not_found_error. */
  errorType: string;
  message: string;
  /** Sent as the `retry-after` header, which the SDK honours between retries. */
  retryAfterSeconds?: number;
  /** Sent as `x-should-retry`, which overrides the SDK's status-based retry rule. */
  shouldRetry?: boolean;
}

/** Streams `afterBlocks`, then an `error` event, then ends (an overload mid-answer). */
export interface AnthropicStreamErrorScript {
  kind: "stream_error";
  afterBlocks: readonly ScriptBlock[];
  errorType: "overloaded_error" | "api_error";
  message?: string;
}

/** Accepts the request and never answers; ends when the client aborts or the server closes. */
export interface AnthropicHangScript {
  kind: "hang";
}

/** What the fake does with one `POST /v1/messages`. */
export type AnthropicScript =
  | AnthropicMessageScript
  | AnthropicHttpErrorScript
  | AnthropicStreamErrorScript
  | AnthropicHangScript;

/** A JSON request body; `{}` when the body was not a JSON object. */
export type AnthropicRequestBody = Readonly<Record<string, unknown>>;

/** One request the fake received. `aborted` and `completed` update live as the response goes on. */
export interface RecordedAnthropicRequest {
  /** URL path without the query, e.g. `/v1/messages`. */
  readonly path: string;
  /** Path and query as requested, e.g. `/v1/files?limit=2`. */
  readonly url: string;
  readonly method: string;
  /** Header names in lower case; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body; `{}` for multipart uploads. */
  readonly body: AnthropicRequestBody;
  /** The body as text; empty for multipart uploads (see `upload`). */
  readonly rawBody: string;
  /**
   * Files the body's messages reference (`image`/`document` sources of type `file`, also inside
   * tool results, and `container_upload` blocks), in order of appearance without repeats.
   */
  readonly fileIds: readonly string[];
  /** The `file` part of a `POST /v1/files`; null for other requests and for bodies cut at the size cap. */
  readonly upload: RecordedAnthropicUpload | null;
  /** `Date.now()` when the request arrived. */
  readonly receivedAt: number;
  /** The `request-id` header the fake answered with. */
  readonly requestId: string;
  /** The client went away before the response was complete. */
  readonly aborted: boolean;
  /** The whole response (any status) was handed to the socket. */
  readonly completed: boolean;
  /** `Date.now()` when the first token delta was written, or null (benchmarks measure from it). */
  readonly firstTokenAt: number | null;
}

/** Picks a script for a request when nothing is queued. */
export type AnthropicResponder = (
  request: RecordedAnthropicRequest,
) => AnthropicScript | Promise<AnthropicScript>;

/** Counts input tokens for `count_tokens` and for the default `usage.input_tokens`. */
export type AnthropicTokenCounter = (body: AnthropicRequestBody) => number;

/** Options of `startFakeAnthropic`. */
export interface FakeAnthropicOptions {
  /** When set, requests must carry it as `Authorization: Bearer` or `x-api-key`, else 401. */
  apiKey?: string;
  /** Pace of streamed token deltas; default as fast as possible. */
  tokensPerSecond?: number;
  /** Default 0 (any free port). */
  port?: number;
  /** Largest file `POST /v1/files` accepts; bigger ones get 413. Default 500 MB, the API's limit. */
  maxFileBytes?: number;
}

/** A running fake Anthropic Messages API. */
export interface FakeAnthropic {
  /** `http://127.0.0.1:<port>`, for `new Anthropic({ baseURL, apiKey })`. */
  readonly baseURL: string;
  /** Queues scripts; each `POST /v1/messages` takes the next one (FIFO). */
  enqueue(...scripts: AnthropicScript[]): void;
  /** Answers requests that find the queue empty. */
  respondWith(responder: AnthropicResponder): void;
  /** Every request received, on any path, in arrival order. */
  readonly requests: readonly RecordedAnthropicRequest[];
  /** Resolves with the first `count` requests once that many arrived (default timeout 5 s). */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedAnthropicRequest[]>;
  /** The Files API's storage: inspect it, seed it, expire or delete files, inject failures. */
  readonly files: FakeAnthropicFiles;
  /** Replaces the token counter used by `count_tokens` and for default input usage. */
  countTokens(handler: AnthropicTokenCounter): void;
  /** Stops listening and drops every open connection, hanging ones included. */
  close(): Promise<void>;
}
