import type { DomainEvent } from "@bot/domain";
import type { EventStore } from "@bot/eventstore";
import type { Logger } from "@bot/observability";
import { findAccount, findPayment, listPendingRefunds } from "@bot/projection-balances";
import type { SqlExecutor } from "@bot/sql";
import { moneyTextsFor } from "@bot/telegram";
import type { Api } from "grammy";
import type { WaitForProjection } from "./balance-reader.ts";
import { formatMoney } from "./format-money.ts";
import type { RefundSaga } from "./refund-saga.ts";

/** What {@link settlePendingRefunds} needs. */
export interface RefundRecoveryDeps {
  readonly store: Pick<EventStore<DomainEvent>, "headPosition">;
  readonly readModels: SqlExecutor;
  readonly waitFor: WaitForProjection;
  readonly saga: RefundSaga;
  readonly api: Pick<Api, "sendMessage">;
  readonly logger: Logger;
  /** Only refunds asked for at least this long ago (a live /refund may still be waiting for Telegram). */
  readonly olderThanMs?: number;
  readonly now?: () => number;
}

/**
 * Settles refunds whose outcome was never recorded (the process died between
 * RefundRequested and Telegram's answer, or the answer was lost): asks Telegram again
 * — a refund that went through comes back as CHARGE_ALREADY_REFUNDED — records the
 * outcome and tells the payer. Runs at start and then periodically. Returns how many
 * were settled.
 */
export async function settlePendingRefunds(deps: RefundRecoveryDeps): Promise<number> {
  const head = await deps.store.headPosition();
  if (head) {
    await deps
      .waitFor("balances", head, 60_000)
      .catch((error: unknown) =>
        deps.logger.warn({ err: error }, "balances projection behind; settling the refunds it knows of"),
      );
  }
  const cutoff = (deps.now?.() ?? Date.now()) - (deps.olderThanMs ?? 0);
  const pending = (await listPendingRefunds(deps.readModels)).filter(
    (refund) => Date.parse(refund.requestedAt) <= cutoff,
  );
  let settled = 0;
  for (const refund of pending) {
    const outcome = await deps.saga.settle(
      { userId: refund.userId, chargeId: refund.chargeId, refundId: refund.refundId },
      { correlationId: `refund-recovery:${refund.refundId}`, userId: refund.userId },
    );
    if (outcome.kind === "pending") continue;
    settled += 1;
    if (outcome.kind === "refunded" && outcome.position) {
      // The message shows the balance after the refund, so the read model must have it.
      await deps
        .waitFor("balances", outcome.position, 10_000)
        .catch((error: unknown) => deps.logger.warn({ err: error }, "balances projection behind"));
    }
    const [account, payment] = await Promise.all([
      findAccount(deps.readModels, refund.userId),
      findPayment(deps.readModels, refund.chargeId),
    ]);
    const texts = moneyTextsFor(account?.languageCode);
    const text =
      outcome.kind === "refunded"
        ? texts.refundDone(
            payment?.stars ?? 0,
            formatMoney(payment?.creditedNano ?? 0n),
            formatMoney(account?.balanceNano ?? 0n),
          )
        : texts.refundFailed(outcome.reason);
    await deps.api
      .sendMessage(refund.userId, text)
      .catch((error: unknown) => deps.logger.warn({ err: error, ...refund }, "could not tell the payer"));
  }
  if (pending.length > 0) deps.logger.info({ pending: pending.length, settled }, "pending refunds checked");
  return settled;
}
