import type { MessageReceived } from "@bot/domain";
import type { Message } from "@grammyjs/types";
import { Composer, type Context } from "grammy";
import { type BotDeps, eventContext, inTopic, textsOf } from "../bot-deps.ts";
import { COMMAND_NAMES } from "../command-registry.ts";
import { RateGate } from "../recent-updates.ts";
import {
  conversationChatType,
  isAddressedToBot,
  threadKeyOfMessage,
  threadKeyText,
  withoutBotMention,
} from "../thread-routing.ts";

function leadingCommand(message: Message): string | null {
  const entity = message.entities?.[0];
  if (entity?.type !== "bot_command" || entity.offset !== 0 || !message.text) return null;
  return message.text.slice(1, entity.length).split("@")[0]?.toLowerCase() ?? null;
}

/** The MessageReceived data of a Telegram text message. */
export function toMessageReceived(
  message: Message,
  updateId: number,
  text: string,
): MessageReceived["data"] | null {
  const key = threadKeyOfMessage(message);
  const chatType = conversationChatType(message.chat);
  if (!key || !chatType || !message.from) return null;
  return {
    chatId: key.chatId,
    topicId: key.topicId,
    userId: key.userId,
    chatType,
    messageId: message.message_id,
    updateId,
    text,
    sentAt: new Date(message.date * 1000).toISOString(),
    replyToMessageId: message.reply_to_message?.message_id ?? null,
    from: {
      username: message.from.username ?? null,
      firstName: message.from.first_name,
      languageCode: message.from.language_code ?? null,
    },
  };
}

/**
 * Text messages become MessageReceived in the sender's thread (duplicates of an
 * update or message append nothing); the thread's actor batches and answers them.
 * In groups only messages addressed to the bot count (mention, reply, command).
 * Commands the bot does not know get a short reply instead.
 */
export function chatFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  const unknownCommandGate = new RateGate(10_000);
  composer.on("message:text", async (ctx) => {
    const message = ctx.msg;
    if (!isAddressedToBot(message, deps.botInfo)) return;
    const command = leadingCommand(message);
    if (command !== null && !COMMAND_NAMES.has(command)) {
      const key = threadKeyOfMessage(message);
      if (key && unknownCommandGate.allow(threadKeyText(key))) {
        await ctx.reply(textsOf(ctx).unknownCommand(command), inTopic(ctx));
      }
      return;
    }
    const text =
      message.chat.type === "private" ? message.text : withoutBotMention(message.text, deps.botInfo.username);
    const data = toMessageReceived(message, ctx.update.update_id, text);
    if (!data) return;
    const outcome = await deps.host.receiveMessage(data, eventContext(ctx));
    if (outcome === "duplicate") deps.metrics.duplicateUpdate();
  });
  return composer;
}
