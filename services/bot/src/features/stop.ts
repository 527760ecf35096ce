import { Composer, type Context } from "grammy";
import { type BotDeps, inTopic, textsOf } from "../bot-deps.ts";
import { threadKeyOfMessage } from "../thread-routing.ts";

/**
 * /stop and the draft's stop button end the answer being written in this thread.
 * The partial answer is kept, marked "[interrupted]" and charged once (the runner
 * does that). Both are free and run in their own lane, never behind an answer.
 */
export function stopFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command("stop", async (ctx) => {
    const key = threadKeyOfMessage(ctx.msg);
    if (!key) return;
    const outcome = await deps.host.stop(key, "stop_command");
    const texts = textsOf(ctx);
    await ctx.reply(outcome === "stopping" ? texts.stopped : texts.nothingToStop, inTopic(ctx));
  });
  composer.on("stopped_message_generation", async (ctx) => {
    const stopped = ctx.update.stopped_message_generation;
    if (stopped?.chat.type !== "private") return;
    // Drafts exist only in private chats, where the chat is the user.
    const key = {
      chatId: stopped.chat.id,
      topicId: stopped.message_thread_id ?? null,
      userId: stopped.chat.id,
    };
    const outcome = await deps.host.stop(key, "stop_button");
    deps.logger.info(
      { threadKey: `${key.chatId}/${key.topicId ?? 0}/${key.userId}`, outcome },
      "stop button pressed",
    );
  });
  return composer;
}
