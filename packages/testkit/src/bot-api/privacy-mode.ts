import type { Message, MessageEntity, UserFromGetMe } from "@grammyjs/types";

/**
 * The entities Telegram detects by itself in a user's plain text and that bots rely on:
 * a leading `/command[@bot]` and `@username` mentions (UTF-16 offsets, as always).
 */
export function detectEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const command = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])/.exec(text);
  if (command !== null) entities.push({ type: "bot_command", offset: 0, length: command[0].length });
  for (const match of text.matchAll(/(?<![A-Za-z0-9_@])@[A-Za-z0-9_]{4,32}(?![A-Za-z0-9_])/g)) {
    entities.push({ type: "mention", offset: match.index, length: match[0].length });
  }
  return entities;
}

/**
 * Whether Telegram delivers a group message to the bot. With privacy mode on
 * (`can_read_all_group_messages: false`, the default for bots that are not admins), a bot in
 * a group only gets commands (`/cmd`, or `/cmd@its_name`), replies to its own messages and
 * messages that mention it. Private chats always deliver.
 */
export function deliveredToBot(message: Message, botInfo: UserFromGetMe): boolean {
  if (message.chat.type === "private" || botInfo.can_read_all_group_messages) return true;
  if (message.reply_to_message?.from?.id === botInfo.id) return true;
  const text = message.text ?? message.caption ?? "";
  const entities = message.entities ?? message.caption_entities ?? [];
  const username = botInfo.username.toLowerCase();
  return entities.some((entity) => {
    const value = text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
    if (entity.type === "mention") return value === `@${username}`;
    if (entity.type === "text_mention") return entity.user.id === botInfo.id;
    if (entity.type !== "bot_command") return false;
    const addressee = value.split("@")[1];
    return addressee === undefined || addressee === username;
  });
}
