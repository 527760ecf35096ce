import type { ThreadKey } from "@bot/domain";
import type { Chat, Message, UserFromGetMe } from "@grammyjs/types";

/** Chat types the bot converses in (channels are not). */
export type ConversationChatType = "private" | "group" | "supergroup";

/** The chat type of a chat the bot converses in, or null (channels). */
export function conversationChatType(chat: Chat): ConversationChatType | null {
  return chat.type === "channel" ? null : chat.type;
}

/**
 * The thread a message belongs to: (chat, topic, sender). In groups every member has
 * their own thread; in chats with topics (forums, private chats with topics) every
 * topic is a thread. The General topic and chats without topics use topic 0 (null).
 */
export function threadKeyOfMessage(
  message: Pick<Message, "chat" | "from" | "is_topic_message" | "message_thread_id">,
): ThreadKey | null {
  if (!message.from || conversationChatType(message.chat) === null) return null;
  const topicId = message.is_topic_message && message.message_thread_id ? message.message_thread_id : null;
  return { chatId: message.chat.id, topicId, userId: message.from.id };
}

/** A thread key as a string (lanes, rate limits, logs). */
export function threadKeyText(key: ThreadKey): string {
  return `${key.chatId}/${key.topicId ?? 0}/${key.userId}`;
}

/**
 * Whether a group message is meant for the bot: it mentions the bot, replies to one
 * of its messages, or is a command without a bot name or with this bot's name. In
 * private chats every message is. Documented in docs/operations.md ("Groups").
 */
export function isAddressedToBot(message: Message, bot: Pick<UserFromGetMe, "id" | "username">): boolean {
  if (message.chat.type === "private") return true;
  if (message.reply_to_message?.from?.id === bot.id) return true;
  const text = message.text ?? message.caption ?? "";
  const entities = message.entities ?? message.caption_entities ?? [];
  const name = `@${bot.username}`.toLowerCase();
  for (const entity of entities) {
    const slice = text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
    if (entity.type === "mention" && slice === name) return true;
    if (entity.type === "text_mention" && entity.user.id === bot.id) return true;
    if (entity.type === "bot_command" && entity.offset === 0) {
      const at = slice.indexOf("@");
      if (at === -1 || slice.slice(at) === name) return true;
    }
  }
  return false;
}

/** The text without the leading or trailing "@bot" mention that addressed the bot. */
export function withoutBotMention(text: string, username: string): string {
  const pattern = new RegExp(`(^|\\s)@${username.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "gi");
  const stripped = text
    .replace(pattern, "$1")
    .replace(/\s{2,}/g, " ")
    .trim();
  return stripped.length > 0 ? stripped : text;
}
