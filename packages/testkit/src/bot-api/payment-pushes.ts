import type { RefundedPayment, SuccessfulPayment, User } from "@grammyjs/types";
import type { UserChat } from "./chat-directory.ts";
import type { FakeWorld } from "./fake-world.ts";
import type { SentInvoice } from "./invoice-book.ts";
import { PRE_CHECKOUT_TIMEOUT_MS } from "./pre-checkout-desk.ts";
import { StarsLedger } from "./stars-ledger.ts";
import { type PushedMessage, pushUserMessage, type UserMessageTarget } from "./user-pushes.ts";

/** The currency of Telegram Stars, the only one the fake models. */
export const STARS_CURRENCY = "XTR";

/** {@link FakeBotApi.pushPreCheckoutQuery}: the user confirmed the payment form. */
export interface PushPreCheckoutArgs {
  from: User;
  /** The bot's invoice payload. */
  payload: string;
  totalAmount: number;
  /** Default "XTR". */
  currency?: string;
}

/** {@link FakeBotApi.pushSuccessfulPayment}: Telegram charged the user. */
export interface PushSuccessfulPaymentArgs
  extends Omit<UserMessageTarget, "mediaGroupId" | "replyToMessageId"> {
  payload: string;
  totalAmount: number;
  /** Default "XTR". */
  currency?: string;
  /** Default: a fresh Telegram-like id. Pass an earlier one to deliver the same payment again. */
  telegramPaymentChargeId?: string;
  /** Default "" (Stars payments have no provider). */
  providerPaymentChargeId?: string;
}

/** A pushed successful_payment message and its charge. */
export interface PushedPayment extends PushedMessage {
  telegramPaymentChargeId: string;
}

/** {@link FakeBotApi.pushRefundedPayment}: Telegram refunded a payment. */
export interface PushRefundedPaymentArgs
  extends Omit<UserMessageTarget, "mediaGroupId" | "replyToMessageId"> {
  telegramPaymentChargeId: string;
  /** Default: the charge's amount; required for charges the fake never saw. */
  totalAmount?: number;
  /** Default: the charge's payload; required for charges the fake never saw. */
  payload?: string;
  /** Default: the charge's currency, else "XTR". */
  currency?: string;
  providerPaymentChargeId?: string;
}

/**
 * {@link FakeBotApi.payInvoice}: either an invoice the bot sent (see `invoices(chatId)`), or
 * the terms of one (e.g. of an invoice link) and the chat the payment message appears in.
 */
export type PayInvoiceArgs = {
  from: User;
  /** How long the checkout waits for answerPreCheckoutQuery; default 10 s, as Telegram. */
  timeoutMs?: number;
} & (
  | { invoice: SentInvoice }
  | { chat: UserChat; payload: string; totalAmount: number; currency?: string; topicId?: number }
);

/** How a checkout run by {@link FakeBotApi.payInvoice} ended. */
export interface PaymentOutcome {
  /** True when the bot accepted and the successful_payment was pushed. */
  ok: boolean;
  /** The bot's error_message when it declined. */
  errorMessage?: string;
  /** True when the bot did not answer in time (Telegram then cancels the payment). */
  timedOut: boolean;
  preCheckoutQueryId: string;
  /** The new charge, when paid. */
  telegramPaymentChargeId?: string;
  /** The pushed successful_payment, when paid (e.g. to `redeliver` its update). */
  payment?: PushedPayment;
}

/** Pushes a pre_checkout_query the bot must answer within 10 s; returns its id. */
export function pushPreCheckoutQuery(world: FakeWorld, args: PushPreCheckoutArgs): string {
  const id = world.preCheckout.nextId();
  const query = {
    id,
    from: args.from,
    currency: args.currency ?? STARS_CURRENCY,
    total_amount: args.totalAmount,
    invoice_payload: args.payload,
  };
  world.preCheckout.open(query);
  world.updates.push({ pre_checkout_query: query });
  return id;
}

/**
 * Pushes the successful_payment message of a paid invoice and records the charge in the
 * Stars ledger; pushing a known charge id again delivers a duplicate without a second charge.
 */
export function pushSuccessfulPayment(world: FakeWorld, args: PushSuccessfulPaymentArgs): PushedPayment {
  const chargeId = args.telegramPaymentChargeId ?? StarsLedger.newChargeId();
  const currency = args.currency ?? STARS_CURRENCY;
  const payment: SuccessfulPayment = {
    currency,
    total_amount: args.totalAmount,
    invoice_payload: args.payload,
    telegram_payment_charge_id: chargeId,
    provider_payment_charge_id: args.providerPaymentChargeId ?? "",
  };
  world.stars.record({
    telegramPaymentChargeId: chargeId,
    user: args.from,
    amount: args.totalAmount,
    currency,
    payload: args.payload,
  });
  const pushed = pushUserMessage(world, args, { successful_payment: payment }, { alwaysDelivered: true });
  return { ...pushed, telegramPaymentChargeId: chargeId };
}

/**
 * Pushes a refunded_payment message (a refund made outside the bot, or Telegram's
 * confirmation of refundStarPayment) and marks the charge refunded in the ledger.
 */
export function pushRefundedPayment(world: FakeWorld, args: PushRefundedPaymentArgs): PushedMessage {
  const chargeId = args.telegramPaymentChargeId;
  const known = world.stars.get(chargeId);
  const totalAmount = args.totalAmount ?? known?.amount;
  const payload = args.payload ?? known?.payload;
  if (totalAmount === undefined || payload === undefined) {
    throw new Error(
      `fake Bot API: charge ${chargeId} is unknown, so pushRefundedPayment needs totalAmount and payload`,
    );
  }
  const refund: RefundedPayment = {
    currency: args.currency ?? known?.currency ?? STARS_CURRENCY,
    total_amount: totalAmount,
    invoice_payload: payload,
    telegram_payment_charge_id: chargeId,
    ...(args.providerPaymentChargeId === undefined
      ? {}
      : { provider_payment_charge_id: args.providerPaymentChargeId }),
  };
  world.stars.markRefunded(chargeId);
  return pushUserMessage(world, args, { refunded_payment: refund }, { alwaysDelivered: true });
}

/**
 * Runs Telegram's checkout: pushes a pre_checkout_query, waits for the bot's answer and, only
 * if it accepts in time, pushes the successful_payment. A late answer is then refused.
 */
export async function payInvoice(world: FakeWorld, args: PayInvoiceArgs): Promise<PaymentOutcome> {
  const terms = termsOf(world, args);
  const preCheckoutQueryId = pushPreCheckoutQuery(world, {
    from: args.from,
    payload: terms.payload,
    totalAmount: terms.totalAmount,
    currency: terms.currency,
  });
  const answer = await world.preCheckout.waitForAnswer(
    preCheckoutQueryId,
    args.timeoutMs ?? PRE_CHECKOUT_TIMEOUT_MS,
  );
  if (answer === undefined) {
    world.preCheckout.expire(preCheckoutQueryId);
    return { ok: false, timedOut: true, preCheckoutQueryId };
  }
  if (!answer.ok) {
    return {
      ok: false,
      timedOut: false,
      preCheckoutQueryId,
      ...(answer.errorMessage === undefined ? {} : { errorMessage: answer.errorMessage }),
    };
  }
  const payment = pushSuccessfulPayment(world, {
    chat: terms.chat,
    from: args.from,
    ...(terms.topicId === undefined ? {} : { topicId: terms.topicId }),
    payload: terms.payload,
    totalAmount: terms.totalAmount,
    currency: terms.currency,
  });
  return {
    ok: true,
    timedOut: false,
    preCheckoutQueryId,
    telegramPaymentChargeId: payment.telegramPaymentChargeId,
    payment,
  };
}

interface InvoiceTerms {
  chat: UserChat;
  topicId: number | undefined;
  payload: string;
  totalAmount: number;
  currency: string;
}

function termsOf(world: FakeWorld, args: PayInvoiceArgs): InvoiceTerms {
  if ("invoice" in args) {
    const { invoice } = args;
    return {
      chat: world.chats.resolve(invoice.chatId),
      topicId: invoice.topicId,
      payload: invoice.payload,
      totalAmount: invoice.totalAmount,
      currency: invoice.currency,
    };
  }
  return {
    chat: args.chat,
    topicId: args.topicId,
    payload: args.payload,
    totalAmount: args.totalAmount,
    currency: args.currency ?? STARS_CURRENCY,
  };
}
