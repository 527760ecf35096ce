/**
 * A plain-text table for the model: a numbered row per record, cells cut to a width, and
 * a character budget.
 */
import { PREVIEW_LIMITS } from "./limits.ts";

/** A rendered table and how many of the given rows fit. */
export interface TableText {
  readonly body: string;
  readonly rowsShown: number;
  readonly columnsShown: number;
}

/**
 * `| # | a | b |` lines: the header first, then each row with its data-row number
 * (`firstRowNumber`, `firstRowNumber + 1`, ...). Line breaks in cells become `↵` and `|`
 * is escaped, so one record stays one line.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  columnCount: number,
  firstRowNumber: number,
): TableText {
  const columnsShown = Math.min(columnCount, PREVIEW_LIMITS.maxColumns);
  const line = (number: string, cells: readonly string[]) => {
    const shown: string[] = [number];
    for (let column = 0; column < columnsShown; column += 1) shown.push(cell(cells[column] ?? ""));
    return `| ${shown.join(" | ")} |`;
  };
  const out = [line("#", header), `|${"---|".repeat(columnsShown + 1)}`];
  let chars = out.join("\n").length;
  let rowsShown = 0;
  for (const [index, row] of rows.entries()) {
    const text = line(String(firstRowNumber + index), row);
    if (rowsShown > 0 && chars + text.length + 1 > PREVIEW_LIMITS.maxChars) break;
    out.push(text);
    chars += text.length + 1;
    rowsShown += 1;
  }
  return { body: out.join("\n"), rowsShown, columnsShown };
}

function cell(value: string): string {
  const flat = value.replace(/\r\n|\n|\r/g, "↵").trim();
  const cut =
    flat.length <= PREVIEW_LIMITS.maxCellChars ? flat : `${flat.slice(0, PREVIEW_LIMITS.maxCellChars - 1)}…`;
  // Escaped after cutting, so a cut never separates the backslash from its pipe.
  return cut.replace(/\|/g, "\\|");
}
