import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RenderLatexErrorKind } from "../src/index.ts";
import { renderLatex } from "../src/index.ts";

const KINDS: readonly RenderLatexErrorKind[] = [
  "forbidden_primitive",
  "syntax",
  "timeout",
  "too_large",
  "engine_missing",
  "engine_failed",
  "empty",
];

// Pieces that exercise the delimiter scanner, environments, errors and the checks.
const TOKENS = [
  "x",
  "1",
  " ",
  "\n",
  "{",
  "}",
  "^",
  "_",
  "&",
  "$",
  "$$",
  "\\\\",
  "\\[",
  "\\]",
  "\\(",
  "\\)",
  "%",
  "\\%",
  "\\$",
  "\\frac",
  "\\sqrt",
  "\\left(",
  "\\right)",
  "\\text{",
  "\\begin{align}",
  "\\end{align}",
  "\\begin{pmatrix}",
  "\\end{pmatrix}",
  "\\tag{1}",
  "\\def\\a{\\a}",
  "\\a",
  "\\input",
  "^^",
  "\\inp%\nut",
  "\\documentclass{article}",
  "\\begin{tikzpicture}",
  "скорость",
  "😀",
  "\\ce{H2O}",
  "\\unicode{x1F600}",
];

const latexLike = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((parts) => parts.join(""));

async function expectTypedOutcome(latex: string): Promise<void> {
  const result = await renderLatex({ latex }, { findExecutable: async () => null });
  if (result.ok) {
    expect(result.png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(result.width).toBeGreaterThan(0);
    expect(result.height).toBeGreaterThan(0);
  } else {
    expect(KINDS).toContain(result.error.kind);
    // engine_failed would mean a crash in this code or MathJax, not a problem with the input.
    expect(result.error.kind).not.toBe("engine_failed");
    expect(result.error.message.length).toBeGreaterThan(10);
  }
}

describe("given any input string", () => {
  it("when LaTeX-like fragments are rendered, then each renders or returns a typed error, never throws", async () => {
    await fc.assert(fc.asyncProperty(latexLike, expectTypedOutcome), { numRuns: 150 });
  });

  it("when arbitrary Unicode is rendered, then each renders or returns a typed error, never throws", async () => {
    await fc.assert(fc.asyncProperty(fc.string({ unit: "binary", maxLength: 60 }), expectTypedOutcome), {
      numRuns: 100,
    });
  });
});
