import type { BalanceStanding, ToolChargeDraft, UserAccountState } from "@bot/domain";
import type { Position } from "@bot/eventstore";

/** Where an answer goes. */
export interface ReplyTarget {
  readonly chatId: number;
  readonly topicId: number | null;
  readonly chatType: "private" | "group" | "supergroup";
  /** The user message answered (groups reply to it so it is clear whom the bot answers). */
  readonly replyToMessageId: number | null;
}

/** What the user sees while the answer streams. */
export interface AnswerView {
  readonly thinking: string;
  readonly answer: string;
  /** A one-line note of what is happening (a tool running), shown until the next view. */
  readonly status?: string;
}

/** The end of an answer. */
export interface FinalAnswer {
  /** The model's Markdown (possibly partial). */
  readonly answer: string;
  /** Cancelled or interrupted: the answer is marked so. */
  readonly interrupted: boolean;
  /** A note under the answer, e.g. why it was cut (already localised). */
  readonly notice: string | null;
}

/** A Telegram message of an answer, reported as soon as Telegram accepted it. */
export interface SentMessage {
  readonly telegramMessageId: number;
  /** "preview": the message edited while streaming; "part": a finished part of the answer. */
  readonly kind: "preview" | "part";
  /** Index of a part (0, 1, ...); null for a preview. */
  readonly partIndex: number | null;
}

/** Records a sent message (AnswerMessageSent) before the renderer goes on. */
export type OnMessageSent = (message: SentMessage) => Promise<void>;

/** What an earlier, interrupted delivery already put in the chat. */
export interface DeliveryResume {
  readonly sentParts: number;
  readonly previewMessageId: number | null;
}

/** One answer being shown in Telegram. */
export interface RenderSession {
  /**
   * Shows the latest view. Returns at once: views are coalesced and sent in the
   * background at the Telegram-friendly cadence, so a slow or rate-limited chat
   * never holds up the model stream.
   */
  update(view: AnswerView): void;
  /** Resolves once the latest view is shown (its finished parts sent as messages). */
  settle(): Promise<void>;
  /** Sends the final answer (waits for a view in flight first). Resolves to the Telegram message ids. */
  finish(answer: FinalAnswer): Promise<number[]>;
  /** Shows an error instead of an answer (nothing was streamed). */
  fail(notice: string): Promise<number[]>;
}

/** Telegram output of answers (packages/telegram implements it). */
export interface AnswerRenderer {
  /**
   * Put into an answer's text, it ends a segment: the text before it is sent as finished
   * messages (see {@link RenderSession.settle}). Stored with the text, so a delivery after a
   * restart splits the answer the same way.
   */
  readonly segmentBreak: string;
  /** How often the runner should flush text (and record a ChunkStreamed) for this delivery mode. */
  flushIntervalMs(delivery: "draft" | "edit"): number;
  begin(
    target: ReplyTarget,
    options: {
      readonly generationId: string;
      readonly delivery: "draft" | "edit";
      readonly language: string | null;
      readonly onSent: OnMessageSent;
    },
  ): RenderSession;
  /**
   * Delivers a finished answer without streaming (recovery after a restart): parts an
   * earlier delivery sent are skipped and its preview message is edited, not repeated.
   */
  deliver(
    target: ReplyTarget,
    answer: FinalAnswer,
    options: {
      readonly language: string | null;
      readonly resume: DeliveryResume;
      readonly onSent: OnMessageSent;
    },
  ): Promise<number[]>;
}

/** Content-addressed bytes of files (tool outputs, fetched user files); the log keeps only hashes. */
export interface FileStore {
  /** Stores bytes; resolves with their SHA-256 (hex), the key to read them back. */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes with this hash, or null when the store does not have them. */
  get(sha256: string): Promise<Buffer | null>;
}

/** Moving files between Telegram and the bot. */
export interface FileTransport {
  /** A user's file from Telegram (by its file_id). */
  download(telegramFileId: string, signal?: AbortSignal): Promise<Buffer>;
  /** Sends a file to the chat; resolves once Telegram accepted it. */
  send(
    target: ReplyTarget,
    file: { readonly bytes: Uint8Array; readonly name: string; readonly mimeType: string },
    options: { readonly as: "photo" | "document"; readonly caption: string | null },
  ): Promise<{ readonly telegramMessageId: number; readonly telegramFileId: string }>;
}

/** Converts images in formats the models cannot read (TIFF, AVIF, SVG) to PNG. */
export interface ImageConverter {
  convertible(mimeType: string): boolean;
  toPng(bytes: Uint8Array): Promise<Buffer>;
}

/** Speech to text for voice and video notes (the bot's transcriber implements it). */
export interface VoiceTranscriber {
  readonly model: string;
  /** Largest file it takes, in bytes. */
  readonly maxBytes: number;
  transcribe(request: {
    readonly bytes: Uint8Array;
    readonly name: string;
    readonly mimeType: string;
    readonly durationSeconds?: number | null;
    readonly signal?: AbortSignal;
  }): Promise<{
    readonly text: string;
    readonly language: string | null;
    readonly durationSeconds: number;
    readonly charge: ToolChargeDraft | null;
  }>;
}

/** Reads what the conversation needs from a user's account. */
export interface UserAccounts {
  account(userId: number): Promise<UserAccountState>;
}

/** User-facing notes of the generation runner, localised by the caller. */
export interface GenerationTexts {
  /** A note under an answer for a stop reason other than a normal end (null: no note). */
  stopNotice(stopReason: string, language: string | null): string | null;
  /** The message shown when the provider failed before any text. */
  errorNotice(errorKind: string, retryAfterSeconds: number | null, language: string | null): string;
  /** Appended to an answer cut by a provider error after text had arrived. */
  interruptedByErrorNotice(errorKind: string, language: string | null): string;
  /** Shown when the model returned no text at all. */
  emptyAnswerNotice(language: string | null): string;
  /** The status line while tools run (e.g. "🛠 execute_python…"). */
  toolStatus(toolNames: readonly string[], language: string | null): string;
  /** Under an answer whose tool loop hit the limit of model calls. */
  toolLimitNotice(maxCalls: number, language: string | null): string;
  /** Under an answer to a voice or video note: the transcript the model read. */
  transcriptNotice(transcript: string, language: string | null): string;
}

/**
 * The money check before a model request: the user's balance and privilege, and how
 * a refusal reaches them. The bot implements it over the balances read model.
 */
export interface BalanceGate {
  /**
   * The user's standing, from a balance that includes every charge up to `after`
   * (this thread's last charge), or as fresh as it is when `after` is null.
   */
  standing(userId: number, after: Position | null): Promise<BalanceStanding>;
  /** Tells the user the request was refused and how to top up (rate-limited per user). */
  refused(target: ReplyTarget, standing: BalanceStanding, language: string | null): Promise<void>;
}
