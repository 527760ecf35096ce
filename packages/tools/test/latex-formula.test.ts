import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { RenderLatexResult, RenderLatexSuccess } from "../src/index.ts";
import { renderLatex } from "../src/index.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// Documents must never reach a real pdflatex from these tests.
const noTex = { findExecutable: async () => null };

async function rendered(latex: string, extra: Partial<Parameters<typeof renderLatex>[0]> = {}) {
  const result = await renderLatex({ latex, ...extra }, noTex);
  if (!result.ok) throw new Error(`expected a PNG for ${latex}, got ${JSON.stringify(result.error)}`);
  return result;
}

function failure(result: RenderLatexResult) {
  if (result.ok) throw new Error("expected a failure");
  return result.error;
}

/** Decodes an 8-bit RGBA PNG (what resvg writes) into rows of pixels: enough to test colours. */
function decodeRgba(png: Buffer): {
  width: number;
  height: number;
  pixel: (x: number, y: number) => number[];
} {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  expect([png[24], png[25]]).toEqual([8, 6]);
  const chunks: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString("latin1", at + 4, at + 8) === "IDAT") chunks.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  const stride = width * 4;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x += 1) {
      const value = raw[y * (stride + 1) + 1 + x] ?? 0;
      const a = x >= 4 ? (out[y * stride + x - 4] ?? 0) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + x] ?? 0) : 0;
      const c = x >= 4 && y > 0 ? (out[(y - 1) * stride + x - 4] ?? 0) : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predictor = [0, a, b, Math.floor((a + b) / 2), paeth][filter ?? 0] ?? 0;
      out[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return {
    width,
    height,
    pixel: (x, y) => [...out.subarray(y * stride + x * 4, y * stride + x * 4 + 4)],
  };
}

function darkPixels(result: RenderLatexSuccess): number {
  const image = decodeRgba(result.png);
  let dark = 0;
  for (let y = 0; y < image.height; y += 1) {
    for (let x = 0; x < image.width; x += 1) {
      const [r = 0, , , alpha = 0] = image.pixel(x, y);
      if (alpha > 128 && r < 100) dark += 1;
    }
  }
  return dark;
}

describe("given a formula", () => {
  it("when it is rendered, then the result is a PNG from MathJax whose size matches its header", async () => {
    const result = await rendered("E = mc^2");
    expect(result.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(result).toMatchObject({ ok: true, mode: "formula", engine: "mathjax" });
    expect(result.png.readUInt32BE(16)).toBe(result.width);
    expect(result.png.readUInt32BE(20)).toBe(result.height);
    // About 33 px per em at the default 200 dpi: a short formula is a few em wide, one tall.
    expect(result.width).toBeGreaterThan(80);
    expect(result.width).toBeLessThan(400);
    expect(result.height).toBeGreaterThan(30);
    expect(result.height).toBeLessThan(120);
    expect(darkPixels(result)).toBeGreaterThan(100);
  });

  it("when the formula gets longer or taller, then the image grows with it", async () => {
    const short = await rendered("x");
    const long = await rendered("x + y + z + w + u + v");
    const flat = await rendered("ab");
    const tall = await rendered("\\frac{\\frac{a}{b}}{\\frac{c}{d}}");
    expect(long.width).toBeGreaterThan(short.width * 2);
    expect(tall.height).toBeGreaterThan(flat.height * 1.5);
  });

  it("when the dpi is higher, then the image is larger, and out-of-range dpi falls back to 200", async () => {
    const low = await rendered("a^2 + b^2", { dpi: 150 });
    const high = await rendered("a^2 + b^2", { dpi: 300 });
    const fallback = await rendered("a^2 + b^2", { dpi: 5000 });
    const standard = await rendered("a^2 + b^2", { dpi: 200 });
    expect(high.width).toBeGreaterThan(low.width * 1.7);
    expect(fallback.width).toBe(standard.width);
  });

  it("when it is written as inline $…$, then it renders, smaller than the same sum in display style", async () => {
    const inline = await rendered("$\\sum_{n=1}^{N} n$");
    const display = await rendered("\\[\\sum_{n=1}^{N} n\\]");
    expect(inline.height).toBeLessThan(display.height);
  });

  it("when it uses $$…$$, \\(…\\) or \\[…\\], then the delimiters are stripped and it renders", async () => {
    const bare = await rendered("\\int_0^1 x\\,dx");
    const dollars = await rendered("$$\\int_0^1 x\\,dx$$");
    const brackets = await rendered("\\[\\int_0^1 x\\,dx\\]");
    expect(dollars.width).toBe(bare.width);
    expect(brackets.width).toBe(bare.width);
    await rendered("\\(a+b\\)");
  });

  it("when it is an align environment, then both lines render one above the other", async () => {
    const one = await rendered("a &= b + c");
    const two = await rendered("\\begin{align} a &= b + c \\\\ d &= e \\end{align}");
    const starred = await rendered("\\begin{align*} a &= b \\\\ c &= d \\end{align*}");
    expect(two.height).toBeGreaterThan(one.height * 1.5);
    expect(starred.height).toBeGreaterThan(one.height * 1.5);
  });

  it("when bare lines are separated by \\\\, then they are stacked like gathered/aligned", async () => {
    const one = await rendered("a = b");
    const lines = await rendered("a = b \\\\ c = d \\\\ e = f");
    expect(lines.height).toBeGreaterThan(one.height * 2.5);
  });

  it("when several display blocks and text lines are given, then each becomes a row", async () => {
    const one = await rendered("$$E = mc^2$$");
    const rows = await rendered("Energy: $E = mc^2$\n$$F = ma$$\nand \\(p = mv\\).");
    expect(rows.height).toBeGreaterThan(one.height * 2);
  });

  it("when a line has two inline formulas separated by a space, then it renders as one text row", async () => {
    const result = await rendered("$a$ $b$");
    const single = await rendered("$a$");
    expect(result.width).toBeGreaterThan(single.width);
    expect(result.height).toBeLessThan(single.height * 1.5);
  });

  it("when it has a \\tag, then it renders with the label (no percentage width leaks into the PNG)", async () => {
    const plain = await rendered("x^2 + y^2 = z^2");
    const tagged = await rendered("x^2 + y^2 = z^2 \\tag{1}");
    expect(tagged.width).toBeGreaterThan(plain.width);
    expect(tagged.width).toBeLessThan(plain.width * 4);
  });

  it("when several formulas are rendered at once, then each gets its own image", async () => {
    const sources = ["a", "a + b", "a + b + c", "a + b + c + d"];
    const results = await Promise.all(sources.map((latex) => rendered(latex)));
    const widths = results.map((result) => result.width);
    expect(widths).toEqual([...widths].sort((x, y) => x - y));
    expect(new Set(widths).size).toBe(sources.length);
  });

  it("when the background is white, then the corner is opaque white; when transparent, it is clear", async () => {
    const white = decodeRgba((await rendered("x + 1")).png);
    const clear = decodeRgba((await rendered("x + 1", { background: "transparent" })).png);
    expect(white.pixel(0, 0)).toEqual([255, 255, 255, 255]);
    expect(clear.pixel(0, 0)[3]).toBe(0);
  });
});

describe("given characters MathJax 3.2.2 mishandles", () => {
  it("when a formula has €, ₽ or ɛ (outside MathJax's character table), then it renders", async () => {
    await rendered("5€ + 100₽ = ɛ");
  });

  it("when it has a CJK Extension B ideograph (the 'normnal' variant typo), then it renders", async () => {
    await rendered("\u{2730E} = x");
  });

  it("when it has a control character, then it is a syntax error naming the code point", async () => {
    const error = failure(await renderLatex({ latex: "a\n b\u0003" }, noTex));
    expect(error.kind).toBe("syntax");
    expect(error.message).toContain("U+0003");
    expect(error.message).toContain("line 2");
  });
});

describe("given a formula whose macros expand far beyond its size", () => {
  // 466 characters that MathJax's own limits allow: 100 expansions of 400 characters each;
  // it kept the event loop busy for 36 s before MathJax moved to a worker.
  const amplified = `\\def\\a{${"x+".repeat(200)}}\\def\\b{${"\\a".repeat(10)}}\\def\\c{${"\\b".repeat(10)}}\\c`;

  it("when it runs past the deadline, then it is a timeout, the event loop stays free, and the next formula renders", async () => {
    let ticks = 0;
    const ticker = setInterval(() => {
      ticks += 1;
    }, 50);
    const started = Date.now();
    const result = await renderLatex({ latex: amplified }, { ...noTex, formulaTimeoutMs: 1_500 });
    clearInterval(ticker);
    const error = failure(result);
    expect(error.kind).toBe("timeout");
    expect(error.message).toContain("1.5 s");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(ticks).toBeGreaterThan(10);
    await rendered("x + 1");
  });
});

describe("given a formula MathJax cannot parse", () => {
  it("when a control sequence is undefined, then it is a syntax error with MathJax's message", async () => {
    const error = failure(await renderLatex({ latex: "\\foo + 1" }, noTex));
    expect(error.kind).toBe("syntax");
    expect(error.message).toContain("Undefined control sequence \\foo");
  });

  it("when a brace is missing, then it is a syntax error naming the missing brace", async () => {
    const error = failure(await renderLatex({ latex: "\\frac{a}{b" }, noTex));
    expect(error).toMatchObject({ kind: "syntax" });
    expect(error.message).toContain("Missing close brace");
  });

  it("when an environment is not closed, then it is a syntax error", async () => {
    const error = failure(await renderLatex({ latex: "\\begin{align} a &= b" }, noTex));
    expect(error.kind).toBe("syntax");
    expect(error.message).toMatch(/end|\\end|align/i);
  });

  it("when the bad line is one of several, then the message says which", async () => {
    const error = failure(await renderLatex({ latex: "$$a = b$$\n$$\\nope$$" }, noTex));
    expect(error.message).toContain("line 2 of the formula");
  });

  it("when a $ delimiter is never closed, then it is a syntax error naming the delimiter", async () => {
    const error = failure(await renderLatex({ latex: "the value $x + 1" }, noTex));
    expect(error).toMatchObject({ kind: "syntax" });
    expect(error.message).toContain("`$`");
  });

  it("when a macro recurses forever, then MathJax's substitution limit stops it as a syntax error", async () => {
    const error = failure(await renderLatex({ latex: "\\def\\a{\\a\\a}\\a" }, noTex));
    expect(error.kind).toBe("syntax");
    expect(error.message).toContain("maximum macro substitution");
  });

  it("when braces are nested thousands deep, then it fails as a syntax error instead of crashing", async () => {
    const deep = `${"{".repeat(2400)}x${"}".repeat(2400)}`;
    const error = failure(await renderLatex({ latex: deep }, noTex));
    expect(error.kind).toBe("syntax");
    // And MathJax still works afterwards.
    await rendered("y");
  });
});

describe("given input that is empty or too big", () => {
  it("when the source is blank or only delimiters, then it is empty", async () => {
    expect(failure(await renderLatex({ latex: "  \n " }, noTex)).kind).toBe("empty");
    expect(failure(await renderLatex({ latex: "$$ $$" }, noTex)).kind).toBe("empty");
  });

  it("when latex is not a string (a model's bad JSON), then it is empty rather than a crash", async () => {
    const request = { latex: 42 } as unknown as Parameters<typeof renderLatex>[0];
    expect(failure(await renderLatex(request, noTex)).kind).toBe("empty");
  });

  it("when the source is over 20 000 characters, then it is too large before anything runs", async () => {
    const error = failure(await renderLatex({ latex: "x".repeat(20_001) }, noTex));
    expect(error.kind).toBe("too_large");
    expect(error.message).toContain("20000");
  });

  it("when a formula is over the MathJax limit, then it is too large with the limit named", async () => {
    const error = failure(await renderLatex({ latex: "x+".repeat(3_000) }, noTex));
    expect(error.kind).toBe("too_large");
    expect(error.message).toContain("5000");
  });

  it("when the image would exceed the pixel limit, then it is too large with its size", async () => {
    const error = failure(await renderLatex({ latex: "a+".repeat(200) }, { ...noTex, maxSide: 1_000 }));
    expect(error.kind).toBe("too_large");
    expect(error.message).toMatch(/\d+×\d+ px/);
  });
});
