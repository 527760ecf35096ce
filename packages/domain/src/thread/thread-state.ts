import type { FileKind } from "../events/thread-events.ts";
import type { ThreadKey } from "../streams.ts";

/** A user message in the thread's context. */
export interface UserTurn {
  readonly kind: "user";
  readonly messageId: number;
  /** The Telegram update that brought it (the correlation id of what follows). */
  readonly updateId: number;
  /** The sender's Telegram language, for replies about this message. */
  readonly languageCode: string | null;
  readonly text: string;
  /** "First (@username)", shown to the model in groups where several people talk. */
  readonly senderLabel: string;
  readonly edited: boolean;
  /** Files the message carried (ids into {@link ThreadState.files}). */
  readonly fileIds: readonly string[];
}

/** An answer of the model in the thread's context. */
export interface AssistantTurn {
  readonly kind: "assistant";
  readonly generationId: string;
  readonly text: string;
  /** Cut short (cancelled or interrupted): the model sees it was cut. */
  readonly interrupted: boolean;
}

/** A file of the thread: a user's, or a tool's output (pending until delivered). */
export interface ThreadFile {
  readonly fileId: string;
  readonly source: "user" | "assistant";
  readonly kind: FileKind;
  readonly name: string;
  readonly mimeType: string;
  readonly sizeBytes: number;
  readonly telegramFileId: string | null;
  readonly telegramFileUniqueId: string | null;
  readonly sha256: string | null;
  readonly messageId: number | null;
  readonly generationId: string | null;
  readonly toolUseId: string | null;
  readonly durationSeconds: number | null;
  readonly caption: string | null;
  readonly receivedAt: string;
  /** For tool outputs: sent to the chat (FileDelivered). */
  readonly delivered: boolean;
  /** The automatic transcript of a voice or video note (FileTranscribed). */
  readonly transcript: { readonly text: string; readonly language: string | null } | null;
  /** Provider-side copies (Anthropic Files API ids) still believed to exist. */
  readonly uploads: readonly {
    readonly provider: "anthropic" | "openai" | "google";
    readonly providerFileId: string;
    readonly expiresAt: string | null;
  }[];
}

/** One entry of the conversation the model sees. */
export type Turn = UserTurn | AssistantTurn;

/** A generation that started and has not ended. */
export interface OpenGeneration {
  readonly generationId: string;
  readonly modelId: string;
  readonly priceTableVersion: string;
  readonly batchMessageIds: readonly number[];
  readonly delivery: "draft" | "edit";
  readonly text: string;
  readonly thinking: string;
  readonly chunks: number;
  readonly startedAt: string;
  /** The message edited while streaming (groups), once sent. */
  readonly previewMessageId: number | null;
  /** Finished parts of a long answer already sent as messages. */
  readonly sentParts: number;
  /** Model calls charged so far (a tool loop makes several): the next call's index. */
  readonly modelCalls: number;
  /** Tool calls recorded (ToolCalled), in order, and the ids of those that ended (ToolCompleted). */
  readonly toolCalls: readonly { readonly toolUseId: string; readonly name: string }[];
  readonly toolsCompleted: readonly string[];
}

/** How a generation ended. */
export type GenerationOutcome = "completed" | "cancelled" | "interrupted" | "failed";

/** A generation that ended but whose answer has not been recorded as delivered to Telegram. */
export interface UndeliveredAnswer {
  readonly generationId: string;
  readonly outcome: Exclude<GenerationOutcome, "failed">;
  readonly text: string;
  readonly stopReason: string | null;
  /** The user message it answers (the newest of its batch), to reply to in groups. */
  readonly replyToMessageId: number | null;
  readonly previewMessageId: number | null;
  readonly sentParts: number;
}

/**
 * The state of one conversation thread, folded from its events. Only the current
 * context (since the last ContextReset) is kept as turns; earlier messages stay in
 * the log. De-duplication remembers the most recent update and message ids.
 */
export interface ThreadState {
  readonly key: ThreadKey | null;
  readonly chatType: "private" | "group" | "supergroup" | null;
  /** Per-thread model override; null: the user's default applies. */
  readonly modelOverride: string | null;
  readonly turns: readonly Turn[];
  /** User messages received since the last generation started (the next batch). */
  readonly pending: readonly number[];
  readonly generation: OpenGeneration | null;
  readonly undelivered: readonly UndeliveredAnswer[];
  /** Every file of the thread, oldest first (a context reset keeps them: list_files shows them). */
  readonly files: readonly ThreadFile[];
  /** Open provider sessions of tools (an E2B sandbox), by tool name. */
  readonly toolSessions: Readonly<Record<string, { readonly sessionId: string; readonly expiresAt: string }>>;
  /** Generations already charged (a second charge for one call is refused). */
  readonly chargedCalls: ReadonlySet<string>;
  readonly recentUpdateIds: readonly number[];
  readonly recentMessageIds: readonly number[];
  readonly messageCount: number;
  readonly generationCount: number;
  /** Sum of what the user was charged in this thread, nano-USD. */
  readonly userCost: number;
  readonly lastActivityAt: string | null;
}

/** How many recent update and message ids are remembered for de-duplication. */
export const DEDUPLICATION_WINDOW = 512;

/** The state of a thread with no events. */
export const initialThreadState: ThreadState = Object.freeze({
  key: null,
  chatType: null,
  modelOverride: null,
  turns: [],
  pending: [],
  generation: null,
  undelivered: [],
  files: [],
  toolSessions: {},
  chargedCalls: new Set<string>(),
  recentUpdateIds: [],
  recentMessageIds: [],
  messageCount: 0,
  generationCount: 0,
  userCost: 0,
  lastActivityAt: null,
});

/** The key of a charge: one per model call of a generation. */
export function chargeKey(generationId: string, callIndex: number): string {
  return `${generationId}#${callIndex}`;
}
