import type { FileReceived } from "@bot/domain";
import { Composer, type Context } from "grammy";
import { type BotDeps, eventContext, inTopic, textsOf } from "../bot-deps.ts";
import { incomingFile } from "../files/incoming-files.ts";
import { isAddressedToBot, withoutBotMention } from "../thread-routing.ts";
import { toMessageReceived } from "./chat.ts";

/**
 * Photos, documents, voice and video notes, audio and video files become a
 * MessageReceived (the caption is its text) recorded together with its FileReceived, in
 * the sender's thread; the actor answers them like text (an album's items arrive within
 * the batching window and form one turn). Nothing is downloaded here: files over
 * Telegram's 20 MB bot limit, or images the models cannot read, get a specific reply and
 * cost nothing.
 */
export function filesFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on(
    [
      "message:photo",
      "message:document",
      "message:voice",
      "message:audio",
      "message:video",
      "message:video_note",
    ],
    async (ctx) => {
      const message = ctx.msg;
      if (!isAddressedToBot(message, deps.botInfo)) return;
      const found = incomingFile(message);
      if (!found) return;
      if ("refused" in found) {
        const texts = textsOf(ctx);
        const refused = found.refused;
        await ctx.reply(
          refused.reason === "too_large"
            ? texts.fileTooLarge(refused.name, (refused.sizeBytes / 1024 / 1024).toFixed(1))
            : texts.fileUnsupportedImage(refused.name, refused.mimeType),
          inTopic(ctx),
        );
        return;
      }
      const caption = message.caption ?? "";
      const text =
        message.chat.type === "private" ? caption : withoutBotMention(caption, deps.botInfo.username);
      const data = toMessageReceived(message, ctx.update.update_id, text);
      if (!data) return;
      const file: FileReceived["data"] = {
        ...found.file,
        fileId: deps.ids.uuid(),
        messageId: message.message_id,
      };
      const outcome = await deps.host.receiveMessage(data, eventContext(ctx), [file]);
      if (outcome === "duplicate") deps.metrics.duplicateUpdate();
    },
  );
  return composer;
}
