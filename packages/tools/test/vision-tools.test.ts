import { nanoUsd, priceToolUse } from "@bot/domain";
import { AnthropicProvider, modelRegistry } from "@bot/llm";
import { type FakeAnthropic, startFakeAnthropic } from "@bot/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { createPreviewFileTool } from "../src/files/preview-file-tool.ts";
import { fakeToolRun } from "../src/toolbox/fake-tool-context.ts";
import { createAnalyzeImageTool, createAnalyzePdfTool } from "../src/vision/analyze-tools.ts";

const fakes: FakeAnthropic[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const model = modelRegistry.getModel("claude-haiku-4-5");
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

async function setup() {
  const fake = await startFakeAnthropic();
  fakes.push(fake);
  const provider = new AnthropicProvider({ apiKey: "k", baseURL: fake.baseURL, maxRetries: 0 });
  return {
    fake,
    image: createAnalyzeImageTool({ provider, model }),
    pdf: createAnalyzePdfTool({ provider, model }),
  };
}

describe("analyze_image and analyze_pdf", () => {
  it("given an image of the thread, when asked about it, then the vision model gets the image and the question, and its tokens are charged at its prices", async () => {
    const { fake, image } = await setup();
    fake.enqueue({
      kind: "message",
      blocks: [{ type: "text", text: "A red car." }],
      usage: { input_tokens: 1600, output_tokens: 40 },
    });
    const run = fakeToolRun();
    const file = run.files.add({ name: "car.png", bytes: PNG, mimeType: "image/png", kind: "photo" });

    const outcome = await image.run({ file_id: file.fileId, question: "What is it?" }, run.context);

    expect(outcome.ok).toBe(true);
    expect(JSON.parse(String(outcome.content))).toMatchObject({ answer: "A red car.", model: model.id });
    const body = fake.requests.at(-1)?.body as { model: string; messages: { content: { type: string }[] }[] };
    expect(body.model).toBe(model.id);
    expect(body.messages[0]?.content.map((block) => block.type)).toEqual(["image", "text"]);
    expect(outcome.charge?.quantities).toEqual({ inputTokens: 1600, outputTokens: 40 });
    expect(outcome.charge?.amount).toBe(
      priceToolUse(
        { inputTokens: 1600, outputTokens: 40 },
        {
          inputTokens: { nanoUsd: model.prices.input, per: 1 },
          outputTokens: { nanoUsd: model.prices.output, per: 1 },
        },
      ),
    );
  });

  it("given files of the wrong kind or size, when analysed, then the model is told why and nothing is charged or sent", async () => {
    const { fake, image, pdf } = await setup();
    const run = fakeToolRun();
    const text = run.files.add({ name: "notes.txt", bytes: "hi", mimeType: "text/plain", kind: "text" });
    const big = run.files.add({
      name: "big.png",
      bytes: PNG,
      mimeType: "image/png",
      kind: "image",
      sizeBytes: 6 * 1024 * 1024,
    });
    const photo = run.files.add({ name: "p.jpg", bytes: PNG, mimeType: "image/jpeg", kind: "photo" });
    for (const [tool, fileId] of [
      [image, text.fileId],
      [image, big.fileId],
      [pdf, photo.fileId],
    ] as const) {
      const outcome = await tool.run({ file_id: fileId, question: "?" }, run.context);
      expect(outcome).toMatchObject({ ok: false, errorKind: "bad_input", charge: null });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it("given the vision model failing, when a PDF is analysed, then the failure is reported as a provider error", async () => {
    const { fake, pdf } = await setup();
    fake.enqueue({ kind: "http_error", status: 529, errorType: "overloaded_error", message: "busy" });
    const run = fakeToolRun();
    const file = run.files.add({
      name: "r.pdf",
      bytes: "%PDF-1.4\n",
      mimeType: "application/pdf",
      kind: "pdf",
    });
    const outcome = await pdf.run({ file_id: file.fileId, question: "Summarise" }, run.context);
    expect(outcome).toMatchObject({ ok: false, errorKind: "provider_error" });
    expect(String(outcome.content)).toContain("overloaded");
  });
});

describe("preview_file with the vision model", () => {
  it("given an image, when previewed, then the vision model describes it and its tokens are charged; a text file stays free", async () => {
    const fake = await startFakeAnthropic();
    fakes.push(fake);
    const provider = new AnthropicProvider({ apiKey: "k", baseURL: fake.baseURL, maxRetries: 0 });
    const preview = createPreviewFileTool({ vision: { provider, model } });
    fake.enqueue({
      kind: "message",
      blocks: [{ type: "text", text: "A receipt for $12." }],
      usage: { input_tokens: 900, output_tokens: 20 },
    });
    const run = fakeToolRun({ standing: { balance: nanoUsd(1_000_000), privileged: false } });
    const image = run.files.add({ name: "receipt.png", bytes: PNG, mimeType: "image/png", kind: "photo" });
    const notes = run.files.add({
      name: "notes.txt",
      bytes: "line one\n",
      mimeType: "text/plain",
      kind: "text",
    });

    const described = await preview.run({ file_id: image.fileId }, run.context);
    expect(described.ok).toBe(true);
    expect(JSON.parse(String(described.content))).toMatchObject({ answer: "A receipt for $12." });
    expect(described.charge?.quantities).toEqual({ inputTokens: 900, outputTokens: 20 });

    const text = await preview.run({ file_id: notes.fileId }, run.context);
    expect(text.ok).toBe(true);
    expect(text.charge).toBeNull();
    expect(fake.requests).toHaveLength(1);
  });

  it("given a balance below zero, when an image is previewed, then it is refused before any call", async () => {
    const fake = await startFakeAnthropic();
    fakes.push(fake);
    const provider = new AnthropicProvider({ apiKey: "k", baseURL: fake.baseURL, maxRetries: 0 });
    const preview = createPreviewFileTool({ vision: { provider, model } });
    const run = fakeToolRun({ standing: { balance: nanoUsd(-5), privileged: false } });
    const image = run.files.add({ name: "x.png", bytes: PNG, mimeType: "image/png", kind: "image" });
    const outcome = await preview.run({ file_id: image.fileId }, run.context);
    expect(outcome).toMatchObject({ ok: false, errorKind: "insufficient_balance", charge: null });
    expect(fake.requests).toHaveLength(0);
  });
});
