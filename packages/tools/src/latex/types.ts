/**
 * Public request, result and error types of the `render_latex` tool.
 *
 * The shapes are plain data so the tool loop can turn a failure into a tool result for the
 * model without knowing how rendering works.
 */

/** How to interpret the input: decided from the source (`auto`), or forced by the caller. */
export type RenderLatexMode = "auto" | "formula" | "document";

/** The mode actually used for a successful render. */
export type RenderedLatexMode = "formula" | "document";

/** Which engine produced the image. */
export type RenderLatexEngine = "mathjax" | "pdflatex";

/** Page background of the PNG. */
export type RenderLatexBackground = "white" | "transparent";

/** What the model asked for (the original bot's `{ latex, dpi }` plus mode and background). */
export interface RenderLatexRequest {
  /** A formula, a few lines of math, a TikZ picture or a full document. */
  readonly latex: string;
  /** Defaults to `auto`: `\documentclass`, `\usepackage`, TikZ or `tabular` mean a document. */
  readonly mode?: RenderLatexMode;
  /**
   * Resolution as in the original bot: an integer 150–300; anything else becomes 200. A formula is
   * drawn as 12 pt text at this resolution (200 dpi ≈ 33 px per em, about twice a phone's text).
   */
  readonly dpi?: number;
  /** Defaults to `white`, which reads well in both Telegram themes. */
  readonly background?: RenderLatexBackground;
}

/** Why a render failed; each kind has its own user-facing message. */
export type RenderLatexErrorKind =
  | "forbidden_primitive"
  | "syntax"
  | "timeout"
  | "too_large"
  | "engine_missing"
  | "engine_failed"
  | "empty";

/** A typed failure: `message` is specific English the model can act on or relay. */
export interface RenderLatexError {
  readonly kind: RenderLatexErrorKind;
  readonly message: string;
  /** Extra context for the model or logs, e.g. an excerpt of the pdflatex log. */
  readonly detail?: string;
}

/** A rendered PNG. */
export interface RenderLatexSuccess {
  readonly ok: true;
  readonly png: Buffer;
  /** Pixel size of `png`. */
  readonly width: number;
  readonly height: number;
  readonly mode: RenderedLatexMode;
  readonly engine: RenderLatexEngine;
}

/** A failure; nothing was rendered. */
export interface RenderLatexFailure {
  readonly ok: false;
  readonly error: RenderLatexError;
}

/** The outcome of {@link renderLatex}: it never throws for bad input. */
export type RenderLatexResult = RenderLatexSuccess | RenderLatexFailure;

/** Builds a failure result. */
export function latexFailure(
  kind: RenderLatexErrorKind,
  message: string,
  detail?: string,
): RenderLatexFailure {
  return { ok: false, error: detail === undefined ? { kind, message } : { kind, message, detail } };
}
