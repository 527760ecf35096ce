import type { Alignment } from "./block-syntax.ts";
import { renderInline } from "./inline-markdown.ts";

const ZERO_WIDTH = /\p{Mn}|\p{Me}|[\u200b-\u200f\u2060]|\p{Variation_Selector}/u;
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1faff}\u{20000}-\u{3fffd}]/u;

/** Approximate monospace width: CJK and emoji take two cells, combining marks none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    if (ZERO_WIDTH.test(char)) continue;
    width += WIDE.test(char) ? 2 : 1;
  }
  return width;
}

function pad(text: string, width: number, alignment: Alignment): string {
  const gap = Math.max(0, width - displayWidth(text));
  if (alignment === "right") return " ".repeat(gap) + text;
  if (alignment === "center") {
    const left = Math.floor(gap / 2);
    return " ".repeat(left) + text + " ".repeat(gap - left);
  }
  return text + " ".repeat(gap);
}

/**
 * Lays a Markdown table out as aligned monospace text (Telegram has no tables, and a
 * `pre` block keeps the columns straight). Cells lose their inline markup: nothing can
 * be formatted inside `pre`.
 */
export function renderTable(rows: readonly (readonly string[])[], alignments: readonly Alignment[]): string {
  const columns = alignments.length;
  const cells = rows.map((row) =>
    Array.from({ length: columns }, (_, column) =>
      renderInline(row[column] ?? "", { open: false, allowLinks: true }).text.replace(/\s+/g, " "),
    ),
  );
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(1, ...cells.map((row) => displayWidth(row[column] ?? ""))),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => pad(cell, widths[column] ?? 0, alignments[column] ?? "left"))
      .join(" | ")
      .trimEnd();
  const [header = [], ...body] = cells;
  const separator = widths.map((width) => "-".repeat(width)).join("-|-");
  return [line(header), separator, ...body.map(line)].join("\n");
}
