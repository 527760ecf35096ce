/** Limits of `preview_file`: what it reads and how much it shows the model. */
export const PREVIEW_LIMITS = {
  /** Larger files are refused before they are read (Telegram's own download limit is 20 MB). */
  maxFileBytes: 20 * 1024 * 1024,
  /** Text lines shown when the model does not say. */
  defaultLines: 200,
  /** Table rows (CSV, XLSX) shown when the model does not say: rows are wider than lines. */
  defaultRows: 30,
  /** The most lines or rows one call shows. */
  maxLines: 1000,
  /** The most characters of preview one call returns (about 8k tokens), whatever the lines. */
  maxChars: 30_000,
  /** A longer line is cut (minified code, one-line JSON). */
  maxLineChars: 500,
  /** A longer table cell is cut. */
  maxCellChars: 40,
  /** Columns shown in a table; the rest are counted. */
  maxColumns: 30,
} as const;
