import {
  type DomainEvent,
  domainEvents,
  type EventClock,
  fixedClock,
  sequentialIds,
  threadStream,
  tokenQuantities,
  userStream,
} from "@bot/domain";
import type { EventStore, ExpectedRevision, RecordedEvent } from "@bot/eventstore";
import { createLogger } from "@bot/observability";
import type { Infrastructure } from "@bot/platform";
import { balancesProjection } from "@bot/projection-balances";
import { type Projection, ProjectionRunner } from "@bot/projection-runner";

/** One event of the seeded log: when, where, what. */
export interface SeedEvent {
  readonly at: string;
  readonly stream: string;
  readonly type: DomainEvent["type"];
  readonly data: object;
}

function seed<T extends DomainEvent["type"]>(
  at: string,
  stream: string,
  type: T,
  data: Extract<DomainEvent, { type: T }>["data"],
): SeedEvent {
  return { at, stream, type, data };
}

/** Users of the seeded log. */
export const ANN = 101;
export const BOB = 102;
export const CY = 103;

/** Ann's private thread and her thread in a group. */
export const ANN_THREAD = threadStream({ chatId: ANN, topicId: null, userId: ANN });
export const ANN_GROUP_THREAD = threadStream({ chatId: -100200, topicId: null, userId: ANN });
export const BOB_THREAD = threadStream({ chatId: BOB, topicId: null, userId: BOB });

export const REFUND_BOB = "00000000-0000-4000-8000-00000000b0b1";
export const REFUND_CY = "00000000-0000-4000-8000-0000000000c1";
export const GEN_ANN_1 = "00000000-0000-4000-8000-0000000a0001";
export const GEN_ANN_2 = "00000000-0000-4000-8000-0000000a0002";
export const GEN_ANN_3 = "00000000-0000-4000-8000-0000000a0003";
export const GEN_BOB_1 = "00000000-0000-4000-8000-0000000b0001";

/**
 * A money log over three days with known totals (nano-USD):
 *
 * - Ann (101): starter 100 000 000, 100 Stars credited 715 000 000 (k1 35 %, k3 10 %),
 *   charges 1 234 500 (claude-opus, cache write subsidised: cost 1 500 000),
 *   50 000 (gpt-5, estimated) and 2 000 000 (claude-opus, in a group).
 *   Balance 811 715 500.
 * - Bob (102): starter 100 000 000, admin +1 000 000 000, 50 Stars credited
 *   325 000 000 then refunded (reserved −325 000 000; the settling PaymentRefunded
 *   debits 0, so it is no ledger line), charge 3 000 000 (claude-opus). Balance 1 097 000 000.
 * - Cy (103): starter 100 000 000, 10 Stars credited 84 500 000 (payload not verified),
 *   a refund reserved −84 500 000 that failed and was released +84 500 000.
 *   Balance 184 500 000.
 *
 * 14 ledger lines, net 2 093 215 500; plus events that move no money.
 */
export const AUDIT_LOG: readonly SeedEvent[] = [
  seed("2024-09-01T10:00:00.000Z", userStream(ANN), "UserRegistered", {
    starterBalance: 100_000_000,
    firstName: "Ann",
    username: "ann",
    languageCode: "en",
  }),
  seed("2024-09-01T10:05:00.000Z", userStream(ANN), "PaymentCredited", {
    telegramPaymentChargeId: "ch-ann-1",
    providerPaymentChargeId: "",
    stars: 100,
    nominalAmount: 1_300_000_000,
    k1BasisPoints: 3_500,
    k2BasisPoints: 0,
    k3BasisPoints: 1_000,
    creditedAmount: 715_000_000,
    invoiceIssuedAt: "2024-09-01T10:04:00.000Z",
    payloadVerified: true,
  }),
  seed("2024-09-01T11:00:00.000Z", ANN_THREAD, "UsageCharged", {
    generationId: GEN_ANN_1,
    callIndex: 0,
    userId: ANN,
    modelId: "claude-opus",
    priceTableVersion: "2024-09",
    estimated: false,
    quantities: tokenQuantities({ inputTokens: 1200, outputTokens: 345, cacheWrite5mTokens: 1000 }),
    amount: 1_500_000,
    userAmount: 1_234_500,
    cacheWriteSubsidised: true,
  }),
  seed("2024-09-01T12:00:00.000Z", userStream(BOB), "UserRegistered", {
    starterBalance: 100_000_000,
    firstName: "Bob",
    username: null,
    languageCode: null,
  }),
  seed("2024-09-01T13:00:00.000Z", userStream(CY), "UserRegistered", {
    starterBalance: 100_000_000,
    firstName: "Cy",
    username: "cy",
    languageCode: "de",
  }),
  seed("2024-09-01T13:01:00.000Z", userStream(CY), "ModelPreferenceSet", {
    modelId: "gpt-5",
    previousModelId: null,
  }),
  seed("2024-09-02T09:00:00.000Z", ANN_THREAD, "UsageCharged", {
    generationId: GEN_ANN_2,
    callIndex: 0,
    userId: ANN,
    modelId: "gpt-5",
    priceTableVersion: "2024-09",
    estimated: true,
    quantities: tokenQuantities({ inputTokens: 300, outputTokens: 12 }),
    amount: 50_000,
    userAmount: 50_000,
    cacheWriteSubsidised: false,
  }),
  seed("2024-09-02T09:30:00.000Z", ANN_GROUP_THREAD, "UsageCharged", {
    generationId: GEN_ANN_3,
    callIndex: 1,
    userId: ANN,
    modelId: "claude-opus",
    priceTableVersion: "2024-09b",
    estimated: false,
    quantities: tokenQuantities({ inputTokens: 900, outputTokens: 100, webSearchRequests: 1 }),
    amount: 2_000_000,
    userAmount: 2_000_000,
    cacheWriteSubsidised: false,
  }),
  seed("2024-09-02T10:00:00.000Z", userStream(BOB), "BalanceAdjusted", {
    adminId: 1,
    amount: 1_000_000_000,
    reason: 'goodwill, "sorry"',
  }),
  seed("2024-09-02T11:00:00.000Z", userStream(BOB), "PaymentCredited", {
    telegramPaymentChargeId: "ch-bob-1",
    providerPaymentChargeId: "",
    stars: 50,
    nominalAmount: 650_000_000,
    k1BasisPoints: 3_500,
    k2BasisPoints: 1_500,
    k3BasisPoints: 0,
    creditedAmount: 325_000_000,
    invoiceIssuedAt: null,
    payloadVerified: true,
  }),
  seed("2024-09-02T12:00:00.000Z", userStream(BOB), "RefundRequested", {
    telegramPaymentChargeId: "ch-bob-1",
    refundId: REFUND_BOB,
    stars: 50,
    reservedAmount: 325_000_000,
  }),
  seed("2024-09-02T12:01:00.000Z", userStream(BOB), "PaymentRefunded", {
    telegramPaymentChargeId: "ch-bob-1",
    refundId: REFUND_BOB,
    stars: 50,
    amountDebited: 0,
    settledBy: "refund_call",
  }),
  seed("2024-09-03T08:00:00.000Z", BOB_THREAD, "UsageCharged", {
    generationId: GEN_BOB_1,
    callIndex: 0,
    userId: BOB,
    modelId: "claude-opus",
    priceTableVersion: "2024-09b",
    estimated: false,
    quantities: tokenQuantities({ inputTokens: 2000, outputTokens: 500 }),
    amount: 3_000_000,
    userAmount: 3_000_000,
    cacheWriteSubsidised: false,
  }),
  seed("2024-09-03T09:00:00.000Z", userStream(CY), "PaymentCredited", {
    telegramPaymentChargeId: "ch-cy-1",
    providerPaymentChargeId: "",
    stars: 10,
    nominalAmount: 130_000_000,
    k1BasisPoints: 3_500,
    k2BasisPoints: 0,
    k3BasisPoints: 0,
    creditedAmount: 84_500_000,
    invoiceIssuedAt: null,
    payloadVerified: false,
  }),
  seed("2024-09-03T09:10:00.000Z", userStream(CY), "RefundRequested", {
    telegramPaymentChargeId: "ch-cy-1",
    refundId: REFUND_CY,
    stars: 10,
    reservedAmount: 84_500_000,
  }),
  seed("2024-09-03T09:20:00.000Z", userStream(CY), "RefundFailed", {
    telegramPaymentChargeId: "ch-cy-1",
    refundId: REFUND_CY,
    reason: "CHARGE_NOT_FOUND",
    releasedAmount: 84_500_000,
  }),
];

/** Balances the seeded log adds up to (nano-USD). */
export const EXPECTED_BALANCES: ReadonlyMap<number, bigint> = new Map([
  [ANN, 811_715_500n],
  [BOB, 1_097_000_000n],
  [CY, 184_500_000n],
]);

/** The seeded events, created through the domain registry (validated as on write). */
function createEvents(events: readonly SeedEvent[], firstId: number): DomainEvent[] {
  const clock = fixedClock("2024-09-01T00:00:00.000Z");
  const source: EventClock = { clock, ids: sequentialIds(firstId) };
  return events.map((seeded) => {
    clock.set(seeded.at);
    return domainEvents.create(seeded.type, seeded.data as never, source, {
      correlationId: "audit-test",
    }) as DomainEvent;
  });
}

/** The seeded events as a store would record them (positions 1, 2, …), for pure tests. */
export function recordedAuditLog(events: readonly SeedEvent[] = AUDIT_LOG): RecordedEvent<DomainEvent>[] {
  const revisions = new Map<string, bigint>();
  return createEvents(events, 0x5eed).map((event, index) => {
    const seeded = events[index] as SeedEvent;
    const revision = revisions.get(seeded.stream) ?? 0n;
    revisions.set(seeded.stream, revision + 1n);
    const position = BigInt(index + 1);
    return {
      ...event,
      stream: seeded.stream,
      revision,
      position: { commit: position, prepare: position },
      recordedAt: seeded.at,
    } as RecordedEvent<DomainEvent>;
  });
}

/** Appends the seeded events to `store` one by one, each at its stream's expected revision. */
export async function appendAuditLog(
  store: EventStore<DomainEvent>,
  events: readonly SeedEvent[] = AUDIT_LOG,
  firstId = 0x5eed,
): Promise<void> {
  const revisions = new Map<string, ExpectedRevision>();
  const created = createEvents(events, firstId);
  for (const [index, event] of created.entries()) {
    const stream = (events[index] as SeedEvent).stream;
    const result = await store.append(stream, [event], {
      expectedRevision: revisions.get(stream) ?? "no_stream",
    });
    revisions.set(stream, result.nextRevision);
  }
}

/** Builds the balances read model of `infrastructure` up to the log's head, as a running projector would. */
export async function projectBalances(infrastructure: Infrastructure): Promise<void> {
  const runner = new ProjectionRunner<DomainEvent>({
    store: infrastructure.store,
    sql: infrastructure.readModels,
    projections: [balancesProjection as Projection<DomainEvent>],
    logger: createLogger({ level: "silent" }),
  });
  runner.start();
  try {
    const head = await infrastructure.store.headPosition();
    if (head) await runner.waitFor(balancesProjection.name, head, { timeoutMs: 30_000 });
  } finally {
    await runner.stop();
  }
}
