/**
 * Which previewer a file goes to, from its metadata (kind, MIME type, extension). Files the
 * metadata does not place are sniffed later: valid UTF-8 without NUL bytes is text.
 */
import type { ThreadFile } from "@bot/domain";

/** The previewer of a file, or why there is none. */
export type PreviewFormat = "text" | "csv" | "xlsx" | "image" | "pdf" | "media" | "xls" | "unknown";

const TEXT_EXTENSIONS = new Set(
  (
    "txt text md markdown rst log ini cfg conf toml yaml yml json jsonl ndjson xml html htm css scss less " +
    "js mjs cjs jsx ts tsx mts cts py pyi rb php java kt kts scala go rs c h cc cpp cxx hpp hh cs swift m mm " +
    "sh bash zsh fish ps1 bat cmd sql graphql gql proto r jl lua pl pm dart ex exs erl hs clj elm vue svelte " +
    "tex bib sty cls srt vtt diff patch env properties gradle dockerfile makefile cmake tf hcl nix ipynb"
  ).split(" "),
);

const TEXT_MIME_TYPES = new Set([
  "application/json",
  "application/ld+json",
  "application/xml",
  "application/javascript",
  "application/x-javascript",
  "application/typescript",
  "application/x-sh",
  "application/x-python",
  "application/x-yaml",
  "application/yaml",
  "application/toml",
  "application/sql",
  "application/x-tex",
  "application/x-ipynb+json",
  "image/svg+xml",
]);

const CSV_MIME_TYPES = new Set(["text/csv", "text/tab-separated-values", "application/csv"]);
const XLSX_MIME_TYPES = new Set([
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.ms-excel.sheet.macroenabled.12",
]);

/** The lower-case extension of a file name without the dot, "" when there is none. */
export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf("/") + 1).toLowerCase();
  const dot = base.lastIndexOf(".");
  // `Dockerfile`, `Makefile`: the whole name is the "extension".
  return dot < 0 ? base : base.slice(dot + 1);
}

/** Classifies by metadata. The extension wins over the MIME type: uploaders often send CSV as `vnd.ms-excel`. */
export function previewFormat(file: ThreadFile): PreviewFormat {
  const extension = extensionOf(file.name);
  const mime = file.mimeType.toLowerCase().split(";")[0]?.trim() ?? "";
  if (extension === "csv" || extension === "tsv") return "csv";
  if (extension === "xlsx" || extension === "xlsm") return "xlsx";
  if (extension === "xls") return "xls";
  // SVG is an image to people but XML to read.
  if (extension === "svg" || mime === "image/svg+xml") return "text";
  if (TEXT_EXTENSIONS.has(extension)) return "text";
  if (file.kind === "photo" || file.kind === "image" || mime.startsWith("image/")) return "image";
  if (file.kind === "pdf" || mime === "application/pdf" || extension === "pdf") return "pdf";
  if (file.kind === "voice" || file.kind === "audio" || file.kind === "video") return "media";
  if (mime.startsWith("audio/") || mime.startsWith("video/")) return "media";
  if (CSV_MIME_TYPES.has(mime)) return "csv";
  if (XLSX_MIME_TYPES.has(mime)) return "xlsx";
  if (mime === "application/vnd.ms-excel") return "xls";
  if (
    mime.startsWith("text/") ||
    TEXT_MIME_TYPES.has(mime) ||
    mime.endsWith("+json") ||
    mime.endsWith("+xml")
  ) {
    return "text";
  }
  return "unknown";
}

/** Whether a CSV is tab-separated by its name or type (then no delimiter is guessed). */
export function isTabSeparated(file: ThreadFile): boolean {
  return (
    extensionOf(file.name) === "tsv" || file.mimeType.toLowerCase().startsWith("text/tab-separated-values")
  );
}
