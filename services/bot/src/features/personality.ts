import { PERSONALITY_MAX_LENGTH, PERSONALITY_MIN_LENGTH, PersonalityLengthError } from "@bot/domain";
import { Composer, type Context, InlineKeyboard } from "grammy";
import { type BotDeps, eventContext, inTopic, textsOf } from "../bot-deps.ts";

/**
 * /personality: without arguments shows the user's prompt (or how to set one) with
 * a remove button; `/personality <text>` sets it (length checked, with the limits in
 * the error); `/personality clear` removes it. Effective from the next turn: threads
 * read the user's account when a generation starts.
 */
export function personalityFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();

  composer.command("personality", async (ctx) => {
    const texts = textsOf(ctx);
    const userId = ctx.from?.id;
    if (!userId) return;
    const argument = ctx.match.trim();
    if (argument.length === 0) {
      const account = await deps.users.account(userId);
      const howTo = texts.personalityHowToSet(PERSONALITY_MIN_LENGTH, PERSONALITY_MAX_LENGTH);
      if (!account.personality) {
        await ctx.reply(`${texts.personalityNone}\n${howTo}`, inTopic(ctx));
        return;
      }
      await ctx.reply(`${texts.personalityCurrent(account.personality)}\n\n${howTo}`, {
        ...inTopic(ctx),
        reply_markup: new InlineKeyboard().text(texts.personalityClearButton, "personality:clear"),
      });
      return;
    }
    if (/^(clear|off|reset|удалить|сбросить)$/i.test(argument)) {
      await deps.users.execute(userId, { type: "ClearPersonality" }, eventContext(ctx));
      await ctx.reply(texts.personalityCleared, inTopic(ctx));
      return;
    }
    try {
      await deps.users.execute(userId, { type: "SetPersonality", text: argument }, eventContext(ctx));
      await ctx.reply(texts.personalitySaved, inTopic(ctx));
    } catch (error) {
      if (!(error instanceof PersonalityLengthError)) throw error;
      const reply =
        error.problem === "too_short"
          ? texts.personalityTooShort(error.length, error.limit)
          : texts.personalityTooLong(error.length, error.limit);
      await ctx.reply(reply, inTopic(ctx));
    }
  });

  composer.callbackQuery("personality:clear", async (ctx) => {
    const texts = textsOf(ctx);
    await deps.users.execute(ctx.from.id, { type: "ClearPersonality" }, eventContext(ctx));
    await ctx.answerCallbackQuery({ text: texts.personalityCleared });
    await ctx.editMessageText(texts.personalityCleared).catch(() => undefined);
  });
  return composer;
}
