/**
 * Reads what the model sent as "a formula": decides formula vs document, strips math
 * delimiters, and splits a few lines of math (or text with inline math) into rows that are
 * typeset one by one and stacked.
 */
import { assertNever } from "./limits.ts";

/** One typeset row: display rows are centred, inline and text rows are left-aligned. */
export interface FormulaRow {
  /** TeX for MathJax, without delimiters. */
  readonly tex: string;
  readonly display: boolean;
}

/** Rows to typeset, or why the source cannot be split (an unclosed delimiter). */
export type FormulaLayout =
  | { readonly ok: true; readonly rows: readonly FormulaRow[] }
  | { readonly ok: false; readonly message: string };

// What MathJax cannot typeset and pdflatex can: any of these means a document.
const DOCUMENT_MARKERS =
  /\\(?:documentclass|usepackage|usetikzlibrary|tikz|pgfplotsset|section|includegraphics)(?![A-Za-z])|\\begin\s*\{\s*(?:document|tikzpicture|tikzcd|circuitikz|axis|forest|tabular\*?|tabularx|figure|table|itemize|enumerate|description|verbatim|minipage)\s*\}/;

/** `auto` mode: a document when the source uses something only pdflatex provides. */
export function looksLikeDocument(source: string): boolean {
  // Comments are dropped so a commented-out `% \usepackage{x}` does not force pdflatex.
  return DOCUMENT_MARKERS.test(source.replace(/(?<!\\)%[^\n]*/g, ""));
}

// Display environments that may stand alone between text lines.
const DISPLAY_ENVIRONMENTS = new Set([
  "equation",
  "equation*",
  "align",
  "align*",
  "alignat",
  "alignat*",
  "gather",
  "gather*",
  "multline",
  "multline*",
  "flalign",
  "flalign*",
  "eqnarray",
  "eqnarray*",
  "displaymath",
]);

type Segment =
  | { readonly kind: "text"; readonly raw: string }
  | { readonly kind: "inline"; readonly raw: string; readonly body: string }
  | { readonly kind: "display"; readonly body: string };

/**
 * Splits a formula source into rows.
 *
 * - No delimiters at all (`E = mc^2`, `\begin{align}…`): one display row, in `aligned` or
 *   `gathered` when it has top-level `&` or `\\` (see {@link wrapLineBreaks}).
 * - `$…$`, `\(…\)`: inline math; `$$…$$`, `\[…\]` and display environments: display rows.
 * - Text around inline math: each source line becomes `\text{…}`, which MathJax typesets
 *   with the inline math inside it.
 */
export function layoutFormula(source: string): FormulaLayout {
  const scanned = scanSegments(source);
  if (!scanned.ok) return scanned;
  const segments = scanned.segments;
  if (segments.every((segment) => segment.kind === "text")) {
    const body = source.trim();
    return { ok: true, rows: body === "" ? [] : [{ tex: wrapLineBreaks(body), display: true }] };
  }
  const rows: FormulaRow[] = [];
  // The text and inline math of the current source line.
  let line: Exclude<Segment, { kind: "display" }>[] = [];
  const flush = (): void => {
    const parts = line;
    line = [];
    const meaningful = parts.filter((part) => !(part.kind === "text" && part.raw.trim() === ""));
    const [only] = meaningful;
    if (only === undefined) return;
    if (meaningful.length === 1 && only.kind === "inline") {
      if (only.body.trim() !== "") rows.push({ tex: only.body, display: false });
      return;
    }
    // MathJax's \text typesets the $…$ and \(…\) inside it as math; the spaces between
    // them are kept (dropping them would turn `$a$ $b$` into `$a$$b$`).
    const raw = parts.map((part) => part.raw).join("");
    rows.push({ tex: `\\text{${raw.trim()}}`, display: false });
  };
  for (const segment of segments) {
    switch (segment.kind) {
      case "text": {
        const [first = "", ...rest] = segment.raw.split("\n");
        line.push({ kind: "text", raw: first });
        for (const next of rest) {
          flush();
          line.push({ kind: "text", raw: next });
        }
        break;
      }
      case "inline":
        line.push(segment);
        break;
      case "display":
        flush();
        if (segment.body.trim() !== "")
          rows.push({ tex: wrapLineBreaks(segment.body.trim()), display: true });
        break;
      default:
        return assertNever(segment);
    }
  }
  flush();
  return { ok: true, rows };
}

function scanSegments(
  source: string,
): { readonly ok: true; readonly segments: Segment[] } | { readonly ok: false; readonly message: string } {
  const segments: Segment[] = [];
  let textStart = 0;
  let i = 0;
  const pushText = (end: number): void => {
    if (end > textStart) segments.push({ kind: "text", raw: source.slice(textStart, end) });
  };
  while (i < source.length) {
    const ch = source[i];
    const next = source[i + 1];
    let opener: { close: string; display: boolean; skip: number } | null = null;
    if (ch === "$" && next === "$") opener = { close: "$$", display: true, skip: 2 };
    else if (ch === "$") opener = { close: "$", display: false, skip: 1 };
    else if (ch === "\\" && next === "[") opener = { close: "\\]", display: true, skip: 2 };
    else if (ch === "\\" && next === "(") opener = { close: "\\)", display: false, skip: 2 };
    if (opener !== null) {
      const bodyStart = i + opener.skip;
      const close = findClosing(source, bodyStart, opener.close);
      if (close < 0) {
        return {
          ok: false,
          message: `The math delimiter \`${source.slice(i, bodyStart)}\` on line ${lineOf(source, i)} is never closed with \`${opener.close}\`.`,
        };
      }
      pushText(i);
      const body = source.slice(bodyStart, close);
      const end = close + opener.close.length;
      segments.push(
        opener.display ? { kind: "display", body } : { kind: "inline", raw: source.slice(i, end), body },
      );
      i = end;
      textStart = i;
      continue;
    }
    if (ch === "\\") {
      const environment = /^\\begin\s*\{([^{}]*)\}/.exec(source.slice(i, i + 40))?.[1]?.trim();
      if (environment !== undefined && DISPLAY_ENVIRONMENTS.has(environment)) {
        const end = findEnvironmentEnd(source, i, environment);
        pushText(i);
        segments.push({ kind: "display", body: source.slice(i, end) });
        i = end;
        textStart = i;
        continue;
      }
      i += 2;
      continue;
    }
    i += 1;
  }
  pushText(source.length);
  return { ok: true, segments };
}

/** Index of `close` at or after `from`, skipping escaped characters (`\$`, `\\`), or -1. */
function findClosing(source: string, from: number, close: string): number {
  let i = from;
  while (i < source.length) {
    if (source.startsWith(close, i)) return i;
    i += source[i] === "\\" ? 2 : 1;
  }
  return -1;
}

/** End (exclusive) of the environment opened at `start`, counting nested ones of the same name. */
function findEnvironmentEnd(source: string, start: number, environment: string): number {
  const pattern = /\\(begin|end)\s*\{([^{}]*)\}/g;
  pattern.lastIndex = start;
  let depth = 0;
  for (let match = pattern.exec(source); match !== null; match = pattern.exec(source)) {
    if (match[2]?.trim() !== environment) continue;
    depth += match[1] === "begin" ? 1 : -1;
    if (depth === 0) return match.index + match[0].length;
  }
  // Unclosed: hand the rest to MathJax, which names the missing `\end`.
  return source.length;
}

/**
 * Wraps a body with top-level `&` in `aligned` and one with top-level `\\` in `gathered`, so
 * "a few lines of math" (often copied out of an `align`) come out as lines instead of MathJax's
 * "Misplaced &" or a single run-on line. Top level means outside braces and environments.
 */
export function wrapLineBreaks(body: string): string {
  let braces = 0;
  let environments = 0;
  let breaks = false;
  let ampersands = false;
  let i = 0;
  while (i < body.length) {
    const ch = body[i];
    if (ch === "{") braces += 1;
    else if (ch === "}") braces -= 1;
    else if (ch === "&" && braces === 0 && environments === 0) ampersands = true;
    else if (ch === "\\") {
      const name = /^[A-Za-z]+/.exec(body.slice(i + 1, i + 16))?.[0];
      if (name === "begin") environments += 1;
      else if (name === "end") environments -= 1;
      else if (body[i + 1] === "\\" && braces === 0 && environments === 0) breaks = true;
      i += name === undefined ? 2 : name.length + 1;
      continue;
    }
    i += 1;
  }
  if (ampersands) return `\\begin{aligned}${body}\\end{aligned}`;
  return breaks ? `\\begin{gathered}${body}\\end{gathered}` : body;
}

function lineOf(source: string, index: number): number {
  let line = 1;
  for (let i = source.indexOf("\n"); i >= 0 && i < index; i = source.indexOf("\n", i + 1)) line += 1;
  return line;
}
