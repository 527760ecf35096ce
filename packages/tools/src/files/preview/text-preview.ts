/**
 * Numbered lines of a text file, from a given line, within a line count and a character budget.
 */
import { PREVIEW_LIMITS } from "./limits.ts";

/** Which lines to show. */
export interface LineWindow {
  /** 1-based first line. */
  readonly fromLine: number;
  readonly maxLines: number;
}

/** The numbered lines and what was left out. */
export interface TextPreview {
  readonly body: string;
  readonly totalLines: number;
  /** First and last line shown (1-based); `lastLine < firstLine` when none were. */
  readonly firstLine: number;
  readonly lastLine: number;
  /** Lines cut at {@link PREVIEW_LIMITS.maxLineChars}. */
  readonly cutLines: number;
  /** Where to continue, or `null` at the end of the file. */
  readonly nextFromLine: number | null;
}

/** `   12│ text`: the number width fits the largest line number shown. */
export function previewLines(text: string, window: LineWindow): TextPreview {
  const lines = text.split(/\r\n|\n|\r/);
  // A final line break does not start another line.
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  const totalLines = text === "" ? 0 : lines.length;
  const start = window.fromLine - 1;
  const end = Math.min(totalLines, start + window.maxLines);
  const width = String(Math.max(end, 1)).length;
  const out: string[] = [];
  let chars = 0;
  let cutLines = 0;
  let last = start;
  for (let index = start; index < end; index += 1) {
    const line = lines[index] ?? "";
    const cut = line.length > PREVIEW_LIMITS.maxLineChars;
    const shown = cut
      ? `${line.slice(0, PREVIEW_LIMITS.maxLineChars)}… [+${line.length - PREVIEW_LIMITS.maxLineChars} chars]`
      : line;
    const numbered = `${String(index + 1).padStart(width)}│ ${shown}`;
    // At least one line is always shown, so paging always makes progress.
    if (out.length > 0 && chars + numbered.length + 1 > PREVIEW_LIMITS.maxChars) break;
    out.push(numbered);
    if (cut) cutLines += 1;
    chars += numbered.length + 1;
    last = index + 1;
  }
  return {
    body: out.join("\n"),
    totalLines,
    firstLine: window.fromLine,
    lastLine: last,
    cutLines,
    nextFromLine: last < totalLines ? last + 1 : null,
  };
}
