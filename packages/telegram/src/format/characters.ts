/**
 * Character classes used by the Markdown parser, on whole code points so that an emoji
 * (a surrogate pair) next to a marker counts as one character.
 */

const WHITESPACE = /\s/u;
const PUNCTUATION = /[\p{P}\p{S}]/u;
const ALPHANUMERIC = /[\p{L}\p{N}\p{M}]/u;
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

/** The code point that ends just before `index`, or "" at the start. */
export function codePointBefore(text: string, index: number): string {
  if (index <= 0) return "";
  const last = text.charCodeAt(index - 1);
  if (isLowSurrogate(last) && index >= 2 && isHighSurrogate(text.charCodeAt(index - 2))) {
    return text.slice(index - 2, index);
  }
  return text.charAt(index - 1);
}

/** The code point that starts at `index`, or "" at the end. */
export function codePointAt(text: string, index: number): string {
  const point = text.codePointAt(index);
  return point === undefined ? "" : String.fromCodePoint(point);
}

/** Start and end of text count as whitespace, as in CommonMark's flanking rules. */
export function isWhitespace(char: string): boolean {
  return char === "" || WHITESPACE.test(char);
}

/** Unicode punctuation or symbol. */
export function isPunctuation(char: string): boolean {
  return char !== "" && PUNCTUATION.test(char);
}

/** Letters, digits and combining marks: the characters that make up words. */
export function isAlphanumeric(char: string): boolean {
  return char !== "" && ALPHANUMERIC.test(char);
}

/** The characters a backslash can escape in Markdown. */
export function isAsciiPunctuation(char: string): boolean {
  return char.length === 1 && ASCII_PUNCTUATION.test(char);
}

/** First half of a UTF-16 surrogate pair. */
export function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

/** Second half of a UTF-16 surrogate pair. */
export function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** Whether cutting `text` at `index` would separate the halves of a surrogate pair. */
export function splitsSurrogatePair(text: string, index: number): boolean {
  return (
    index > 0 &&
    index < text.length &&
    isHighSurrogate(text.charCodeAt(index - 1)) &&
    isLowSurrogate(text.charCodeAt(index))
  );
}

/** Whether the text has nothing but whitespace (or nothing at all). */
export function isBlank(text: string): boolean {
  return text.trim().length === 0;
}
