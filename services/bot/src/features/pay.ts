import {
  creditForStars,
  isPurchasableStars,
  MAX_CUSTOM_STARS,
  MIN_CUSTOM_STARS,
  STAR_PACKAGES,
} from "@bot/domain";
import { moneyTextsFor } from "@bot/telegram";
import { Composer, type Context, InlineKeyboard } from "grammy";
import { type BotDeps, inTopic } from "../bot-deps.ts";
import { formatMoney } from "../money/format-money.ts";
import { STARS } from "../money/payment-service.ts";

/** How long the bot waits for a custom amount after "Another amount". */
const CUSTOM_AMOUNT_TTL_MS = 10 * 60_000;

function customAmountKey(chatId: number, topicId: number | undefined, userId: number): string {
  return `pay-amount:${chatId}:${topicId ?? 0}:${userId}`;
}

/**
 * /pay: a keyboard of Star packages, each showing the USD it credits at the margin in
 * effect, and "another amount". Choosing one sends a Stars invoice to the chat (and
 * topic) where /pay was used. The custom amount is the user's next number in that
 * chat (within 10 minutes; a reply to the prompt that is not a number is answered
 * with the rules). Nothing here is blocked by the balance: users at zero can pay.
 */
export function payFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  const { money } = deps;

  const sendInvoice = async (ctx: Context, stars: number) => {
    const userId = ctx.from?.id;
    const chat = ctx.chat;
    if (!userId || !chat) return;
    const texts = moneyTextsFor(ctx.from?.language_code);
    const topicId = ctx.msg?.is_topic_message ? ctx.msg.message_thread_id : undefined;
    try {
      const { payload, credited } = await money.payments.invoicePayload(userId, stars);
      await ctx.api.sendInvoice(
        chat.id,
        texts.invoiceTitle,
        texts.invoiceDescription(stars, formatMoney(credited)),
        payload,
        STARS,
        [{ label: texts.invoiceLabel, amount: stars }],
        topicId ? { message_thread_id: topicId } : {},
      );
    } catch (error) {
      deps.logger.error({ err: error, userId, stars }, "could not send the invoice");
      await ctx.reply(texts.invoiceFailed, inTopic(ctx));
    }
  };

  composer.command("pay", async (ctx) => {
    const userId = ctx.from?.id;
    if (!userId) return;
    const texts = moneyTextsFor(ctx.from?.language_code);
    const [{ k3BasisPoints }, balance] = await Promise.all([
      money.settings.current(),
      money.balances.balanceAtHead(userId),
    ]);
    const keyboard = new InlineKeyboard();
    STAR_PACKAGES.forEach((stars, index) => {
      keyboard.text(
        texts.payPackageButton(stars, formatMoney(creditForStars(stars, k3BasisPoints).creditedAmount)),
        `pay:${stars}`,
      );
      if (index % 2 === 1) keyboard.row();
    });
    keyboard.row().text(texts.payCustomButton(MIN_CUSTOM_STARS, MAX_CUSTOM_STARS), "pay:custom");
    await ctx.reply(texts.payHeader(formatMoney(balance)), { ...inTopic(ctx), reply_markup: keyboard });
  });

  composer.callbackQuery(/^pay:(\d{1,6}|custom)$/, async (ctx) => {
    const texts = moneyTextsFor(ctx.from.language_code);
    const choice = ctx.match[1] ?? "";
    const message = ctx.callbackQuery.message;
    if (choice === "custom") {
      if (!message) {
        await ctx.answerCallbackQuery({ text: texts.payInputExpired });
        return;
      }
      const topicId = message.is_topic_message ? message.message_thread_id : undefined;
      await ctx.answerCallbackQuery();
      const prompt = await ctx.api.sendMessage(
        message.chat.id,
        texts.payEnterAmount(MIN_CUSTOM_STARS, MAX_CUSTOM_STARS),
        {
          ...(topicId ? { message_thread_id: topicId } : {}),
          reply_markup: {
            force_reply: true,
            selective: true,
            input_field_placeholder: `${MIN_CUSTOM_STARS}–${MAX_CUSTOM_STARS}`,
          },
        },
      );
      await money.kv.set(
        customAmountKey(message.chat.id, topicId, ctx.from.id),
        String(prompt.message_id),
        CUSTOM_AMOUNT_TTL_MS,
      );
      return;
    }
    const stars = Number(choice);
    if (!isPurchasableStars(stars)) {
      await ctx.answerCallbackQuery({
        text: texts.payAmountOutOfRange(stars, MIN_CUSTOM_STARS, MAX_CUSTOM_STARS),
      });
      return;
    }
    await ctx.answerCallbackQuery();
    await sendInvoice(ctx, stars);
  });

  composer.on("message:text", async (ctx, next) => {
    const message = ctx.msg;
    const topicId = message.is_topic_message ? message.message_thread_id : undefined;
    const key = customAmountKey(message.chat.id, topicId, ctx.from.id);
    const text = message.text.trim();
    const isNumber = /^\d{1,9}$/.test(text);
    const replyToPrompt = message.reply_to_message?.from?.id === deps.botInfo.id;
    if (/^\/cancel(@\w+)?$/i.test(text) && (await money.kv.take(key)) !== null) {
      await ctx.reply(moneyTextsFor(ctx.from.language_code).payCancelled, inTopic(ctx));
      return;
    }
    if (text.startsWith("/") || (!isNumber && !replyToPrompt)) {
      await next();
      return;
    }
    const promptId = await money.kv.take(key);
    if (promptId === null || (replyToPrompt && message.reply_to_message?.message_id !== Number(promptId))) {
      if (promptId !== null) await money.kv.set(key, promptId, CUSTOM_AMOUNT_TTL_MS);
      await next();
      return;
    }
    const texts = moneyTextsFor(ctx.from.language_code);
    if (!isNumber) {
      await money.kv.set(key, promptId, CUSTOM_AMOUNT_TTL_MS);
      await ctx.reply(texts.payAmountNotNumber(MIN_CUSTOM_STARS, MAX_CUSTOM_STARS), inTopic(ctx));
      return;
    }
    const stars = Number(text);
    if (!isPurchasableStars(stars)) {
      await money.kv.set(key, promptId, CUSTOM_AMOUNT_TTL_MS);
      await ctx.reply(texts.payAmountOutOfRange(stars, MIN_CUSTOM_STARS, MAX_CUSTOM_STARS), inTopic(ctx));
      return;
    }
    await sendInvoice(ctx, stars);
  });
  return composer;
}
