import { Composer, type Context } from "grammy";
import { type BotDeps, eventContext, inTopic, textsOf } from "../bot-deps.ts";
import { threadKeyOfMessage } from "../thread-routing.ts";

/** /new starts a fresh context in this thread; earlier messages stay in the log. */
export function newContextFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command("new", async (ctx) => {
    const key = threadKeyOfMessage(ctx.msg);
    if (!key) return;
    await deps.host.resetContext(key, eventContext(ctx));
    await ctx.reply(textsOf(ctx).newContext, inTopic(ctx));
  });
  return composer;
}
