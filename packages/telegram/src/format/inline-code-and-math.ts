import { isWhitespace } from "./characters.ts";
import type { FormattedText } from "./formatted-text.ts";

/** Where a parsed inline construct ends, and what it shows. */
export interface InlineSpan {
  readonly content: FormattedText;
  /** Source index just after the construct. */
  readonly end: number;
}

/** Text monospaced as inline code; code that would be empty shows nothing. */
export function codeAtom(code: string): FormattedText {
  return code.length === 0
    ? { text: "", entities: [] }
    : { text: code, entities: [{ type: "code", offset: 0, length: code.length }] };
}

/** Text as a `pre` block with the given language. */
export function preAtom(code: string, language?: string): FormattedText {
  if (code.length === 0) return { text: "", entities: [] };
  const entity =
    language === undefined
      ? { type: "pre" as const, offset: 0, length: code.length }
      : { type: "pre" as const, offset: 0, length: code.length, language };
  return { text: code, entities: [entity] };
}

/** Length of the run of `char` starting at `index`. */
export function runLength(src: string, index: number, char: string): number {
  let stop = index;
  while (src[stop] === char) stop++;
  return stop - index;
}

/** Index of the next run of exactly `length` backticks at or after `from`, or -1. */
export function findBacktickRun(src: string, from: number, length: number): number {
  let index = src.indexOf("`", from);
  while (index >= 0) {
    const run = runLength(src, index, "`");
    if (run === length) return index;
    index = src.indexOf("`", index + run);
  }
  return -1;
}

/** CommonMark: line ends become spaces; one space is stripped from each side if both have one. */
function codeSpanText(raw: string): string {
  const flat = raw.replace(/\n/g, " ");
  if (flat.length >= 2 && flat.startsWith(" ") && flat.endsWith(" ") && flat.trim().length > 0) {
    return flat.slice(1, -1);
  }
  return flat;
}

/**
 * A backtick code span at `start`. Unclosed: literal backticks, or in an open scope code
 * up to the end (minus a half-typed closing run, so the backticks do not flicker).
 */
export function parseCodeSpan(src: string, start: number, open: boolean): InlineSpan {
  const length = runLength(src, start, "`");
  const close = findBacktickRun(src, start + length, length);
  if (close >= 0) {
    return { content: codeAtom(codeSpanText(src.slice(start + length, close))), end: close + length };
  }
  if (!open) return { content: { text: "`".repeat(length), entities: [] }, end: start + length };
  let body = src.slice(start + length).replace(/\n/g, " ");
  const trailing = body.length - body.replace(/`+$/, "").length;
  if (trailing < length) body = body.slice(0, body.length - trailing);
  if (body.startsWith(" ") && body.trim().length > 0) body = body.slice(1);
  return { content: codeAtom(body), end: src.length };
}

/**
 * `\(…\)` (inline, → code) or `\[…\]` (display, → pre "latex") at `start` (the backslash).
 * Undefined when unclosed in a finished scope: the backslash then just escapes the bracket.
 */
export function parseBackslashMath(src: string, start: number, open: boolean): InlineSpan | undefined {
  const display = src[start + 1] === "[";
  const closer = display ? "\\]" : "\\)";
  const close = src.indexOf(closer, start + 2);
  if (close < 0 && !open) return undefined;
  const stop = close < 0 ? src.length : close;
  let body = src.slice(start + 2, stop);
  if (close < 0) body = body.replace(/\\$/, "");
  body = body.trim();
  return {
    content: display ? preAtom(body, "latex") : codeAtom(body),
    end: close < 0 ? src.length : close + 2,
  };
}

/**
 * `$$…$$` at `start`, shown as a `pre` "latex" block. Unclosed: literal, or in an open
 * scope the rest of the scope (a trailing lone `$` is the closer being typed).
 */
export function parseDisplayDollars(src: string, start: number, open: boolean): InlineSpan | undefined {
  const close = src.indexOf("$$", start + 2);
  if (close >= 0) {
    const body = src.slice(start + 2, close).trim();
    return body.length === 0 ? undefined : { content: preAtom(body, "latex"), end: close + 2 };
  }
  if (!open) return undefined;
  const body = src
    .slice(start + 2)
    .replace(/\$$/, "")
    .trim();
  return { content: preAtom(body, "latex"), end: src.length };
}

const DIGIT = /[0-9]/;
const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * `$…$` at `start`, shown as inline code — only when it is clearly math (Pandoc's rule):
 * the opening `$` is followed by a non-space and not preceded by a word character, the
 * very next `$` on the line is preceded by a non-space and not followed by a digit.
 * So "$5 and $10" and "US$5" stay text.
 */
export function parseInlineDollars(src: string, start: number): InlineSpan | undefined {
  const after = src.charAt(start + 1);
  if (after === "" || after === "$" || isWhitespace(after)) return undefined;
  if (WORD_CHAR.test(src.charAt(start - 1))) return undefined;
  let close = start + 1;
  for (;;) {
    close = src.indexOf("$", close);
    if (close < 0) return undefined;
    if (src.charAt(close - 1) !== "\\") break;
    close++;
  }
  const body = src.slice(start + 1, close);
  if (body.includes("\n")) return undefined;
  if (isWhitespace(src.charAt(close - 1)) || DIGIT.test(src.charAt(close + 1))) return undefined;
  return { content: codeAtom(body), end: close + 1 };
}
