import type { ContentPart } from "@bot/llm";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { createPreviewFileTool, createToolBox } from "../src/index.ts";
import type { FakeFileSeed } from "../src/toolbox/fake-tool-context.ts";
import { fakeToolRun } from "../src/toolbox/fake-tool-context.ts";

function setup() {
  const run = fakeToolRun();
  const box = createToolBox({ tools: [createPreviewFileTool()] });
  const preview = async (seed: FakeFileSeed, input: Record<string, unknown> = {}) => {
    const file = run.files.add(seed);
    const outcome = await box.run(
      { toolUseId: "t1", name: "preview_file", input: { file_id: file.fileId, ...input } },
      run.context,
    );
    if (typeof outcome.content === "string") {
      return { outcome, head: JSON.parse(outcome.content), body: "" };
    }
    const [head, body] = outcome.content as readonly ContentPart[];
    return {
      outcome,
      head: JSON.parse(head?.type === "text" ? head.text : "null"),
      body: body?.type === "text" ? body.text : "",
    };
  };
  return { ...run, box, preview };
}

const lines = (count: number) => Array.from({ length: count }, (_, index) => `line ${index + 1}`).join("\n");

describe("preview_file: text", () => {
  it("given a code file, when previewed, then its lines are numbered", async () => {
    const { preview } = setup();
    const { outcome, head, body } = await preview({
      name: "main.py",
      bytes: "import os\nprint(os.name)\n",
      mimeType: "text/x-python",
    });
    expect(outcome.ok).toBe(true);
    expect(head).toMatchObject({ format: "text", encoding: "utf-8", total_lines: 2, shown_lines: "1-2" });
    expect(head).not.toHaveProperty("next_from_line");
    expect(body).toBe("1│ import os\n2│ print(os.name)");
  });

  it("given a long file, when previewed, then 200 lines show and next_from_line continues", async () => {
    const { preview } = setup();
    const first = await preview({ name: "log.txt", bytes: lines(450), mimeType: "text/plain" });
    expect(first.head).toMatchObject({ total_lines: 450, shown_lines: "1-200", next_from_line: 201 });
    expect(first.body.split("\n")).toHaveLength(200);
    const next = await preview(
      { name: "log.txt", bytes: lines(450), mimeType: "text/plain" },
      { from_line: 401, max_lines: 100 },
    );
    expect(next.head).toMatchObject({ shown_lines: "401-450" });
    expect(next.body.split("\n")[0]).toBe("401│ line 401");
  });

  it("given very long lines, when previewed, then lines are cut and the character cap ends the page", async () => {
    const { preview } = setup();
    const wide = Array.from({ length: 100 }, () => "x".repeat(2000)).join("\n");
    const { head, body } = await preview({ name: "min.js", bytes: wide }, { max_lines: 1000 });
    expect(head.long_lines_cut).toBeGreaterThan(0);
    expect(body.length).toBeLessThanOrEqual(30_000);
    expect(head.next_from_line).toBe(head.long_lines_cut + 1);
    expect(body).toContain("… [+1500 chars]");
  });

  it("given a Windows-1251 text, when previewed, then it is decoded and the guess is said", async () => {
    const { preview } = setup();
    // "Привет" in Windows-1251.
    const bytes = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]);
    const { head, body } = await preview({ name: "note.txt", bytes, mimeType: "text/plain" });
    expect(head.encoding).toBe("windows-1251 (guessed)");
    expect(body).toBe("1│ Привет");
  });

  it("given a file of unknown type that is UTF-8 text, when previewed, then it is shown as text", async () => {
    const { preview } = setup();
    const { head } = await preview({
      name: "README",
      bytes: "hello\n",
      mimeType: "application/octet-stream",
    });
    expect(head.format).toBe("text");
  });

  it("given an empty text file, when previewed, then only the facts come back", async () => {
    const { preview } = setup();
    const { outcome, head } = await preview({ name: "empty.txt", bytes: "", mimeType: "text/plain" });
    expect(outcome.content).toHaveLength(1);
    expect(head).toMatchObject({ total_lines: 0, shown_lines: "none", empty: true });
  });

  it("given from_line past the end, when previewed, then bad_input says how long the file is", async () => {
    const { preview } = setup();
    const { outcome, head } = await preview(
      { name: "a.txt", bytes: lines(10), mimeType: "text/plain" },
      { from_line: 11 },
    );
    expect(outcome.errorKind).toBe("bad_input");
    expect(head.message).toBe("from_line 11 is past the end of a.txt, which has 10 lines.");
  });

  it("given max_lines over 1000 or not an integer, when previewed, then bad_input names max_lines", async () => {
    const { preview } = setup();
    const over = await preview({ name: "a.txt", bytes: "a" }, { max_lines: 5000 });
    expect(over.head.issues[0]).toMatchObject({ field: "max_lines", problem: expect.stringMatching(/1000/) });
    const fraction = await preview({ name: "a.txt", bytes: "a" }, { max_lines: 2.5 });
    expect(fraction.head.issues[0].field).toBe("max_lines");
  });
});

describe("preview_file: CSV", () => {
  it("given a comma CSV with quoted fields, when previewed, then it is a table with counts", async () => {
    const { preview } = setup();
    const csv = 'name,city,note\n"Smith, J",Berlin,"said ""hi"""\nDoe,"New\nYork",x|y\n';
    const { head, body } = await preview({ name: "people.csv", bytes: csv, mimeType: "text/csv" });
    expect(head).toMatchObject({ format: "csv", delimiter: ",", rows: 2, columns: 3, shown_rows: "1-2" });
    expect(body.split("\n")).toEqual([
      "| # | name | city | note |",
      "|---|---|---|---|",
      '| 1 | Smith, J | Berlin | said "hi" |',
      "| 2 | Doe | New↵York | x\\|y |",
    ]);
  });

  it.each([
    ["semicolon", "a;b;c\n1;2,5;3\n4;5,5;6\n", ";"],
    ["tab", "a\tb\n1\t2\n", "tab"],
    ["pipe", "a|b\n1|2\n", "|"],
  ])(
    "given a %s-separated file, when previewed, then the delimiter is detected",
    async (_name, text, shown) => {
      const { preview } = setup();
      const { head } = await preview({ name: "data.csv", bytes: text, mimeType: "text/csv" });
      expect(head.delimiter).toBe(shown);
      expect(head.columns).toBeGreaterThan(1);
    },
  );

  it("given many rows, when previewed, then 30 show by default and paging continues", async () => {
    const { preview } = setup();
    const csv = ["id,value", ...Array.from({ length: 100 }, (_, index) => `${index + 1},v${index + 1}`)].join(
      "\r\n",
    );
    const first = await preview({ name: "big.csv", bytes: csv, mimeType: "text/csv" });
    expect(first.head).toMatchObject({ rows: 100, shown_rows: "1-30", next_from_line: 31 });
    const last = await preview({ name: "big.csv", bytes: csv, mimeType: "text/csv" }, { from_line: 95 });
    expect(last.head).toMatchObject({ shown_rows: "95-100" });
    expect(last.head).not.toHaveProperty("next_from_line");
    expect(last.body.split("\n")[2]).toBe("| 95 | 95 | v95 |");
  });

  it("given a CSV sent with Excel's MIME type, when previewed, then the extension wins", async () => {
    const { preview } = setup();
    const { head } = await preview({
      name: "export.csv",
      bytes: "a,b\n1,2\n",
      mimeType: "application/vnd.ms-excel",
    });
    expect(head.format).toBe("csv");
  });

  it("given an unclosed quote, when previewed, then a warning says the file may be malformed", async () => {
    const { preview } = setup();
    const { head } = await preview({ name: "bad.csv", bytes: 'a,b\n1,"oops\n2,3\n', mimeType: "text/csv" });
    expect(head.warning).toMatch(/never closed/);
  });
});

describe("preview_file: XLSX", () => {
  async function workbook(): Promise<Buffer> {
    const book = new ExcelJS.Workbook();
    const sales = book.addWorksheet("Sales");
    sales.addRow(["Region", "Amount", "Date", "Total"]);
    sales.addRow(["North", 120.5, new Date(Date.UTC(2025, 0, 31)), { formula: "B2*2", result: 241 }]);
    sales.addRow(["South", 80, new Date(Date.UTC(2025, 1, 1)), { formula: "B3*2", result: 160 }]);
    const notes = book.addWorksheet("Notes");
    notes.addRow(["Text"]);
    notes.addRow([{ richText: [{ text: "bold " }, { text: "and plain" }] }]);
    return Buffer.from(await book.xlsx.writeBuffer());
  }

  const xlsxSeed = async (): Promise<FakeFileSeed> => ({
    name: "report.xlsx",
    bytes: await workbook(),
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    kind: "spreadsheet",
  });

  it("given a workbook, when previewed, then the sheets are listed and the first is a table", async () => {
    const { preview } = setup();
    const { outcome, head, body } = await preview(await xlsxSeed());
    expect(outcome.ok).toBe(true);
    expect(head).toMatchObject({
      format: "xlsx",
      sheets: [
        { name: "Sales", rows: 3, columns: 4 },
        { name: "Notes", rows: 2, columns: 1 },
      ],
      sheet: "Sales",
      rows: 2,
      columns: 4,
      shown_rows: "1-2",
    });
    expect(body.split("\n")).toEqual([
      "| # | Region | Amount | Date | Total |",
      "|---|---|---|---|---|",
      "| 1 | North | 120.5 | 2025-01-31 | 241 |",
      "| 2 | South | 80 | 2025-02-01 | 160 |",
    ]);
  });

  it("given a sheet name in another case, when previewed, then that sheet is shown", async () => {
    const { preview } = setup();
    const { head, body } = await preview(await xlsxSeed(), { sheet: "notes" });
    expect(head.sheet).toBe("Notes");
    expect(body).toContain("| 1 | bold and plain |");
  });

  it("given an unknown sheet, when previewed, then bad_input lists the sheets", async () => {
    const { preview } = setup();
    const { outcome, head } = await preview(await xlsxSeed(), { sheet: "Costs" });
    expect(outcome.errorKind).toBe("bad_input");
    expect(head.message).toBe('report.xlsx has no sheet named "Costs". Its sheets: "Sales", "Notes".');
  });

  it("given bytes that are not a workbook, when previewed as XLSX, then unreadable", async () => {
    const { preview } = setup();
    const { outcome } = await preview({ name: "fake.xlsx", bytes: "not a zip" });
    expect(outcome.errorKind).toBe("unreadable");
  });
});

describe("preview_file: refusals", () => {
  it.each([
    ["photo.jpg", "image/jpeg", "photo"],
    ["scan.pdf", "application/pdf", "pdf"],
  ] as const)(
    "given %s, when previewed, then use_vision points to the vision tools",
    async (name, mimeType, kind) => {
      const { preview, files } = setup();
      files.failReadWith = new Error("must not read");
      const { outcome, head } = await preview({ name, bytes: "x", mimeType, kind });
      expect(outcome.errorKind).toBe("use_vision");
      expect(head.message).toContain("use analyze_image / analyze_pdf for images and PDFs");
    },
  );

  it("given a file over 20 MB, when previewed, then it is refused before reading", async () => {
    const { preview, files } = setup();
    files.failReadWith = new Error("must not read");
    const { outcome, head } = await preview({
      name: "huge.csv",
      bytes: "a",
      mimeType: "text/csv",
      sizeBytes: 25 * 1024 * 1024,
    });
    expect(outcome.errorKind).toBe("too_large");
    expect(head.message).toBe(
      "huge.csv is 25.0 MB; preview_file reads files up to 20.0 MB. Process it with execute_python instead.",
    );
  });

  it("given a binary file, when previewed, then unsupported_format suggests execute_python", async () => {
    const { preview } = setup();
    const { outcome, head } = await preview({ name: "blob.bin", bytes: Buffer.from([0, 1, 2, 0xff]) });
    expect(outcome.errorKind).toBe("unsupported_format");
    expect(head.message).toMatch(/binary file .*execute_python/);
  });

  it("given a voice note and an .xls workbook, when previewed, then each gets its own hint", async () => {
    const { preview } = setup();
    const voice = await preview({ name: "voice.ogg", bytes: "x", mimeType: "audio/ogg", kind: "voice" });
    expect(voice.head.message).toMatch(/transcribe_audio/);
    const xls = await preview({ name: "old.xls", bytes: "x", mimeType: "application/vnd.ms-excel" });
    expect(xls.head.message).toMatch(/Excel 97–2003/);
  });

  it("given an unknown file id, when previewed, then unknown_file", async () => {
    const { box, context } = setup();
    const outcome = await box.run(
      { toolUseId: "t1", name: "preview_file", input: { file_id: "nope" } },
      context,
    );
    expect(outcome.errorKind).toBe("unknown_file");
  });

  it("given a failing download, when previewed, then read_failed carries the reason", async () => {
    const { preview, files } = setup();
    files.failReadWith = new Error("Telegram: file is too big");
    const { outcome, head } = await preview({ name: "a.txt", bytes: "a", mimeType: "text/plain" });
    expect(outcome.errorKind).toBe("read_failed");
    expect(head.message).toBe("Could not read a.txt: Telegram: file is too big");
  });
});
