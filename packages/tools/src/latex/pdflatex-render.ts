/**
 * Full documents and TikZ pictures: pdflatex in a fresh temporary directory, then page 1 of
 * the PDF to PNG with poppler (pdftoppm / pdftocairo) or Ghostscript, all under one deadline.
 *
 * Defences, besides the lexical ban run before this: `-no-shell-escape`; kpathsea's
 * `openin_any=p`/`openout_any=p` (no absolute paths, no `..`, no dotfiles), passed in the
 * environment where kpathsea reads them; `HOME` set to the empty temporary directory; the
 * process group killed at the deadline; size checks on the PDF and the PNG.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CommandOutcome, CommandRunner, ExecutableFinder } from "./command-runner.ts";
import type { PixelLimits } from "./limits.ts";
import { assertNever, tooLarge } from "./limits.ts";
import { pngSize } from "./png.ts";
import type { RenderLatexBackground, RenderLatexResult } from "./types.ts";
import { latexFailure } from "./types.ts";

/** Settings for {@link renderDocument}. */
export interface DocumentRenderSettings {
  readonly dpi: number;
  readonly background: RenderLatexBackground;
  /** For pdflatex and the converter together (the original bot allowed 10 s). */
  readonly timeoutMs: number;
  readonly limits: PixelLimits;
  /** Parent of the per-render temporary directory. */
  readonly tempRoot: string;
  readonly runCommand: CommandRunner;
  readonly findExecutable: ExecutableFinder;
}

const MAX_PDF_BYTES = 20 * 1024 * 1024;
// Telegram's limit for a photo.
const MAX_PNG_BYTES = 10 * 1024 * 1024;
const MAX_LOG_EXCERPT_CHARS = 1_500;

const MISSING_PDFLATEX =
  "Full LaTeX documents and TikZ pictures need pdflatex, which this server does not have; " +
  "formulas work without it (send just the math, without \\documentclass, \\usepackage or TikZ).";

type Converter = "pdftoppm" | "pdftocairo" | "gs";

/** Compiles `source` (a document, or a body to wrap in `standalone`) and returns page 1 as PNG. */
export async function renderDocument(
  source: string,
  settings: DocumentRenderSettings,
): Promise<RenderLatexResult> {
  const pdflatex = await settings.findExecutable("pdflatex");
  if (pdflatex === null) return latexFailure("engine_missing", MISSING_PDFLATEX);
  const converter = await findConverter(settings);
  if (converter === null) {
    return latexFailure(
      "engine_missing",
      "Full LaTeX documents need pdftoppm (poppler-utils) or Ghostscript to turn the PDF into an image, " +
        "and this server has neither; formulas work without them (send just the math).",
    );
  }
  const deadline = Date.now() + settings.timeoutMs;
  let directory: string | undefined;
  try {
    directory = await mkdtemp(join(settings.tempRoot, "render-latex-"));
    const document = toDocument(source);
    await writeFile(join(directory, "document.tex"), document.text, "utf8");
    const env = texEnvironment(directory);
    const compiled = await settings.runCommand({
      command: pdflatex,
      args: ["-no-shell-escape", "-halt-on-error", "-interaction=nonstopmode", "document.tex"],
      cwd: directory,
      env,
      timeoutMs: remaining(deadline),
    });
    const pdfPath = join(directory, "document.pdf");
    const compileFailure = await checkCompiled(
      compiled,
      directory,
      pdfPath,
      settings.timeoutMs,
      document.userLine,
    );
    if (compileFailure !== null) return compileFailure;
    const converted = await settings.runCommand({
      command: converter.path,
      args: converterArgs(converter.name, settings),
      cwd: directory,
      env,
      timeoutMs: remaining(deadline),
    });
    return await readConverted(converted, converter.name, join(directory, "page.png"), settings);
  } catch (error) {
    return latexFailure(
      "engine_failed",
      "The LaTeX renderer failed on this server.",
      error instanceof Error ? error.message : String(error),
    );
  } finally {
    if (directory !== undefined) await rm(directory, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function findConverter(
  settings: DocumentRenderSettings,
): Promise<{ readonly name: Converter; readonly path: string } | null> {
  // pdftoppm cannot write transparency; pdftocairo (same package) and Ghostscript can.
  const preference: readonly Converter[] =
    settings.background === "transparent" ? ["pdftocairo", "gs"] : ["pdftoppm", "pdftocairo", "gs"];
  for (const name of preference) {
    const path = await settings.findExecutable(name);
    if (path !== null) return { name, path };
  }
  return null;
}

function converterArgs(converter: Converter, settings: DocumentRenderSettings): string[] {
  const dpi = String(settings.dpi);
  const transparent = settings.background === "transparent";
  switch (converter) {
    case "pdftoppm":
      // The crop box bounds the bitmap pdftoppm allocates (it clamps it to the page), so a
      // huge \paperwidth cannot exhaust memory; a result that fills it is reported too large.
      return [
        ...["-png", "-r", dpi, "-f", "1", "-l", "1", "-singlefile"],
        ...[
          "-x",
          "0",
          "-y",
          "0",
          "-W",
          String(settings.limits.maxSide + 1),
          "-H",
          String(settings.limits.maxSide + 1),
        ],
        ...["document.pdf", "page"],
      ];
    case "pdftocairo":
      return [
        "-png",
        ...(transparent ? ["-transp"] : []),
        "-r",
        dpi,
        "-f",
        "1",
        "-l",
        "1",
        "-singlefile",
        "document.pdf",
        "page",
      ];
    case "gs":
      return [
        ...["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dFirstPage=1", "-dLastPage=1", `-r${dpi}`],
        ...["-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", `-sDEVICE=${transparent ? "pngalpha" : "png16m"}`],
        ...["-sOutputFile=page.png", "document.pdf"],
      ];
    default:
      return assertNever(converter);
  }
}

async function checkCompiled(
  outcome: CommandOutcome,
  directory: string,
  pdfPath: string,
  timeoutMs: number,
  userLine: TexDocument["userLine"],
): Promise<RenderLatexResult | null> {
  switch (outcome.kind) {
    case "not_found":
      return latexFailure("engine_missing", MISSING_PDFLATEX);
    case "timeout":
      return latexFailure(
        "timeout",
        `pdflatex did not finish within ${timeoutMs / 1000} s and was stopped. Simplify the document ` +
          "(e.g. fewer plot samples or a smaller picture).",
      );
    case "exited":
      break;
    default:
      return assertNever(outcome);
  }
  const log = await readFile(join(directory, "document.log"), "latin1").catch(() => outcome.output);
  const pdf = await stat(pdfPath).catch(() => null);
  if (outcome.exitCode !== 0 || pdf === null) {
    const error = latexError(log, userLine);
    if (error === null) {
      const how =
        outcome.signal === null ? `exit code ${String(outcome.exitCode)}` : `signal ${outcome.signal}`;
      return latexFailure(
        "engine_failed",
        `pdflatex failed (${how}) without reporting a LaTeX error.`,
        tail(log),
      );
    }
    // "TeX capacity exceeded" is the input's size, not its syntax.
    const kind = error.message.includes("TeX capacity exceeded") ? "too_large" : "syntax";
    return latexFailure(kind, error.message, error.excerpt);
  }
  if (pdf.size > MAX_PDF_BYTES) {
    return latexFailure(
      "too_large",
      `The PDF is ${Math.round(pdf.size / 1024 / 1024)} MB, over the 20 MB limit.`,
    );
  }
  return null;
}

async function readConverted(
  outcome: CommandOutcome,
  converter: Converter,
  pngPath: string,
  settings: DocumentRenderSettings,
): Promise<RenderLatexResult> {
  switch (outcome.kind) {
    case "not_found":
      return latexFailure("engine_missing", `${converter} is not installed on this server.`);
    case "timeout":
      return latexFailure(
        "timeout",
        `Converting the PDF to an image did not finish within ${settings.timeoutMs / 1000} s and was stopped.`,
      );
    case "exited":
      break;
    default:
      return assertNever(outcome);
  }
  const png = await readFile(pngPath).catch(() => null);
  const size = png === null ? null : pngSize(png);
  if (outcome.exitCode !== 0 || png === null || size === null) {
    return latexFailure(
      "engine_failed",
      `${converter} could not convert the PDF to PNG.`,
      tail(outcome.output),
    );
  }
  const { width, height } = size;
  const { maxSide, maxPixels } = settings.limits;
  if (width > maxSide || height > maxSide || width * height > maxPixels)
    return tooLarge(width, height, settings.limits);
  if (png.length > MAX_PNG_BYTES) {
    return latexFailure(
      "too_large",
      `The image is ${Math.round(png.length / 1024 / 1024)} MB, over the 10 MB limit.`,
    );
  }
  return { ok: true, png, width, height, mode: "document", engine: "pdflatex" };
}

/** A `.tex` file to compile, and how its lines map back to the user's source. */
export interface TexDocument {
  readonly text: string;
  /** The user's line for a line of `text`, or `null` for lines this module added. */
  readonly userLine: (texLine: number) => number | null;
}

// Preamble-only commands found in a body: copied to the preamble, blanked in the body (so
// line numbers still match the user's source).
const PREAMBLE_LINE = /^\s*\\(?:usepackage|usetikzlibrary|usepgfplotslibrary|RequirePackage)(?![A-Za-z])/;

/**
 * A complete document is compiled as written. Anything else (a TikZ picture, a table, a
 * formula forced into document mode) is wrapped like the original bot did: `standalone` with
 * its package set, Cyrillic support when needed, and display math around bare math. A
 * `\begin{document}` without a class keeps what precedes it as extra preamble.
 */
export function toDocument(source: string): TexDocument {
  if (/\\documentclass(?![A-Za-z])/.test(source)) return { text: source, userLine: (line) => line };
  const wrapper = /(\\begin\s*\{\s*document\s*\})([\s\S]*?)\\end\s*\{\s*document\s*\}/.exec(source);
  const extraPreamble: string[] = wrapper === null ? [] : [source.slice(0, wrapper.index)];
  const rawBody = wrapper?.[2] ?? source;
  const bodyStart = wrapper === null ? 0 : wrapper.index + (wrapper[1] ?? "").length;
  const bodyFirstLine = 1 + countNewlines(source.slice(0, bodyStart));
  const body = rawBody
    .split("\n")
    .map((line) => {
      if (!PREAMBLE_LINE.test(line)) return line;
      extraPreamble.push(line);
      return "";
    })
    .join("\n");
  const selfContained = /\\begin\s*\{|\$|\\\[|\\\(|\\tikz(?![A-Za-z])/.test(body);
  const cyrillic = /[\u0400-\u04ff]/.test(source);
  const preamble = [
    "\\documentclass[preview,border=2pt]{standalone}",
    ...(cyrillic
      ? ["\\usepackage[T2A]{fontenc}", "\\usepackage[utf8]{inputenc}", "\\usepackage[russian,english]{babel}"]
      : []),
    "\\usepackage{amsmath,amssymb,amsfonts}",
    "\\usepackage{xcolor}",
    "\\usepackage{tikz}",
    "\\usetikzlibrary{arrows.meta,calc,positioning,shapes,decorations.pathreplacing,patterns}",
    "\\usepackage{pgfplots}",
    "\\pgfplotsset{compat=1.18}",
    "\\usepackage{array,booktabs,multirow}",
    ...extraPreamble,
    "\\begin{document}",
    ...(selfContained ? [] : ["\\["]),
  ].join("\n");
  const ending = [...(selfContained ? [] : ["\\]"]), "\\end{document}", ""].join("\n");
  const firstBodyTexLine = countNewlines(preamble) + 2;
  const bodyLines = countNewlines(body) + 1;
  return {
    text: `${preamble}\n${body}\n${ending}`,
    userLine: (line) => {
      const offset = line - firstBodyTexLine;
      return offset >= 0 && offset < bodyLines ? bodyFirstLine + offset : null;
    },
  };
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) count += 1;
  return count;
}

function texEnvironment(directory: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: directory,
    LANG: "C.UTF-8",
    openin_any: "p",
    openout_any: "p",
    shell_escape: "f",
  };
}

/**
 * The first `! …` error of a TeX log with the lines after it (TeX names the input line as
 * `l.<n>`); `userLine` maps that line back to the user's source when it was wrapped.
 */
export function latexError(
  log: string,
  userLine: TexDocument["userLine"] = (line) => line,
): { readonly message: string; readonly excerpt: string } | null {
  const lines = log.split(/\r?\n/);
  const start = lines.findIndex((line) => line.startsWith("! "));
  if (start < 0) return null;
  const excerptLines = lines.slice(start, start + 12);
  const first = (lines[start] ?? "").slice(2).trim();
  const excerpt = excerptLines.join("\n").slice(0, MAX_LOG_EXCERPT_CHARS);
  for (const text of excerptLines) {
    const where = /^l\.(\d+) ?(.*)$/.exec(text);
    if (where === null) continue;
    const line = userLine(Number(where[1]));
    const context = (where[2] ?? "").trim();
    const at = context === "" ? "" : ` (at \`${context}\`)`;
    return {
      message: line === null ? `LaTeX error: ${first}${at}` : `LaTeX error on line ${line}: ${first}${at}`,
      excerpt,
    };
  }
  return { message: `LaTeX error: ${first}`, excerpt };
}

function tail(text: string): string {
  return text.slice(-MAX_LOG_EXCERPT_CHARS);
}

function remaining(deadline: number): number {
  return Math.max(1, deadline - Date.now());
}
