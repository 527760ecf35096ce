import { moneyTextsFor } from "@bot/telegram";
import { Composer, type Context } from "grammy";
import { type BotDeps, eventContext, inTopic } from "../bot-deps.ts";
import { formatMoney } from "../money/format-money.ts";
import type { CheckoutRejection } from "../money/payment-service.ts";

function rejectionText(languageCode: string | undefined, rejection: CheckoutRejection): string {
  const texts = moneyTextsFor(languageCode);
  switch (rejection) {
    case "not_ours":
      return texts.checkoutNotOurs;
    case "other_user":
      return texts.checkoutOtherUser;
    case "wrong_amount":
      return texts.checkoutWrongAmount;
    case "wrong_currency":
      return texts.checkoutWrongCurrency;
    case "expired":
      return texts.checkoutExpired;
    case "price_changed":
      return texts.checkoutPriceChanged;
    case "unavailable":
      return texts.checkoutUnavailable;
    default: {
      const unknown: never = rejection;
      throw new Error(`no text for checkout rejection ${String(unknown)}`);
    }
  }
}

/**
 * Telegram's side of a Stars payment: the pre-checkout query is answered (approved
 * only after CheckoutApproved is recorded), a successful payment is credited once
 * and answered with the amount, the new balance and the transaction id, and a
 * `refunded_payment` settles the refund (or records one made outside the bot).
 */
export function paymentsFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  const { money } = deps;

  composer.on("pre_checkout_query", async (ctx) => {
    const rejection = await money.payments.preCheckout(ctx.preCheckoutQuery, eventContext(ctx));
    if (rejection === null) await ctx.answerPreCheckoutQuery(true);
    else {
      await ctx.answerPreCheckoutQuery(false, {
        error_message: rejectionText(ctx.from.language_code, rejection),
      });
    }
  });

  composer.on("message:successful_payment", async (ctx) => {
    const payment = ctx.msg.successful_payment;
    const result = await money.payments.credit(ctx.from.id, payment, eventContext(ctx));
    if (result.duplicate) {
      deps.logger.info(
        { chargeId: result.telegramPaymentChargeId },
        "payment delivered again; already credited",
      );
      return;
    }
    await ctx.reply(
      moneyTextsFor(ctx.from.language_code).paymentCredited(
        formatMoney(result.credited),
        formatMoney(result.balance),
        result.telegramPaymentChargeId,
      ),
      inTopic(ctx),
    );
  });

  composer.on("message:refunded_payment", async (ctx) => {
    const refunded = ctx.msg.refunded_payment;
    const result = await money.users.execute(
      ctx.from.id,
      { type: "RecordRefundedPayment", telegramPaymentChargeId: refunded.telegram_payment_charge_id },
      eventContext(ctx),
    );
    const event = result.events[0];
    if (event?.type !== "PaymentRefunded") {
      if (!result.state.payments[refunded.telegram_payment_charge_id]) {
        deps.logger.error(
          { chargeId: refunded.telegram_payment_charge_id },
          "refund of a payment this bot never credited",
        );
      }
      return;
    }
    const payment = result.state.payments[refunded.telegram_payment_charge_id];
    const balance = await money.balances.balance(ctx.from.id, result.position);
    await ctx.reply(
      moneyTextsFor(ctx.from.language_code).refundDone(
        refunded.total_amount,
        formatMoney(payment?.creditedAmount ?? 0),
        formatMoney(balance),
      ),
      inTopic(ctx),
    );
  });
  return composer;
}
