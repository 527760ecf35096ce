import { refundDeadline } from "@bot/domain";
import { type MoneyTexts, moneyTextsFor } from "@bot/telegram";
import { Composer, type Context } from "grammy";
import { type BotDeps, eventContext, inTopic } from "../bot-deps.ts";
import { formatMoney } from "../money/format-money.ts";
import type { RefundView } from "../money/payment-service.ts";

function refusalText(texts: MoneyTexts, view: Extract<RefundView, { kind: "refused" }>): string {
  const reason = view.reason;
  switch (reason) {
    case "unknown_payment":
      return texts.refundUnknown;
    case "already_refunded":
      return texts.refundAlreadyDone;
    case "refund_in_progress":
      return texts.refundInProgress;
    case "window_passed":
      return texts.refundWindowPassed(
        view.creditedAt ? refundDeadline(view.creditedAt).toISOString().slice(0, 16).replace("T", " ") : "?",
      );
    case "balance_too_low":
      return texts.refundBalanceTooLow(formatMoney(view.balance), formatMoney(view.needed));
    default: {
      const unknown: never = reason;
      throw new Error(`no text for refund refusal ${String(unknown)}`);
    }
  }
}

function refundReply(languageCode: string | undefined, view: RefundView): string {
  const texts = moneyTextsFor(languageCode);
  switch (view.kind) {
    case "refunded":
      return texts.refundDone(view.stars, formatMoney(view.amount), formatMoney(view.balance));
    case "failed":
      return texts.refundFailed(view.reason);
    case "pending":
      return texts.refundPending;
    case "refused":
      return refusalText(texts, view);
    default: {
      const unknown: never = view;
      throw new Error(`no text for refund ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * /refund <transaction id>: the payer gets their Stars back (once, within 30 days, if
 * the balance still covers the credit). The reservation is recorded before Telegram is
 * asked; its answer is recorded after.
 */
export function refundFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command("refund", async (ctx) => {
    const userId = ctx.from?.id;
    if (!userId) return;
    const chargeId = ctx.match.trim().split(/\s+/)[0] ?? "";
    if (chargeId.length === 0 || chargeId.length > 256) {
      await ctx.reply(moneyTextsFor(ctx.from?.language_code).refundUsage, inTopic(ctx));
      return;
    }
    const view = await deps.money.payments.refund(userId, chargeId, eventContext(ctx));
    await ctx.reply(refundReply(ctx.from?.language_code, view), inTopic(ctx));
  });
  return composer;
}
