import type { SettingsStore, UserAccountStore } from "@bot/actors";
import {
  type Clock,
  creditForStars,
  type EventContext,
  type IdGenerator,
  isPurchasableStars,
  type NanoUsd,
  type RefundRefusal,
  RefundRefusedError,
} from "@bot/domain";
import type { Logger } from "@bot/observability";
import type { InvoicePayloadCodec } from "@bot/telegram";
import type { PreCheckoutQuery, SuccessfulPayment } from "@grammyjs/types";
import type { BalanceReader } from "./balance-reader.ts";
import type { RefundSaga } from "./refund-saga.ts";

/** Telegram's currency code of Stars. */
export const STARS = "XTR";

/** Why a pre-checkout query is declined. */
export type CheckoutRejection =
  | "not_ours"
  | "other_user"
  | "wrong_amount"
  | "wrong_currency"
  | "expired"
  | "price_changed"
  | "unavailable";

/** What a credited payment looks like to the payer. */
export interface CreditResult {
  readonly duplicate: boolean;
  readonly telegramPaymentChargeId: string;
  readonly credited: NanoUsd;
  /** The balance once the balances projection has applied the credit. */
  readonly balance: NanoUsd;
}

/** The outcome of /refund as the payer sees it. */
export type RefundView =
  | {
      readonly kind: "refused";
      readonly reason: RefundRefusal;
      readonly balance: NanoUsd;
      readonly needed: number;
      readonly creditedAt: string | null;
    }
  | { readonly kind: "refunded"; readonly stars: number; readonly amount: number; readonly balance: NanoUsd }
  | { readonly kind: "failed"; readonly reason: string }
  | { readonly kind: "pending" };

/** Counts for the operator. */
export interface PaymentMetrics {
  checkout(outcome: "approved" | CheckoutRejection): void;
  credited(stars: number, amount: number): void;
  refund(outcome: "refunded" | "failed" | "pending" | "refused"): void;
}

/** What {@link PaymentService} needs. */
export interface PaymentServiceDeps {
  readonly users: UserAccountStore;
  readonly settings: SettingsStore;
  readonly balances: BalanceReader;
  readonly codec: InvoicePayloadCodec;
  readonly refunds: RefundSaga;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly invoiceTtlMs: number;
  readonly metrics?: PaymentMetrics;
  /** Bounds the pre-checkout work so Telegram's 10 s deadline is always met. */
  readonly checkoutDeadlineMs?: number;
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Telegram Stars payments: invoices with signed payloads, pre-checkout checks that
 * end in a recorded approval (which also proves the store takes writes), credits
 * idempotent on Telegram's charge id, and refunds through {@link RefundSaga}.
 */
export class PaymentService {
  readonly #deps: PaymentServiceDeps;

  constructor(deps: PaymentServiceDeps) {
    this.#deps = deps;
  }

  /** The invoice payload for `stars` bought by `userId`, at the margin in effect now. */
  async invoicePayload(userId: number, stars: number): Promise<{ payload: string; credited: NanoUsd }> {
    if (!isPurchasableStars(stars)) throw new RangeError(`${stars} Stars cannot be bought`);
    const { k3BasisPoints } = await this.#deps.settings.current();
    const issuedAt = this.#deps.clock.now();
    return {
      payload: this.#deps.codec.encode({ userId, stars, issuedAt, marginBasisPoints: k3BasisPoints }),
      credited: creditForStars(stars, k3BasisPoints).creditedAmount,
    };
  }

  /**
   * Checks a pre-checkout query and, if it passes, records CheckoutApproved. Resolves
   * within the deadline; a store that cannot take the write declines the payment.
   */
  async preCheckout(query: PreCheckoutQuery, context: EventContext): Promise<CheckoutRejection | null> {
    const rejection = await this.#check(query, context).catch((error: unknown) => {
      this.#deps.logger.error({ err: error, queryId: query.id }, "pre-checkout check failed");
      return "unavailable" as const;
    });
    this.#deps.metrics?.checkout(rejection ?? "approved");
    if (rejection)
      this.#deps.logger.info({ queryId: query.id, userId: query.from.id, rejection }, "checkout declined");
    return rejection;
  }

  async #check(query: PreCheckoutQuery, context: EventContext): Promise<CheckoutRejection | null> {
    if (query.currency !== STARS) return "wrong_currency";
    const decoded = this.#deps.codec.decode(query.invoice_payload);
    if (!decoded.ok) return "not_ours";
    const { payload } = decoded;
    if (payload.userId !== query.from.id) return "other_user";
    if (payload.stars !== query.total_amount) return "wrong_amount";
    if (this.#deps.clock.now().getTime() - payload.issuedAt.getTime() > this.#deps.invoiceTtlMs)
      return "expired";
    const deadline = this.#deps.checkoutDeadlineMs ?? 7_000;
    try {
      await withDeadline(
        (async () => {
          const { k3BasisPoints } = await this.#deps.settings.current();
          if (k3BasisPoints !== payload.marginBasisPoints) throw new PriceChanged();
          await this.#deps.users.execute(
            query.from.id,
            {
              type: "ApproveCheckout",
              preCheckoutQueryId: query.id,
              stars: payload.stars,
              invoiceIssuedAt: payload.issuedAt.toISOString(),
              marginBasisPoints: payload.marginBasisPoints,
            },
            context,
          );
        })(),
        deadline,
      );
    } catch (error) {
      if (error instanceof PriceChanged) return "price_changed";
      this.#deps.logger.error({ err: error, queryId: query.id }, "checkout could not be recorded");
      return "unavailable";
    }
    return null;
  }

  /**
   * Credits a successful payment to the payer (once per Telegram charge id) at the
   * margin in effect now — the one the pre-checkout confirmed — and resolves with the
   * balance after the balances projection applied it.
   */
  async credit(payerId: number, payment: SuccessfulPayment, context: EventContext): Promise<CreditResult> {
    const decoded = this.#deps.codec.decode(payment.invoice_payload);
    if (!decoded.ok || decoded.payload.userId !== payerId) {
      // Telegram took the Stars: credit the payer anyway, and flag it for the audit.
      this.#deps.logger.error(
        {
          chargeId: payment.telegram_payment_charge_id,
          payerId,
          payload: decoded.ok ? "other user" : decoded.reason,
        },
        "payment with a payload that does not verify; credited to the payer",
      );
    }
    const { k3BasisPoints } = await this.#deps.settings.current();
    const credit = creditForStars(payment.total_amount, k3BasisPoints);
    const result = await this.#deps.users.execute(
      payerId,
      {
        type: "CreditPayment",
        telegramPaymentChargeId: payment.telegram_payment_charge_id,
        providerPaymentChargeId: payment.provider_payment_charge_id,
        credit,
        invoiceIssuedAt: decoded.ok ? decoded.payload.issuedAt.toISOString() : null,
        payloadVerified: decoded.ok && decoded.payload.userId === payerId,
      },
      context,
    );
    const duplicate = result.events.length === 0;
    if (!duplicate) this.#deps.metrics?.credited(credit.stars, credit.creditedAmount);
    const recorded = result.state.payments[payment.telegram_payment_charge_id];
    return {
      duplicate,
      telegramPaymentChargeId: payment.telegram_payment_charge_id,
      credited: (recorded?.creditedAmount ?? credit.creditedAmount) as NanoUsd,
      balance: await this.#deps.balances.balance(payerId, result.position),
    };
  }

  /** /refund: the checks against the balance at the log's head, then the saga. */
  async refund(userId: number, chargeId: string, context: EventContext): Promise<RefundView> {
    const balance = await this.#deps.balances.balanceAtHead(userId);
    let result: Awaited<ReturnType<UserAccountStore["execute"]>>;
    const refundId = this.#deps.ids.uuid();
    try {
      result = await this.#deps.users.execute(
        userId,
        {
          type: "RequestRefund",
          telegramPaymentChargeId: chargeId,
          refundId,
          now: this.#deps.clock.now().toISOString(),
          balance,
        },
        context,
      );
    } catch (error) {
      if (!(error instanceof RefundRefusedError)) throw error;
      this.#deps.metrics?.refund("refused");
      return {
        kind: "refused",
        reason: error.reason,
        balance: error.balance,
        needed: error.payment?.creditedAmount ?? 0,
        creditedAt: error.payment?.creditedAt ?? null,
      };
    }
    const payment = result.state.payments[chargeId];
    const outcome = await this.#deps.refunds.settle({ userId, chargeId, refundId }, context);
    this.#deps.metrics?.refund(outcome.kind);
    switch (outcome.kind) {
      case "refunded":
        return {
          kind: "refunded",
          stars: payment?.stars ?? 0,
          amount: payment?.creditedAmount ?? 0,
          balance: await this.#deps.balances.balance(userId, outcome.position),
        };
      case "failed":
        return { kind: "failed", reason: outcome.reason };
      case "pending":
        return { kind: "pending" };
      default: {
        const unknown: never = outcome;
        throw new Error(`unexpected refund outcome ${JSON.stringify(unknown)}`);
      }
    }
  }
}

/** The margin moved since the invoice was issued. */
class PriceChanged extends Error {
  override readonly name = "PriceChanged";
}
