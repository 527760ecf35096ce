/**
 * `preview_file`: reads a text, CSV or XLSX file of the thread for the model (free). Images
 * and PDFs belong to the paid vision tools.
 */
import type { ToolOutcome, ToolRunContext } from "@bot/actors";
import { toolFailure } from "@bot/actors";
import { mayUsePaidTool, type ThreadFile } from "@bot/domain";
import { z } from "zod";
import type { ToolDefinition } from "../tool-definition.ts";
import { defineTool } from "../tool-definition.ts";
import { assertNever } from "../toolbox/assert-never.ts";
import { analyzeThreadFile, type VisionToolOptions } from "../vision/analyze-tools.ts";
import type { PreviewFormat } from "./preview/file-format.ts";
import { isTabSeparated, previewFormat } from "./preview/file-format.ts";
import { PREVIEW_LIMITS } from "./preview/limits.ts";
import type { PreviewWindow } from "./preview/previews.ts";
import { previewCsv, previewText, previewXlsx } from "./preview/previews.ts";
import { decodeText, looksLikeText } from "./preview/text-decode.ts";
import { errorMessage, fileIdField, findThreadFile, formatSize, isThreadFile } from "./thread-files.ts";

const { defaultLines, defaultRows, maxLines, maxFileBytes } = PREVIEW_LIMITS;

const previewFileInput = z.object({
  file_id: fileIdField,
  max_lines: z
    .number()
    .int()
    .min(1)
    .max(maxLines)
    .optional()
    .describe(
      `How many lines (text) or data rows (CSV, XLSX) to show, at most ${maxLines}. Default ${defaultLines} ` +
        `lines or ${defaultRows} rows. Long output is cut at about ${PREVIEW_LIMITS.maxChars} characters.`,
    ),
  from_line: z
    .number()
    .int()
    .min(1)
    // An explicit bound: without one zod's int() shows the model 2^53 − 1.
    .max(100_000_000)
    .optional()
    .describe(
      "The first line (text) or data row (CSV, XLSX) to show, 1-based. Default 1. To read on, pass next_from_line of the previous result.",
    ),
  sheet: z
    .string()
    .min(1)
    .optional()
    .describe(
      "XLSX only: the sheet to show, by name. Default the first sheet; every result lists the sheets.",
    ),
});

/** The input of `preview_file` after parsing. */
export type PreviewFileInput = z.output<typeof previewFileInput>;

/** What preview_file needs: the vision model for images and PDFs (without it, they are refused). */
export interface PreviewFileOptions {
  readonly vision?: VisionToolOptions;
}

/** The question a preview of an image or PDF asks the vision model. */
const VISION_PREVIEW_QUESTION =
  "Describe this file completely for someone who cannot see it: all text (transcribed), tables, figures, " +
  "layout, and anything notable. For a PDF, go page by page.";

/** The `preview_file` tool: free for text, CSV and XLSX; images and PDFs go to the vision model (paid). */
export function createPreviewFileTool(options: PreviewFileOptions = {}): ToolDefinition<PreviewFileInput> {
  return defineTool({
    name: "preview_file",
    description:
      "Read a file of this conversation: text and code files as numbered lines, CSV/TSV files and Excel " +
      "workbooks (.xlsx) as tables with row and column counts (and the workbook's sheet names). Use it before " +
      "answering about a file's content or before processing it with code. Files up to 20 MB. " +
      (options.vision
        ? "Images and PDFs are described by the vision model: that preview is paid by its tokens."
        : "Images and PDFs are not read here."),
    input: previewFileInput,
    // Free as a tool: only its vision branch costs money, and that branch checks the balance itself.
    paid: false,
    run: (input, context) => previewFile(options, input, context),
  });
}

async function previewFile(
  options: PreviewFileOptions,
  input: PreviewFileInput,
  context: ToolRunContext,
): Promise<ToolOutcome> {
  const found = findThreadFile(context, input.file_id);
  if (!isThreadFile(found)) return found;
  const file = found;
  if (file.sizeBytes > maxFileBytes) return tooLarge(file, file.sizeBytes);
  const format = previewFormat(file);
  if ((format === "image" || format === "pdf") && options.vision) {
    const standing = await context.standing();
    if (standing && !mayUsePaidTool(standing)) {
      return toolFailure(
        "insufficient_balance",
        "The user's balance is below zero, so images and PDFs cannot be previewed (that is paid). Tell the user to top up with /pay.",
      );
    }
    return analyzeThreadFile(
      options.vision,
      format,
      { file_id: file.fileId, question: VISION_PREVIEW_QUESTION },
      context,
    );
  }
  const early = unsupported(file, format);
  if (early !== null) return early;
  let bytes: Buffer;
  try {
    bytes = await context.files.read(file.fileId);
  } catch (error) {
    context.logger.warn({ err: error, fileId: file.fileId }, "could not read a file to preview");
    return toolFailure("read_failed", `Could not read ${file.name}: ${errorMessage(error)}`);
  }
  // The recorded size may be missing or wrong; the bytes are what would be parsed.
  if (bytes.byteLength > maxFileBytes) return tooLarge(file, bytes.byteLength);
  const from = input.from_line ?? 1;
  const lines: PreviewWindow = { from, count: input.max_lines ?? defaultLines };
  const rows: PreviewWindow = { from, count: input.max_lines ?? defaultRows };
  switch (format) {
    case "xlsx":
      return previewXlsx(file, bytes, rows, input.sheet);
    case "csv": {
      const decoded = decodeText(bytes, true);
      if (decoded === null) return binary(file);
      return previewCsv(file, decoded, rows, isTabSeparated(file));
    }
    case "text":
    case "unknown": {
      // Unknown types are shown only when they are clearly text: no guessed encoding.
      const decoded = looksLikeText(bytes) ? decodeText(bytes, format === "text") : null;
      if (decoded === null) return binary(file);
      return previewText(file, decoded, lines);
    }
    case "image":
    case "pdf":
    case "media":
    case "xls":
      // Refused before reading; kept here so the switch covers every format.
      return unsupported(file, format) ?? binary(file);
    default:
      return assertNever(format);
  }
}

/** The refusal for a format preview_file does not read, or `null` when it reads it. */
function unsupported(file: ThreadFile, format: PreviewFormat): ToolOutcome | null {
  switch (format) {
    case "image":
    case "pdf":
      return toolFailure(
        "use_vision",
        `${file.name} is ${format === "pdf" ? "a PDF" : "an image"}: use analyze_image / analyze_pdf for images and PDFs.`,
      );
    case "media":
      return toolFailure(
        "unsupported_format",
        `${file.name} is audio or video (${file.mimeType}); preview_file reads text, CSV and XLSX files. Use transcribe_audio for speech.`,
      );
    case "xls":
      return toolFailure(
        "unsupported_format",
        `${file.name} is an old Excel 97–2003 (.xls) workbook, which preview_file cannot read. Process it with execute_python (pandas with xlrd), or ask the user for .xlsx or CSV.`,
      );
    case "text":
    case "csv":
    case "xlsx":
    case "unknown":
      return null;
    default:
      return assertNever(format);
  }
}

function tooLarge(file: ThreadFile, bytes: number): ToolOutcome {
  return toolFailure(
    "too_large",
    `${file.name} is ${formatSize(bytes)}; preview_file reads files up to ${formatSize(maxFileBytes)}. Process it with execute_python instead.`,
    { size_bytes: bytes },
  );
}

function binary(file: ThreadFile): ToolOutcome {
  return toolFailure(
    "unsupported_format",
    `${file.name} (${file.mimeType}, ${formatSize(file.sizeBytes)}) is a binary file that preview_file cannot show; it reads text, CSV and XLSX files. Process it with execute_python.`,
  );
}
