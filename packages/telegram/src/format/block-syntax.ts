/** Line-level Markdown syntax: what a single line looks like, independent of its neighbours. */

const FENCE_OPEN = /^([ \t]*)(`{3,}|~{3,})(.*)$/;
const MATH_OPEN = /^[ \t]*(\$\$|\\\[)[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/;
const QUOTE = /^ {0,3}>/;
const QUOTE_MARKER = /^ {0,3}> ?/;
const LIST_ITEM = /^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+(\S.*)$/;
const TABLE_SEPARATOR = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/** An opening code fence: ``` or ~~~ (any indentation: Claude indents fences inside lists). */
export interface FenceOpen {
  readonly indent: number;
  readonly char: "`" | "~";
  readonly length: number;
  readonly language: string | undefined;
}

/** Parses an opening fence line. */
export function fenceOpen(line: string): FenceOpen | undefined {
  const match = FENCE_OPEN.exec(line);
  if (!match) return undefined;
  const [, indent = "", fence = "", info = ""] = match;
  const char = fence.charAt(0) === "`" ? "`" : "~";
  // A backtick fence's info string cannot contain backticks (that is inline code).
  if (char === "`" && info.includes("`")) return undefined;
  const language = info.trim().split(/\s+/)[0];
  return { indent: indent.length, char, length: fence.length, language: language ? language : undefined };
}

/** Whether `line` closes a fence opened by `open`. */
export function closesFence(line: string, open: FenceOpen): boolean {
  const trimmed = line.trim();
  return trimmed.length >= open.length && [...trimmed].every((char) => char === open.char);
}

/** Whether `line` may be a closing fence still being typed (only fence characters). */
export function mayBecomeFenceClose(line: string, char: string): boolean {
  const trimmed = line.trim();
  return trimmed.length > 0 && [...trimmed].every((c) => c === char);
}

/** A line that is only `$$` or `\[`: the start of a display-math block. Returns its closer. */
export function mathOpen(line: string): "$$" | "\\]" | undefined {
  const match = MATH_OPEN.exec(line);
  if (!match) return undefined;
  return match[1] === "$$" ? "$$" : "\\]";
}

/** `---`, `***` or `___` (spaces allowed between). */
export function isRule(line: string): boolean {
  return RULE.test(line);
}

/** The text of an ATX heading (`# Title #` → "Title"), or undefined. `#tag` is not a heading. */
export function headingText(line: string): string | undefined {
  const match = HEADING.exec(line);
  if (!match) return undefined;
  return (match[2] ?? "").replace(/(?:^|[ \t]+)#+[ \t]*$/, "").trim();
}

/** Whether the line is part of a `>` quote. */
export function isQuoteLine(line: string): boolean {
  return QUOTE.test(line);
}

/** The line without its first `>` marker. */
export function stripQuoteMarker(line: string): string {
  return line.replace(QUOTE_MARKER, "");
}

/** The `>` markers (and indentation) at the start of a line, for reopening a quote mid-line. */
export function quotePrefix(line: string): string {
  return /^(?: {0,3}> ?)+/.exec(line)?.[0] ?? "";
}

/** A list item: its prefix as shown ("  • ", "2. ") and its content. */
export function listItem(line: string): { prefix: string; content: string } | undefined {
  const match = LIST_ITEM.exec(line);
  if (!match) return undefined;
  const [, indent = "", marker = "", content = ""] = match;
  const shown = marker === "-" || marker === "*" || marker === "+" ? "•" : marker;
  return { prefix: `${indent}${shown} `, content };
}

/** Splits a table row into raw cells on `|` outside escapes and code spans. */
export function tableCells(line: string): string[] {
  let row = line.trim();
  if (row.startsWith("|")) row = row.slice(1);
  if (row.endsWith("|") && !row.endsWith("\\|")) row = row.slice(0, -1);
  const cells: string[] = [];
  let current = "";
  for (let index = 0; index < row.length; index++) {
    const char = row.charAt(index);
    if (char === "\\" && index + 1 < row.length) {
      current += char + row.charAt(index + 1);
      index++;
    } else if (char === "`") {
      const close = row.indexOf("`", index + 1);
      const stop = close < 0 ? index + 1 : close + 1;
      current += row.slice(index, stop);
      index = stop - 1;
    } else if (char === "|") {
      cells.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  cells.push(current);
  return cells.map((cell) => cell.trim());
}

/** Column alignment from a separator row. */
export type Alignment = "left" | "center" | "right";

/** The alignments of a separator row like `|:---|--:|`, or undefined if it is not one. */
export function tableSeparator(line: string): Alignment[] | undefined {
  if (!line.includes("|") || !TABLE_SEPARATOR.test(line)) return undefined;
  return tableCells(line).map((cell) => {
    if (cell.startsWith(":") && cell.endsWith(":")) return "center";
    return cell.endsWith(":") ? "right" : "left";
  });
}

/** Whether a line can be a table row. */
export function isTableRow(line: string): boolean {
  return line.includes("|") && line.trim().length > 0;
}
