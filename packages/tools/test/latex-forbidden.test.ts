import { describe, expect, it } from "vitest";
import type { CommandRunner } from "../src/index.ts";
import { findForbiddenPrimitive, renderLatex } from "../src/index.ts";

const PRIMITIVES = [
  "input",
  "include",
  "write",
  "write18",
  "openin",
  "openout",
  "read",
  "catcode",
  "csname",
  "immediate",
  "scantokens",
  "endlinechar",
  "@@input",
  "InputIfFileExists",
  "verbatiminput",
  "lstinputlisting",
  "ExplSyntaxOn",
  "pdffiledump",
];

describe("given LaTeX with a file or shell primitive", () => {
  it.each(PRIMITIVES)("when it uses \\%s, then it is rejected before anything runs", async (name) => {
    let ran = false;
    const runCommand: CommandRunner = async () => {
      ran = true;
      return { kind: "not_found" };
    };
    const findExecutable = async (tool: string) => `/fake/${tool}`;
    for (const mode of ["formula", "document"] as const) {
      const result = await renderLatex(
        { latex: `x + 1\n\\${name}{/etc/passwd}`, mode },
        { runCommand, findExecutable },
      );
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.kind).toBe("forbidden_primitive");
      expect(result.error.message).toContain("not allowed");
      expect(result.error.detail).toContain("line 2");
    }
    expect(ran).toBe(false);
  });

  it("when a command name is split by a comment and the next line's indent, then it is still found", () => {
    expect(findForbiddenPrimitive("\\inp%\nut{secret}")?.primitive).toBe("\\input");
    expect(findForbiddenPrimitive("\\inp% hidden\n    ut{secret}")?.primitive).toBe("\\input");
    expect(findForbiddenPrimitive("\\imm%\n\t%\n ediate\\wr%\nite18{ls}")?.primitive).toBe("\\immediate");
  });

  it("when ^^ escapes are used (\\inp^^75t is \\input), then the source is rejected", () => {
    expect(findForbiddenPrimitive("\\inp^^75t{x}")?.primitive).toBe("^^");
    expect(findForbiddenPrimitive("^^5cinput{x}")?.primitive).toBe("^^");
    expect(findForbiddenPrimitive("x^^2")?.message).toContain("^^");
  });

  it("when \\makeatletter names are used, then @-names like \\@@input and \\@nameuse are found", () => {
    expect(findForbiddenPrimitive("\\makeatletter\\@@input{x}")?.primitive).toBe("\\@@input");
    expect(findForbiddenPrimitive("\\makeatletter\\@nameuse{input}")?.primitive).toBe("\\@nameuse");
  });

  it("when the line of the primitive follows comments, then its original line number is reported", () => {
    expect(findForbiddenPrimitive("a % one\nb\n%\nc \\openout3")?.line).toBe(4);
  });
});

describe("given LaTeX that only looks like a primitive", () => {
  it.each([
    ["a line break before a word", "a \\\\input b"],
    ["an escaped percent", "50\\% \\in put"],
    ["a longer command", "\\includegraphics{x} \\readme \\writer"],
    ["a formula using \\in and \\int", "x \\in A, \\int_0^1 f"],
    ["the word in text", "\\text{input, include, write}"],
  ])("when it is %s, then it is accepted", (_, source) => {
    expect(findForbiddenPrimitive(source)).toBeNull();
  });
});
