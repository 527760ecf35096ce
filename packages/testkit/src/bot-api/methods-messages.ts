import type { LinkPreviewOptions, Message, MessageEntity } from "@grammyjs/types";
import { badRequest } from "./bot-api-error.ts";
import type { MethodTable } from "./method-handler.ts";
import {
  checkText,
  optionalEntities,
  optionalInlineKeyboard,
  optionalString,
  type RawParams,
  rejectParseMode,
  replyTarget,
  requiredInt,
} from "./param-checks.ts";

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

/** sendMessage, editMessageText, deleteMessage and sendChatAction. */
export const messageMethods: MethodTable = {
  sendMessage: (params, { world }) => {
    rejectParseMode(params);
    const text = optionalString(params, "text") ?? "";
    const entities = optionalEntities(params, "entities");
    checkText(text, entities);
    const chat = world.chats.resolve(params.chat_id);
    const threadId = world.chats.thread(chat, params.message_thread_id);
    const replyTo = replyTarget(world, chat, params);
    const replyMarkup = optionalInlineKeyboard(params);
    return world.sendBotMessage(chat, textContent(text, entities, linkPreview(params)), {
      threadId,
      replyTo,
      replyMarkup,
    });
  },

  editMessageText: (params, { world }) => {
    rejectParseMode(params);
    if (params.inline_message_id !== undefined) throw badRequest("message to edit not found");
    const text = optionalString(params, "text") ?? "";
    const entities = optionalEntities(params, "entities");
    checkText(text, entities);
    const chat = world.chats.resolve(params.chat_id);
    const record = world.messages.get(chat.id, requiredInt(params, "message_id"));
    if (record === undefined) throw badRequest("message to edit not found");
    if (!record.fromBot) throw badRequest("message can't be edited");
    const current = record.message;
    if (current.text === undefined) throw badRequest("there is no text in the message to edit");
    // Telegram drops the inline keyboard when an edit does not repeat it.
    const replyMarkup = optionalInlineKeyboard(params);
    const unchanged =
      current.text === text &&
      canonical(sortEntities(current.entities)) === canonical(sortEntities(entities)) &&
      canonical(current.reply_markup) === canonical(replyMarkup);
    if (unchanged) throw badRequest(NOT_MODIFIED);
    const { entities: _entities, reply_markup: _markup, link_preview_options: _preview, ...rest } = current;
    const edited = {
      ...rest,
      ...textContent(text, entities, linkPreview(params)),
      edit_date: world.unixNow(),
      ...(replyMarkup === undefined ? {} : { reply_markup: replyMarkup }),
    };
    record.message = edited;
    record.edits += 1;
    return edited;
  },

  deleteMessage: (params, { world }) => {
    const chat = world.chats.resolve(params.chat_id);
    const record = world.messages.get(chat.id, requiredInt(params, "message_id"));
    if (record === undefined) throw badRequest("message to delete not found");
    record.deleted = true;
    return true;
  },

  sendChatAction: (params, { world }) => {
    const chat = world.chats.resolve(params.chat_id);
    world.chats.thread(chat, params.message_thread_id);
    const action = optionalString(params, "action");
    if (action === undefined || !CHAT_ACTIONS.has(action))
      throw badRequest("wrong parameter action in request");
    world.chats.assertCanSend(chat);
    return true;
  },
};

function textContent(
  text: string,
  entities: MessageEntity[] | undefined,
  preview: LinkPreviewOptions | undefined,
): { text: string; entities?: MessageEntity[]; link_preview_options?: LinkPreviewOptions } {
  return {
    text,
    // Telegram omits empty entity lists in the Message it returns.
    ...(entities === undefined || entities.length === 0 ? {} : { entities }),
    ...(preview === undefined ? {} : { link_preview_options: preview }),
  };
}

function linkPreview(params: RawParams): LinkPreviewOptions | undefined {
  const value = params.link_preview_options;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object") throw badRequest("can't parse link preview options JSON object");
  return value as LinkPreviewOptions;
}

function sortEntities(entities: Message["entities"]): MessageEntity[] {
  return [...(entities ?? [])].sort(
    (a, b) => a.offset - b.offset || a.length - b.length || a.type.localeCompare(b.type),
  );
}

/** JSON with sorted keys, so equal content compares equal whatever the key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, item: unknown) =>
    typeof item === "object" && item !== null && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}
