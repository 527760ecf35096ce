/**
 * The `render_latex` tool's implementation: checks, mode choice, and the two engines.
 * No Telegram and no events: the tool loop turns the result into a tool result and a file.
 */
import { tmpdir } from "node:os";
import type { CommandRunner, ExecutableFinder } from "./command-runner.ts";
import { findOnPath, spawnCommand } from "./command-runner.ts";
import { findForbiddenPrimitive } from "./forbidden-primitives.ts";
import { layoutFormula, looksLikeDocument } from "./formula-layout.ts";
import type { PixelLimits } from "./limits.ts";
import { assertNever } from "./limits.ts";
import { MAX_FORMULA_CHARS, renderFormulaRows } from "./mathjax-render.ts";
import { renderDocument } from "./pdflatex-render.ts";
import type {
  RenderedLatexMode,
  RenderLatexBackground,
  RenderLatexRequest,
  RenderLatexResult,
} from "./types.ts";
import { latexFailure } from "./types.ts";

/** Dependencies and limits of {@link renderLatex}; every field has a production default. */
export interface RenderLatexOptions {
  /** Runs pdflatex and the PDF converter. Default: `spawn` in a killable process group. */
  readonly runCommand?: CommandRunner;
  /** Locates pdflatex, pdftoppm, pdftocairo, gs. Default: a `PATH` search like `which`. */
  readonly findExecutable?: ExecutableFinder;
  /** Deadline for pdflatex plus the converter, ms. Default 10 000 (as the original bot). */
  readonly timeoutMs?: number;
  /** Deadline for MathJax, ms (worker start-up not included). Default 5 000. */
  readonly formulaTimeoutMs?: number;
  /** Longest accepted source, characters. Default 20 000. */
  readonly maxInputChars?: number;
  /** Longest source given to MathJax, characters. Default {@link MAX_FORMULA_CHARS}. */
  readonly maxFormulaChars?: number;
  /** Longest side of the PNG, px. Default 8 000. */
  readonly maxSide?: number;
  /** Width × height of the PNG, px. Default 16 000 000 (64 MB as RGBA). */
  readonly maxPixels?: number;
  /** Where per-render temporary directories go. Default `os.tmpdir()`. */
  readonly tempRoot?: string;
}

/** The defaults of {@link RenderLatexOptions} and of the request's optional fields. */
export const RENDER_LATEX_DEFAULTS = {
  dpi: 200,
  minDpi: 150,
  maxDpi: 300,
  background: "white",
  timeoutMs: 10_000,
  formulaTimeoutMs: 5_000,
  maxInputChars: 20_000,
  maxFormulaChars: MAX_FORMULA_CHARS,
  maxSide: 8_000,
  maxPixels: 16_000_000,
} as const;

/**
 * Renders LaTeX to a PNG. Formulas go through MathJax (no TeX installation needed); documents
 * and TikZ through pdflatex when the server has it. Every failure is a typed
 * `{ ok: false, error }`; the promise does not reject.
 */
export async function renderLatex(
  request: RenderLatexRequest,
  options: RenderLatexOptions = {},
): Promise<RenderLatexResult> {
  try {
    return await render(request, options);
  } catch (error) {
    // Unexpected (a bug or the file system): still a result the tool loop can report.
    return latexFailure(
      "engine_failed",
      "The LaTeX renderer failed unexpectedly.",
      error instanceof Error ? error.message : String(error),
    );
  }
}

async function render(request: RenderLatexRequest, options: RenderLatexOptions): Promise<RenderLatexResult> {
  // The request comes from a model's JSON, so its types are checked again at run time.
  const source: unknown = request.latex;
  if (typeof source !== "string") return latexFailure("empty", "`latex` must be a string of LaTeX source.");
  if (source.trim() === "") return latexFailure("empty", "The LaTeX source is empty.");
  const maxInputChars = options.maxInputChars ?? RENDER_LATEX_DEFAULTS.maxInputChars;
  if (source.length > maxInputChars) {
    return latexFailure(
      "too_large",
      `The LaTeX source has ${source.length} characters; the limit is ${maxInputChars}. Split it into several images.`,
    );
  }
  const invalid = invalidCharacter(source);
  if (invalid !== null) return latexFailure("syntax", invalid);
  const forbidden = findForbiddenPrimitive(source);
  if (forbidden !== null) {
    return latexFailure(
      "forbidden_primitive",
      forbidden.message,
      `${forbidden.primitive} on line ${forbidden.line}`,
    );
  }
  const limits: PixelLimits = {
    maxSide: options.maxSide ?? RENDER_LATEX_DEFAULTS.maxSide,
    maxPixels: options.maxPixels ?? RENDER_LATEX_DEFAULTS.maxPixels,
  };
  const dpi = normaliseDpi(request.dpi);
  const background = normaliseBackground(request.background);
  const mode = resolveMode(request.mode, source);
  switch (mode) {
    case "document":
      return renderDocument(source, {
        dpi,
        background,
        timeoutMs: options.timeoutMs ?? RENDER_LATEX_DEFAULTS.timeoutMs,
        limits,
        tempRoot: options.tempRoot ?? tmpdir(),
        runCommand: options.runCommand ?? spawnCommand,
        findExecutable: options.findExecutable ?? findOnPath,
      });
    case "formula": {
      const maxFormulaChars = options.maxFormulaChars ?? RENDER_LATEX_DEFAULTS.maxFormulaChars;
      if (source.length > maxFormulaChars) {
        return latexFailure(
          "too_large",
          `A formula may have at most ${maxFormulaChars} characters (this one has ${source.length}). ` +
            "Split it into several images.",
        );
      }
      const layout = layoutFormula(source);
      if (!layout.ok) return latexFailure("syntax", layout.message);
      if (layout.rows.length === 0)
        return latexFailure("empty", "The formula has no content between its delimiters.");
      // The formula is drawn as 12 pt text at `dpi`: 16 CSS px per em at 96 dpi.
      return renderFormulaRows(layout.rows, {
        emPx: (16 * dpi) / 96,
        background,
        limits,
        timeoutMs: options.formulaTimeoutMs ?? RENDER_LATEX_DEFAULTS.formulaTimeoutMs,
      });
    }
    default:
      return assertNever(mode);
  }
}

/**
 * Characters neither engine can take: control characters other than tab and line ends,
 * unpaired surrogates and U+FFFE/U+FFFF. They are also invalid in the SVG (XML) that MathJax
 * writes, and pdflatex stops on them; a model sends them only by mistake.
 */
function invalidCharacter(source: string): string | null {
  const match = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.exec(source);
  if (match === null) return null;
  const code = (match[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
  const line = source.slice(0, match.index).split("\n").length;
  return `The LaTeX source contains an invisible or invalid character (U+${code}) on line ${line}; remove it.`;
}

function resolveMode(requested: unknown, source: string): RenderedLatexMode {
  if (requested === "formula" || requested === "document") return requested;
  // `auto`, absent, or anything a model invented.
  return looksLikeDocument(source) ? "document" : "formula";
}

/** As the original bot: an integer 150–300, anything else 200. */
function normaliseDpi(dpi: unknown): number {
  const { minDpi, maxDpi } = RENDER_LATEX_DEFAULTS;
  if (typeof dpi !== "number" || !Number.isFinite(dpi)) return RENDER_LATEX_DEFAULTS.dpi;
  const rounded = Math.round(dpi);
  return rounded >= minDpi && rounded <= maxDpi ? rounded : RENDER_LATEX_DEFAULTS.dpi;
}

function normaliseBackground(background: unknown): RenderLatexBackground {
  return background === "transparent" ? "transparent" : "white";
}
