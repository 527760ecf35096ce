import { Composer, type Context } from "grammy";
import { type BotDeps, inTopic, textsOf } from "../bot-deps.ts";
import { RateGate } from "../recent-updates.ts";
import { isAddressedToBot, threadKeyOfMessage, threadKeyText } from "../thread-routing.ts";

/**
 * Messages the bot cannot read yet (stickers, media, files, ...) get a short reply
 * saying what is supported, at most once a minute per thread, instead of silence.
 * Service messages (members joining, pinned messages, ...) are ignored.
 */
export function unsupportedFeature(deps: BotDeps, gate = new RateGate(60_000)): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on("message", async (ctx) => {
    const message = ctx.msg;
    const content =
      message.sticker ??
      message.animation ??
      message.location ??
      message.contact ??
      message.poll ??
      message.dice;
    if (!content || !isAddressedToBot(message, deps.botInfo)) return;
    const key = threadKeyOfMessage(message);
    if (!key || !gate.allow(threadKeyText(key))) return;
    await ctx.reply(textsOf(ctx).unsupportedMessage, inTopic(ctx));
  });
  return composer;
}
