/**
 * Public types of the fake Gemini API. Wire shapes follow `@google/genai` 3.3
 * (`generateContentParametersToMldev`, `generateContentResponseFromMldev`, `ApiClient.processStreamResponse`).
 */

/** A candidate's `finishReason`; the SDK's `FinishReason` values the image models use. */
export type GeminiFinishReason =
  | "STOP"
  | "MAX_TOKENS"
  | "SAFETY"
  | "RECITATION"
  | "OTHER"
  | "BLOCKLIST"
  | "PROHIBITED_CONTENT"
  | "SPII"
  | "IMAGE_SAFETY"
  | "IMAGE_PROHIBITED_CONTENT"
  | "IMAGE_OTHER"
  | "NO_IMAGE";

/** `imageConfig.imageSize` values the API accepts (upper-case K, as the SDK documents). */
export type GeminiImageSize = "1K" | "2K" | "4K";

/** `usageMetadata` of a response chunk. */
export interface GeminiUsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  thoughtsTokenCount: number;
  cachedContentTokenCount: number;
  totalTokenCount: number;
}

/**
 * An output image in script form. `"requested"` is the size the request asked for (its aspect ratio and
 * image size, 1:1 and 1K by default); explicit pixels override it; `png` sends these exact bytes.
 */
export type GeminiScriptImage =
  | "requested"
  | { width: number; height: number; rgb?: readonly [number, number, number] }
  | { png: Uint8Array };

/** One part of the model's answer, in script form. */
export type GeminiScriptPart =
  | { text: string; thought?: boolean }
  | { image: GeminiScriptImage }
  | { inlineData: { mimeType: string; data: string } };

/** Usage numbers a script may pin; unset ones are estimated (see `startFakeGemini`). */
export type GeminiUsageOverrides = Partial<GeminiUsageMetadata>;

/**
 * A successful answer. Streamed, each part is one SSE chunk (text parts split every `textChunkChars`);
 * the last chunk carries `finishReason`. Unary, all parts come in one response.
 */
export interface GeminiResponseScript {
  kind: "response";
  parts: readonly GeminiScriptPart[];
  /** Default STOP. SAFETY and the IMAGE_* reasons are usually sent with no parts. */
  finishReason?: GeminiFinishReason;
  usage?: GeminiUsageOverrides;
  /** Wait before the response starts (headers included). */
  delayMs?: number;
  /** Gap between streamed chunks. */
  chunkDelayMs?: number;
  /** Splits streamed text parts into pieces of this many characters; default whole parts. */
  textChunkChars?: number;
  /** Default: the requested model id. */
  modelVersion?: string;
}

/** The prompt itself was blocked: `promptFeedback.blockReason`, no candidates. */
export interface GeminiPromptBlockedScript {
  kind: "prompt_blocked";
  blockReason: "SAFETY" | "OTHER" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "IMAGE_SAFETY";
}

/** An HTTP error with Google's body `{error:{code,message,status}}`; the SDK throws `ApiError`. */
export interface GeminiHttpErrorScript {
  kind: "http_error";
  /** e.g. 429 RESOURCE_EXHAUSTED, 500 INTERNAL, 503 UNAVAILABLE. */
  status: number;
  /** Google's status name; default derived from the HTTP status. */
  googleStatus?: string;
  message?: string;
  /** Sent as `retry-after`. */
  retryAfterSeconds?: number;
  delayMs?: number;
}

/** Streams `afterParts`, then an `{error:{...}}` chunk, then ends (the SDK throws `ApiError`). */
export interface GeminiStreamErrorScript {
  kind: "stream_error";
  afterParts: readonly GeminiScriptPart[];
  /** Default 500 / INTERNAL. */
  code?: number;
  googleStatus?: string;
  message?: string;
}

/** Accepts the request and never answers; ends when the client aborts or the server closes. */
export interface GeminiHangScript {
  kind: "hang";
}

/** What the fake does with one valid generate request. */
export type GeminiScript =
  | GeminiResponseScript
  | GeminiPromptBlockedScript
  | GeminiHttpErrorScript
  | GeminiStreamErrorScript
  | GeminiHangScript;

/** Which generate method was called. */
export type GeminiMethod = "generateContent" | "streamGenerateContent";

/** What the fake read from a generate request body (fields the request did not set are null). */
export interface GeminiRequestSummary {
  /** The text of every `text` part of the user turns, joined with "\n". */
  promptText: string;
  /** `inlineData` image parts in user turns (source images for editing). */
  sourceImages: number;
  sourceImageMimeTypes: readonly string[];
  responseModalities: readonly string[] | null;
  aspectRatio: string | null;
  imageSize: string | null;
  /** A `tools` entry with `googleSearch`. */
  grounding: boolean;
}

/** One request the fake received. `aborted` and `completed` update live. */
export interface RecordedGeminiRequest {
  readonly method: string;
  /** URL path without the query, e.g. `/v1/models/gemini-3-pro-image:streamGenerateContent`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** `v1`, `v1beta`, … as in the path; null when the path has none the fake knows. */
  readonly apiVersion: string | null;
  /** The model id without `models/`, or null. */
  readonly model: string | null;
  readonly generateMethod: GeminiMethod | null;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>>;
  readonly rawBody: string;
  /** Null when the body was not a generate request the fake could read. */
  readonly summary: GeminiRequestSummary | null;
  /** The HTTP status answered (200 for streams, even with an error chunk); 0 until the response ends. */
  readonly status: number;
  readonly receivedAt: number;
  readonly aborted: boolean;
  readonly completed: boolean;
}

/** Picks a script for a request when nothing is queued. */
export type GeminiResponder = (request: RecordedGeminiRequest) => GeminiScript | Promise<GeminiScript>;

/** An injected failure, answered before the request is validated or a script is taken. */
export interface GeminiFault {
  /** e.g. 429, 500, 503. */
  status: number;
  googleStatus?: string;
  message?: string;
  retryAfterSeconds?: number;
  /** How many generate requests it hits; default 1. */
  times?: number;
}

/** Options of `startFakeGemini`. */
export interface FakeGeminiOptions {
  /** The key requests must send as `x-goog-api-key` (or `?key=`); default a random one (read `apiKey`). */
  apiKey?: string;
  /** Model ids that exist; default {@link DEFAULT_GEMINI_MODELS}. Anything else is 404 NOT_FOUND. */
  models?: readonly string[];
  /** Default 0 (any free port). */
  port?: number;
}

/** A running fake Gemini API. */
export interface FakeGemini {
  /** `http://127.0.0.1:<port>`, for `new GoogleGenAI({ apiKey, httpOptions: { baseUrl } })`. */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Queues scripts; each valid generate request takes the next one (FIFO). */
  enqueue(...scripts: GeminiScript[]): void;
  /** Answers requests that find the queue empty. */
  respondWith(responder: GeminiResponder): void;
  /** Makes the next generate request(s) fail with this HTTP error. */
  fail(fault: GeminiFault): void;
  /** Every request received, in arrival order. */
  readonly requests: readonly RecordedGeminiRequest[];
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}
