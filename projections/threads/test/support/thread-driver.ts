import {
  type ChargeDraft,
  decideThread,
  domainEvents,
  type EventClock,
  evolveThread,
  fixedClock,
  initialThreadState,
  sequentialIds,
  stampEvents,
  type ThreadCommand,
  type ThreadEvent,
  type ThreadKey,
  type ThreadState,
  threadStream,
  tokenQuantities,
} from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";
import { RecordedLog } from "@bot/eventstore/testing";

/** One global log shared by several drivers: a fixed clock, sequential ids, and positions. */
export class TestLog extends RecordedLog<ThreadEvent> {
  readonly clock = fixedClock("2024-09-01T10:00:00.000Z");
  readonly source: EventClock = { clock: this.clock, ids: sequentialIds() };
}

/** Token quantities with every count 0 except those given. */
export const quantities = tokenQuantities;

/** A charge of one model call. */
export function charge(userAmount: number, options: Partial<ChargeDraft> = {}): ChargeDraft {
  return {
    callIndex: 0,
    modelId: "claude-sonnet",
    priceTableVersion: "2024-09",
    estimated: false,
    quantities: quantities({ inputTokens: 100, outputTokens: 20 }),
    amount: userAmount,
    userAmount,
    cacheWriteSubsidised: false,
    ...options,
  };
}

/**
 * Drives one thread the way the bot will: commands go through `decideThread`, the
 * drafts are stamped with the log's clock and ids, and the state is folded with
 * `evolveThread` — so every recorded sequence respects the thread's rules.
 */
export class ThreadDriver {
  state: ThreadState = initialThreadState;
  readonly stream: string;
  #revision = 0n;
  #nextMessageId = 1;
  #nextUpdateId = 1;

  constructor(
    readonly log: TestLog,
    readonly key: ThreadKey,
    readonly chatType: "private" | "group" | "supergroup" = key.chatId < 0 ? "supergroup" : "private",
  ) {
    this.stream = threadStream(key);
  }

  /** Decides and records a command; returns the events it produced (none if already satisfied). */
  run(command: ThreadCommand): RecordedEvent<ThreadEvent>[] {
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

  receive(text: string): number {
    const messageId = this.#nextMessageId++;
    this.run({
      type: "ReceiveMessage",
      message: {
        chatId: this.key.chatId,
        topicId: this.key.topicId,
        userId: this.key.userId,
        chatType: this.chatType,
        messageId,
        updateId: this.#nextUpdateId++,
        text,
        sentAt: this.log.clock.now().toISOString(),
        replyToMessageId: null,
        from: { username: "ada", firstName: "Ada", languageCode: "en" },
      },
    });
    return messageId;
  }

  edit(messageId: number, text: string): void {
    this.run({
      type: "EditMessage",
      messageId,
      updateId: this.#nextUpdateId++,
      text,
      editedAt: this.log.clock.now().toISOString(),
    });
  }

  start(modelId = "claude-sonnet"): string {
    const generationId = this.log.source.ids.uuid();
    this.run({
      type: "StartGeneration",
      generationId,
      modelId,
      priceTableVersion: "2024-09",
      delivery: "draft",
    });
    return generationId;
  }

  /** The open generation's id (throws when none is open). */
  get open(): string {
    const generation = this.state.generation;
    if (!generation) throw new Error("no open generation");
    return generation.generationId;
  }

  chunk(text: string, thinking = ""): void {
    this.run({ type: "RecordChunk", generationId: this.open, text, thinking });
  }

  complete(charges: readonly ChargeDraft[] = [], stopReason: "end_turn" | "max_tokens" = "end_turn"): void {
    this.run({
      type: "CompleteGeneration",
      generationId: this.open,
      stopReason,
      model: "claude-sonnet-20240901",
      usage: quantities({ inputTokens: 100, outputTokens: 20 }),
      charges,
    });
  }

  cancel(charges: readonly ChargeDraft[] = []): void {
    this.run({ type: "CancelGeneration", generationId: this.open, reason: "stop_button", charges });
  }

  interrupt(charges: readonly ChargeDraft[] = []): void {
    this.run({
      type: "InterruptGeneration",
      generationId: this.open,
      reason: "process_restart",
      errorKind: null,
      detail: null,
      charges,
    });
  }

  fail(charges: readonly ChargeDraft[] = []): void {
    this.run({
      type: "FailGeneration",
      generationId: this.open,
      errorKind: "overloaded",
      retryAfterSeconds: 30,
      detail: "provider overloaded",
      charges,
    });
  }

  deliver(generationId: string, telegramMessageIds: readonly number[], interrupted = false): void {
    this.run({ type: "RecordDelivery", generationId, telegramMessageIds, interrupted });
  }

  select(modelId: string | null): void {
    this.run({ type: "SelectModel", modelId });
  }

  reset(): void {
    this.run({ type: "ResetContext", reason: "command" });
  }
}
