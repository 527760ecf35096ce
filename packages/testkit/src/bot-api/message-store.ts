import type { Message } from "@grammyjs/types";
import type { StoredMessage } from "./types.ts";

/** One message of a chat as the fake keeps it. */
export interface MessageRecord {
  /** Its current content (after edits). */
  message: Message;
  fromBot: boolean;
  deleted: boolean;
  edits: number;
}

/**
 * Every message of every chat, user's and bot's alike, because both share one per-chat
 * sequence of message ids in Telegram.
 */
export class MessageStore {
  private readonly chats = new Map<number, Map<number, MessageRecord>>();
  private readonly lastIds = new Map<number, number>();

  /** The next message id of a chat: 1, 2, 3, ... */
  nextId(chatId: number): number {
    const id = (this.lastIds.get(chatId) ?? 0) + 1;
    this.lastIds.set(chatId, id);
    return id;
  }

  add(message: Message, fromBot: boolean): MessageRecord {
    const record: MessageRecord = { message, fromBot, deleted: false, edits: 0 };
    let chat = this.chats.get(message.chat.id);
    if (chat === undefined) {
      chat = new Map();
      this.chats.set(message.chat.id, chat);
    }
    chat.set(message.message_id, record);
    // Messages pushed with explicit ids must not collide with later generated ones.
    if (message.message_id > (this.lastIds.get(message.chat.id) ?? 0)) {
      this.lastIds.set(message.chat.id, message.message_id);
    }
    return record;
  }

  /** A message that exists and was not deleted. */
  get(chatId: number, messageId: number): MessageRecord | undefined {
    const record = this.chats.get(chatId)?.get(messageId);
    return record === undefined || record.deleted ? undefined : record;
  }

  /** Bot messages of a chat that were not deleted, oldest first; `topicId` narrows to one topic. */
  botMessages(chatId: number, topicId?: number): StoredMessage[] {
    const records = [...(this.chats.get(chatId)?.values() ?? [])];
    return records
      .filter((record) => record.fromBot && !record.deleted)
      .filter((record) => topicId === undefined || record.message.message_thread_id === topicId)
      .sort((a, b) => a.message.message_id - b.message.message_id)
      .map(toStoredMessage);
  }
}

function toStoredMessage(record: MessageRecord): StoredMessage {
  const { message } = record;
  const kind =
    message.text !== undefined
      ? "text"
      : message.photo !== undefined
        ? "photo"
        : message.document !== undefined
          ? "document"
          : "other";
  return {
    message_id: message.message_id,
    kind,
    edits: record.edits,
    ...(message.text === undefined ? {} : { text: message.text }),
    ...(message.entities === undefined ? {} : { entities: message.entities }),
    ...(message.caption === undefined ? {} : { caption: message.caption }),
    ...(message.caption_entities === undefined ? {} : { caption_entities: message.caption_entities }),
    ...(message.message_thread_id === undefined ? {} : { topicId: message.message_thread_id }),
  };
}
