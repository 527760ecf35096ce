import type { MessageEntity } from "@grammyjs/types";
import { isBlank, splitsSurrogatePair } from "./characters.ts";
import { type FormattedText, TELEGRAM_TEXT_LIMIT } from "./formatted-text.ts";

const WHITESPACE_UNIT = /\s/;

/** Throws unless `limit` can hold at least one code point (a surrogate pair needs two units). */
export function assertLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 2) {
    throw new RangeError(`message limit must be an integer of at least 2, got ${limit}`);
  }
}

/** Index of the first non-whitespace unit at or after `start` (the text length if none). */
function firstSolid(text: string, start: number): number {
  let index = start;
  while (index < text.length && WHITESPACE_UNIT.test(text.charAt(index))) index++;
  return index;
}

/**
 * Where to end the part that starts at `start`: after the last blank line that fits,
 * else after the last line break, else after the last whitespace, else at the limit
 * (stepping back off a surrogate pair). Blank-line and line-break cuts may not leave
 * the part shorter than half the limit: a tiny message would be worse than a cut line.
 * The part keeps some visible text, and so does the rest: the cut is never after
 * `lastSolid`, the last non-whitespace unit of the text.
 */
export function chooseCut(text: string, start: number, limit: number, lastSolid: number): number {
  const max = Math.min(start + limit, lastSolid);
  const solid = firstSolid(text, start);
  const lowest = Math.max(start + Math.floor(limit / 2), solid + 1);
  const paragraph = text.lastIndexOf("\n\n", max - 2);
  if (paragraph >= 0 && paragraph + 2 >= lowest) return paragraph + 2;
  const line = text.lastIndexOf("\n", max - 1);
  if (line >= 0 && line + 1 >= lowest) return line + 1;
  for (let index = max - 1; index > solid; index--) {
    if (WHITESPACE_UNIT.test(text.charAt(index))) return index + 1;
  }
  if (max <= solid) return start + limit; // nothing visible fits: a blank part, folded later
  if (!splitsSurrogatePair(text, max)) return max;
  // Step back off the pair, or take it whole when stepping back would leave only whitespace.
  return max - 1 > solid || max + 1 > start + limit ? max - 1 : max + 1;
}

/** The entities overlapping `[start, stop)`, clipped to it and re-based to `start`. */
export function sliceFormatted(formatted: FormattedText, start: number, stop: number): FormattedText {
  const entities: MessageEntity[] = [];
  for (const entity of formatted.entities) {
    const from = Math.max(entity.offset, start);
    const to = Math.min(entity.offset + entity.length, stop);
    if (to > from) entities.push({ ...entity, offset: from - start, length: to - from });
  }
  return { text: formatted.text.slice(start, stop), entities };
}

/** Part boundaries before whitespace-only parts are folded into a neighbour. */
function rawRanges(text: string, limit: number): [number, number][] {
  const ranges: [number, number][] = [];
  const lastSolid = text.trimEnd().length - 1;
  let start = 0;
  while (text.length - start > limit) {
    const cut = chooseCut(text, start, limit, lastSolid);
    ranges.push([start, cut]);
    start = cut;
  }
  if (start < text.length) ranges.push([start, text.length]);
  return ranges;
}

/**
 * A part with only whitespace cannot be sent: it joins the previous part (or the next)
 * when that stays within the limit; otherwise it is dropped. That only happens to
 * whitespace that cannot share a message with visible text (for text without trailing
 * whitespace: a run of at least `limit - 1` units), which Telegram would not show anyway.
 */
function foldBlankRanges(
  text: string,
  ranges: readonly [number, number][],
  limit: number,
): [number, number][] {
  const folded: [number, number][] = [];
  let carry: number | undefined;
  for (const [index, [rangeStart, stop]] of ranges.entries()) {
    const start = carry ?? rangeStart;
    carry = undefined;
    if (!isBlank(text.slice(start, stop))) {
      folded.push([start, stop]);
      continue;
    }
    const previous = folded.at(-1);
    const next = ranges[index + 1];
    if (previous && stop - previous[0] <= limit) {
      previous[1] = stop;
    } else if (next && next[1] - start <= limit) {
      carry = start;
    }
  }
  return folded;
}

/**
 * Splits formatted text into messages of at most `limit` UTF-16 units. Cuts prefer a
 * blank line, then a line break, then a space (the separator stays at the end of the
 * earlier part), and never split a surrogate pair; the parts' texts concatenate to the
 * input, except whitespace that cannot share a message with visible text (see
 * `foldBlankRanges`); a blank input gives no parts. Entities are clipped to each part
 * they overlap, so a code block crossing a cut is closed in one part and reopened, with
 * its language, in the next.
 */
export function splitMessage(formatted: FormattedText, limit = TELEGRAM_TEXT_LIMIT): FormattedText[] {
  assertLimit(limit);
  const ranges = foldBlankRanges(formatted.text, rawRanges(formatted.text, limit), limit);
  return ranges.map(([start, stop]) => sliceFormatted(formatted, start, stop));
}
