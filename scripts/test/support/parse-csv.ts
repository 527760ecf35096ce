/**
 * Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF rows) into rows
 * of fields, so tests check that the audit's CSV reads back as written.
 * @throws Error on an unterminated quote or text after a closing quote.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let index = 0;
  const endField = () => {
    row.push(field);
    field = "";
  };
  while (index < text.length) {
    const char = text[index] as string;
    if (char === '"' && field === "") {
      // A quoted field: up to the closing quote, "" standing for one quote.
      index++;
      for (;;) {
        if (index >= text.length) throw new Error("unterminated quoted field");
        if (text[index] === '"') {
          if (text[index + 1] === '"') {
            field += '"';
            index += 2;
            continue;
          }
          index++;
          break;
        }
        field += text[index];
        index++;
      }
      const next = text[index];
      if (next !== undefined && next !== "," && next !== "\r" && next !== "\n") {
        throw new Error(`text after a closing quote at ${index}`);
      }
      continue;
    }
    if (char === ",") endField();
    else if (char === "\r" || char === "\n") {
      if (char === "\r" && text[index + 1] === "\n") index++;
      endField();
      rows.push(row);
      row = [];
    } else field += char;
    index++;
  }
  if (field !== "" || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}
