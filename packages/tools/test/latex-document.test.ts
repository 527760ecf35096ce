import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandRequest, CommandRunner, RenderLatexResult } from "../src/index.ts";
import { findOnPath, renderLatex, spawnCommand } from "../src/index.ts";

const TIKZ = "\\begin{tikzpicture}\n\\draw (0,0) -- (1,1);\n\\node at (2,0) {$x$};\n\\end{tikzpicture}";
const DOCUMENT = "\\documentclass{article}\n\\begin{document}\nHello \\LaTeX.\n\\end{document}";

function failure(result: RenderLatexResult) {
  if (result.ok) throw new Error("expected a failure");
  return result.error;
}

/** A tiny real PNG for the fake converter to "produce". */
async function smallPng(width: number, height: number): Promise<Buffer> {
  const { Resvg } = await import("@resvg/resvg-js");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="#000"/></svg>`;
  return new Resvg(svg, { font: { loadSystemFonts: false } }).render().asPng();
}

const fakeTools = async (name: string) => `/fake/bin/${name}`;

interface FakeTex {
  readonly runCommand: CommandRunner;
  readonly calls: CommandRequest[];
  /** The .tex file pdflatex was given. */
  texSource: string;
}

function fakeTex(behaviour: {
  pdflatex: (request: CommandRequest) => Promise<Awaited<ReturnType<CommandRunner>>>;
  png?: Buffer;
}): FakeTex {
  const fake: FakeTex = {
    calls: [],
    texSource: "",
    runCommand: async (request) => {
      fake.calls.push(request);
      if (request.command.endsWith("pdflatex")) {
        fake.texSource = await readFile(join(request.cwd, "document.tex"), "utf8");
        return behaviour.pdflatex(request);
      }
      if (behaviour.png !== undefined) await writeFile(join(request.cwd, "page.png"), behaviour.png);
      return { kind: "exited", exitCode: 0, signal: null, output: "" };
    },
  };
  return fake;
}

const compiles = async (request: CommandRequest) => {
  await writeFile(join(request.cwd, "document.pdf"), "%PDF-1.5 fake");
  await writeFile(
    join(request.cwd, "document.log"),
    "This is pdfTeX\nOutput written on document.pdf (1 page).",
  );
  return { kind: "exited", exitCode: 0, signal: null, output: "" } as const;
};

describe("given a document and a server without pdflatex", () => {
  it("when it is rendered in auto mode, then it is engine_missing saying formulas still work", async () => {
    const result = await renderLatex({ latex: DOCUMENT }, { findExecutable: async () => null });
    const error = failure(result);
    expect(error.kind).toBe("engine_missing");
    expect(error.message).toContain("pdflatex");
    expect(error.message).toContain("formulas work without it");
  });

  it.skipIf((process.env.PATH ?? "").split(":").some((dir) => existsSync(join(dir, "pdflatex"))))(
    "when the real PATH is searched, then the missing pdflatex gives engine_missing",
    async () => {
      expect(await findOnPath("pdflatex")).toBeNull();
      expect(failure(await renderLatex({ latex: TIKZ })).kind).toBe("engine_missing");
    },
  );

  it("when pdflatex is found but its binary cannot be run, then it is engine_missing", async () => {
    const result = await renderLatex(
      { latex: TIKZ },
      { findExecutable: async (name) => `/nonexistent/${name}`, runCommand: spawnCommand },
    );
    expect(failure(result).kind).toBe("engine_missing");
  });

  it("when pdflatex exists but no PDF converter does, then engine_missing names the converters", async () => {
    const result = await renderLatex(
      { latex: TIKZ },
      { findExecutable: async (name) => (name === "pdflatex" ? "/fake/pdflatex" : null) },
    );
    const error = failure(result);
    expect(error.kind).toBe("engine_missing");
    expect(error.message).toContain("pdftoppm");
  });
});

describe("given a fake pdflatex that succeeds", () => {
  it("when a TikZ picture is rendered, then it is wrapped in standalone and converted by pdftoppm", async () => {
    const fake = fakeTex({ pdflatex: compiles, png: await smallPng(120, 80) });
    const result = await renderLatex(
      { latex: TIKZ, dpi: 300 },
      { findExecutable: fakeTools, runCommand: fake.runCommand },
    );
    expect(result).toMatchObject({ ok: true, width: 120, height: 80, mode: "document", engine: "pdflatex" });
    expect(fake.texSource).toContain("\\documentclass[preview,border=2pt]{standalone}");
    expect(fake.texSource).toContain("\\usepackage{tikz}");
    expect(fake.texSource).toContain(TIKZ);
    const [pdflatex, converter] = fake.calls;
    expect(pdflatex?.args).toEqual([
      "-no-shell-escape",
      "-halt-on-error",
      "-interaction=nonstopmode",
      "document.tex",
    ]);
    expect(pdflatex?.env).toMatchObject({ openin_any: "p", openout_any: "p", shell_escape: "f" });
    expect(converter?.command).toBe("/fake/bin/pdftoppm");
    expect(converter?.args).toEqual(expect.arrayContaining(["-png", "-r", "300", "-singlefile"]));
  });

  it("when a full document is rendered, then it is compiled exactly as written", async () => {
    const fake = fakeTex({ pdflatex: compiles, png: await smallPng(50, 50) });
    const result = await renderLatex(
      { latex: DOCUMENT },
      { findExecutable: fakeTools, runCommand: fake.runCommand },
    );
    expect(result.ok).toBe(true);
    expect(fake.texSource).toBe(DOCUMENT);
  });

  it("when a formula is forced into document mode, then it is wrapped in display math", async () => {
    const fake = fakeTex({ pdflatex: compiles, png: await smallPng(50, 50) });
    await renderLatex(
      { latex: "E = mc^2", mode: "document" },
      { findExecutable: fakeTools, runCommand: fake.runCommand },
    );
    expect(fake.texSource).toContain("\\[\nE = mc^2\n\\]");
  });

  it("when the text is Cyrillic, then T2A and Russian babel are loaded", async () => {
    const fake = fakeTex({ pdflatex: compiles, png: await smallPng(50, 50) });
    await renderLatex(
      { latex: "\\begin{tabular}{c} скорость \\end{tabular}" },
      { findExecutable: fakeTools, runCommand: fake.runCommand },
    );
    expect(fake.texSource).toContain("\\usepackage[T2A]{fontenc}");
  });

  it("when the background is transparent, then pdftocairo -transp converts it", async () => {
    const fake = fakeTex({ pdflatex: compiles, png: await smallPng(50, 50) });
    const result = await renderLatex(
      { latex: TIKZ, background: "transparent" },
      { findExecutable: fakeTools, runCommand: fake.runCommand },
    );
    expect(result.ok).toBe(true);
    expect(fake.calls[1]?.command).toBe("/fake/bin/pdftocairo");
    expect(fake.calls[1]?.args).toContain("-transp");
  });

  it("when the page is bigger than the pixel limit, then it is too_large", async () => {
    const fake = fakeTex({ pdflatex: compiles, png: await smallPng(900, 20) });
    const result = await renderLatex(
      { latex: TIKZ },
      { findExecutable: fakeTools, runCommand: fake.runCommand, maxSide: 800 },
    );
    const error = failure(result);
    expect(error.kind).toBe("too_large");
    expect(error.message).toContain("900×20 px");
  });

  it("when the converter writes no PNG, then it is engine_failed", async () => {
    const fake = fakeTex({ pdflatex: compiles });
    expect(
      failure(await renderLatex({ latex: TIKZ }, { findExecutable: fakeTools, runCommand: fake.runCommand }))
        .kind,
    ).toBe("engine_failed");
  });
});

describe("given a fake pdflatex that fails", () => {
  it("when the log has a LaTeX error, then it is a syntax error on the user's line with a log excerpt", async () => {
    const fake = fakeTex({
      pdflatex: async (request) => {
        const texLine = fake.texSource.split("\n").findIndex((line) => line.includes("\\draw")) + 1;
        await writeFile(
          join(request.cwd, "document.log"),
          `This is pdfTeX\n! Undefined control sequence.\nl.${texLine} \\draw\n                (0,0) -- (1,1);\nNo pages of output.`,
        );
        return { kind: "exited", exitCode: 1, signal: null, output: "" };
      },
    });
    const error = failure(
      await renderLatex({ latex: TIKZ }, { findExecutable: fakeTools, runCommand: fake.runCommand }),
    );
    expect(error.kind).toBe("syntax");
    expect(error.message).toBe("LaTeX error on line 2: Undefined control sequence. (at `\\draw`)");
    expect(error.detail).toContain("! Undefined control sequence.");
    expect(error.detail).toContain("(0,0) -- (1,1);");
  });

  it("when it dies without a LaTeX error, then it is engine_failed with the log's tail", async () => {
    const fake = fakeTex({
      pdflatex: async () => ({
        kind: "exited",
        exitCode: null,
        signal: "SIGSEGV",
        output: "fatal: out of memory",
      }),
    });
    const error = failure(
      await renderLatex({ latex: TIKZ }, { findExecutable: fakeTools, runCommand: fake.runCommand }),
    );
    expect(error.kind).toBe("engine_failed");
    expect(error.message).toContain("SIGSEGV");
    expect(error.detail).toContain("out of memory");
  });

  it("when the runner reports a timeout, then it is a timeout naming the limit", async () => {
    const fake = fakeTex({ pdflatex: async () => ({ kind: "timeout", output: "" }) });
    const error = failure(
      await renderLatex(
        { latex: TIKZ },
        { findExecutable: fakeTools, runCommand: fake.runCommand, timeoutMs: 3_000 },
      ),
    );
    expect(error.kind).toBe("timeout");
    expect(error.message).toContain("3 s");
  });
});

describe("given a real pdflatex stand-in that hangs", () => {
  let bin: string;
  beforeEach(async () => {
    bin = await mkdtemp(join(tmpdir(), "latex-test-bin-"));
  });
  afterEach(async () => {
    await rm(bin, { recursive: true, force: true });
  });

  it("when the deadline passes, then its whole process group is killed and the temp dir removed", async () => {
    const pids = join(bin, "pids");
    const script = join(bin, "pdflatex");
    // The shell and a child `sleep` both record their pid; both must be gone afterwards.
    await writeFile(
      script,
      `#!/bin/sh\npwd > ${bin}/cwd\necho $$ >> ${pids}\nsleep 30 &\necho $! >> ${pids}\nwait\n`,
    );
    await chmod(script, 0o755);
    const started = Date.now();
    const result = await renderLatex(
      { latex: TIKZ },
      {
        findExecutable: async (name) => (name === "pdflatex" ? script : "/fake/pdftoppm"),
        runCommand: spawnCommand,
        timeoutMs: 700,
      },
    );
    expect(failure(result).kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(5_000);
    const recorded = (await readFile(pids, "utf8")).trim().split("\n").map(Number);
    expect(recorded).toHaveLength(2);
    for (const pid of recorded) expect(isAlive(pid)).toBe(false);
    const workDir = (await readFile(join(bin, "cwd"), "utf8")).trim();
    expect(existsSync(workDir)).toBe(false);
  });
});

/** Running, not merely a zombie waiting for a reaper (containers often lack an init that reaps). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, "utf8") : "";
  // Field 3, after the parenthesised command name, is the state; Z is a zombie.
  return !/\) Z /.test(stat);
}
