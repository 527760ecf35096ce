import { findBacktickRun, runLength } from "./inline-code-and-math.ts";

/** A complete `[text](url)`, or one whose destination is still arriving. */
export type LinkParse =
  | { readonly kind: "link"; readonly label: string; readonly url: string; readonly end: number }
  | { readonly kind: "pending"; readonly label: string };

const SCHEMES = /^(https?:\/\/|tg:\/\/)\S+$/i;

/** Telegram accepts text links to http(s) and tg URLs only; anything else stays text. */
export function isAllowedUrl(url: string): boolean {
  if (!SCHEMES.test(url)) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "tg:" || parsed.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Index of the `]` closing the `[` at `start`, skipping escapes and code spans; -1 if none. */
function closingBracket(src: string, start: number): number {
  let depth = 0;
  for (let index = start; index < src.length; index++) {
    const char = src[index];
    if (char === "\\") {
      index++;
    } else if (char === "`") {
      const length = runLength(src, index, "`");
      const close = findBacktickRun(src, index + length, length);
      index = close >= 0 ? close + length - 1 : index + length - 1;
    } else if (char === "[") {
      depth++;
    } else if (char === "]") {
      depth--;
      if (depth === 0) return index;
    }
  }
  return -1;
}

function skipSpaces(src: string, index: number): number {
  let at = index;
  while (src[at] === " " || src[at] === "\t" || src[at] === "\n") at++;
  return at;
}

/** The destination starting at `start`: `<…>` or a run without spaces and with balanced parentheses. */
function destination(src: string, start: number): { url: string; end: number } | undefined {
  if (src[start] === "<") {
    const close = src.indexOf(">", start + 1);
    if (close < 0) return { url: src.slice(start + 1), end: src.length };
    const url = src.slice(start + 1, close);
    return url.includes("\n") ? undefined : { url, end: close + 1 };
  }
  let depth = 0;
  let url = "";
  let index = start;
  while (index < src.length) {
    const char = src.charAt(index);
    if (char === "\\" && index + 1 < src.length && /[!-/:-@[-`{-~]/.test(src.charAt(index + 1))) {
      url += src.charAt(index + 1);
      index += 2;
      continue;
    }
    if (/\s/.test(char)) break;
    if (char === "(") depth++;
    if (char === ")") {
      if (depth === 0) break;
      depth--;
    }
    url += char;
    index++;
  }
  return { url, end: index };
}

/** Skips an optional link title ("…", '…' or (…)); undefined when it never closes. */
function skipTitle(src: string, start: number): number | undefined {
  const quote = src[start];
  const closer = quote === "(" ? ")" : quote;
  if (quote !== '"' && quote !== "'" && quote !== "(") return start;
  const close = src.indexOf(closer as string, start + 1);
  return close < 0 ? undefined : close + 1;
}

/**
 * Parses `[label](destination "title")` with the `[` at `start`. In an open scope, a
 * link whose destination runs into the end of the text is "pending": the label shows,
 * the link appears once the URL is complete.
 */
export function parseLink(src: string, start: number, open: boolean): LinkParse | undefined {
  const labelEnd = closingBracket(src, start);
  if (labelEnd < 0 || src[labelEnd + 1] !== "(") return undefined;
  const label = src.slice(start + 1, labelEnd);
  const pending: LinkParse | undefined = open ? { kind: "pending", label } : undefined;
  let index = skipSpaces(src, labelEnd + 2);
  if (index >= src.length) return pending;
  const target = destination(src, index);
  if (target === undefined) return undefined;
  index = target.end;
  if (index >= src.length) return pending;
  index = skipSpaces(src, index);
  const afterTitle = index < src.length ? skipTitle(src, index) : index;
  if (afterTitle === undefined) return pending;
  index = skipSpaces(src, afterTitle);
  if (index >= src.length) return pending;
  if (src[index] !== ")") return undefined;
  return { kind: "link", label, url: target.url, end: index + 1 };
}

const BARE_URL = /(?:https?|tg):\/\/[^\s<>"]+/iy;
const TRAILING_PUNCTUATION = /[.,;:!?'"*_~|]$/;

/**
 * A bare URL at `start`, kept as one piece of text so that `_` or `*` inside it are not
 * read as emphasis (Telegram links it by itself). Trailing punctuation and an unbalanced
 * closing parenthesis belong to the sentence, not the URL. Returns the URL's end or -1.
 */
export function bareUrlEnd(src: string, start: number): number {
  BARE_URL.lastIndex = start;
  const match = BARE_URL.exec(src);
  if (!match) return -1;
  let url = match[0];
  for (;;) {
    if (TRAILING_PUNCTUATION.test(url)) {
      url = url.slice(0, -1);
    } else if (url.endsWith(")") && url.split("(").length < url.split(")").length) {
      url = url.slice(0, -1);
    } else {
      break;
    }
  }
  return /:\/\/./.test(url) ? start + url.length : -1;
}
