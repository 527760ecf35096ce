/**
 * A small RFC 4180 reader for previews: quoted fields with `""` escapes and line breaks, any
 * of `,` `;` tab `|` as the delimiter, and a guess of which one a file uses.
 */

/** Delimiters tried by {@link detectDelimiter}, most common first (the tie-breaker). */
export const CSV_DELIMITERS = [",", ";", "\t", "|"] as const;

/** One of {@link CSV_DELIMITERS}. */
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** What {@link readCsv} saw. */
export interface CsvScan {
  /** Every record's count; only the first `keep` records are kept. */
  readonly recordCount: number;
  readonly records: readonly (readonly string[])[];
  /** The widest record's field count. */
  readonly maxFields: number;
  /** The file ended inside a quoted field (the rest of the file became one field). */
  readonly unclosedQuote: boolean;
}

/**
 * Reads records, keeping the first `keep` (all are counted). Blank lines are skipped, as
 * spreadsheet programs do. `stopAfter` ends the scan early (delimiter detection).
 */
export function readCsv(
  text: string,
  delimiter: string,
  keep: number,
  stopAfter: number = Number.POSITIVE_INFINITY,
): CsvScan {
  const records: string[][] = [];
  let recordCount = 0;
  let maxFields = 0;
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  // Whether the current record has any content: a line with nothing on it is not a record.
  let started = false;

  const endRecord = () => {
    if (started) {
      fields.push(field);
      recordCount += 1;
      maxFields = Math.max(maxFields, fields.length);
      if (records.length < keep) records.push(fields);
    }
    fields = [];
    field = "";
    started = false;
  };

  let at = 0;
  while (at < text.length && recordCount < stopAfter) {
    const char = text[at] as string;
    if (quoted) {
      if (char === '"') {
        if (text[at + 1] === '"') {
          field += '"';
          at += 1;
        } else quoted = false;
      } else field += char;
    } else if (char === '"' && field === "") {
      quoted = true;
      started = true;
    } else if (char === delimiter) {
      fields.push(field);
      field = "";
      started = true;
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[at + 1] === "\n") at += 1;
      endRecord();
    } else {
      field += char;
      started = true;
    }
    at += 1;
  }
  const unclosedQuote = quoted;
  if (recordCount < stopAfter) endRecord();
  return { recordCount, records, maxFields, unclosedQuote };
}

/**
 * The delimiter that splits the first records most consistently into more than one field;
 * `,` when none does (a one-column file).
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const sample = 50;
  let best: { delimiter: CsvDelimiter; score: number } = { delimiter: ",", score: 0 };
  for (const delimiter of CSV_DELIMITERS) {
    const { records } = readCsv(text, delimiter, sample, sample);
    const counts = new Map<number, number>();
    for (const record of records) counts.set(record.length, (counts.get(record.length) ?? 0) + 1);
    for (const [fields, records] of counts) {
      if (fields < 2) continue;
      // Records that agree on the width dominate; the width breaks ties (a;b,c → ';' or ',').
      const score = records * 1000 + fields;
      if (score > best.score) best = { delimiter, score };
    }
  }
  return best.delimiter;
}

/** How a delimiter is named for the model. */
export function delimiterName(delimiter: CsvDelimiter): string {
  return delimiter === "\t" ? "tab" : delimiter;
}
