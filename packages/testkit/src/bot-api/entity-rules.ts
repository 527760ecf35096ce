import type { MessageEntity } from "@grammyjs/types";

/** Telegram's limit on message text, in UTF-16 code units, after entity parsing. */
export const MAX_MESSAGE_LENGTH = 4096;
/** Telegram's limit on media captions. */
export const MAX_CAPTION_LENGTH = 1024;

/** Entity types that carry formatting we send; others are detected by Telegram itself. */
const SENDABLE_TYPES = new Set<MessageEntity["type"]>([
  "bold",
  "italic",
  "underline",
  "strikethrough",
  "spoiler",
  "code",
  "pre",
  "text_link",
  "text_mention",
  "custom_emoji",
  "blockquote",
  "expandable_blockquote",
  "mention",
  "hashtag",
  "cashtag",
  "bot_command",
  "url",
  "email",
  "phone_number",
]);

/** Types that may not contain any other entity. */
const NO_CHILDREN = new Set<MessageEntity["type"]>(["code", "pre"]);
/** Types that may not be nested in one another. */
const QUOTES = new Set<MessageEntity["type"]>(["blockquote", "expandable_blockquote"]);

/** Why Telegram would refuse a text with these entities, or null when it accepts it. */
export type EntityProblem = string | null;

/**
 * Checks a text and its entities the way the Bot API does for sendMessage,
 * editMessageText and sendMessageDraft (`entities` parameter, no parse_mode):
 * - the text is 1-4096 UTF-16 code units and not only whitespace (`limit` may lower it, e.g. captions);
 * - offsets and lengths are integers in UTF-16 code units, length > 0, inside the text;
 * - entities either nest or are disjoint (no partial overlap);
 * - nothing nests inside `code` or `pre`; quotes do not nest in quotes;
 * - `text_link` has an http(s)/tg URL; `pre.language` has no whitespace.
 * Returns the first problem as Telegram would word it, or null.
 */
export function checkTextAndEntities(
  text: string,
  entities: readonly MessageEntity[] = [],
  limit: number = MAX_MESSAGE_LENGTH,
  allowEmpty = false,
): EntityProblem {
  if (!allowEmpty && text.trim().length === 0) return "Bad Request: message text is empty";
  if (text.length > limit)
    return limit === MAX_MESSAGE_LENGTH
      ? "Bad Request: message is too long"
      : "Bad Request: message caption is too long";
  for (const [index, entity] of entities.entries()) {
    if (!SENDABLE_TYPES.has(entity.type))
      return `Bad Request: can't parse entities: unsupported entity type "${entity.type}"`;
    if (
      !Number.isInteger(entity.offset) ||
      !Number.isInteger(entity.length) ||
      entity.offset < 0 ||
      entity.length <= 0
    ) {
      return `Bad Request: can't parse entities: entity ${index} has invalid offset ${entity.offset} or length ${entity.length}`;
    }
    if (entity.offset + entity.length > text.length) {
      return `Bad Request: can't parse entities: entity ${index} ends at UTF-16 offset ${entity.offset + entity.length}, after the end of the text (${text.length})`;
    }
    if (entity.type === "text_link" && !/^(https?:\/\/|tg:\/\/)\S+$/i.test(entity.url)) {
      return `Bad Request: can't parse entities: wrong HTTP URL "${entity.url}"`;
    }
    if (entity.type === "pre" && entity.language !== undefined && /\s/.test(entity.language)) {
      return `Bad Request: can't parse entities: invalid pre language "${entity.language}"`;
    }
  }
  const sorted = [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
  for (let i = 0; i < sorted.length; i++) {
    const outer = sorted[i] as MessageEntity;
    const outerEnd = outer.offset + outer.length;
    for (let j = i + 1; j < sorted.length; j++) {
      const inner = sorted[j] as MessageEntity;
      if (inner.offset >= outerEnd) break;
      const innerEnd = inner.offset + inner.length;
      if (innerEnd > outerEnd) {
        return `Bad Request: can't parse entities: entities at offsets ${outer.offset} and ${inner.offset} overlap partially`;
      }
      if (NO_CHILDREN.has(outer.type)) {
        return `Bad Request: can't parse entities: ${inner.type} entity can't be nested in ${outer.type} entity`;
      }
      if (QUOTES.has(outer.type) && QUOTES.has(inner.type)) {
        return "Bad Request: can't parse entities: blockquote entities can't be nested";
      }
    }
  }
  return null;
}
