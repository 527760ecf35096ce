/**
 * Formulas without a TeX installation: MathJax (TeX input → SVG output on the lite DOM
 * adaptor, glyphs embedded as paths) in a worker thread, then resvg to rasterise to PNG.
 *
 * Time limit: MathJax is synchronous, and its work is not bounded by the input size (macros
 * amplify; see mathjax-client.ts), so it runs in a worker that is terminated at the deadline.
 * The input is still bounded ({@link MAX_FORMULA_CHARS}) to keep honest formulas well inside
 * the deadline (5 000 characters of mhchem took 2.5 s on a busy machine here). Rasterising
 * is resvg's `renderAsync`, on libuv's thread pool, after a pixel-size check.
 */
import type { FormulaRow } from "./formula-layout.ts";
import type { PixelLimits } from "./limits.ts";
import { assertNever, tooLarge } from "./limits.ts";
import type { TypesetRowOutcome } from "./mathjax-client.ts";
import { MathJaxWorker } from "./mathjax-client.ts";
import type { RenderLatexBackground, RenderLatexResult } from "./types.ts";
import { latexFailure } from "./types.ts";

/**
 * Longest formula source MathJax is given (the whole request may be longer for pdflatex).
 * Equal to MathJax's own `maxBuffer`, the most a single macro expansion may produce.
 */
export const MAX_FORMULA_CHARS = 5_000;

// x-height of MathJax's TeX font in em; the SVG output measures sizes in ex of this font.
const X_HEIGHT = 0.442;
// Space around the image and between rows, in em.
const PADDING_EM = 0.4;
const ROW_GAP_EM = 0.5;

// Extensions offered to formulas. Left out on purpose: `html` (puts arbitrary attributes and
// CSS into the SVG), `noerrors`/`noundefined` (would hide the errors we report), `require`/
// `autoload` (load code at run time) and `setoptions` (lets the input raise `maxMacros`).
const PACKAGES = [
  "base",
  "ams",
  "amscd",
  "bbox",
  "boldsymbol",
  "braket",
  "bussproofs",
  "cancel",
  "cases",
  "centernot",
  "color",
  "colortbl",
  "empheq",
  "enclose",
  "extpfeil",
  "gensymb",
  "mathtools",
  "mhchem",
  "newcommand",
  "physics",
  "textcomp",
  "textmacros",
  "unicode",
  "upgreek",
  "verb",
];

// One worker for the process; it starts on the first formula and idles unref'd.
const worker = new MathJaxWorker(PACKAGES);

/** Typeset settings for {@link renderFormulaRows}. */
export interface FormulaRenderSettings {
  /** Pixels per em of the math font. */
  readonly emPx: number;
  readonly background: RenderLatexBackground;
  readonly limits: PixelLimits;
  /** Deadline for MathJax, ms. */
  readonly timeoutMs: number;
}

interface Piece {
  /** The row's root `<svg …>` attributes, rewritten for the composite. */
  readonly attributes: Map<string, string>;
  /** Everything after the root opening tag. */
  readonly rest: string;
  readonly width: number;
  readonly height: number;
  readonly display: boolean;
}

/** Typesets rows with MathJax, stacks them, and rasterises the result to PNG. */
export async function renderFormulaRows(
  rows: readonly FormulaRow[],
  settings: FormulaRenderSettings,
): Promise<RenderLatexResult> {
  const exPx = settings.emPx * X_HEIGHT;
  // `ex` in px makes MathJax's own transforms (used for `\tag` layouts, which have no
  // viewBox) agree with the pixel sizes set on each row below.
  const outcome = await worker.typeset(rows, settings.emPx, exPx, settings.timeoutMs);
  switch (outcome.kind) {
    case "timeout":
      return latexFailure(
        "timeout",
        `Typesetting did not finish within ${settings.timeoutMs / 1000} s and was stopped. ` +
          "Simplify the formula (a macro may expand far too much).",
      );
    case "out_of_memory":
      return latexFailure("too_large", "The formula expands to more than the typesetter's memory allows.");
    case "crashed":
      return latexFailure("engine_failed", "The MathJax formula renderer failed.", outcome.message);
    case "done":
      break;
    default:
      return assertNever(outcome);
  }
  const pieces: Piece[] = [];
  for (const [index, row] of rows.entries()) {
    const where = rows.length > 1 ? ` (line ${index + 1} of the formula)` : "";
    const typeset = outcome.rows[index];
    const piece = typeset === undefined ? null : toPiece(typeset, row.display, exPx);
    if (piece === null || "kind" in piece) {
      const failed = piece ?? { kind: "engine_failed" as const, message: "MathJax returned no output" };
      return latexFailure(failed.kind, `${failed.message}${where}`, row.tex.slice(0, 200));
    }
    pieces.push(piece);
  }
  const svg = composeSvg(pieces, settings.emPx);
  const { maxSide, maxPixels } = settings.limits;
  if (svg.width > maxSide || svg.height > maxSide || svg.width * svg.height > maxPixels) {
    return tooLarge(svg.width, svg.height, settings.limits);
  }
  return rasterise(svg.markup, settings.background);
}

function toPiece(
  typeset: TypesetRowOutcome,
  display: boolean,
  exPx: number,
): Piece | { readonly kind: "syntax" | "engine_failed"; readonly message: string } {
  if ("thrown" in typeset) {
    // Not a TeX error (those come back as merror nodes): deep recursion or an internal bug.
    if (typeset.thrown.name === "RangeError") {
      return { kind: "syntax", message: "The formula is nested too deeply to typeset." };
    }
    return { kind: "engine_failed", message: `MathJax failed: ${typeset.thrown.message}` };
  }
  const marked = /data-mjx-error="([^"]*)"/.exec(typeset.svg)?.[1];
  const error = typeset.texError ?? (marked === undefined ? null : decodeEntities(marked));
  if (error !== null) return { kind: "syntax", message: `LaTeX error: ${error}` };
  const open = /^<svg\b([^>]*)>/.exec(typeset.svg);
  if (open === null) return { kind: "engine_failed", message: "MathJax returned no SVG" };
  const attributes = new Map<string, string>();
  for (const match of (open[1] ?? "").matchAll(/([\w:-]+)="([^"]*)"/g)) {
    attributes.set(match[1] ?? "", match[2] ?? "");
  }
  // Sizes are in ex; a labelled equation (`\tag`) has width="100%" and its real width as
  // min-width in the style instead.
  const style = attributes.get("style") ?? "";
  const widthAttribute = attributes.get("width") ?? "";
  const minWidth = /min-width:\s*([^;]+)/.exec(style)?.[1] ?? "";
  const width = exLength(widthAttribute.endsWith("%") ? minWidth : widthAttribute) * exPx;
  const height = exLength(attributes.get("height") ?? "") * exPx;
  for (const name of ["style", "role", "focusable"]) attributes.delete(name);
  attributes.set("width", fixed(width));
  attributes.set("height", fixed(height));
  return { attributes, rest: typeset.svg.slice(open[0].length), width, height, display };
}

function composeSvg(
  pieces: readonly Piece[],
  emPx: number,
): { readonly markup: string; readonly width: number; readonly height: number } {
  const padding = PADDING_EM * emPx;
  const contentWidth = Math.max(0, ...pieces.map((piece) => piece.width));
  const width = Math.ceil(contentWidth + 2 * padding);
  let y = padding;
  const parts: string[] = [];
  for (const [index, piece] of pieces.entries()) {
    if (index > 0) y += ROW_GAP_EM * emPx;
    // Display rows are centred like LaTeX's display math; text and inline rows start left.
    const x = piece.display ? padding + (contentWidth - piece.width) / 2 : padding;
    piece.attributes.set("x", fixed(x));
    piece.attributes.set("y", fixed(y));
    const attributes = [...piece.attributes].map(([name, value]) => `${name}="${value}"`).join(" ");
    parts.push(`<svg ${attributes}>${piece.rest}`);
    y += piece.height;
  }
  const height = Math.ceil(y + padding);
  const markup =
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
    `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join("")}</svg>`;
  return { markup, width, height };
}

async function rasterise(svg: string, background: RenderLatexBackground): Promise<RenderLatexResult> {
  try {
    const { renderAsync } = await import("@resvg/resvg-js");
    const image = await renderAsync(svg, {
      fitTo: { mode: "original" },
      ...(background === "white" ? { background: "white" } : {}),
      // Glyphs are paths; system fonts are only needed for characters outside MathJax's
      // fonts (e.g. Cyrillic in \text{}), which come out as <text>. Loading them is slow.
      font: { loadSystemFonts: svg.includes("<text"), defaultFontFamily: "DejaVu Serif" },
      logLevel: "off",
    });
    return {
      ok: true,
      png: image.asPng(),
      width: image.width,
      height: image.height,
      mode: "formula",
      engine: "mathjax",
    };
  } catch (error) {
    return latexFailure("engine_failed", "Could not convert the typeset formula to PNG.", errorText(error));
  }
}

function exLength(value: string): number {
  const match = /^\s*(-?[\d.]+)ex\s*$/.exec(value);
  return match === null ? 0 : Math.max(0, Number(match[1]));
}

function fixed(value: number): string {
  return value.toFixed(2).replace(/\.?0+$/, "");
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, "&");
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
