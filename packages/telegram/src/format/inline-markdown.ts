import { codePointBefore, isAlphanumeric, isAsciiPunctuation, isBlank, isWhitespace } from "./characters.ts";
import { delimiterRun, matchEmphasis } from "./emphasis.ts";
import type { FormattedText } from "./formatted-text.ts";
import {
  type InlineSpan,
  parseBackslashMath,
  parseCodeSpan,
  parseDisplayDollars,
  parseInlineDollars,
  runLength,
} from "./inline-code-and-math.ts";
import { bareUrlEnd, isAllowedUrl, parseLink } from "./inline-links.ts";
import type { DelimiterChar, InlineOptions, InlineToken } from "./inline-tokens.ts";
import { TextBuilder } from "./text-builder.ts";

/** Characters that may start something other than plain text. */
const SPECIAL = new Set(["\\", "`", "$", "[", "!", "*", "_", "~", "|", "h", "H", "t", "T"]);

/** Source text that renders as itself. */
function literal(text: string): FormattedText {
  return { text, entities: [] };
}

/**
 * A trailing marker in text that is still arriving may be the first half of a longer
 * one (`*` → `**`, `~` → `~~`): hide it rather than show it for a moment. A `|` after a
 * space is more likely a table pipe, so it stays.
 */
function hidesTrailingRun(src: string, start: number, char: string): boolean {
  return char !== "|" || !isWhitespace(codePointBefore(src, start));
}

class InlineTokenizer {
  private readonly tokens: InlineToken[] = [];
  private plain = "";
  private index = 0;

  constructor(
    private readonly src: string,
    private readonly options: InlineOptions,
  ) {}

  tokenize(): InlineToken[] {
    while (this.index < this.src.length) {
      const char = this.src.charAt(this.index);
      if (!SPECIAL.has(char) || !this.special(char)) {
        this.plain += char;
        this.index++;
      }
    }
    this.flush();
    return this.tokens;
  }

  private flush(): void {
    if (this.plain.length > 0) this.tokens.push({ kind: "text", text: this.plain });
    this.plain = "";
  }

  private push(token: InlineToken): void {
    this.flush();
    this.tokens.push(token);
  }

  private atom(span: InlineSpan): true {
    this.push({ kind: "atom", content: span.content });
    this.index = span.end;
    return true;
  }

  /** Consumes the construct at the current index; false when it is plain text after all. */
  private special(char: string): boolean {
    switch (char) {
      case "\\":
        return this.backslash();
      case "`":
        return this.atom(parseCodeSpan(this.src, this.index, this.options.open));
      case "$":
        return this.dollar();
      case "[":
        return this.options.allowLinks && this.link(this.index, this.index);
      case "!":
        return (
          this.options.allowLinks && this.src[this.index + 1] === "[" && this.link(this.index + 1, this.index)
        );
      case "*":
      case "_":
      case "~":
      case "|":
        return this.delimiter(char);
      default:
        return this.bareUrl();
    }
  }

  private backslash(): boolean {
    const next = this.src.charAt(this.index + 1);
    if (next === "(" || next === "[") {
      const math = parseBackslashMath(this.src, this.index, this.options.open);
      if (math) return this.atom(math);
    }
    if (isAsciiPunctuation(next)) {
      this.plain += next;
      this.index += 2;
      return true;
    }
    if (next === "" && this.options.open) {
      this.index++;
      return true;
    }
    return false;
  }

  private dollar(): boolean {
    const span =
      this.src[this.index + 1] === "$"
        ? parseDisplayDollars(this.src, this.index, this.options.open)
        : parseInlineDollars(this.src, this.index);
    if (span) return this.atom(span);
    const length = runLength(this.src, this.index, "$");
    this.plain += "$".repeat(length);
    this.index += length;
    return true;
  }

  /** `[label](url)` with the `[` at `bracket`; `from` is where the construct starts (`!` for images). */
  private link(bracket: number, from: number): boolean {
    const parsed = parseLink(this.src, bracket, this.options.open);
    if (!parsed) return false;
    const label = renderInline(parsed.label, { open: false, allowLinks: false });
    if (parsed.kind === "pending") return this.atom({ content: label, end: this.src.length });
    const source = this.src.slice(from, parsed.end);
    if (isBlank(label.text) || !isAllowedUrl(parsed.url)) {
      return this.atom({ content: literal(source), end: parsed.end });
    }
    const link: FormattedText = {
      text: label.text,
      entities: [
        ...label.entities,
        { type: "text_link", offset: 0, length: label.text.length, url: parsed.url },
      ],
    };
    return this.atom({ content: link, end: parsed.end });
  }

  private delimiter(char: DelimiterChar): boolean {
    const length = runLength(this.src, this.index, char);
    const start = this.index;
    this.index += length;
    if (this.options.open && this.index === this.src.length && hidesTrailingRun(this.src, start, char)) {
      return true;
    }
    if ((char === "~" || char === "|") && length !== 2) {
      this.plain += char.repeat(length);
      return true;
    }
    this.push(delimiterRun(this.src, start, char, length));
    return true;
  }

  private bareUrl(): boolean {
    if (isAlphanumeric(codePointBefore(this.src, this.index))) return false;
    const end = bareUrlEnd(this.src, this.index);
    if (end < 0) return false;
    this.plain += this.src.slice(this.index, end);
    this.index = end;
    return true;
  }
}

/** Lays out tokens, leaving unmatched delimiter characters as text, and adds the styles. */
function layOut(tokens: readonly InlineToken[], open: boolean): FormattedText {
  const matches = matchEmphasis(tokens, open);
  const builder = new TextBuilder();
  const innerStart = new Map<number, number>();
  const innerEnd = new Map<number, number>();
  for (const [index, token] of tokens.entries()) {
    if (token.kind === "text") {
      builder.append(token.text);
    } else if (token.kind === "atom") {
      builder.appendFormatted(token.content);
    } else {
      // Consumed characters vanish: a closer's inner edge is before its leftovers,
      // an opener's inner edge after them.
      innerEnd.set(index, builder.length);
      builder.append(token.char.repeat(token.remaining));
      innerStart.set(index, builder.length);
    }
  }
  for (const match of matches) {
    const start = innerStart.get(match.opener) ?? 0;
    const end = match.closer === undefined ? builder.length : (innerEnd.get(match.closer) ?? start);
    builder.addEntity({ type: match.style }, start, end);
  }
  return builder.build();
}

/**
 * Renders the inline Markdown of one scope (paragraph, heading, list item, cell):
 * emphasis, strikethrough, spoilers, code spans, links, math and escapes.
 */
export function renderInline(src: string, options: InlineOptions): FormattedText {
  const tokens = new InlineTokenizer(src, options).tokenize();
  return layOut(tokens, options.open);
}
