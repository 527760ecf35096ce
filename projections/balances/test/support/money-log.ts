import {
  type DomainEvent,
  domainEvents,
  type EventClock,
  fixedClock,
  nanoUsd,
  sequentialIds,
  tokenQuantities,
  userStream,
} from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";
import type { BalanceEvent } from "../../src/index.ts";

/**
 * A log of money events for projection tests: events are created through the domain
 * registry (validated as on write) and recorded with stream revisions and global
 * positions, as the store would return them.
 */
export class MoneyLog {
  readonly clock = fixedClock("2026-11-01T10:00:00.000Z");
  readonly source: EventClock = { clock: this.clock, ids: sequentialIds() };
  readonly events: RecordedEvent<BalanceEvent>[] = [];
  readonly #revisions = new Map<string, bigint>();
  #position = 0n;

  /** Appends one event of `type` to `stream`; the clock moves one second first. */
  add<T extends BalanceEvent["type"]>(
    stream: string,
    type: T,
    data: Extract<DomainEvent, { type: T }>["data"],
  ): RecordedEvent<BalanceEvent> {
    this.clock.advance(1000);
    const event = domainEvents.create(type, data as never, this.source, {
      correlationId: "test",
    }) as DomainEvent;
    const revision = this.#revisions.get(stream) ?? 0n;
    this.#revisions.set(stream, revision + 1n);
    this.#position += 1n;
    const recorded = {
      ...event,
      stream,
      revision,
      position: { commit: this.#position, prepare: this.#position },
      recordedAt: event.metadata.occurredAt,
    } as RecordedEvent<BalanceEvent>;
    this.events.push(recorded);
    return recorded;
  }

  register(userId: number, starterUsd = 0.1, username: string | null = `user${userId}`) {
    return this.add(userStream(userId), "UserRegistered", {
      starterBalance: nanoUsd(Math.round(starterUsd * 1e9)),
      firstName: `User ${userId}`,
      username,
      languageCode: "en",
    });
  }

  credit(userId: number, chargeId: string, stars: number, creditedNano: number) {
    return this.add(userStream(userId), "PaymentCredited", {
      telegramPaymentChargeId: chargeId,
      providerPaymentChargeId: "",
      stars,
      nominalAmount: stars * 13_000_000,
      k1BasisPoints: 3_500,
      k2BasisPoints: 1_500,
      k3BasisPoints: 0,
      creditedAmount: creditedNano,
      invoiceIssuedAt: null,
      payloadVerified: true,
    });
  }

  charge(userId: number, modelId: string, userAmount: number, generationId = crypto.randomUUID()) {
    return this.add(`thread-${userId}-0-${userId}`, "UsageCharged", {
      generationId,
      callIndex: 0,
      userId,
      modelId,
      priceTableVersion: "test-1",
      estimated: false,
      quantities: tokenQuantities({ inputTokens: 100, outputTokens: 50 }),
      amount: userAmount,
      userAmount,
      cacheWriteSubsidised: false,
    });
  }

  message(userId: number, username: string | null, messageId: number) {
    return this.add(`thread-${userId}-0-${userId}`, "MessageReceived", {
      chatId: userId,
      topicId: null,
      userId,
      chatType: "private",
      messageId,
      updateId: messageId,
      text: "hi",
      sentAt: this.clock.now().toISOString(),
      replyToMessageId: null,
      from: { username, firstName: `User ${userId}`, languageCode: "en" },
    });
  }
}
