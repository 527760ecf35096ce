import type { MessageEntity } from "@grammyjs/types";
import type { FormattedText } from "./formatted-text.ts";

const WHITESPACE_UNIT = /\s/;
/** Styles where a nested copy of the same style adds nothing (e.g. bold in a bold heading). */
const FLAT_STYLES = new Set<MessageEntity["type"]>(["bold", "italic", "strikethrough", "spoiler"]);
/** Outer styles first when two entities share a range, so the output reads naturally. */
const STYLE_ORDER: readonly MessageEntity["type"][] = [
  "blockquote",
  "expandable_blockquote",
  "text_link",
  "bold",
  "italic",
  "strikethrough",
  "spoiler",
  "pre",
  "code",
];

function isCodeLike(entity: MessageEntity): boolean {
  return entity.type === "code" || entity.type === "pre";
}

function end(entity: MessageEntity): number {
  return entity.offset + entity.length;
}

function coversOnlyWhitespace(text: string, start: number, stop: number): boolean {
  for (let index = start; index < stop; index++) {
    if (!WHITESPACE_UNIT.test(text.charAt(index))) return false;
  }
  return true;
}

/**
 * "Solid" units are the ones an entity edge may sit on: anything but whitespace, plus
 * whitespace inside code, which is content. Trimming to solid units keeps nesting intact
 * because a nested entity's edges are solid too.
 */
function solidUnits(text: string, code: readonly MessageEntity[]): Uint8Array {
  const solid = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) {
    solid[index] = WHITESPACE_UNIT.test(text.charAt(index)) ? 0 : 1;
  }
  for (const entity of code) solid.fill(1, entity.offset, end(entity));
  return solid;
}

/**
 * Which units survive tidying: outside code, a whitespace run with three or more line
 * breaks keeps just two (one blank line), and whitespace up to the last line break at
 * the very start goes. Such runs appear where a construct between line breaks rendered
 * to nothing (an empty code span, a hidden marker).
 */
function keptUnits(text: string, entities: readonly MessageEntity[]): Uint8Array {
  const keep = new Uint8Array(text.length).fill(1);
  const protectedUnits = new Uint8Array(text.length);
  for (const entity of entities) {
    // Code that is only whitespace loses its entity later, so it is not protected here.
    if (isCodeLike(entity) && !coversOnlyWhitespace(text, entity.offset, end(entity))) {
      protectedUnits.fill(1, entity.offset, end(entity));
    }
  }
  let index = 0;
  while (index < text.length) {
    if (protectedUnits[index] === 1 || !WHITESPACE_UNIT.test(text.charAt(index))) {
      index++;
      continue;
    }
    let stop = index;
    const breaks: number[] = [];
    while (stop < text.length && protectedUnits[stop] === 0 && WHITESPACE_UNIT.test(text.charAt(stop))) {
      if (text.charAt(stop) === "\n") breaks.push(stop);
      stop++;
    }
    const lastBreak = breaks.at(-1);
    if (index === 0 && lastBreak !== undefined) {
      keep.fill(0, 0, lastBreak + 1);
    } else if (breaks.length >= 3) {
      keep.fill(0, index, stop);
      for (const kept of breaks.slice(0, 2)) keep[kept] = 1;
    }
    index = stop;
  }
  return keep;
}

/** Removes the units `keep` marks 0, moving entity edges with the text. */
function removeUnits(raw: FormattedText, keep: Uint8Array): FormattedText {
  if (keep.every((unit) => unit === 1)) return raw;
  const newIndex = new Uint32Array(raw.text.length + 1);
  let text = "";
  for (let index = 0; index < raw.text.length; index++) {
    newIndex[index] = text.length;
    if (keep[index] === 1) text += raw.text.charAt(index);
  }
  newIndex[raw.text.length] = text.length;
  const entities: MessageEntity[] = [];
  for (const entity of raw.entities) {
    const start = newIndex[entity.offset] ?? 0;
    const stop = newIndex[end(entity)] ?? start;
    if (stop > start) entities.push({ ...entity, offset: start, length: stop - start });
  }
  return { text, entities };
}

function clip(entities: readonly MessageEntity[], length: number): MessageEntity[] {
  const clipped: MessageEntity[] = [];
  for (const entity of entities) {
    const stop = Math.min(end(entity), length);
    if (stop > entity.offset) clipped.push({ ...entity, length: stop - entity.offset });
  }
  return clipped;
}

function trimToSolid(entity: MessageEntity, solid: Uint8Array): MessageEntity | undefined {
  let start = entity.offset;
  let stop = end(entity);
  while (start < stop && solid[start] === 0) start++;
  while (stop > start && solid[stop - 1] === 0) stop--;
  return stop > start ? { ...entity, offset: start, length: stop - start } : undefined;
}

function sameStyle(a: MessageEntity, b: MessageEntity): boolean {
  if (a.type !== b.type) return false;
  if (a.type === "text_link" && b.type === "text_link") return a.url === b.url;
  return FLAT_STYLES.has(a.type);
}

function compareEntities(a: MessageEntity, b: MessageEntity): number {
  return (
    a.offset - b.offset || b.length - a.length || STYLE_ORDER.indexOf(a.type) - STYLE_ORDER.indexOf(b.type)
  );
}

/** Drops entities inside an entity of the same style (and exact duplicates of any style). */
function dropRedundant(sorted: readonly MessageEntity[]): MessageEntity[] {
  const kept: MessageEntity[] = [];
  for (const entity of sorted) {
    const redundant = kept.some(
      (outer) =>
        outer.offset <= entity.offset &&
        end(entity) <= end(outer) &&
        (sameStyle(outer, entity) ||
          (outer.type === entity.type && outer.offset === entity.offset && outer.length === entity.length)),
    );
    if (!redundant) kept.push(entity);
  }
  return kept;
}

/**
 * Makes raw parser output acceptable to Telegram and tidy: leading line breaks and
 * trailing whitespace of the whole text go (Telegram strips them anyway, and entities
 * must stay inside the text), blank-line runs outside code shrink to one blank line,
 * code that is only whitespace loses its entity, other entities are trimmed to their
 * first and last non-whitespace unit (Telegram does the same) and dropped when nothing
 * is left; entities are sorted outer-first.
 */
export function finalizeFormatted(raw: FormattedText): FormattedText {
  const tidy = removeUnits(raw, keptUnits(raw.text, raw.entities));
  const text = tidy.text.trimEnd();
  const clipped = clip(tidy.entities, text.length);
  const code = clipped.filter(
    (entity) => isCodeLike(entity) && !coversOnlyWhitespace(text, entity.offset, end(entity)),
  );
  const solid = solidUnits(text, code);
  const trimmed: MessageEntity[] = [...code];
  for (const entity of clipped) {
    if (isCodeLike(entity)) continue;
    const kept = trimToSolid(entity, solid);
    if (kept) trimmed.push(kept);
  }
  return { text, entities: dropRedundant(trimmed.sort(compareEntities)) };
}
