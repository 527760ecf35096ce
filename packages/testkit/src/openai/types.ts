/**
 * Public types of the fake OpenAI API (audio transcriptions). Wire shapes follow `openai` 7.57
 * (`resources/audio/transcriptions.ts`).
 */

/** One segment of a scripted transcript, in seconds from the start of the audio. */
export interface OpenAIScriptSegment {
  start: number;
  end: number;
  text: string;
}

/** Usage numbers a transcript script may pin; unset ones are derived (see {@link OpenAITranscriptScript}). */
export interface OpenAITranscriptionUsageOverrides {
  /** Token-priced models: audio part of the input. */
  audioTokens?: number;
  /** Token-priced models: text part of the input (the prompt). */
  textTokens?: number;
  /** Token-priced models. */
  outputTokens?: number;
  /** Duration-priced models (`usage.type: "duration"`). */
  seconds?: number;
}

/**
 * A successful transcription. Unset values are derived: the duration from the file size at
 * 16 kbit/s (Telegram voice notes are Opus at about that rate), the language from the request's
 * `language` (verbose_json names it, e.g. "english"), segments by sentence, token usage at 10 audio
 * tokens per second, a token per 4 characters of prompt and of text.
 */
export interface OpenAITranscriptScript {
  kind: "transcript";
  text: string;
  durationSeconds?: number;
  /** As verbose_json reports it, e.g. "english". */
  language?: string;
  segments?: readonly OpenAIScriptSegment[];
  usage?: OpenAITranscriptionUsageOverrides;
  /** Wait this long before answering (after the request was validated). */
  delayMs?: number;
}

/** An HTTP error with OpenAI's error body; the SDK throws the matching `APIError` subclass. */
export interface OpenAIHttpErrorScript {
  kind: "http_error";
  status: number;
  /** `error.type`; defaults by status: invalid_request_error (4xx), requests (429), server_error (5xx). */
  type?: string;
  /** `error.code`; defaults to rate_limit_exceeded for 429, else null. */
  code?: string | null;
  /** `error.param`; default null. */
  param?: string | null;
  /** Defaults to a message fitting the status. */
  message?: string;
  /** Sent as `retry-after`, which the SDK honours between retries. */
  retryAfterSeconds?: number;
  /** Sent as `x-should-retry`, which overrides the SDK's status-based retry rule. */
  shouldRetry?: boolean;
  delayMs?: number;
}

/** What the fake does with one valid `POST /v1/audio/transcriptions`. */
export type OpenAITranscriptionScript = OpenAITranscriptScript | OpenAIHttpErrorScript;

/** An error injected with `fail()`: answered before the request is validated, using no script. */
export type OpenAIFailure = Omit<OpenAIHttpErrorScript, "kind">;

/** How many requests an injected failure hits. */
export interface OpenAIFailureOptions {
  /** Default 1; `Infinity` until {@link FakeOpenAI.clearFailures}. */
  times?: number;
}

/** The audio file a recorded request carried. */
export interface RecordedOpenAIFile {
  /** The part's file name as sent, e.g. `voice.ogg`. */
  name: string;
  /** The part's content type as sent (the SDK sends application/octet-stream for a File without type). */
  contentType: string;
  sizeBytes: number;
}

/** One request the fake received. `status` and `completed` update when the answer is sent. */
export interface RecordedOpenAIRequest {
  /** URL path without the query, e.g. `/v1/audio/transcriptions`. */
  readonly path: string;
  readonly method: string;
  /** Header names in lower case; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The multipart text fields as sent (`model`, `language`, `response_format`, …). */
  readonly fields: Readonly<Record<string, string>>;
  readonly model: string | null;
  readonly language: string | null;
  readonly prompt: string | null;
  readonly responseFormat: string | null;
  readonly temperature: number | null;
  readonly file: RecordedOpenAIFile | null;
  /** `Date.now()` when the request arrived. */
  readonly receivedAt: number;
  /** The `x-request-id` header the fake answered with. */
  readonly requestId: string;
  /** HTTP status of the answer, null until it is sent. */
  readonly status: number | null;
  /** The whole response was handed to the socket. */
  readonly completed: boolean;
}

/** Options of `startFakeOpenAI`. */
export interface FakeOpenAIOptions {
  /**
   * The key requests must send as `Authorization: Bearer`. Without one, any non-empty bearer token
   * is accepted; a request without a bearer token always gets 401.
   */
  apiKey?: string;
  /** Largest audio file accepted; bigger ones get 413. Default 25 MB, the API's limit. */
  maxFileBytes?: number;
  /** Default 0 (any free port). */
  port?: number;
}

/** A running fake OpenAI API. */
export interface FakeOpenAI {
  /** `http://127.0.0.1:<port>/v1`, for `new OpenAI({ baseURL, apiKey })`. */
  readonly baseURL: string;
  /** Queues scripts; each valid transcription request takes the next one (FIFO). */
  enqueueTranscription(...scripts: OpenAITranscriptionScript[]): void;
  /** Makes the next request(s) fail with `failure`, before validation and without using a script. */
  fail(failure: OpenAIFailure, options?: OpenAIFailureOptions): void;
  /** Forgets every injected failure. */
  clearFailures(): void;
  /** Every request received, on any path, in arrival order. */
  readonly requests: readonly RecordedOpenAIRequest[];
  /** Resolves with the first `count` requests once that many arrived (default timeout 5 s). */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedOpenAIRequest[]>;
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}
