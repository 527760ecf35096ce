import type { ApiMethods, MessageEntity, Opts, ResponseParameters } from "@grammyjs/types";

/** A file the bot uploaded with multipart/form-data (grammY's `InputFile`). */
export interface UploadedFile {
  /** The file name the client sent (grammY: `InputFile.filename` or e.g. `photo.jpg`). */
  fileName: string;
  /** The part's content type as sent (grammY always sends application/octet-stream). */
  contentType: string;
  bytes: Buffer;
}

/** Every Bot API method name, typed by @grammyjs/types with uploads as {@link UploadedFile}. */
export type MethodName = keyof ApiMethods<UploadedFile>;
/** The parameters of a Bot API method. */
export type MethodParams<M extends MethodName> = Opts<UploadedFile>[M];
/** The `result` type of a Bot API method. */
export type MethodResult<M extends MethodName> = ApiMethods<UploadedFile>[M] extends (
  ...args: never[]
) => infer R
  ? R
  : never;

/** A response body as the fake sent it (or meant to, for dropped connections). */
export interface ApiResponseBody {
  ok: boolean;
  result?: unknown;
  error_code?: number;
  description?: string;
  parameters?: ResponseParameters;
}

/** One request the bot made, recorded once it was answered. */
export interface RecordedCall<P = Record<string, unknown>> {
  /** The method name as the fake knows it (canonical casing), or as requested if unknown. */
  method: string;
  /** Parameters from the query string and the JSON, form or multipart body, coerced to JSON types. */
  params: P;
  /** When the request arrived, in ms since the epoch. */
  at: number;
  response: ApiResponseBody;
  /** Which injected fault shaped the answer, if any. */
  fault?: Fault["kind"];
}

/** An injected failure, applied before the method runs (the method then has no effect). */
export type Fault =
  /** HTTP 429 "Too Many Requests: retry after N" with `parameters.retry_after`. */
  | { kind: "retry_after"; seconds: number }
  /** HTTP 400 with this description (include the "Bad Request: " prefix). */
  | { kind: "bad_request"; description: string }
  /** Any error answer, e.g. 403 "Forbidden: bot was blocked by the user". */
  | { kind: "api_error"; code: number; description: string; parameters?: ResponseParameters }
  /** HTTP 500/502/503 with a JSON error body. */
  | { kind: "server_error"; status?: 500 | 502 | 503 }
  /** Answers normally, but only after `ms`. */
  | { kind: "delay"; ms: number }
  /** Destroys the connection without an answer (grammY raises an HttpError). */
  | { kind: "drop" };

/** When a fault applies. */
export interface FaultOptions {
  /** How many matching calls it hits; default 1, `Infinity` until {@link FakeBotApi.clearFaults}. */
  times?: number;
  /** Only calls whose parameters satisfy this. */
  when?: (params: Record<string, unknown>) => boolean;
}

/** What a message the bot sent looks like now. */
export interface StoredMessage {
  message_id: number;
  kind: "text" | "photo" | "document" | "other";
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  caption_entities?: MessageEntity[];
  /** `message_thread_id` of the topic it was sent to. */
  topicId?: number;
  /** How many successful edits it had. */
  edits: number;
}

/** The latest state of one streamed draft (`sendMessageDraft`) in a chat. */
export interface DraftState {
  draft_id: number;
  topicId?: number;
  /** Latest text; "" is the "thinking" placeholder. */
  text: string;
  entities?: MessageEntity[];
  /** How many accepted `sendMessageDraft` calls it had. */
  updates: number;
  can_stop: boolean;
  keep_on_stop: boolean;
  /** Whether the user pressed the stop button ({@link FakeBotApi.pushStoppedGeneration}). */
  stopped: boolean;
  /**
   * Whether a user would still see it: false once the bot sent a message to the same
   * chat and topic, once stopped without keep_on_stop, or 30 s after the last update.
   */
  visible: boolean;
}
