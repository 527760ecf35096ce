import { z } from "zod";
import { defineEvent, type EventOf } from "../event-registry.ts";

import { count, nanoUsdAmount, positiveId, telegramId } from "./fields.ts";

const generationId = z.uuid();

/**
 * A user's message reached the bot. De-duplicated by the Telegram `updateId` and by
 * (chatId, messageId): the same update delivered twice appends nothing.
 */
export const MessageReceived = defineEvent({
  type: "MessageReceived",
  schema: z.strictObject({
    chatId: telegramId,
    topicId: positiveId.nullable(),
    userId: positiveId,
    chatType: z.enum(["private", "group", "supergroup"]),
    messageId: positiveId,
    updateId: z.number().int().nonnegative(),
    text: z.string(),
    /** When Telegram says the message was sent (its `date`), ISO-8601. */
    sentAt: z.iso.datetime({ offset: true }),
    replyToMessageId: positiveId.nullable(),
    from: z.strictObject({
      username: z.string().nullable(),
      firstName: z.string(),
      languageCode: z.string().nullable(),
    }),
  }),
});
export type MessageReceived = EventOf<typeof MessageReceived>;

/** A user edited a message the thread already holds. Recorded; no new answer is generated. */
export const MessageEdited = defineEvent({
  type: "MessageEdited",
  schema: z.strictObject({
    messageId: positiveId,
    updateId: z.number().int().nonnegative(),
    text: z.string(),
    editedAt: z.iso.datetime({ offset: true }),
  }),
});
export type MessageEdited = EventOf<typeof MessageEdited>;

/**
 * The thread's model was overridden (`modelId`), or the override was removed so the
 * user's default applies again (`modelId: null`). The default is a user event.
 */
export const ModelSelected = defineEvent({
  type: "ModelSelected",
  schema: z.strictObject({
    modelId: z.string().min(1).nullable(),
    previousModelId: z.string().min(1).nullable(),
  }),
});
export type ModelSelected = EventOf<typeof ModelSelected>;

/** The thread starts a fresh context; earlier messages stay in the log but leave the prompt. */
export const ContextReset = defineEvent({
  type: "ContextReset",
  schema: z.strictObject({
    reason: z.enum(["command", "operator"]),
  }),
});
export type ContextReset = EventOf<typeof ContextReset>;

/** An answer is being generated for the user messages `batchMessageIds`. */
export const GenerationStarted = defineEvent({
  type: "GenerationStarted",
  schema: z.strictObject({
    generationId,
    modelId: z.string().min(1),
    /** The price table the charges of this generation use. */
    priceTableVersion: z.string().min(1),
    batchMessageIds: z.array(positiveId).min(1),
    /** How the answer is shown while it streams: Telegram drafts (private chats) or send + edit. */
    delivery: z.enum(["draft", "edit"]),
  }),
});
export type GenerationStarted = EventOf<typeof GenerationStarted>;

/**
 * A piece of the answer was streamed and flushed to Telegram: the text (and
 * thinking) since the previous flush, not one event per token.
 */
export const ChunkStreamed = defineEvent({
  type: "ChunkStreamed",
  schema: z.strictObject({
    generationId,
    sequence: count,
    text: z.string(),
    thinking: z.string(),
  }),
});
export type ChunkStreamed = EventOf<typeof ChunkStreamed>;

/** Stop reasons of a model call (normalised across providers). */
export const stopReasonSchema = z.enum([
  "end_turn",
  "max_tokens",
  "stop_sequence",
  "tool_use",
  "pause_turn",
  "refusal",
  "model_context_window_exceeded",
]);
/** Why a model stopped (normalised across providers). */
export type StopReason = z.infer<typeof stopReasonSchema>;

/** Token quantities of one model call. */
export const tokenQuantitiesSchema = z.strictObject({
  inputTokens: count,
  outputTokens: count,
  cacheWrite5mTokens: count,
  cacheWrite1hTokens: count,
  cacheReadTokens: count,
  /** Reasoning tokens; Anthropic counts them inside outputTokens (informational). */
  thinkingTokens: count,
  webSearchRequests: count,
});
export type TokenQuantities = z.infer<typeof tokenQuantitiesSchema>;

/** Token quantities with every count 0 except those given. */
export function tokenQuantities(counts: Partial<TokenQuantities> = {}): TokenQuantities {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: 0,
    thinkingTokens: 0,
    webSearchRequests: 0,
    ...counts,
  };
}

/** The model finished its answer. */
export const GenerationCompleted = defineEvent({
  type: "GenerationCompleted",
  schema: z.strictObject({
    generationId,
    stopReason: stopReasonSchema,
    /** The model id the provider reported (may be a dated snapshot of the requested one). */
    model: z.string().min(1),
    usage: tokenQuantitiesSchema,
  }),
});
export type GenerationCompleted = EventOf<typeof GenerationCompleted>;

/** The user stopped the answer (/stop, the stop button) or replaced it with a new message. */
export const GenerationCancelled = defineEvent({
  type: "GenerationCancelled",
  schema: z.strictObject({
    generationId,
    reason: z.enum(["stop_command", "stop_button", "new_message", "context_reset"]),
  }),
});
export type GenerationCancelled = EventOf<typeof GenerationCancelled>;

/**
 * The answer ended early without the user asking: the process restarted while it
 * streamed, or the provider failed after text had arrived.
 */
export const GenerationInterrupted = defineEvent({
  type: "GenerationInterrupted",
  schema: z.strictObject({
    generationId,
    reason: z.enum(["process_restart", "provider_error"]),
    errorKind: z.string().nullable(),
    detail: z.string().nullable(),
  }),
});
export type GenerationInterrupted = EventOf<typeof GenerationInterrupted>;

/** The provider refused or failed before any text arrived; nothing to show or charge. */
export const GenerationFailed = defineEvent({
  type: "GenerationFailed",
  schema: z.strictObject({
    generationId,
    errorKind: z.string().min(1),
    retryAfterSeconds: count.nullable(),
    detail: z.string().nullable(),
  }),
});
export type GenerationFailed = EventOf<typeof GenerationFailed>;

/**
 * The pending messages were not answered because the user's balance did not allow a
 * new request (see the balance policy). They stay in the thread's history; the user
 * was told how to top up.
 */
export const GenerationRefused = defineEvent({
  type: "GenerationRefused",
  schema: z.strictObject({
    batchMessageIds: z.array(positiveId).min(1),
    reason: z.enum(["insufficient_balance"]),
    /** The balance the decision saw. */
    balance: nanoUsdAmount,
  }),
});
export type GenerationRefused = EventOf<typeof GenerationRefused>;

/**
 * One model API call was charged: what priced it (model, quantities, price table
 * version) and the amount in nano-USD. `estimated` when a stopped stream gave no
 * usage and the quantities were estimated from the text.
 */
export const UsageCharged = defineEvent({
  type: "UsageCharged",
  schema: z.strictObject({
    generationId,
    /** 0 for the first model call of the generation; tool loops add more. */
    callIndex: count,
    userId: positiveId,
    modelId: z.string().min(1),
    priceTableVersion: z.string().min(1),
    estimated: z.boolean(),
    quantities: tokenQuantitiesSchema,
    /** Full cost of the call. */
    amount: nanoUsdAmount,
    /** What the user pays: the amount, minus the cache-write cost when the owner subsidises it. */
    userAmount: nanoUsdAmount,
    cacheWriteSubsidised: z.boolean(),
  }),
});
export type UsageCharged = EventOf<typeof UsageCharged>;

/**
 * One Telegram message of an answer was sent: a finished `part` of a long answer
 * (`partIndex` 0, 1, ...; it never changes afterwards) or the `preview` message that
 * is edited while the answer streams (groups). Recorded right after Telegram accepted
 * it, so recovery after a crash edits the preview and skips the parts already sent
 * instead of sending them again.
 */
export const AnswerMessageSent = defineEvent({
  type: "AnswerMessageSent",
  schema: z.strictObject({
    generationId,
    telegramMessageId: positiveId,
    kind: z.enum(["preview", "part"]),
    partIndex: count.nullable(),
  }),
});
export type AnswerMessageSent = EventOf<typeof AnswerMessageSent>;

/** The answer (complete or partial) reached the chat as these Telegram messages. */
export const AnswerDelivered = defineEvent({
  type: "AnswerDelivered",
  schema: z.strictObject({
    generationId,
    telegramMessageIds: z.array(positiveId),
    interrupted: z.boolean(),
  }),
});
export type AnswerDelivered = EventOf<typeof AnswerDelivered>;

/** What kind of file it is, as the bot treats it. */
export const fileKindSchema = z.enum([
  "photo",
  "image",
  "pdf",
  "text",
  "spreadsheet",
  "voice",
  "audio",
  "video",
  "other",
]);
export type FileKind = z.infer<typeof fileKindSchema>;

/**
 * A file entered the thread: a user's photo, document, voice note..., or a file a tool
 * produced for the user (`source: "assistant"`, pending until FileDelivered). Only
 * metadata: the bytes live in Telegram (user files, by `telegramFileId`) or in the
 * bot's file store (tool outputs, by `sha256`).
 */
export const FileReceived = defineEvent({
  type: "FileReceived",
  schema: z.strictObject({
    /** Our id of the file in this thread (a UUID), what tools and the model refer to. */
    fileId: z.uuid(),
    source: z.enum(["user", "assistant"]),
    kind: fileKindSchema,
    name: z.string().min(1).max(255),
    mimeType: z.string().min(1).max(255),
    sizeBytes: count,
    telegramFileId: z.string().min(1).max(512).nullable(),
    telegramFileUniqueId: z.string().min(1).max(256).nullable(),
    /** The user message that carried it (user files). */
    messageId: positiveId.nullable(),
    /** The content hash in the bot's file store (tool outputs; user files once fetched). */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .nullable(),
    /** The generation and tool call that produced it (tool outputs). */
    generationId: generationId.nullable(),
    toolUseId: z.string().min(1).max(128).nullable(),
    /** Media length in seconds, when Telegram says (voice, audio, video). */
    durationSeconds: count.nullable(),
    caption: z.string().max(1024).nullable(),
  }),
});
export type FileReceived = EventOf<typeof FileReceived>;

/**
 * A thread file was uploaded to a provider's file store (Anthropic Files API), so
 * requests refer to it by id instead of carrying its bytes every turn.
 */
export const FileUploaded = defineEvent({
  type: "FileUploaded",
  schema: z.strictObject({
    fileId: z.uuid(),
    provider: z.enum(["anthropic", "openai", "google"]),
    providerFileId: z.string().min(1).max(256),
    /** When the provider deletes it by itself, if it says; null: kept until we delete it. */
    expiresAt: z.iso.datetime({ offset: true }).nullable(),
  }),
});
export type FileUploaded = EventOf<typeof FileUploaded>;

/** A provider-side copy of a thread file is gone: deleted by the clean-up job, or found missing. */
export const ProviderFileDeleted = defineEvent({
  type: "ProviderFileDeleted",
  schema: z.strictObject({
    fileId: z.uuid(),
    provider: z.enum(["anthropic", "openai", "google"]),
    providerFileId: z.string().min(1).max(256),
    reason: z.enum(["expired", "retention", "missing"]),
  }),
});
export type ProviderFileDeleted = EventOf<typeof ProviderFileDeleted>;

/**
 * A voice or video note was transcribed automatically before the model answered it; the
 * text stands for the audio in this and later turns (it is not transcribed again). Its
 * charge is a ToolCharged of `transcribe_audio` with the tool-use id `auto:<fileId>`.
 */
export const FileTranscribed = defineEvent({
  type: "FileTranscribed",
  schema: z.strictObject({
    fileId: z.uuid(),
    generationId,
    model: z.string().min(1).max(100),
    text: z.string().max(200_000),
    language: z.string().min(1).max(32).nullable(),
    durationSeconds: count,
  }),
});
export type FileTranscribed = EventOf<typeof FileTranscribed>;

/** A file a tool produced was sent to the chat. */
export const FileDelivered = defineEvent({
  type: "FileDelivered",
  schema: z.strictObject({
    fileId: z.uuid(),
    telegramMessageId: positiveId,
    telegramFileId: z.string().min(1).max(512),
    sentAs: z.enum(["photo", "document"]),
    caption: z.string().max(1024).nullable(),
  }),
});
export type FileDelivered = EventOf<typeof FileDelivered>;

/**
 * A tool opened (or extended) a long-lived provider session for this thread, e.g. the
 * E2B sandbox execute_python reuses while it is alive.
 */
export const ToolSessionOpened = defineEvent({
  type: "ToolSessionOpened",
  schema: z.strictObject({
    tool: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
    sessionId: z.string().min(1).max(256),
    expiresAt: z.iso.datetime({ offset: true }),
  }),
});
export type ToolSessionOpened = EventOf<typeof ToolSessionOpened>;

/** A tool's provider session ended (killed, expired, lost). */
export const ToolSessionClosed = defineEvent({
  type: "ToolSessionClosed",
  schema: z.strictObject({
    tool: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
    sessionId: z.string().min(1).max(256),
    reason: z.string().min(1).max(200),
  }),
});
export type ToolSessionClosed = EventOf<typeof ToolSessionClosed>;

/** A tool name as offered to the model (ours or the provider's). */
const toolName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/);
/** The model's id of one tool call (Anthropic `toolu_…`), unique within the generation. */
const toolUseId = z.string().min(1).max(128);

/**
 * The model asked for one of our tools. Appended before the tool runs, so a crash
 * mid-tool leaves the call in the log. `callIndex` is the model call that asked.
 */
export const ToolCalled = defineEvent({
  type: "ToolCalled",
  schema: z.strictObject({
    generationId,
    callIndex: count,
    toolUseId,
    name: toolName,
    /** The input the model gave, as parsed JSON. */
    input: z.unknown(),
  }),
});
export type ToolCalled = EventOf<typeof ToolCalled>;

/**
 * A tool call ended: `ok`, or the error the model was told (`errorKind`: bad_input,
 * insufficient_balance, provider_error, timeout, cancelled, failed, ...). `summary` is a
 * short description of the result for people reading the log; the model got the full
 * result.
 */
export const ToolCompleted = defineEvent({
  type: "ToolCompleted",
  schema: z.strictObject({
    generationId,
    toolUseId,
    name: toolName,
    ok: z.boolean(),
    errorKind: z.string().min(1).max(64).nullable(),
    durationMs: count,
    summary: z.string().max(2000),
  }),
});
export type ToolCompleted = EventOf<typeof ToolCompleted>;

/** A unit price: `nanoUsd` for every `per` units of a quantity. */
export const unitPriceSchema = z.strictObject({ nanoUsd: count, per: z.number().int().positive() });
export type UnitPrice = z.infer<typeof unitPriceSchema>;

/**
 * A paid tool's use was charged, even when its own work failed after consuming
 * resources (a Python run that raised still used sandbox seconds). `quantities` are
 * what was measured (e.g. `vcpuSeconds`, `memoryMibSeconds`, `audioSeconds`,
 * `images`), each priced by the unit price of the same key from the price table
 * version named; `amount` = Σ ceil(quantity × nanoUsd / per).
 */
export const ToolCharged = defineEvent({
  type: "ToolCharged",
  schema: z.strictObject({
    generationId,
    toolUseId,
    userId: positiveId,
    name: toolName,
    priceTableVersion: z.string().min(1),
    quantities: z.record(z.string().regex(/^[a-zA-Z0-9_]{1,64}$/), count),
    unitPrices: z.record(z.string().regex(/^[a-zA-Z0-9_]{1,64}$/), unitPriceSchema),
    amount: nanoUsdAmount,
    /** What the user pays (the amount; a cap, e.g. of self_critique, may lower it). */
    userAmount: nanoUsdAmount,
  }),
});
export type ToolCharged = EventOf<typeof ToolCharged>;

/** Every thread event definition. */
export const threadEventDefinitions = [
  MessageReceived,
  MessageEdited,
  ModelSelected,
  ContextReset,
  GenerationStarted,
  ChunkStreamed,
  GenerationCompleted,
  GenerationCancelled,
  GenerationInterrupted,
  GenerationFailed,
  GenerationRefused,
  UsageCharged,
  ToolCalled,
  ToolCompleted,
  ToolCharged,
  FileReceived,
  FileDelivered,
  FileUploaded,
  ProviderFileDeleted,
  FileTranscribed,
  ToolSessionOpened,
  ToolSessionClosed,
  AnswerMessageSent,
  AnswerDelivered,
] as const;

/** Any event of a thread stream. */
export type ThreadEvent = EventOf<(typeof threadEventDefinitions)[number]>;
