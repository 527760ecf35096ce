import type { ContentPart } from "@bot/llm";
import { describe, expect, it } from "vitest";
import { createRenderLatexTool, createToolBox, readImageHeader } from "../src/index.ts";
import { fakeToolRun } from "../src/toolbox/fake-tool-context.ts";

// Documents must never reach a real pdflatex from these tests.
const noTex = { findExecutable: async () => null };

function setup() {
  const run = fakeToolRun();
  const box = createToolBox({ tools: [createRenderLatexTool({ render: noTex })] });
  const render = (input: unknown) => box.run({ toolUseId: "t1", name: "render_latex", input }, run.context);
  return { ...run, render };
}

function errorBody(content: string | readonly ContentPart[]) {
  if (typeof content !== "string") throw new Error("expected a JSON error");
  return JSON.parse(content);
}

describe("render_latex tool", () => {
  it("given a formula, when rendered, then a pending PNG is stored and shown to the model", async () => {
    const { render, files } = setup();
    const outcome = await render({ latex: "E = mc^2" });
    expect(outcome).toMatchObject({ ok: true, errorKind: null, charge: null });
    const [text, image] = outcome.content as readonly ContentPart[];
    if (text?.type !== "text" || image?.type !== "image") throw new Error("expected text and image blocks");
    const result = JSON.parse(text.text);
    const [stored] = files.list();
    expect(stored).toMatchObject({
      source: "assistant",
      name: "formula.png",
      mimeType: "image/png",
      kind: "image",
      delivered: false,
    });
    expect(result).toMatchObject({
      file_id: stored?.fileId,
      name: "formula.png",
      engine: "mathjax",
      mode: "formula",
      status: "pending",
      next: expect.stringMatching(/deliver_file/),
    });
    expect(image.base64?.mediaType).toBe("image/png");
    const png = Buffer.from(image.base64?.data ?? "", "base64");
    expect(readImageHeader(png)).toEqual({ format: "png", width: result.width, height: result.height });
    expect(png.equals(await files.read(stored?.fileId ?? ""))).toBe(true);
    expect(outcome.summary).toMatch(/^formula \d+×\d+ px by mathjax$/);
  });

  it("given a higher dpi, when rendered, then the image is larger", async () => {
    const { render } = setup();
    const size = async (dpi: number) => {
      const outcome = await render({ latex: "x^2", dpi });
      const [text] = outcome.content as readonly ContentPart[];
      return JSON.parse(text?.type === "text" ? text.text : "{}").width as number;
    };
    expect(await size(300)).toBeGreaterThan(await size(150));
  });

  it("given a forbidden primitive, when rendered, then forbidden_primitive and no file", async () => {
    const { render, files } = setup();
    const outcome = await render({ latex: "\\input{/etc/passwd}" });
    expect(outcome.errorKind).toBe("forbidden_primitive");
    expect(errorBody(outcome.content).message).toMatch(/\\input/);
    expect(files.list()).toHaveLength(0);
  });

  it("given a TikZ picture and no TeX installed, when rendered, then engine_missing", async () => {
    const { render } = setup();
    const outcome = await render({ latex: "\\begin{tikzpicture}\\draw (0,0) -- (1,1);\\end{tikzpicture}" });
    expect(outcome.errorKind).toBe("engine_missing");
  });

  it("given a source over the limit, when rendered, then too_large with renderLatex's message", async () => {
    const { render } = setup();
    const outcome = await render({ latex: "x+".repeat(10_001) });
    expect(outcome.errorKind).toBe("too_large");
    expect(errorBody(outcome.content).message).toMatch(/limit is 20000/);
  });

  it("given an unclosed delimiter, when rendered, then syntax", async () => {
    const { render } = setup();
    const outcome = await render({ latex: "$x + y" });
    expect(outcome.errorKind).toBe("syntax");
  });

  it("given only delimiters, when rendered, then bad_input", async () => {
    const { render } = setup();
    const outcome = await render({ latex: "$$ $$" });
    expect(outcome.errorKind).toBe("bad_input");
  });

  it("given a dpi out of range, a wrong background or no latex, when rendered, then bad_input names the field", async () => {
    const { render } = setup();
    const fields = async (input: unknown) =>
      errorBody((await render(input)).content).issues.map((issue: { field: string }) => issue.field);
    expect(await fields({ latex: "x", dpi: 600 })).toEqual(["dpi"]);
    expect(await fields({ latex: "x", background: "black" })).toEqual(["background"]);
    expect(await fields({ latex: 42 })).toEqual(["latex"]);
    expect(await fields({})).toEqual(["latex"]);
  });

  it("given the request is cancelled during the render, when it ends, then no file is stored", async () => {
    const { render, files, controller } = setup();
    const pending = render({ latex: "a^2 + b^2 = c^2" });
    controller.abort();
    const outcome = await pending;
    expect(outcome.errorKind).toBe("cancelled");
    expect(files.list()).toHaveLength(0);
  });
});
