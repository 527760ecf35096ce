import { LEDGER_EVENT_TYPES, userStream } from "@bot/domain";
import {
  applyInBatches,
  applyOneByOne,
  freshProjectionSchema,
  projectionTestBackends,
} from "@bot/projection-runner/testing";
import type { SqlClient } from "@bot/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BALANCE_EVENT_TYPES,
  balancesProjection,
  findAccount,
  findAccountsByUsername,
  findPayment,
  listPendingRefunds,
  recentLedger,
  spendSince,
} from "../src/index.ts";
import { MoneyLog } from "./support/money-log.ts";

const USD = 1_000_000_000;
const R1 = "00000000-0000-4000-8000-0000000000a1";
const R2 = "00000000-0000-4000-8000-0000000000a2";

it("given the domain's ledger, when the projection's event types are listed, then every ledger event is among them", () => {
  expect(BALANCE_EVENT_TYPES).toEqual(expect.arrayContaining([...LEDGER_EVENT_TYPES]));
});

describe.each(projectionTestBackends("balances-projection-test"))(
  "given the balances projection on $name",
  ({ open }) => {
    let sql: SqlClient;
    beforeAll(async () => {
      sql = await open();
    }, 60_000);
    afterAll(async () => {
      await sql?.close();
    });

    const fresh = (label: string) => freshProjectionSchema(sql, balancesProjection, `b_${label}`);

    it("when a user registers, pays, chats and is adjusted, then the balance is the sum of the ledger and each line names its source", async () => {
      const log = new MoneyLog();
      log.register(7, 0.1, "ann");
      log.credit(7, "ch-1", 100, 650_000_000);
      log.charge(7, "claude-sonnet-5-5", 12_345_678);
      log.charge(7, "claude-sonnet-5-5", 1_000_000);
      log.charge(7, "claude-opus-5", 30_000_000);
      log.add(userStream(7), "BalanceAdjusted", {
        adminId: 1,
        amount: -5_000_000,
        reason: "goodwill reversed",
      });
      log.message(7, "ann_new", 10);
      const schema = await fresh("story");
      await applyOneByOne(sql, schema, balancesProjection, log.events);

      const account = await findAccount(sql, 7, schema);
      expect(account?.balanceNano).toBe(
        BigInt(0.1 * USD + 650_000_000 - 12_345_678 - 1_000_000 - 30_000_000 - 5_000_000),
      );
      expect(account?.spentNano).toBe(43_345_678n);
      expect(account).toMatchObject({
        username: "ann_new",
        firstName: "User 7",
        registeredAt: "2026-11-01T10:00:01.000Z",
      });

      const ledger = await recentLedger(sql, 7, { schema, limit: 10 });
      expect(ledger.map((line) => [line.kind, line.amountNano, line.subject])).toEqual([
        ["admin", -5_000_000n, "1"],
        ["usage", -30_000_000n, "claude-opus-5"],
        ["usage", -1_000_000n, "claude-sonnet-5-5"],
        ["usage", -12_345_678n, "claude-sonnet-5-5"],
        ["payment", 650_000_000n, "ch-1"],
        ["starter", 100_000_000n, null],
      ]);
      expect(ledger[0]).toMatchObject({ stream: "user-7", revision: 2n });
      expect(await recentLedger(sql, 7, { schema, limit: 2 })).toHaveLength(2);

      expect(await spendSince(sql, 7, "2026-10-01", schema)).toEqual([
        { kind: "usage", subject: "claude-opus-5", amountNano: 30_000_000n, charges: 1 },
        { kind: "usage", subject: "claude-sonnet-5-5", amountNano: 13_345_678n, charges: 2 },
      ]);
      expect(await spendSince(sql, 7, "2026-11-02", schema)).toEqual([]);
      expect((await findAccountsByUsername(sql, "@ANN_new", schema)).map((row) => row.userId)).toEqual([7]);
      expect(await findAccountsByUsername(sql, "ann", schema)).toEqual([]);
    });

    it("when the same events are applied again, one by one or in a batch, then nothing changes", async () => {
      const log = new MoneyLog();
      log.register(8);
      log.credit(8, "ch-8", 10, 65_000_000);
      log.charge(8, "m", 1_000);
      const schema = await fresh("again");
      await applyOneByOne(sql, schema, balancesProjection, log.events);
      const before = await findAccount(sql, 8, schema);
      await applyInBatches(sql, schema, balancesProjection, [log.events, log.events]);
      await applyOneByOne(sql, schema, balancesProjection, log.events);
      expect(await findAccount(sql, 8, schema)).toEqual(before);
      expect(await recentLedger(sql, 8, { schema })).toHaveLength(3);
      expect((await spendSince(sql, 8, "2026-01-01", schema))[0]?.charges).toBe(1);
    });

    it("when a refund is requested, fails, is requested again and succeeds, then the payment's state and the balance follow each step", async () => {
      const log = new MoneyLog();
      const stream = userStream(9);
      log.register(9, 0);
      log.credit(9, "ch-9", 100, 650_000_000);
      const schema = await fresh("refund");
      const step = async (event: ReturnType<MoneyLog["add"]>) =>
        applyOneByOne(sql, schema, balancesProjection, [event]);
      await applyOneByOne(sql, schema, balancesProjection, log.events);

      await step(
        log.add(stream, "RefundRequested", {
          telegramPaymentChargeId: "ch-9",
          refundId: R1,
          stars: 100,
          reservedAmount: 650_000_000,
        }),
      );
      expect(await findPayment(sql, "ch-9", schema)).toMatchObject({
        refundStatus: "pending",
        refundFailures: 0,
      });
      expect((await findAccount(sql, 9, schema))?.balanceNano).toBe(0n);
      expect(await listPendingRefunds(sql, schema)).toEqual([
        { chargeId: "ch-9", userId: 9, refundId: R1, requestedAt: expect.any(String) },
      ]);

      await step(
        log.add(stream, "RefundFailed", {
          telegramPaymentChargeId: "ch-9",
          refundId: R1,
          reason: "CHARGE_ID_INVALID",
          releasedAmount: 650_000_000,
        }),
      );
      expect(await findPayment(sql, "ch-9", schema)).toMatchObject({
        refundStatus: "none",
        refundFailures: 1,
        lastRefundFailure: "CHARGE_ID_INVALID",
      });
      expect((await findAccount(sql, 9, schema))?.balanceNano).toBe(650_000_000n);
      expect(await listPendingRefunds(sql, schema)).toEqual([]);

      await step(
        log.add(stream, "RefundRequested", {
          telegramPaymentChargeId: "ch-9",
          refundId: R2,
          stars: 100,
          reservedAmount: 650_000_000,
        }),
      );
      await step(
        log.add(stream, "PaymentRefunded", {
          telegramPaymentChargeId: "ch-9",
          refundId: R2,
          stars: 100,
          amountDebited: 0,
          settledBy: "refund_call",
        }),
      );
      expect(await findPayment(sql, "ch-9", schema)).toMatchObject({
        refundStatus: "refunded",
        refundFailures: 1,
      });
      expect((await findAccount(sql, 9, schema))?.balanceNano).toBe(0n);
      expect((await recentLedger(sql, 9, { schema })).map((line) => line.kind)).toEqual([
        "refund_reserved",
        "refund_released",
        "refund_reserved",
        "payment",
      ]);
    });

    it("when Telegram reports a refund nobody asked for here, then the payment is refunded and the credit taken back", async () => {
      const log = new MoneyLog();
      log.register(10, 0);
      log.credit(10, "ch-10", 50, 325_000_000);
      log.add(userStream(10), "PaymentRefunded", {
        telegramPaymentChargeId: "ch-10",
        refundId: null,
        stars: 50,
        amountDebited: 325_000_000,
        settledBy: "refunded_payment_update",
      });
      const schema = await fresh("external");
      await applyInBatches(sql, schema, balancesProjection, [log.events]);
      expect(await findPayment(sql, "ch-10", schema)).toMatchObject({ refundStatus: "refunded" });
      expect((await findAccount(sql, 10, schema))?.balanceNano).toBe(0n);
    });
  },
);
