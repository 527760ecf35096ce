import type { SettingsStore, UserAccountStore } from "@bot/actors";
import { fixedClock, sequentialIds } from "@bot/domain";
import { createLogger } from "@bot/observability";
import { InvoicePayloadCodec } from "@bot/telegram";
import type { PreCheckoutQuery, User } from "@grammyjs/types";
import { describe, expect, it } from "vitest";
import type { BalanceReader } from "../src/money/balance-reader.ts";
import { PaymentService } from "../src/money/payment-service.ts";
import type { RefundSaga } from "../src/money/refund-saga.ts";

const NOW = new Date("2026-11-26T12:00:00Z");
const codec = new InvoicePayloadCodec("unit-test-secret");
const buyer: User = { id: 77, is_bot: false, first_name: "Buyer" };

/** A PaymentService whose user store behaves as `execute` says; everything else is inert. */
function serviceWith(execute: UserAccountStore["execute"], k3BasisPoints = 0): PaymentService {
  return new PaymentService({
    users: { execute } as unknown as UserAccountStore,
    settings: {
      current: async () => ({ k3BasisPoints, cacheWriteSubsidy: false }),
    } as unknown as SettingsStore,
    balances: {} as BalanceReader,
    refunds: {} as RefundSaga,
    codec,
    clock: fixedClock(NOW),
    ids: sequentialIds(),
    logger: createLogger({ level: "silent" }),
    invoiceTtlMs: 60 * 60_000,
    checkoutDeadlineMs: 200,
  });
}

function queryFor(stars: number, issuedAt = NOW, marginBasisPoints = 0): PreCheckoutQuery {
  return {
    id: "q-1",
    from: buyer,
    currency: "XTR",
    total_amount: stars,
    invoice_payload: codec.encode({ userId: buyer.id, stars, issuedAt, marginBasisPoints }),
  };
}

const context = { correlationId: "test", userId: buyer.id };

describe("PaymentService.preCheckout", () => {
  it("given a store that accepts the approval, when a valid invoice is checked out, then it is approved after CheckoutApproved is recorded", async () => {
    const commands: unknown[] = [];
    const service = serviceWith(async (_user, command) => {
      commands.push(command);
      return { state: {}, events: [{}], position: null } as never;
    });
    expect(await service.preCheckout(queryFor(50), context)).toBeNull();
    expect(commands).toEqual([
      {
        type: "ApproveCheckout",
        preCheckoutQueryId: "q-1",
        stars: 50,
        invoiceIssuedAt: NOW.toISOString(),
        marginBasisPoints: 0,
      },
    ]);
  });

  it("given a store that refuses writes, when a valid invoice is checked out, then it is declined as unavailable", async () => {
    const service = serviceWith(async () => {
      throw new Error("connection refused");
    });
    expect(await service.preCheckout(queryFor(50), context)).toBe("unavailable");
  });

  it("given a store that hangs, when a valid invoice is checked out, then it is declined as unavailable by the deadline, in time for Telegram", async () => {
    const service = serviceWith(() => new Promise(() => {}));
    const started = Date.now();
    expect(await service.preCheckout(queryFor(50), context)).toBe("unavailable");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("given a margin changed since the invoice, when it is checked out, then it is declined as repriced without writing", async () => {
    let writes = 0;
    const service = serviceWith(async () => {
      writes += 1;
      return { state: {}, events: [], position: null } as never;
    }, 1000);
    expect(await service.preCheckout(queryFor(50, NOW, 0), context)).toBe("price_changed");
    expect(writes).toBe(0);
  });

  it("given invoices that are not right, when they are checked out, then each is declined for its own reason", async () => {
    const service = serviceWith(async () => {
      throw new Error("must not be reached");
    });
    const valid = queryFor(50);
    expect(await service.preCheckout({ ...valid, currency: "USD" }, context)).toBe("wrong_currency");
    expect(
      await service.preCheckout({ ...valid, invoice_payload: `${valid.invoice_payload}x` }, context),
    ).toBe("not_ours");
    expect(await service.preCheckout({ ...valid, from: { ...buyer, id: 78 } }, context)).toBe("other_user");
    expect(await service.preCheckout({ ...valid, total_amount: 49 }, context)).toBe("wrong_amount");
    const stale = queryFor(50, new Date(NOW.getTime() - 61 * 60_000));
    expect(await service.preCheckout(stale, context)).toBe("expired");
  });
});
