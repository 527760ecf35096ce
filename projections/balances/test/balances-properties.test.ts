import {
  creditForStars,
  decideUser,
  evolveUser,
  initialUserAccount,
  ledgerEntryOf,
  nanoUsd,
  RefundRefusedError,
  type UserAccountState,
  type UserCommand,
  type UserEvent,
  userStream,
} from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";
import {
  applyInBatches,
  chunks,
  freshProjectionSchema,
  projectionTestBackends,
} from "@bot/projection-runner/testing";
import type { SqlClient } from "@bot/sql";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allBalances, type BalanceEvent, balancesProjection, findPayment } from "../src/index.ts";
import { MoneyLog } from "./support/money-log.ts";

const USERS = [11, 12];
const CHARGES = ["p1", "p2", "p3"];
const REFUND_IDS = ["00000000-0000-4000-8000-0000000000b1", "00000000-0000-4000-8000-0000000000b2"];

type Step =
  | { kind: "user"; userId: number; command: UserCommand }
  | { kind: "charge"; userId: number; amount: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc
    .record({
      userId: fc.constantFrom(...USERS),
      charge: fc.constantFrom(...CHARGES),
      stars: fc.integer({ min: 1, max: 2_500 }),
    })
    .map(
      ({ userId, charge, stars }): Step => ({
        kind: "user",
        userId,
        command: {
          type: "CreditPayment",
          telegramPaymentChargeId: `${userId}-${charge}`,
          providerPaymentChargeId: "",
          credit: creditForStars(stars, 0),
          invoiceIssuedAt: null,
          payloadVerified: true,
        },
      }),
    ),
  fc
    .record({
      userId: fc.constantFrom(...USERS),
      charge: fc.constantFrom(...CHARGES),
      refundId: fc.constantFrom(...REFUND_IDS),
    })
    .map(
      ({ userId, charge, refundId }): Step => ({
        kind: "user",
        userId,
        command: {
          type: "RequestRefund",
          telegramPaymentChargeId: `${userId}-${charge}`,
          refundId: `${refundId.slice(0, -2)}${userId}`,
          now: "2026-11-02T00:00:00.000Z",
          balance: nanoUsd(10 ** 12),
        },
      }),
    ),
  fc
    .record({
      userId: fc.constantFrom(...USERS),
      charge: fc.constantFrom(...CHARGES),
      refundId: fc.constantFrom(...REFUND_IDS),
      ok: fc.boolean(),
    })
    .map(
      ({ userId, charge, refundId, ok }): Step => ({
        kind: "user",
        userId,
        command: {
          type: "SettleRefund",
          telegramPaymentChargeId: `${userId}-${charge}`,
          refundId: `${refundId.slice(0, -2)}${userId}`,
          outcome: ok
            ? { kind: "refunded", settledBy: "refund_call" }
            : { kind: "failed", reason: "refused" },
        },
      }),
    ),
  fc.record({ userId: fc.constantFrom(...USERS), charge: fc.constantFrom(...CHARGES) }).map(
    ({ userId, charge }): Step => ({
      kind: "user",
      userId,
      command: { type: "RecordRefundedPayment", telegramPaymentChargeId: `${userId}-${charge}` },
    }),
  ),
  fc
    .record({
      userId: fc.constantFrom(...USERS),
      amount: fc.integer({ min: -5 * 10 ** 8, max: 5 * 10 ** 8 }).filter((n) => n !== 0),
    })
    .map(
      ({ userId, amount }): Step => ({
        kind: "user",
        userId,
        command: { type: "AdjustBalance", adminId: 1, amount: nanoUsd(amount), reason: null },
      }),
    ),
  fc
    .record({ userId: fc.constantFrom(...USERS), amount: fc.integer({ min: 1, max: 10 ** 8 }) })
    .map(({ userId, amount }): Step => ({ kind: "charge", userId, amount })),
);

/** Decides the steps through the domain (as the bot would), so the log is one the product can write. */
function buildLog(steps: readonly Step[]): RecordedEvent<BalanceEvent>[] {
  const log = new MoneyLog();
  const states = new Map<number, UserAccountState>();
  for (const userId of USERS) {
    log.register(userId);
    states.set(userId, evolveUser(initialUserAccount, log.events.at(-1) as unknown as UserEvent));
  }
  for (const next of steps) {
    if (next.kind === "charge") {
      log.charge(next.userId, next.amount % 2 ? "model-a" : "model-b", next.amount);
      continue;
    }
    let state = states.get(next.userId) ?? initialUserAccount;
    try {
      for (const draft of decideUser(next.command, state)) {
        const recorded = log.add(
          userStream(next.userId),
          draft.type as BalanceEvent["type"],
          draft.data as never,
        );
        state = evolveUser(state, recorded as unknown as UserEvent);
      }
    } catch (error) {
      if (!(error instanceof RefundRefusedError)) throw error;
    }
    states.set(next.userId, state);
  }
  return log.events;
}

function expectedPaymentStatus(events: readonly RecordedEvent<BalanceEvent>[], chargeId: string) {
  let refunded = false;
  const open = new Set<string>();
  for (const event of events) {
    if (!("telegramPaymentChargeId" in event.data) || event.data.telegramPaymentChargeId !== chargeId)
      continue;
    if (event.type === "PaymentRefunded") refunded = true;
    if (event.type === "RefundRequested") open.add(event.data.refundId);
    if (event.type === "RefundFailed" || (event.type === "PaymentRefunded" && event.data.refundId)) {
      open.delete(event.data.refundId as string);
    }
  }
  return refunded ? "refunded" : open.size > 0 ? "pending" : "none";
}

describe.each(projectionTestBackends("balances-properties-test"))(
  "given the balances projection on $name",
  ({ open }) => {
    let sql: SqlClient;
    beforeAll(async () => {
      sql = await open();
    }, 60_000);
    afterAll(async () => {
      await sql?.close();
    });

    it("when any log of credits, charges, refunds and adjustments is delivered in any order with duplicates, then each balance is the sum of its unique ledger entries and every payment's state follows its events", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(step, { minLength: 1, maxLength: 30 }),
          fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
          fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 12 }),
          async (steps, shuffleKeys, batchSizes) => {
            const unique = buildLog(steps);
            // Some events twice, then everything in an order of the keys.
            const delivered = [
              ...unique,
              ...unique.filter((_, index) => (shuffleKeys[index % shuffleKeys.length] ?? 0) % 3 === 0),
            ]
              .map((event, index) => ({
                event,
                key: (shuffleKeys[index % shuffleKeys.length] ?? 0) * 1000 + index,
              }))
              .sort((a, b) => a.key - b.key)
              .map(({ event }) => event);
            const schema = await freshProjectionSchema(sql, balancesProjection, "b_prop");
            await applyInBatches(sql, schema, balancesProjection, chunks(delivered, batchSizes));

            const expected = new Map<number, bigint>();
            for (const event of unique) {
              const entry = ledgerEntryOf(event, event.stream);
              if (entry)
                expected.set(entry.userId, (expected.get(entry.userId) ?? 0n) + BigInt(entry.amount));
            }
            expect(await allBalances(sql, schema)).toEqual(expected);

            for (const userId of USERS) {
              for (const charge of CHARGES) {
                const chargeId = `${userId}-${charge}`;
                const credited = unique.find(
                  (event) =>
                    event.type === "PaymentCredited" && event.data.telegramPaymentChargeId === chargeId,
                );
                const payment = await findPayment(sql, chargeId, schema);
                if (!credited) {
                  expect(payment).toBeNull();
                  continue;
                }
                expect(payment?.refundStatus).toBe(expectedPaymentStatus(unique, chargeId));
                // A refund never takes back more than the payment credited.
                const { rows } = await sql.query<{ net: string }>(
                  `SELECT COALESCE(sum(amount_nano), 0)::text AS net FROM ${schema}.ledger WHERE subject = $1`,
                  [chargeId],
                );
                const net = BigInt(rows[0]?.net ?? "0");
                expect(net >= 0n && net <= (payment?.creditedNano ?? 0n)).toBe(true);
              }
            }
          },
        ),
        { numRuns: 15 },
      );
    }, 120_000);
  },
);
