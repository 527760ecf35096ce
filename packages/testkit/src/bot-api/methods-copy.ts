import type { Message, MessageId } from "@grammyjs/types";
import { badRequest } from "./bot-api-error.ts";
import { MAX_CAPTION_LENGTH } from "./entity-rules.ts";
import type { MethodTable } from "./method-handler.ts";
import {
  checkText,
  optionalEntities,
  optionalInlineKeyboard,
  optionalString,
  rejectParseMode,
  replyTarget,
  requiredInt,
} from "./param-checks.ts";

/**
 * The fields that make up what a message shows. A copy takes these and nothing else:
 * no sender, date, reply, topic, forward origin or keyboard of the original.
 */
const CONTENT_FIELDS = [
  "text",
  "entities",
  "link_preview_options",
  "animation",
  "audio",
  "document",
  "photo",
  "sticker",
  "video",
  "video_note",
  "voice",
  "caption",
  "caption_entities",
  "show_caption_above_media",
  "has_media_spoiler",
  "contact",
  "location",
  "venue",
] as const satisfies ReadonlyArray<keyof Message>;

/**
 * The kinds of message the fake can copy. Service messages (payments among them), invoices,
 * polls and dice are left out: Telegram refuses the first two, and copies of the others
 * would need fresh poll ids or dice values the fake does not model.
 */
const COPYABLE_KINDS = [
  "text",
  "animation",
  "audio",
  "document",
  "photo",
  "sticker",
  "video",
  "video_note",
  "voice",
  "contact",
  "location",
  "venue",
] as const satisfies ReadonlyArray<keyof Message>;

/** Kinds whose caption copyMessage may replace. */
const CAPTIONED_KINDS = new Set<keyof Message>(["animation", "audio", "document", "photo", "video", "voice"]);

/** copyMessage: a stored message's content sent again by the bot, without a link to the original. */
export const copyMethods: MethodTable = {
  copyMessage: (params, { world }) => {
    rejectParseMode(params);
    const chat = world.chats.resolve(params.chat_id);
    const fromChat = world.chats.resolve(params.from_chat_id);
    const source = world.messages.get(fromChat.id, requiredInt(params, "message_id"))?.message;
    if (source === undefined) throw badRequest("message to copy not found");
    const kind = COPYABLE_KINDS.find((field) => source[field] !== undefined);
    if (kind === undefined) throw badRequest("message can't be copied");
    const original = copiedContent(source);
    const content = CAPTIONED_KINDS.has(kind) ? withCaption(original, params) : original;
    const threadId = world.chats.thread(chat, params.message_thread_id);
    const replyTo = replyTarget(world, chat, params);
    const replyMarkup = optionalInlineKeyboard(params);
    const copy = world.sendBotMessage(chat, content, { threadId, replyTo, replyMarkup });
    const result: MessageId = { message_id: copy.message_id };
    return result;
  },
};

function copiedContent(source: Message): Partial<Message> {
  const content: Record<string, unknown> = {};
  for (const field of CONTENT_FIELDS) {
    if (source[field] !== undefined) content[field] = source[field];
  }
  return content as Partial<Message>;
}

/**
 * A `caption` (or `caption_entities`) parameter replaces the original caption, "" removes it;
 * without either, the original caption is kept.
 */
function withCaption(content: Partial<Message>, params: Record<string, unknown>): Partial<Message> {
  const caption = optionalString(params, "caption");
  const entities = optionalEntities(params, "caption_entities");
  if (caption === undefined && entities === undefined) return content;
  const text = caption ?? "";
  checkText(text, entities, MAX_CAPTION_LENGTH, true);
  const { caption: _caption, caption_entities: _entities, ...rest } = content;
  return {
    ...rest,
    ...(text === "" ? {} : { caption: text }),
    ...(text === "" || entities === undefined || entities.length === 0 ? {} : { caption_entities: entities }),
  };
}
