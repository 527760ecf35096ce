import type { InlineKeyboardMarkup, Invoice, LabeledPrice, Message } from "@grammyjs/types";
import { badRequest } from "./bot-api-error.ts";
import type { MethodTable } from "./method-handler.ts";
import {
  optionalBool,
  optionalInlineKeyboard,
  optionalString,
  type RawParams,
  replyTarget,
  requiredInt,
} from "./param-checks.ts";
import { pushRefundedPayment, STARS_CURRENCY } from "./payment-pushes.ts";

const MAX_TITLE_LENGTH = 32;
const MAX_DESCRIPTION_LENGTH = 255;
const MAX_PAYLOAD_BYTES = 128;
/** Telegram's bounds for one Stars invoice. */
const MIN_STARS = 1;
const MAX_STARS = 10_000;

/** sendInvoice (Telegram Stars only), answerPreCheckoutQuery and refundStarPayment. */
export const paymentMethods: MethodTable = {
  sendInvoice: (params, { world }) => {
    const terms = invoiceTerms(params);
    const chat = world.chats.resolve(params.chat_id);
    const threadId = world.chats.thread(chat, params.message_thread_id);
    const replyTo = replyTarget(world, chat, params);
    const replyMarkup = payKeyboard(params);
    const invoice: Invoice = {
      title: terms.title,
      description: terms.description,
      start_parameter: optionalString(params, "start_parameter") ?? "",
      currency: STARS_CURRENCY,
      total_amount: terms.amount,
    };
    const message = world.sendBotMessage(chat, { invoice }, { threadId, replyTo, replyMarkup });
    world.invoices.add({
      chatId: chat.id,
      messageId: message.message_id,
      ...(threadId === undefined ? {} : { topicId: threadId }),
      title: terms.title,
      description: terms.description,
      payload: terms.payload,
      currency: STARS_CURRENCY,
      totalAmount: terms.amount,
    });
    return message as Message.InvoiceMessage;
  },

  answerPreCheckoutQuery: (params, { world }) => {
    const id = optionalString(params, "pre_checkout_query_id") ?? "";
    world.preCheckout.answer(
      id,
      optionalBool(params, "ok") ?? false,
      optionalString(params, "error_message"),
    );
    return true;
  },

  refundStarPayment: (params, { world }) => {
    const userId = requiredInt(params, "user_id");
    const chargeId = optionalString(params, "telegram_payment_charge_id") ?? "";
    world.stars.refund(userId, chargeId);
    const payer = world.stars.payer(chargeId);
    if (world.stars.refundUpdates && payer !== undefined) {
      // Telegram confirms the refund with a service message in the payer's private chat.
      pushRefundedPayment(world, {
        chat: world.chats.privateChat(payer),
        from: payer,
        telegramPaymentChargeId: chargeId,
      });
    }
    return true;
  },
};

interface InvoiceTerms {
  title: string;
  description: string;
  payload: string;
  amount: number;
}

/**
 * The Stars invoice fields, checked as Telegram checks them. Lengths of title and
 * description count UTF-16 code units, like the fake's other text limits.
 */
function invoiceTerms(params: RawParams): InvoiceTerms {
  const title = optionalString(params, "title") ?? "";
  if (title.length < 1 || title.length > MAX_TITLE_LENGTH) throw badRequest("INVOICE_TITLE_INVALID");
  const description = optionalString(params, "description") ?? "";
  if (description.length < 1 || description.length > MAX_DESCRIPTION_LENGTH) {
    throw badRequest("INVOICE_DESCRIPTION_INVALID");
  }
  const payload = optionalString(params, "payload") ?? "";
  const payloadBytes = Buffer.byteLength(payload, "utf8");
  if (payloadBytes < 1 || payloadBytes > MAX_PAYLOAD_BYTES) throw badRequest("INVOICE_PAYLOAD_INVALID");
  // The fake models Telegram Stars only; fiat invoices need a payment provider it does not have.
  if (optionalString(params, "currency") !== STARS_CURRENCY) throw badRequest("CURRENCY_INVALID");
  const providerToken = optionalString(params, "provider_token");
  if (providerToken !== undefined && providerToken !== "") throw badRequest("PAYMENT_PROVIDER_INVALID");
  return { title, description, payload, amount: starsAmount(params.prices) };
}

/** Stars invoices have exactly one price, a whole number of Stars within Telegram's bounds. */
function starsAmount(value: unknown): number {
  if (!Array.isArray(value)) throw badRequest("can't parse prices JSON object");
  const prices = value as unknown[];
  if (prices.length === 0) throw badRequest("there must be at least one price part");
  if (prices.length > 1) throw badRequest("PRICES_TOO_MANY");
  const price = prices[0];
  if (typeof price !== "object" || price === null) throw badRequest("can't parse LabeledPrice JSON object");
  const { label, amount } = price as Partial<Record<keyof LabeledPrice, unknown>>;
  if (typeof label !== "string") throw badRequest('field "label" of the LabeledPrice must be a String');
  if (typeof amount !== "number" || !Number.isInteger(amount) || amount < MIN_STARS || amount > MAX_STARS) {
    throw badRequest("CURRENCY_TOTAL_AMOUNT_INVALID");
  }
  return amount;
}

/** An invoice's own keyboard must start with its Pay button (Telegram adds one when there is none). */
function payKeyboard(params: RawParams): InlineKeyboardMarkup | undefined {
  const markup = optionalInlineKeyboard(params);
  if (markup === undefined || markup.inline_keyboard.length === 0) return markup;
  const first = markup.inline_keyboard[0]?.[0];
  if (first === undefined || !("pay" in first) || first.pay !== true) {
    throw badRequest("REPLY_MARKUP_BUY_EMPTY");
  }
  return markup;
}
