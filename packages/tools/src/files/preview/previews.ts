/**
 * The three previewers: numbered text, CSV and XLSX tables. Each returns the tool outcome:
 * a JSON text block with what the file holds (counts, encoding, where to read on) and a
 * second text block with the preview itself, kept out of the JSON so it is not escaped.
 */
import type { ToolOutcome } from "@bot/actors";
import { toolFailure } from "@bot/actors";
import type { ThreadFile } from "@bot/domain";
import { assertNever } from "../../toolbox/assert-never.ts";
import { delimiterName, detectDelimiter, readCsv } from "./csv.ts";
import { formatTable } from "./table.ts";
import type { DecodedText } from "./text-decode.ts";
import { previewLines } from "./text-preview.ts";
import { readSheet } from "./xlsx.ts";

/** Which part of the file to show: 1-based first line or data row, and how many. */
export interface PreviewWindow {
  readonly from: number;
  readonly count: number;
}

/** Numbered lines of a text file. */
export function previewText(file: ThreadFile, decoded: DecodedText, window: PreviewWindow): ToolOutcome {
  const preview = previewLines(decoded.text, { fromLine: window.from, maxLines: window.count });
  if (preview.totalLines > 0 && window.from > preview.totalLines) {
    return pastEnd(file, "from_line", window.from, `${preview.totalLines} lines`);
  }
  return previewed(
    file,
    {
      format: "text",
      encoding: decoded.encoding,
      total_lines: preview.totalLines,
      shown_lines: range(preview.firstLine, preview.lastLine),
      ...(preview.cutLines > 0 ? { long_lines_cut: preview.cutLines } : {}),
      ...(preview.nextFromLine === null ? {} : { next_from_line: preview.nextFromLine }),
    },
    preview.body,
    `${preview.totalLines} lines`,
  );
}

/** A CSV as a table: the first record is taken as the header. */
export function previewCsv(
  file: ThreadFile,
  decoded: DecodedText,
  window: PreviewWindow,
  tabSeparated: boolean,
): ToolOutcome {
  const delimiter = tabSeparated ? "\t" : detectDelimiter(decoded.text);
  // Header + the rows before the window + the window; every record is still counted.
  const scan = readCsv(decoded.text, delimiter, window.from + window.count);
  const dataRows = Math.max(0, scan.recordCount - 1);
  if (dataRows > 0 && window.from > dataRows)
    return pastEnd(file, "from_line", window.from, `${dataRows} rows`);
  const rows = scan.records.slice(window.from, window.from + window.count);
  const table = formatTable(scan.records[0] ?? [], rows, scan.maxFields, window.from);
  const next = window.from + table.rowsShown;
  return previewed(
    file,
    {
      format: "csv",
      encoding: decoded.encoding,
      delimiter: delimiterName(delimiter),
      rows: dataRows,
      columns: scan.maxFields,
      header: "the first row",
      shown_rows: range(window.from, next - 1),
      ...(table.columnsShown < scan.maxFields
        ? { columns_not_shown: scan.maxFields - table.columnsShown }
        : {}),
      ...(next <= dataRows ? { next_from_line: next } : {}),
      ...(scan.unclosedQuote
        ? { warning: "A quoted field is never closed: the file may be malformed." }
        : {}),
    },
    dataRows === 0 && scan.recordCount === 0 ? "" : table.body,
    `${dataRows} rows × ${scan.maxFields} columns`,
  );
}

/** A sheet of an XLSX workbook as a table, with the list of sheets. */
export async function previewXlsx(
  file: ThreadFile,
  bytes: Buffer,
  window: PreviewWindow,
  sheetName: string | undefined,
): Promise<ToolOutcome> {
  const read = await readSheet(bytes, {
    ...(sheetName === undefined ? {} : { sheet: sheetName }),
    fromRow: window.from,
    maxRows: window.count,
  });
  if (!read.ok) {
    const problem = read.problem;
    switch (problem.kind) {
      case "unreadable":
        return toolFailure(
          "unreadable",
          `${file.name} could not be read as an XLSX workbook: ${problem.message}`,
        );
      case "no_sheets":
        return toolFailure("unreadable", `${file.name} has no worksheets.`);
      case "unknown_sheet":
        return toolFailure(
          "bad_input",
          `${file.name} has no sheet named "${sheetName}". Its sheets: ${problem.sheets.map((name) => `"${name}"`).join(", ")}.`,
          { sheets: problem.sheets },
        );
      default:
        return assertNever(problem);
    }
  }
  const { sheets, sheet, header, rows } = read.value;
  const dataRows = Math.max(0, sheet.rows - 1);
  if (dataRows > 0 && window.from > dataRows)
    return pastEnd(file, "from_line", window.from, `${dataRows} rows`);
  const table = formatTable(header, rows, sheet.columns, window.from);
  const next = window.from + table.rowsShown;
  return previewed(
    file,
    {
      format: "xlsx",
      sheets: sheets.map((entry) => ({
        name: entry.name,
        rows: entry.rows,
        columns: entry.columns,
        ...(entry.hidden ? { hidden: true } : {}),
      })),
      sheet: sheet.name,
      rows: dataRows,
      columns: sheet.columns,
      header: "row 1 of the sheet",
      shown_rows: range(window.from, next - 1),
      ...(table.columnsShown < sheet.columns
        ? { columns_not_shown: sheet.columns - table.columnsShown }
        : {}),
      ...(next <= dataRows ? { next_from_line: next } : {}),
    },
    sheet.rows === 0 ? "" : table.body,
    `sheet ${sheet.name}: ${dataRows} rows × ${sheet.columns} columns`,
  );
}

function previewed(
  file: ThreadFile,
  facts: Readonly<Record<string, unknown>>,
  body: string,
  summary: string,
): ToolOutcome {
  const head = { file_id: file.fileId, name: file.name, ...facts, ...(body === "" ? { empty: true } : {}) };
  return {
    ok: true,
    // Providers reject empty text blocks, so an empty file has only the JSON.
    content:
      body === ""
        ? [{ type: "text", text: JSON.stringify(head) }]
        : [
            { type: "text", text: JSON.stringify(head) },
            { type: "text", text: body },
          ],
    errorKind: null,
    summary: `${file.name}: ${summary}`,
    charge: null,
  };
}

function pastEnd(file: ThreadFile, field: string, value: number, size: string): ToolOutcome {
  return toolFailure("bad_input", `${field} ${value} is past the end of ${file.name}, which has ${size}.`);
}

function range(first: number, last: number): string {
  return last < first ? "none" : `${first}-${last}`;
}
