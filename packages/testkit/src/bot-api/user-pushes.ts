import type { Chat, Message, MessageEntity, Update, User } from "@grammyjs/types";
import type { UserChat } from "./chat-directory.ts";
import type { FakeWorld } from "./fake-world.ts";
import { withoutReply } from "./fake-world.ts";
import { extensionOf, mimeTypeOf } from "./file-store.ts";
import { documentOf, photoSizesOf, stickerOf, voiceOf } from "./media-objects.ts";
import { deliveredToBot, detectEntities } from "./privacy-mode.ts";

/** Where a user message appears. */
export interface UserMessageTarget {
  chat: UserChat;
  from: User;
  /** `message_thread_id`: a forum topic, or a topic of a private chat with topics. */
  topicId?: number;
  replyToMessageId?: number;
  mediaGroupId?: string;
}

/** {@link FakeBotApi.pushText}. */
export interface PushTextArgs extends UserMessageTarget {
  text: string;
  entities?: MessageEntity[];
}

/** {@link FakeBotApi.pushCommand}. */
export interface PushCommandArgs extends Omit<UserMessageTarget, "mediaGroupId"> {
  /** Without the slash. */
  command: string;
  /** Text after the command, separated by a space. */
  args?: string;
  /** Writes `/command@bot_username`, as clients do in groups. */
  mentionBot?: boolean;
}

/** {@link FakeBotApi.pushEdit}. */
export interface PushEditArgs {
  chat: UserChat;
  messageId: number;
  text: string;
  entities?: MessageEntity[];
}

/** {@link FakeBotApi.pushCallbackQuery}. */
export interface PushCallbackArgs {
  from: User;
  /** A message the bot sent (its current content is what the query carries). */
  message: Message;
  data: string;
}

/** {@link FakeBotApi.pushStoppedGeneration}. */
export interface PushStopArgs {
  chat: Chat.PrivateChat;
  draftId: number;
  topicId?: number;
}

/** {@link FakeBotApi.pushPhoto}, {@link FakeBotApi.pushDocument}, {@link FakeBotApi.pushVoice}. */
export interface PushFileArgs extends UserMessageTarget {
  bytes: Buffer;
  fileName?: string;
  mimeType?: string;
  caption?: string;
  captionEntities?: MessageEntity[];
  /** Voice only; default 1 second. */
  durationSeconds?: number;
}

/** {@link FakeBotApi.pushSticker}: a message type the bot does not support. */
export interface PushStickerArgs extends UserMessageTarget {
  emoji?: string;
}

/** A pushed message and the update that carries it. */
export interface PushedMessage {
  update: Update;
  message: Message;
  /**
   * False when Telegram would not hand it to the bot: a group message under privacy mode
   * (`can_read_all_group_messages: false`) that neither is a command, nor mentions the bot,
   * nor replies to it. The message still exists in the chat (the bot can reply to it).
   */
  delivered: boolean;
}

/** A pushed callback query. */
export interface PushedCallbackQuery {
  update: Update;
  callbackQueryId: string;
}

/**
 * Pushes a user's text message. Without `entities`, the leading command and @mentions are
 * detected as Telegram does; pass `entities: []` for none.
 */
export function pushText(world: FakeWorld, args: PushTextArgs): PushedMessage {
  const entities = args.entities ?? detectEntities(args.text);
  return pushUserMessage(world, args, {
    text: args.text,
    ...(entities.length === 0 ? {} : { entities }),
  });
}

/** Pushes `/command[@bot] [args]` with its bot_command entity. */
export function pushCommand(world: FakeWorld, args: PushCommandArgs): PushedMessage {
  const command = `/${args.command}${args.mentionBot === true ? `@${world.botInfo.username}` : ""}`;
  const text = args.args === undefined || args.args === "" ? command : `${command} ${args.args}`;
  return pushUserMessage(world, args, {
    text,
    entities: [{ type: "bot_command", offset: 0, length: command.length }],
  });
}

/** Pushes an edited_message for an earlier user message and updates the stored copy. */
export function pushEdit(world: FakeWorld, args: PushEditArgs): PushedMessage {
  const record = world.messages.get(args.chat.id, args.messageId);
  if (record === undefined || record.fromBot) {
    throw new Error(`fake Bot API: no user message ${args.messageId} in chat ${args.chat.id} to edit`);
  }
  const { entities: _old, ...rest } = record.message;
  const entities = args.entities ?? detectEntities(args.text);
  const edited = {
    ...rest,
    text: args.text,
    ...(entities.length === 0 ? {} : { entities }),
    edit_date: world.unixNow(),
  };
  record.message = edited;
  record.edits += 1;
  const delivered = deliveredToBot(edited, world.botInfo);
  const update = world.updates.push(
    { edited_message: edited as Message & Update.Edited & Update.NonChannel },
    { deliver: delivered },
  );
  return { update, message: edited, delivered };
}

let callbackQueryCount = 0;

/** Pushes a press on an inline button of a bot message; the query stays open until answered. */
export function pushCallbackQuery(world: FakeWorld, args: PushCallbackArgs): PushedCallbackQuery {
  const record = world.messages.get(args.message.chat.id, args.message.message_id);
  if (record === undefined || !record.fromBot) {
    throw new Error(
      `fake Bot API: message ${args.message.message_id} is not a bot message of chat ${args.message.chat.id}`,
    );
  }
  callbackQueryCount += 1;
  // Telegram's ids are long decimal strings.
  const callbackQueryId = `${Date.now()}${String(callbackQueryCount).padStart(6, "0")}`;
  world.openCallbackQueries.add(callbackQueryId);
  const update = world.updates.push({
    callback_query: {
      id: callbackQueryId,
      from: args.from,
      message: record.message,
      chat_instance: `${Math.abs(args.message.chat.id)}${world.botInfo.id}`,
      data: args.data,
    },
  });
  return { update, callbackQueryId };
}

/** Pushes the stop button press of a draft (stopped_message_generation). */
export function pushStoppedGeneration(world: FakeWorld, args: PushStopArgs): Update {
  world.chats.register(args.chat);
  world.drafts.stop(args.chat.id, args.topicId, args.draftId);
  return world.updates.push({
    stopped_message_generation: {
      chat: args.chat,
      draft_id: args.draftId,
      ...(args.topicId === undefined ? {} : { message_thread_id: args.topicId }),
    },
  });
}

/** Pushes a photo; the file becomes downloadable via getFile. */
export function pushPhoto(world: FakeWorld, args: PushFileArgs): PushedMessage {
  const file = world.files.register(args.bytes, "photos", extensionOf(args.fileName, "jpg"), {
    fileName: args.fileName,
    mimeType: args.mimeType ?? "image/jpeg",
  });
  return pushUserMessage(world, args, { photo: photoSizesOf(file), ...captionOf(args) });
}

/** Pushes a document; the file becomes downloadable via getFile. */
export function pushDocument(world: FakeWorld, args: PushFileArgs): PushedMessage {
  const file = world.files.register(args.bytes, "documents", extensionOf(args.fileName, "dat"), {
    fileName: args.fileName,
    mimeType: args.mimeType ?? mimeTypeOf(args.fileName),
  });
  return pushUserMessage(world, args, { document: documentOf(file), ...captionOf(args) });
}

/** Pushes a voice note; the file becomes downloadable via getFile. */
export function pushVoice(world: FakeWorld, args: PushFileArgs): PushedMessage {
  const file = world.files.register(args.bytes, "voice", extensionOf(args.fileName, "oga"), {
    fileName: args.fileName,
    mimeType: args.mimeType ?? "audio/ogg",
  });
  return pushUserMessage(world, args, {
    voice: voiceOf(file, args.durationSeconds ?? 1),
    ...captionOf(args),
  });
}

/** Pushes a sticker. */
export function pushSticker(world: FakeWorld, args: PushStickerArgs): PushedMessage {
  const file = world.files.register(Buffer.alloc(0), "stickers", "webp", { mimeType: "image/webp" });
  return pushUserMessage(world, args, { sticker: stickerOf(file, args.emoji ?? "👍") });
}

/** Pushes any update; a contained `message` is stored so the bot can reply to it. */
export function pushAnyUpdate(world: FakeWorld, payload: Omit<Update, "update_id">): Update {
  const message = payload.message;
  if (message !== undefined && world.messages.get(message.chat.id, message.message_id) === undefined) {
    world.chats.register(message.chat);
    world.addUserMessage(message);
  }
  return world.updates.push(payload);
}

function captionOf(args: PushFileArgs): Partial<Message> {
  if (args.caption === undefined) return {};
  const entities = args.captionEntities ?? detectEntities(args.caption);
  return { caption: args.caption, ...(entities.length === 0 ? {} : { caption_entities: entities }) };
}

/** How {@link pushUserMessage} delivers. */
export interface UserMessageOptions {
  /**
   * Delivers even where privacy mode would hide it: service messages meant for the bot, such
   * as successful_payment, reach it in groups too.
   */
  alwaysDelivered?: boolean;
}

/**
 * Stores a message from `target.from` in `target.chat` with the chat's next message id and
 * pushes it as a `message` update (unless privacy mode hides it from the bot).
 */
export function pushUserMessage(
  world: FakeWorld,
  target: UserMessageTarget,
  content: Partial<Message>,
  options: UserMessageOptions = {},
): PushedMessage {
  const { chat, from } = target;
  world.chats.register(chat);
  checkTopic(world, chat, target.topicId);
  const replyTo = replyTargetOf(world, chat, target.replyToMessageId);
  const message = {
    message_id: world.messages.nextId(chat.id),
    from,
    chat,
    date: world.unixNow(),
    ...(target.topicId === undefined
      ? {}
      : { message_thread_id: target.topicId, is_topic_message: true as const }),
    ...(replyTo === undefined ? {} : { reply_to_message: withoutReply(replyTo) }),
    ...(target.mediaGroupId === undefined ? {} : { media_group_id: target.mediaGroupId }),
    ...content,
  } as Message & Update.NonChannel;
  world.addUserMessage(message);
  const delivered = options.alwaysDelivered === true || deliveredToBot(message, world.botInfo);
  return { update: world.updates.push({ message }, { deliver: delivered }), message, delivered };
}

function checkTopic(world: FakeWorld, chat: UserChat, topicId: number | undefined): void {
  try {
    world.chats.thread(chat, topicId);
  } catch {
    throw new Error(`fake Bot API: chat ${chat.id} has no topics, so topicId ${topicId} cannot be used`);
  }
}

function replyTargetOf(world: FakeWorld, chat: UserChat, messageId: number | undefined): Message | undefined {
  if (messageId === undefined) return undefined;
  const record = world.messages.get(chat.id, messageId);
  if (record === undefined)
    throw new Error(`fake Bot API: no message ${messageId} in chat ${chat.id} to reply to`);
  return record.message;
}
