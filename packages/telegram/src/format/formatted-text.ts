import type { MessageEntity } from "@grammyjs/types";

/**
 * A message body ready for the Bot API `text` + `entities` parameters (never `parse_mode`):
 * entity offsets and lengths are in UTF-16 code units, which is what JavaScript string
 * indices already are.
 */
export type FormattedText = {
  readonly text: string;
  readonly entities: readonly MessageEntity[];
};

/** The entity styles the formatter produces; `language` and `url` travel with their type. */
export type EntityStyle =
  | {
      readonly type:
        | "bold"
        | "italic"
        | "strikethrough"
        | "spoiler"
        | "code"
        | "blockquote"
        | "expandable_blockquote";
    }
  | { readonly type: "pre"; readonly language?: string | undefined }
  | { readonly type: "text_link"; readonly url: string };

/** Telegram's limit on message text in UTF-16 code units (after entity parsing). */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** A text without any formatting. */
export const EMPTY_FORMATTED: FormattedText = { text: "", entities: [] };

/** Builds a Bot API entity for a style over `[offset, offset + length)`. */
export function entityOf(style: EntityStyle, offset: number, length: number): MessageEntity {
  switch (style.type) {
    case "pre":
      // exactOptionalPropertyTypes: an absent language must be absent, not `undefined`.
      return style.language === undefined
        ? { type: "pre", offset, length }
        : { type: "pre", offset, length, language: style.language };
    case "text_link":
      return { type: "text_link", offset, length, url: style.url };
    default:
      return { type: style.type, offset, length };
  }
}

/** Moves an entity by `delta` units (and optionally sets its length), keeping url/language. */
export function moveEntity(entity: MessageEntity, delta: number, length = entity.length): MessageEntity {
  return { ...entity, offset: entity.offset + delta, length };
}

/** The bare text: the fallback when Telegram rejects the entities. */
export function plainText(formatted: FormattedText): string {
  return formatted.text;
}

/**
 * Appends `suffix` (e.g. {@link interruptedMarker}) after `formatted`, joined by `separator`
 * when both are non-empty. The result may exceed Telegram's limit; split it afterwards.
 */
export function withSuffix(formatted: FormattedText, suffix: FormattedText, separator = "\n"): FormattedText {
  if (suffix.text.length === 0) return formatted;
  if (formatted.text.length === 0) return suffix;
  const shift = formatted.text.length + separator.length;
  return {
    text: formatted.text + separator + suffix.text,
    entities: [...formatted.entities, ...suffix.entities.map((entity) => moveEntity(entity, shift))],
  };
}

/**
 * The italic "[label]" shown after an answer that was stopped; the caller passes the
 * label in the user's language.
 */
export function interruptedMarker(label = "interrupted"): FormattedText {
  const text = `[${label}]`;
  return { text, entities: [{ type: "italic", offset: 0, length: text.length }] };
}
