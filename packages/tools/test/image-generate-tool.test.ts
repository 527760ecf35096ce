import { type ContentPart, modelRegistry, type ToolPriceList } from "@bot/llm";
import { type FakeGemini, readPngSize, solidPng, startFakeGemini } from "@bot/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  createGenerateImageTool,
  type ImageGeneratorOptions,
  type ToolPriceSource,
  toolInputSchema,
} from "../src/index.ts";
import { fakeToolRun } from "../src/toolbox/fake-tool-context.ts";

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(options: Partial<ImageGeneratorOptions> = {}) {
  const fake = await startFakeGemini();
  fakes.push(fake);
  const tool = createGenerateImageTool({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, ...options });
  return { fake, tool, thread: fakeToolRun({ fileId: (n) => `file-${n}` }) };
}

const prices = modelRegistry.toolPrices("generate_image:gemini-3-pro-image") as ToolPriceList;

function textOf(content: string | readonly ContentPart[]): Record<string, unknown> {
  const text = typeof content === "string" ? content : content.find((part) => part.type === "text");
  if (text === undefined) throw new Error("no text in the content");
  return JSON.parse(typeof text === "string" ? text : (text as { text: string }).text) as Record<
    string,
    unknown
  >;
}

function imageBlocks(content: string | readonly ContentPart[]) {
  if (typeof content === "string") return [];
  return content.flatMap((part) => (part.type === "image" && part.base64 ? [part.base64] : []));
}

const png = (side: number) => solidPng(side, side, [200, 10, 10]);

describe("given a prompt and an image size", () => {
  it.each([
    { size: "1K", ratio: "1:1", unit: "images1k", width: 1024, height: 1024, amount: 134_000_000 },
    { size: "2K", ratio: "16:9", unit: "images2k", width: 2752, height: 1536, amount: 134_000_000 },
    { size: "4K", ratio: "9:16", unit: "images4k", width: 3072, height: 5504, amount: 240_000_000 },
  ] as const)(
    "when a $size $ratio image is generated, then it is stored, shown to the model and charged $amount nano-USD",
    async ({ size, ratio, unit, width, height, amount }) => {
      const { fake, tool, thread } = await setup();
      fake.enqueue({
        kind: "response",
        parts: [{ text: "A red square, as asked." }, { image: "requested" }],
      });

      const outcome = await tool.run(
        tool.input.parse({ prompt: "A red square", aspect_ratio: ratio, image_size: size }),
        thread.context,
      );

      expect(outcome).toMatchObject({ ok: true, errorKind: null });
      expect(outcome.charge).toEqual({
        priceTableVersion: prices.priceTableVersion,
        quantities: { [unit]: 1 },
        unitPrices: { [unit]: prices.prices[unit] },
        amount,
        userAmount: amount,
      });
      expect(thread.files.produced).toEqual([
        expect.objectContaining({ name: "image-1.png", mimeType: "image/png", kind: "image" }),
      ]);
      const result = textOf(outcome.content);
      expect(result).toMatchObject({
        file_id: "file-1",
        width,
        height,
        size,
        text: "A red square, as asked.",
      });
      expect(result.next_step).toContain("deliver_file");
      if (size === "4K") expect(result.next_step).toContain("as a document");
      const [preview] = imageBlocks(outcome.content);
      expect(preview?.mediaType).toBe("image/png");
      const shown = readPngSize(Buffer.from(preview?.data ?? "", "base64"));
      expect(Math.max(shown.width, shown.height)).toBeLessThanOrEqual(1568);
      expect(fake.requests[0]?.summary).toMatchObject({
        responseModalities: ["IMAGE", "TEXT"],
        aspectRatio: ratio,
        imageSize: size,
        grounding: false,
        sourceImages: 0,
        promptText: "A red square",
      });
    },
  );

  it("when nothing but the prompt is given, then the original's defaults apply: 1:1 at 2K", async () => {
    const { fake, tool, thread } = await setup();
    fake.enqueue({ kind: "response", parts: [{ image: "requested" }] });

    const outcome = await tool.run(tool.input.parse({ prompt: "A cat" }), thread.context);

    expect(fake.requests[0]?.summary).toMatchObject({ aspectRatio: "1:1", imageSize: "2K" });
    expect(outcome.charge?.quantities).toEqual({ images2k: 1 });
  });

  it("when grounding is asked, then the request carries the googleSearch tool", async () => {
    const { fake, tool, thread } = await setup();
    fake.enqueue({ kind: "response", parts: [{ image: "requested" }] });

    await tool.run(
      tool.input.parse({ prompt: "Today's weather map", use_search_grounding: true }),
      thread.context,
    );

    expect(fake.requests[0]?.summary?.grounding).toBe(true);
  });

  it("when the thread already has image-3.png, then the new file is image-4.png", async () => {
    const { fake, tool, thread } = await setup();
    thread.files.add({
      kind: "image",
      name: "image-3.png",
      mimeType: "image/png",
      bytes: png(8),
      source: "assistant",
    });
    fake.enqueue({ kind: "response", parts: [{ image: "requested" }] });

    await tool.run(tool.input.parse({ prompt: "Another" }), thread.context);

    expect(thread.files.produced[0]?.name).toBe("image-4.png");
  });
});

describe("given source images to edit", () => {
  it("when three thread images are given, then all three are sent inline with the prompt", async () => {
    const { fake, tool, thread } = await setup();
    const ids = [
      thread.files.add({ kind: "photo", name: "a.jpg", mimeType: "image/jpeg", bytes: png(16) }).fileId,
      thread.files.add({ kind: "image", name: "b.png", mimeType: "image/png", bytes: png(16) }).fileId,
      thread.files.add({ kind: "photo", name: "c.webp", mimeType: "image/webp", bytes: png(16) }).fileId,
    ];
    fake.enqueue({ kind: "response", parts: [{ text: "Combined." }, { image: "requested" }] });

    const outcome = await tool.run(
      tool.input.parse({ prompt: "Put them side by side", source_file_ids: ids, image_size: "1K" }),
      thread.context,
    );

    expect(outcome.ok).toBe(true);
    expect(fake.requests[0]?.summary).toMatchObject({
      sourceImages: 3,
      sourceImageMimeTypes: ["image/jpeg", "image/png", "image/webp"],
      promptText: "Put them side by side",
    });
    expect(outcome.charge?.quantities).toEqual({ images1k: 1 });
  });

  it("when fifteen sources are given, then bad_input before any request (and the schema refuses them too)", async () => {
    const { fake, tool, thread } = await setup();
    const ids = Array.from(
      { length: 15 },
      (_, index) =>
        thread.files.add({ kind: "photo", name: `p${index}.png`, mimeType: "image/png", bytes: png(8) })
          .fileId,
    );

    const outcome = await tool.run(
      {
        prompt: "Merge",
        aspect_ratio: "1:1",
        image_size: "1K",
        source_file_ids: ids,
        use_search_grounding: false,
      },
      thread.context,
    );

    expect(outcome).toMatchObject({ ok: false, errorKind: "bad_input", charge: null });
    expect(textOf(outcome.content).message).toContain("At most 14 source images");
    expect(fake.requests).toHaveLength(0);
    expect(tool.input.safeParse({ prompt: "Merge", source_file_ids: ids }).success).toBe(false);
  });

  it("when a source is a voice note, then bad_input names its kind", async () => {
    const { fake, tool, thread } = await setup();
    const voice = thread.files.add({
      kind: "voice",
      name: "v.ogg",
      mimeType: "audio/ogg",
      bytes: Buffer.alloc(10),
    });

    const outcome = await tool.run(
      tool.input.parse({ prompt: "Edit", source_file_ids: [voice.fileId] }),
      thread.context,
    );

    expect(outcome).toMatchObject({ ok: false, errorKind: "bad_input" });
    expect(textOf(outcome.content)).toMatchObject({ file_id: voice.fileId });
    expect(textOf(outcome.content).message).toContain("is a voice file");
    expect(fake.requests).toHaveLength(0);
  });

  it("when a source is a GIF, then bad_input names its type", async () => {
    const { tool, thread } = await setup();
    const gif = thread.files.add({
      kind: "image",
      name: "a.gif",
      mimeType: "image/gif",
      bytes: Buffer.alloc(10),
    });

    const outcome = await tool.run(
      tool.input.parse({ prompt: "Edit", source_file_ids: [gif.fileId] }),
      thread.context,
    );

    expect(textOf(outcome.content).message).toContain("image/gif");
  });
});

describe("given no image comes back", () => {
  it("when the image is stopped by IMAGE_SAFETY, then blocked with the reason and no charge", async () => {
    const { fake, tool, thread } = await setup();
    fake.enqueue({ kind: "response", parts: [], finishReason: "IMAGE_SAFETY" });

    const outcome = await tool.run(tool.input.parse({ prompt: "something" }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "blocked", charge: null });
    expect(textOf(outcome.content)).toMatchObject({ reason: "IMAGE_SAFETY" });
    expect(thread.files.produced).toHaveLength(0);
  });

  it("when the prompt itself is blocked, then blocked with the prompt's reason and no charge", async () => {
    const { fake, tool, thread } = await setup();
    fake.enqueue({ kind: "prompt_blocked", blockReason: "PROHIBITED_CONTENT" });

    const outcome = await tool.run(tool.input.parse({ prompt: "something" }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "blocked", charge: null });
    expect(textOf(outcome.content)).toMatchObject({ reason: "PROHIBITED_CONTENT" });
  });

  it("when the model only writes text, then no_image with its words and no charge", async () => {
    const { fake, tool, thread } = await setup();
    fake.enqueue({ kind: "response", parts: [{ text: "Which style would you like?" }] });

    const outcome = await tool.run(tool.input.parse({ prompt: "Draw" }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "no_image", charge: null });
    expect(textOf(outcome.content)).toMatchObject({ model_text: "Which style would you like?" });
  });
});

describe("given provider failures", () => {
  it("when Gemini answers 429 with retry-after, then rate_limited with the wait", async () => {
    const { fake, tool, thread } = await setup();
    fake.enqueue({ kind: "http_error", status: 429, retryAfterSeconds: 3 });

    const outcome = await tool.run(tool.input.parse({ prompt: "Draw" }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "rate_limited", charge: null });
    expect(textOf(outcome.content)).toMatchObject({ retry_after_seconds: 3 });
  });

  it("when the model does not exist there, then provider_error naming it", async () => {
    const priced: ToolPriceSource = {
      toolPrices: (name) => (name === "generate_image:gemini-9-image" ? prices : undefined),
    };
    const { tool, thread } = await setup({ model: "gemini-9-image", prices: priced });

    const outcome = await tool.run(tool.input.parse({ prompt: "Draw" }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "provider_error", charge: null });
    expect(textOf(outcome.content).message).toContain('"gemini-9-image" is not available');
  });

  it("when the answer never comes, then timeout", async () => {
    const { fake, tool, thread } = await setup({ timeoutMs: 150 });
    fake.enqueue({ kind: "hang" });

    const outcome = await tool.run(tool.input.parse({ prompt: "Draw" }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "timeout", charge: null });
  });

  it("when the generation is stopped, then cancelled, no charge, and the request is aborted", async () => {
    const { fake, tool, thread } = await setup();
    fake.enqueue({ kind: "hang" });
    setTimeout(() => thread.controller.abort(), 100);

    const outcome = await tool.run(tool.input.parse({ prompt: "Draw" }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "cancelled", charge: null });
    await expect.poll(() => fake.requests[0]?.aborted, { timeout: 5_000 }).toBe(true);
  });

  it("when the image cannot be stored, then storage_error still carries the charge (the provider billed it)", async () => {
    const { fake, tool, thread } = await setup();
    fake.enqueue({ kind: "response", parts: [{ image: "requested" }] });
    thread.files.failProduceWith = new Error("disk full");

    const outcome = await tool.run(tool.input.parse({ prompt: "Draw", image_size: "1K" }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "storage_error" });
    expect(outcome.charge?.quantities).toEqual({ images1k: 1 });
  });
});

describe("given the configuration", () => {
  it("when the retired preview model is configured, then creation fails naming its successor", () => {
    expect(() => createGenerateImageTool({ apiKey: "k", model: "gemini-3-pro-image-preview" })).toThrow(
      /shut down.*use "gemini-3-pro-image"/,
    );
  });

  it("when a model without prices is configured, then creation fails", () => {
    expect(() => createGenerateImageTool({ apiKey: "k", model: "gemini-2.5-flash-image" })).toThrow(
      /no price for "generate_image:gemini-2.5-flash-image"/,
    );
  });

  it("when nothing is chosen, then the tool is the paid generate_image on gemini-3-pro-image", () => {
    const tool = createGenerateImageTool({ apiKey: "k" });

    expect(tool).toMatchObject({ name: "generate_image", paid: true });
  });

  it("when the model is shown the input, then the schema has the enums and only the prompt is required", () => {
    const tool = createGenerateImageTool({ apiKey: "k" });

    const schema = toolInputSchema(tool.name, tool.input) as {
      required?: string[];
      properties: Record<string, { enum?: string[]; default?: unknown }>;
    };

    expect(schema.required).toEqual(["prompt"]);
    expect(schema.properties.image_size).toMatchObject({ enum: ["1K", "2K", "4K"], default: "2K" });
    expect(schema.properties.aspect_ratio?.enum).toContain("21:9");
  });
});
