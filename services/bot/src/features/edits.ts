import { Composer, type Context } from "grammy";
import { type BotDeps, eventContext } from "../bot-deps.ts";
import { threadKeyOfMessage } from "../thread-routing.ts";

/** An edited message is recorded in its thread (MessageEdited); no new answer is generated. */
export function editsFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on("edited_message:text", async (ctx) => {
    const message = ctx.editedMessage;
    const key = threadKeyOfMessage(message);
    if (!key) return;
    await deps.host.editMessage(
      key,
      {
        messageId: message.message_id,
        updateId: ctx.update.update_id,
        text: message.text,
        editedAt: new Date((message.edit_date ?? message.date) * 1000).toISOString(),
      },
      eventContext(ctx),
    );
  });
  return composer;
}
