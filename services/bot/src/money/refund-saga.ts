import type { UserAccountStore } from "@bot/actors";
import type { EventContext, RefundOutcome } from "@bot/domain";
import type { Position } from "@bot/eventstore";
import type { Logger } from "@bot/observability";
import { type Api, GrammyError } from "grammy";

/** A refund attempt recorded by RefundRequested. */
export interface RefundAttempt {
  readonly userId: number;
  readonly chargeId: string;
  readonly refundId: string;
}

/** Where a refund attempt stands after asking Telegram. */
export type SettleOutcome =
  | { readonly kind: "refunded"; readonly position: Position | null }
  | { readonly kind: "failed"; readonly reason: string }
  /** Telegram's answer was lost (timeout, network, 5xx): the reservation stays until it is known. */
  | { readonly kind: "pending" };

/** What Telegram's answer means for the refund, or null when it is not known. */
export function refundOutcomeOf(error: unknown): RefundOutcome | null {
  if (!(error instanceof GrammyError)) return null;
  if (/CHARGE_ALREADY_REFUNDED/i.test(error.description))
    return { kind: "refunded", settledBy: "already_refunded" };
  if (error.error_code === 429 || error.error_code >= 500) return null;
  return { kind: "failed", reason: error.description.replace(/^Bad Request:\s*/i, "") };
}

/**
 * The second half of the refund saga. RefundRequested (the reservation) is already in
 * the user's stream; this asks Telegram to refund and records the answer:
 * PaymentRefunded, or RefundFailed releasing the reservation. When the answer is lost
 * the reservation stays and a later attempt (the recovery pass, or Telegram's
 * `refunded_payment` update) settles it: asking again is safe, a second refund is
 * refused as CHARGE_ALREADY_REFUNDED, which settles it as refunded. So there is never
 * a refund without a ledger entry, nor a ledger entry without a refund.
 */
export class RefundSaga {
  constructor(
    private readonly deps: {
      readonly api: Pick<Api, "refundStarPayment">;
      readonly users: UserAccountStore;
      readonly logger: Logger;
      /** How long to wait for Telegram before treating the answer as lost. */
      readonly callTimeoutMs?: number;
    },
  ) {}

  /** Asks Telegram to refund and records its answer (nothing recorded when it is lost). */
  async settle(attempt: RefundAttempt, context: EventContext): Promise<SettleOutcome> {
    let outcome: RefundOutcome | null;
    try {
      await this.deps.api.refundStarPayment(
        attempt.userId,
        attempt.chargeId,
        // grammY types its signal with the abort-controller shim; the platform's is the same at runtime.
        AbortSignal.timeout(this.deps.callTimeoutMs ?? 30_000) as unknown as Parameters<
          Api["refundStarPayment"]
        >[2],
      );
      outcome = { kind: "refunded", settledBy: "refund_call" };
    } catch (error) {
      outcome = refundOutcomeOf(error);
      if (!outcome) {
        this.deps.logger.warn(
          { err: error, ...attempt },
          "refund answer lost; the reservation stays until it is settled",
        );
        return { kind: "pending" };
      }
    }
    const result = await this.deps.users.execute(
      attempt.userId,
      {
        type: "SettleRefund",
        telegramPaymentChargeId: attempt.chargeId,
        refundId: attempt.refundId,
        outcome,
      },
      context,
    );
    const refund = result.state.payments[attempt.chargeId]?.refund;
    this.deps.logger.info(
      { ...attempt, outcome: outcome.kind, recorded: result.events.length > 0 },
      "refund settled",
    );
    if (refund?.status === "refunded") return { kind: "refunded", position: result.position };
    if (outcome.kind === "failed") return { kind: "failed", reason: outcome.reason };
    return { kind: "pending" };
  }
}
