import { codePointAt, codePointBefore, isAlphanumeric, isPunctuation, isWhitespace } from "./characters.ts";
import type { DelimiterChar, DelimiterToken, InlineToken } from "./inline-tokens.ts";

/** A style spanning from an opener's inner edge to a closer's inner edge (or the scope end). */
export interface EmphasisMatch {
  readonly opener: number;
  /** Token index of the closer; undefined when an open scope extends the style to its end. */
  readonly closer: number | undefined;
  readonly style: "bold" | "italic" | "strikethrough" | "spoiler";
}

/**
 * Classifies the run of `length` copies of `char` at `index` with CommonMark's flanking
 * rules, made stricter for chat text: `*` and `_` flanked by letters or digits on both
 * sides never open or close, so `snake_case`, `2*3*4` and `x**2` stay literal.
 */
export function delimiterRun(
  src: string,
  index: number,
  char: DelimiterChar,
  length: number,
): DelimiterToken {
  const before = codePointBefore(src, index);
  const after = codePointAt(src, index + length);
  const leftFlanking =
    !isWhitespace(after) && (!isPunctuation(after) || isWhitespace(before) || isPunctuation(before));
  const rightFlanking =
    !isWhitespace(before) && (!isPunctuation(before) || isWhitespace(after) || isPunctuation(after));
  let canOpen = leftFlanking;
  let canClose = rightFlanking;
  if (char === "_") {
    canOpen = leftFlanking && (!rightFlanking || isPunctuation(before));
    canClose = rightFlanking && (!leftFlanking || isPunctuation(after));
  }
  if ((char === "*" || char === "_") && isAlphanumeric(before) && isAlphanumeric(after)) {
    canOpen = false;
    canClose = false;
  }
  return { kind: "delimiter", char, length, canOpen, canClose, remaining: length };
}

function styleOf(char: DelimiterChar, used: number): EmphasisMatch["style"] {
  if (char === "~") return "strikethrough";
  if (char === "|") return "spoiler";
  return used === 2 ? "bold" : "italic";
}

/** CommonMark's "rule of 3" keeps `*a**b*` from pairing the wrong runs. */
function canPair(opener: DelimiterToken, closer: DelimiterToken): boolean {
  if (opener.char !== closer.char || !opener.canOpen || opener.remaining === 0) return false;
  if (opener.char === "~" || opener.char === "|") return opener.remaining === 2 && closer.remaining === 2;
  const eitherBoth = (opener.canOpen && opener.canClose) || (closer.canOpen && closer.canClose);
  return !(
    eitherBoth &&
    (opener.length + closer.length) % 3 === 0 &&
    !(opener.length % 3 === 0 && closer.length % 3 === 0)
  );
}

function consumed(opener: DelimiterToken, closer: DelimiterToken): number {
  if (opener.char === "~" || opener.char === "|") return 2;
  return opener.remaining >= 2 && closer.remaining >= 2 ? 2 : 1;
}

function closeWith(
  tokens: readonly InlineToken[],
  closerIndex: number,
  closer: DelimiterToken,
  stack: number[],
  matches: EmphasisMatch[],
): void {
  while (closer.remaining > 0) {
    let found = -1;
    for (let s = stack.length - 1; s >= 0; s--) {
      const candidate = tokens[stack[s] as number];
      if (candidate?.kind === "delimiter" && canPair(candidate, closer)) {
        found = s;
        break;
      }
    }
    if (found < 0) return;
    const openerIndex = stack[found] as number;
    const opener = tokens[openerIndex] as DelimiterToken;
    const used = consumed(opener, closer);
    matches.push({ opener: openerIndex, closer: closerIndex, style: styleOf(opener.char, used) });
    opener.remaining -= used;
    closer.remaining -= used;
    // Delimiters between a matched pair can no longer match anything: they become text.
    stack.splice(found + 1);
    if (opener.remaining === 0) stack.splice(found, 1);
  }
}

/** Styles for openers still waiting for their closer while the text streams in. */
function extendOpenOpeners(
  tokens: readonly InlineToken[],
  stack: readonly number[],
  matches: EmphasisMatch[],
) {
  for (const index of stack) {
    const opener = tokens[index];
    if (opener?.kind !== "delimiter" || !opener.canOpen || opener.remaining === 0) continue;
    if (opener.char === "*" || opener.char === "_") {
      if (opener.remaining >= 2) matches.push({ opener: index, closer: undefined, style: "bold" });
      if (opener.remaining % 2 === 1) matches.push({ opener: index, closer: undefined, style: "italic" });
    } else if (opener.remaining === 2) {
      matches.push({ opener: index, closer: undefined, style: styleOf(opener.char, 2) });
    } else {
      continue;
    }
    opener.remaining = 0;
  }
}

/**
 * Pairs delimiter runs (CommonMark's "process emphasis", simplified) and consumes the
 * matched characters from the tokens' `remaining`. With `open`, unmatched openers style
 * the rest of the scope so that formatting does not flicker while the closer is on its way.
 */
export function matchEmphasis(tokens: readonly InlineToken[], open: boolean): EmphasisMatch[] {
  const matches: EmphasisMatch[] = [];
  const stack: number[] = [];
  for (const [index, token] of tokens.entries()) {
    if (token.kind !== "delimiter") continue;
    if (token.canClose) closeWith(tokens, index, token, stack, matches);
    if (token.canOpen && token.remaining > 0) stack.push(index);
  }
  if (open) extendOpenOpeners(tokens, stack, matches);
  return matches;
}
