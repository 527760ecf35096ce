import {
  decideThread,
  domainEvents,
  type EventClock,
  evolveThread,
  type FileReceived,
  type FileUploaded,
  fixedClock,
  initialThreadState,
  sequentialIds,
  stampEvents,
  type ThreadCommand,
  type ThreadEvent,
  type ThreadKey,
  type ThreadState,
  threadStream,
} from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";
import { RecordedLog } from "@bot/eventstore/testing";
import { FILE_EVENT_TYPES, type FileEvent } from "../../src/index.ts";

/** One global log shared by several threads: a fixed clock, sequential ids, and positions. */
export class FileLog extends RecordedLog<ThreadEvent> {
  readonly clock = fixedClock("2026-03-01T10:00:00.000Z");
  readonly source: EventClock = { clock: this.clock, ids: sequentialIds() };

  /** The events the files projection reads, in log order (what the runner would hand it). */
  get fileEvents(): RecordedEvent<FileEvent>[] {
    const handled: readonly string[] = FILE_EVENT_TYPES;
    return this.events.filter((event): event is RecordedEvent<FileEvent> => handled.includes(event.type));
  }
}

/** A provider's file store. */
export type Provider = FileUploaded["data"]["provider"];

/** A file's metadata as the bot records it; `messageId` is set by the message that carries it. */
export type FileDraft = FileReceived["data"];

/**
 * Drives one thread the way the bot does: commands go through `decideThread`, drafts
 * are stamped with the log's clock and ids, the state is folded with `evolveThread` —
 * so every recorded sequence respects the thread's rules (no delivery of an unknown
 * file, no deletion of a copy never uploaded, no second delivery).
 */
export class FileThread {
  state: ThreadState = initialThreadState;
  readonly stream: string;
  #revision = 0n;
  #nextMessageId = 1;

  constructor(
    readonly log: FileLog,
    readonly key: ThreadKey,
  ) {
    this.stream = threadStream(key);
  }

  /** Decides and records a command (the clock moves a second first); returns what it recorded. */
  run(command: ThreadCommand): RecordedEvent<ThreadEvent>[] {
    this.log.clock.advance(1000);
    const drafts = decideThread(command, this.state);
    const events = stampEvents(domainEvents, drafts, this.log.source, {
      correlationId: `test-${command.type}`,
      userId: this.key.userId,
    }) as ThreadEvent[];
    const recorded = this.log.record(this.stream, events, this.#revision);
    this.#revision += BigInt(recorded.length);
    for (const event of recorded) this.state = evolveThread(this.state, event, this.stream);
    return recorded;
  }

  /** A user message carrying `files` (none: a plain text message); returns the message id. */
  receive(files: readonly FileDraft[] = [], text = "look"): number {
    const messageId = this.#nextMessageId++;
    this.run({
      type: "ReceiveMessage",
      message: {
        chatId: this.key.chatId,
        topicId: this.key.topicId,
        userId: this.key.userId,
        chatType: this.key.chatId < 0 ? "supergroup" : "private",
        messageId,
        updateId: messageId,
        text,
        sentAt: this.log.clock.now().toISOString(),
        replyToMessageId: null,
        from: { username: "ada", firstName: "Ada", languageCode: "en" },
      },
      files,
    });
    return messageId;
  }

  /** The open generation, opened (after a message to answer) when there is none. */
  generation(): string {
    const open = this.state.generation;
    if (open) return open.generationId;
    this.receive([], "make me something");
    const generationId = this.log.source.ids.uuid();
    this.run({
      type: "StartGeneration",
      generationId,
      modelId: "claude-sonnet",
      priceTableVersion: "2026-03",
      delivery: "draft",
    });
    return generationId;
  }

  /** A tool output of the open generation (pending until delivered); returns its file id. */
  produce(overrides: Partial<FileDraft> = {}): string {
    const generationId = this.generation();
    const file: FileDraft = {
      ...assistantFile(this.log, generationId),
      ...overrides,
    };
    this.run({ type: "RecordToolFile", file });
    return file.fileId;
  }

  deliver(fileId: string, telegramMessageId: number, sentAs: "photo" | "document" = "document"): void {
    this.run({
      type: "RecordFileDelivery",
      delivery: { fileId, telegramMessageId, telegramFileId: `sent-${fileId}`, sentAs, caption: "here" },
    });
  }

  upload(
    fileId: string,
    providerFileId: string,
    expiresAt: string | null = null,
    provider: Provider = "anthropic",
  ): void {
    this.run({ type: "RecordUpload", upload: { fileId, provider, providerFileId, expiresAt } });
  }

  deleteCopy(
    fileId: string,
    providerFileId: string,
    reason: "expired" | "retention" | "missing",
    provider: Provider = "anthropic",
  ): void {
    this.run({ type: "RecordProviderFileDeleted", deletion: { fileId, provider, providerFileId, reason } });
  }
}

/** A user's photo, as the bot records it from Telegram. */
export function userFile(log: FileLog, overrides: Partial<FileDraft> = {}): FileDraft {
  const fileId = log.source.ids.uuid();
  return {
    fileId,
    source: "user",
    kind: "photo",
    name: "photo.jpg",
    mimeType: "image/jpeg",
    sizeBytes: 120_000,
    telegramFileId: `tg-${fileId.slice(-4)}`,
    telegramFileUniqueId: `uniq-${fileId.slice(-4)}`,
    messageId: null,
    sha256: null,
    generationId: null,
    toolUseId: null,
    durationSeconds: null,
    caption: null,
    ...overrides,
  };
}

/** A chart a tool produced, stored by the bot. */
export function assistantFile(log: FileLog, generationId: string): FileDraft {
  const fileId = log.source.ids.uuid();
  return {
    fileId,
    source: "assistant",
    kind: "image",
    name: "chart.png",
    mimeType: "image/png",
    sizeBytes: 40_000,
    telegramFileId: null,
    telegramFileUniqueId: null,
    messageId: null,
    sha256: "ab".repeat(32),
    generationId,
    toolUseId: "toolu_01",
    durationSeconds: null,
    caption: null,
  };
}
