import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  creditForStars,
  decideUser,
  domainEvents,
  evolveUser,
  fixedClock,
  initialUserAccount,
  ledgerEntryOf,
  type NanoUsd,
  nanoUsd,
  RefundRefusedError,
  sequentialIds,
  stampEvents,
  type UserAccountState,
  type UserCommand,
  type UserEvent,
  ZeroAdjustmentError,
} from "../src/index.ts";

const clock = fixedClock("2026-11-26T10:00:00.000Z");
const source = { clock, ids: sequentialIds() };
const STREAM = "user-7";

function apply(commands: readonly UserCommand[], from: UserAccountState = initialUserAccount) {
  let state = from;
  const events: UserEvent[] = [];
  for (const command of commands) {
    const stamped = stampEvents(domainEvents, decideUser(command, state), source, {
      correlationId: "t",
      userId: 7,
    }) as UserEvent[];
    for (const event of stamped) state = evolveUser(state, event);
    events.push(...stamped);
  }
  return { state, events };
}

const credit = (chargeId: string, stars = 100): UserCommand => ({
  type: "CreditPayment",
  telegramPaymentChargeId: chargeId,
  providerPaymentChargeId: "",
  credit: creditForStars(stars, 0),
  invoiceIssuedAt: "2026-11-26T09:59:00.000Z",
  payloadVerified: true,
});

const refund = (
  chargeId: string,
  balance: number,
  refundId = "00000000-0000-4000-8000-000000000001",
  now = "2026-11-27T10:00:00.000Z",
): UserCommand => ({
  type: "RequestRefund",
  telegramPaymentChargeId: chargeId,
  refundId,
  now,
  balance: nanoUsd(balance),
});

const balanceOf = (events: readonly UserEvent[]) =>
  events.reduce((sum, event) => sum + (ledgerEntryOf(event, STREAM)?.amount ?? 0), 0);

describe("given a user's first update", () => {
  it("when they are registered, then UserRegistered records the starter balance once, and the ledger counts it", () => {
    const register: UserCommand = {
      type: "Register",
      starterBalance: nanoUsd(100_000_000),
      firstName: "Ann",
      username: "ann",
      languageCode: "en",
    };
    const { state, events } = apply([register, register]);
    expect(events.map((event) => event.type)).toEqual(["UserRegistered"]);
    expect(state.registered).toBe(true);
    expect(balanceOf(events)).toBe(100_000_000);
  });
});

describe("given Stars payments", () => {
  it("when the same charge is credited twice, then only the first credits, with the breakdown that priced it", () => {
    const { state, events } = apply([credit("ch-1"), credit("ch-1")]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "PaymentCredited",
      data: {
        telegramPaymentChargeId: "ch-1",
        stars: 100,
        nominalAmount: 1_300_000_000,
        creditedAmount: 650_000_000,
        k3BasisPoints: 0,
      },
    });
    expect(state.payments["ch-1"]).toMatchObject({ creditedAmount: 650_000_000, refund: { status: "none" } });
  });

  it("when a refund passes every check, then the credited amount is reserved until Telegram answers", () => {
    const { state, events } = apply([credit("ch-1"), refund("ch-1", 650_000_000)]);
    expect(events[1]).toMatchObject({
      type: "RefundRequested",
      data: { reservedAmount: 650_000_000, stars: 100 },
    });
    expect(state.payments["ch-1"]?.refund.status).toBe("pending");
    expect(balanceOf(events)).toBe(0);
  });

  it.each([
    ["a payment of somebody else (not in this stream)", [], refund("ch-x", 10 ** 12), "unknown_payment"],
    ["a balance below the credited amount", [credit("ch-1")], refund("ch-1", 649_999_999), "balance_too_low"],
    [
      "a payment older than 30 days",
      [credit("ch-1")],
      refund("ch-1", 10 ** 12, undefined, "2026-12-26T10:00:00.001Z"),
      "window_passed",
    ],
    [
      "a refund already under way",
      [credit("ch-1"), refund("ch-1", 10 ** 12)],
      refund("ch-1", 10 ** 12),
      "refund_in_progress",
    ],
  ] as const)(
    "when the refund concerns %s, then it is refused with that reason",
    (_label, before, command, reason) => {
      const { state } = apply(before);
      try {
        decideUser(command, state);
        expect.unreachable("the refund should have been refused");
      } catch (error) {
        expect(error).toBeInstanceOf(RefundRefusedError);
        expect((error as RefundRefusedError).reason).toBe(reason);
      }
    },
  );

  it("when exactly 30 days have passed, then the refund is still allowed", () => {
    const { state } = apply([credit("ch-1")]);
    expect(decideUser(refund("ch-1", 10 ** 12, undefined, "2026-12-26T10:00:00.000Z"), state)).toHaveLength(
      1,
    );
  });

  it("when Telegram refunds, then PaymentRefunded settles the reservation without a second debit, and a second refund is refused", () => {
    const refundId = "00000000-0000-4000-8000-000000000001";
    const { state, events } = apply([
      credit("ch-1"),
      refund("ch-1", 650_000_000, refundId),
      {
        type: "SettleRefund",
        telegramPaymentChargeId: "ch-1",
        refundId,
        outcome: { kind: "refunded", settledBy: "refund_call" },
      },
      {
        type: "SettleRefund",
        telegramPaymentChargeId: "ch-1",
        refundId,
        outcome: { kind: "refunded", settledBy: "refund_call" },
      },
      { type: "RecordRefundedPayment", telegramPaymentChargeId: "ch-1" },
    ]);
    expect(events.map((event) => event.type)).toEqual([
      "PaymentCredited",
      "RefundRequested",
      "PaymentRefunded",
    ]);
    expect(events[2]).toMatchObject({ data: { amountDebited: 0, settledBy: "refund_call" } });
    expect(balanceOf(events)).toBe(0);
    expect(() => decideUser(refund("ch-1", 10 ** 12), state)).toThrow(RefundRefusedError);
  });

  it("when Telegram refuses the refund, then RefundFailed releases the reservation and a later refund may try again", () => {
    const refundId = "00000000-0000-4000-8000-000000000001";
    const { state, events } = apply([
      credit("ch-1"),
      refund("ch-1", 650_000_000, refundId),
      {
        type: "SettleRefund",
        telegramPaymentChargeId: "ch-1",
        refundId,
        outcome: { kind: "failed", reason: "Bad Request: CHARGE_ID_INVALID" },
      },
    ]);
    expect(events[2]).toMatchObject({ type: "RefundFailed", data: { releasedAmount: 650_000_000 } });
    expect(balanceOf(events)).toBe(650_000_000);
    expect(state.payments["ch-1"]?.refund).toEqual({
      status: "none",
      failures: 1,
      lastFailure: "Bad Request: CHARGE_ID_INVALID",
    });
    expect(
      decideUser(refund("ch-1", 650_000_000, "00000000-0000-4000-8000-000000000002"), state),
    ).toHaveLength(1);
  });

  it("when a refund settlement names another attempt, then it changes nothing", () => {
    const { state } = apply([credit("ch-1"), refund("ch-1", 650_000_000)]);
    expect(
      decideUser(
        {
          type: "SettleRefund",
          telegramPaymentChargeId: "ch-1",
          refundId: "00000000-0000-4000-8000-000000000009",
          outcome: { kind: "refunded", settledBy: "refund_call" },
        },
        state,
      ),
    ).toEqual([]);
  });

  it("when Telegram reports a refund nobody asked for here, then the credited amount is debited once", () => {
    const { events } = apply([
      credit("ch-1"),
      { type: "RecordRefundedPayment", telegramPaymentChargeId: "ch-1" },
      { type: "RecordRefundedPayment", telegramPaymentChargeId: "ch-1" },
      { type: "RecordRefundedPayment", telegramPaymentChargeId: "ch-unknown" },
    ]);
    expect(events.map((event) => event.type)).toEqual(["PaymentCredited", "PaymentRefunded"]);
    expect(events[1]).toMatchObject({
      data: { amountDebited: 650_000_000, refundId: null, settledBy: "refunded_payment_update" },
    });
    expect(balanceOf(events)).toBe(0);
  });
});

describe("given an administrator's adjustment", () => {
  it("when it is signed, then BalanceAdjusted records it with the admin; zero is refused", () => {
    const { events } = apply([
      { type: "AdjustBalance", adminId: 1, amount: nanoUsd(-250_000_000), reason: "chargeback" },
    ]);
    expect(events[0]).toMatchObject({
      type: "BalanceAdjusted",
      data: { adminId: 1, amount: -250_000_000, reason: "chargeback" },
    });
    expect(() =>
      decideUser({ type: "AdjustBalance", adminId: 1, amount: nanoUsd(0), reason: null }, initialUserAccount),
    ).toThrow(ZeroAdjustmentError);
  });
});

describe("given any sequence of payment commands, with duplicates", () => {
  const chargeIds = ["a", "b", "c"];
  const refundIds = ["00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b"];
  const command = fc.oneof(
    fc
      .record({ charge: fc.constantFrom(...chargeIds), stars: fc.integer({ min: 1, max: 2_500 }) })
      .map(({ charge, stars }): UserCommand => credit(charge, stars)),
    fc
      .record({ charge: fc.constantFrom(...chargeIds), refundId: fc.constantFrom(...refundIds) })
      .map(({ charge, refundId }): UserCommand => refund(charge, 10 ** 13, refundId)),
    fc
      .record({
        charge: fc.constantFrom(...chargeIds),
        refundId: fc.constantFrom(...refundIds),
        ok: fc.boolean(),
      })
      .map(
        ({ charge, refundId, ok }): UserCommand => ({
          type: "SettleRefund",
          telegramPaymentChargeId: charge,
          refundId,
          outcome: ok ? { kind: "refunded", settledBy: "refund_call" } : { kind: "failed", reason: "no" },
        }),
      ),
    fc
      .constantFrom(...chargeIds)
      .map((charge): UserCommand => ({ type: "RecordRefundedPayment", telegramPaymentChargeId: charge })),
  );

  it("when they are decided in order, then no payment is credited or refunded twice and a refund never exceeds its payment", () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        let state = initialUserAccount;
        const events: UserEvent[] = [];
        for (const next of commands) {
          try {
            const stamped = stampEvents(domainEvents, decideUser(next, state), source, {
              correlationId: "p",
            }) as UserEvent[];
            for (const event of stamped) state = evolveUser(state, event);
            events.push(...stamped);
          } catch (error) {
            if (!(error instanceof RefundRefusedError)) throw error;
          }
        }
        const credited = new Map<string, number>();
        const refunded = new Map<string, number>();
        for (const event of events) {
          if (event.type === "PaymentCredited") {
            expect(credited.has(event.data.telegramPaymentChargeId)).toBe(false);
            credited.set(event.data.telegramPaymentChargeId, event.data.creditedAmount);
          }
          if (event.type === "PaymentRefunded") {
            expect(refunded.has(event.data.telegramPaymentChargeId)).toBe(false);
            refunded.set(event.data.telegramPaymentChargeId, 1);
          }
        }
        // Per payment, what the ledger took back is at most what it credited, and exactly that once refunded.
        for (const [charge, amount] of credited) {
          const net = events
            .map((event) => ledgerEntryOf(event, STREAM))
            .filter((entry) => entry !== null && entry.subject === charge)
            .reduce((sum, entry) => sum + (entry?.amount as NanoUsd), 0);
          expect(net).toBeGreaterThanOrEqual(0);
          expect(net).toBeLessThanOrEqual(amount);
          if (refunded.has(charge)) expect(net).toBe(0);
          if (state.payments[charge]?.refund.status === "none") expect(net).toBe(amount);
        }
      }),
    );
  });
});
