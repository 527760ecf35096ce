/**
 * The lexical check that runs before any rendering: TeX primitives (and the few macros that
 * equal them) that read or write files, run shell commands, or build control-sequence names
 * at run time, which would let any other primitive be reached without being written out.
 *
 * For MathJax this is belt and braces (it implements none of them). For pdflatex it is the
 * first of several layers: a lexical ban can never be complete for a Turing-complete macro
 * language (packages may wrap these primitives under other names), so the pdflatex runner
 * also disables shell escape and sets kpathsea's `openin_any`/`openout_any` to paranoid,
 * in an empty temporary directory, under a time limit. The ban is what makes the common
 * attacks fail early with a clear message, as the original bot did.
 */

/** Where and what the forbidden construct is. */
export interface ForbiddenPrimitive {
  /** As written by the user after comment joining, e.g. `\input` or `^^`. */
  readonly primitive: string;
  /** 1-based line in the original source. */
  readonly line: number;
  readonly message: string;
}

type Reason = "files" | "shell" | "names" | "tokens";

// Exact control-word names. `\write18` is `\write` followed by the digits 18, so banning
// `\write` covers it; likewise `\immediate\write18`.
const EXACT: ReadonlyMap<string, Reason> = new Map<string, Reason>([
  ["include", "files"],
  ["openin", "files"],
  ["openout", "files"],
  ["read", "files"],
  ["readline", "files"],
  ["write", "shell"],
  ["immediate", "shell"],
  ["pdffiledump", "files"],
  ["pdfmdfivesum", "files"],
  ["pdffilesize", "files"],
  ["pdffilemoddate", "files"],
  // These build a control sequence from characters, so `\csname in` + `put\endcsname` is
  // `\input`; the macros below are `\csname` under friendlier names.
  ["csname", "names"],
  ["UseName", "names"],
  ["@nameuse", "names"],
  ["csuse", "names"],
  // expl3 has its own file and shell functions (`\file_input:n`, `\sys_shell_now:n`) whose
  // names are only reachable after `\ExplSyntaxOn`.
  ["ExplSyntaxOn", "names"],
  // These change how characters become tokens, so the rest of the source could spell a
  // banned name that this check cannot see: `\catcode` (make `%` or `^` something else),
  // `\scantokens` (re-read `\string`-ed characters as tokens), `\endlinechar` (append a
  // letter to every line, so `\inpu` at a line end becomes `\input`).
  ["catcode", "tokens"],
  ["scantokens", "tokens"],
  ["endlinechar", "tokens"],
]);

const MESSAGES: Readonly<Record<Reason, string>> = {
  files: "reads or writes files on the server",
  shell: "writes to files or runs shell commands",
  names: "builds command names at run time, which could reach file or shell commands",
  tokens: "changes how TeX reads the source, which could hide file or shell commands",
};

/**
 * Finds the first forbidden construct in `source`, or `null` when there is none.
 *
 * Comments are joined before matching (`\inp%` + newline + `ut`): real TeX ends a control word
 * at a line end, but joining is the conservative reading and costs nothing legitimate. Spaces
 * are not removed: TeX never joins `\in put` into one name (it is `\in` and three letters).
 * Names are read both as TeX's default letters and with `@` as a letter, as after
 * `\makeatletter`, and every name containing `input` is refused (`\@@input`,
 * `\InputIfFileExists`, `\lstinputlisting`, `\verbatiminput`, ...).
 */
export function findForbiddenPrimitive(source: string): ForbiddenPrimitive | null {
  const { text, lineAt } = joinComments(source);
  // `^^` is TeX's escape for any character by its code (`^^75` is `u`, `^^5c` is `\`), so
  // `\inp^^75t` is `\input` and `^^5cinput` too. MathJax does not implement it and a formula
  // never needs it, so it is refused outright rather than decoded.
  const caret = text.indexOf("^^");
  if (caret >= 0) {
    return {
      primitive: "^^",
      line: lineAt(caret),
      message:
        "`^^` character escapes are not allowed in render_latex: they can spell hidden commands. " +
        "Write the character itself (for a double superscript use braces, e.g. `x^{a^{b}}`).",
    };
  }
  for (let i = text.indexOf("\\"); i >= 0; i = text.indexOf("\\", i + 1)) {
    const plain = /^[A-Za-z]+/.exec(text.slice(i + 1, i + 64))?.[0] ?? "";
    const withAt = /^[A-Za-z@]+/.exec(text.slice(i + 1, i + 64))?.[0] ?? "";
    for (const name of plain === withAt ? [plain] : [plain, withAt]) {
      const reason = name.toLowerCase().includes("input") ? "files" : EXACT.get(name);
      if (reason !== undefined) {
        return {
          primitive: `\\${name}`,
          line: lineAt(i),
          message: `\`\\${name}\` is not allowed in render_latex: it ${MESSAGES[reason]}. Put the content directly in the LaTeX source instead.`,
        };
      }
    }
    // `\\input` is the control symbol `\\` (a line break) and then plain letters, as TeX
    // reads it; skip the second backslash so it is not taken for the start of `\input`.
    if (text[i + 1] === "\\") i += 1;
  }
  return null;
}

/**
 * Removes `%` comments the way TeX does (the comment, the line end, and the next line's leading
 * blanks), keeping `\%`. Returns the joined text and a map back to original line numbers.
 */
function joinComments(source: string): { text: string; lineAt: (index: number) => number } {
  let text = "";
  // Where each original line (or its continuation after a comment) begins in `text`.
  const marks: { at: number; line: number }[] = [{ at: 0, line: 1 }];
  let line = 1;
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (ch === "\\" && i + 1 < source.length) {
      const next = source[i + 1] ?? "";
      text += ch + next;
      if (next === "\n") {
        line += 1;
        marks.push({ at: text.length, line });
      }
      i += 2;
    } else if (ch === "%") {
      const end = source.indexOf("\n", i);
      if (end < 0) break;
      i = end + 1;
      line += 1;
      while (source[i] === " " || source[i] === "\t") i += 1;
      marks.push({ at: text.length, line });
    } else {
      text += ch;
      if (ch === "\n") {
        line += 1;
        marks.push({ at: text.length, line });
      }
      i += 1;
    }
  }
  const lineAt = (index: number): number => {
    let found = 1;
    for (const mark of marks) {
      if (mark.at > index) break;
      found = mark.line;
    }
    return found;
  };
  return { text, lineAt };
}
