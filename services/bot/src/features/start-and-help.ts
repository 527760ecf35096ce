import { Composer, type Context } from "grammy";
import { inTopic, textsOf } from "../bot-deps.ts";
import { commandLines } from "../command-registry.ts";

/** /start greets; /help lists the commands (generated from the command registry). */
export function startAndHelpFeature(
  isPrivileged: (userId: number) => boolean = () => false,
): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command("start", async (ctx) => {
    await ctx.reply(textsOf(ctx).welcome(ctx.from?.first_name ?? ""), inTopic(ctx));
  });
  composer.command("help", async (ctx) => {
    const texts = textsOf(ctx);
    const lines = [
      texts.helpHeader,
      "",
      ...commandLines(ctx.from?.language_code, ctx.from ? isPrivileged(ctx.from.id) : false),
      "",
      texts.helpFooter,
    ];
    await ctx.reply(lines.join("\n"), inTopic(ctx));
  });
  return composer;
}
