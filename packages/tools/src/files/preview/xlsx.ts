/**
 * Reading an XLSX workbook for a preview: the sheets, and the first rows of one as text.
 */
import ExcelJS from "exceljs";

/** A sheet as listed to the model. */
export interface SheetSummary {
  readonly name: string;
  /** Rows up to the last one with content, header included. */
  readonly rows: number;
  readonly columns: number;
  readonly hidden: boolean;
}

/** The chosen sheet's header and a window of its data rows, as text. */
export interface SheetWindow {
  readonly sheets: readonly SheetSummary[];
  readonly sheet: SheetSummary;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Which sheet and rows to read. */
export interface SheetRequest {
  /** A sheet name (exact, then case-insensitive); the first sheet when absent. */
  readonly sheet?: string;
  /** 1-based first data row (row 1 of the sheet is the header). */
  readonly fromRow: number;
  readonly maxRows: number;
}

/** Why a workbook could not be previewed. */
export type XlsxProblem =
  | { readonly kind: "unreadable"; readonly message: string }
  | { readonly kind: "unknown_sheet"; readonly sheets: readonly string[] }
  | { readonly kind: "no_sheets" };

/** Loads the workbook and reads the requested window; problems are values, not throws. */
export async function readSheet(
  bytes: Buffer,
  request: SheetRequest,
): Promise<{ ok: true; value: SheetWindow } | { ok: false; problem: XlsxProblem }> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own `Buffer` type; Node's Buffer is what it reads at run time.
    await workbook.xlsx.load(bytes as unknown as Parameters<ExcelJS.Xlsx["load"]>[0]);
  } catch (error) {
    return {
      ok: false,
      problem: { kind: "unreadable", message: error instanceof Error ? error.message : String(error) },
    };
  }
  const worksheets = workbook.worksheets;
  if (worksheets.length === 0) return { ok: false, problem: { kind: "no_sheets" } };
  const sheets = worksheets.map(summary);
  const index = chooseSheet(
    worksheets.map((sheet) => sheet.name),
    request.sheet,
  );
  const worksheet = worksheets[index];
  const chosen = sheets[index];
  if (index < 0 || !worksheet || !chosen) {
    return { ok: false, problem: { kind: "unknown_sheet", sheets: sheets.map((sheet) => sheet.name) } };
  }
  const rowText = (rowNumber: number) => {
    const row = worksheet.getRow(rowNumber);
    const cells: string[] = [];
    for (let column = 1; column <= chosen.columns; column += 1)
      cells.push(cellText(row.getCell(column).value));
    return cells;
  };
  const header = chosen.rows >= 1 ? rowText(1) : [];
  const rows: string[][] = [];
  // Data row n is sheet row n + 1.
  const last = Math.min(chosen.rows, request.fromRow + request.maxRows);
  for (let rowNumber = request.fromRow + 1; rowNumber <= last; rowNumber += 1) rows.push(rowText(rowNumber));
  return { ok: true, value: { sheets, sheet: chosen, header, rows } };
}

function summary(sheet: ExcelJS.Worksheet): SheetSummary {
  return {
    name: sheet.name,
    rows: sheet.rowCount,
    columns: sheet.columnCount,
    hidden: sheet.state !== "visible",
  };
}

/** The sheet's index: -1 when a name was given and no sheet has it. */
function chooseSheet(names: readonly string[], wanted: string | undefined): number {
  if (wanted === undefined) return 0;
  const exact = names.indexOf(wanted);
  if (exact >= 0) return exact;
  const folded = wanted.trim().toLowerCase();
  return names.findIndex((name) => name.trim().toLowerCase() === folded);
}

/** A cell as the spreadsheet would show it, roughly: formulas by their result, dates as ISO. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return formatDate(value);
  if ("richText" in value) return value.richText.map((run) => run.text).join("");
  if ("error" in value) return value.error;
  if ("hyperlink" in value) return typeof value.text === "string" ? value.text : cellText(value.text);
  // A formula (shared or not): its cached result, or the formula when the file has none.
  if (value.result !== undefined) return cellText(value.result);
  const formula = "sharedFormula" in value ? (value.formula ?? value.sharedFormula) : value.formula;
  return `=${formula}`;
}

/** Excel dates carry no zone and exceljs reads them as UTC: midnight means a date without time. */
function formatDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return "";
  const iso = date.toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.replace(".000Z", "Z");
}
