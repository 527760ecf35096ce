import { type GenerateContentResponse, GoogleGenAI } from "@google/genai";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type FakeGemini,
  type FakeGeminiOptions,
  readPngSize,
  solidPng,
  startFakeGemini,
} from "../src/index.ts";

const fakes: FakeGemini[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function start(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const fake = await startFakeGemini(options);
  fakes.push(fake);
  return fake;
}

function clientFor(fake: FakeGemini, apiVersion?: string): GoogleGenAI {
  return new GoogleGenAI({
    apiKey: fake.apiKey,
    httpOptions: { baseUrl: fake.baseUrl, ...(apiVersion ? { apiVersion } : {}) },
  });
}

/** The size of the first inline PNG among the chunks. */
function imageSizeIn(chunks: readonly GenerateContentResponse[]): { width: number; height: number } {
  for (const chunk of chunks) {
    for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
      const data = part.inlineData?.data;
      if (data !== undefined) return readPngSize(Buffer.from(data, "base64"));
    }
  }
  throw new Error("no image in the response");
}

async function collect(stream: AsyncGenerator<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const chunks: GenerateContentResponse[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const source = Buffer.from(solidPng(64, 64, [255, 0, 0])).toString("base64");

describe("given a text + image script on the default API version (v1)", () => {
  it("when the SDK streams with imageConfig 1:1 2K, then it gets the text, a 2048x2048 PNG, STOP and usage", async () => {
    const fake = await start();
    fake.enqueue({ kind: "response", parts: [{ text: "Here is your cat." }, { image: "requested" }] });

    const stream = await clientFor(fake).models.generateContentStream({
      model: "gemini-3-pro-image",
      contents: "Draw a cat",
      config: { responseModalities: ["IMAGE", "TEXT"], imageConfig: { aspectRatio: "1:1", imageSize: "2K" } },
    });
    const chunks = await collect(stream);

    expect(chunks).toHaveLength(2);
    expect(chunks[0]?.candidates?.[0]?.content?.parts?.[0]?.text).toBe("Here is your cat.");
    expect(imageSizeIn(chunks)).toEqual({ width: 2048, height: 2048 });
    const last = chunks[chunks.length - 1];
    expect(last?.candidates?.[0]?.finishReason).toBe("STOP");
    expect(last?.usageMetadata).toMatchObject({
      promptTokenCount: 3,
      candidatesTokenCount: 5 + 1120,
      thoughtsTokenCount: 0,
      cachedContentTokenCount: 0,
      totalTokenCount: 3 + 5 + 1120,
    });
  });

  it("when the request is sent, then the fake records path, version, model, size, ratio and prompt", async () => {
    const fake = await start();
    fake.enqueue({ kind: "response", parts: [{ image: "requested" }] });

    await collect(
      await clientFor(fake).models.generateContentStream({
        model: "gemini-3-pro-image",
        contents: [
          {
            role: "user",
            parts: [{ text: "Make it blue" }, { inlineData: { mimeType: "image/png", data: source } }],
          },
        ],
        config: {
          responseModalities: ["IMAGE", "TEXT"],
          imageConfig: { aspectRatio: "16:9", imageSize: "1K" },
          tools: [{ googleSearch: {} }],
        },
      }),
    );

    const [request] = fake.requests;
    expect(request).toMatchObject({
      method: "POST",
      path: "/v1/models/gemini-3-pro-image:streamGenerateContent",
      query: { alt: "sse" },
      apiVersion: "v1",
      model: "gemini-3-pro-image",
      generateMethod: "streamGenerateContent",
      status: 200,
      summary: {
        promptText: "Make it blue",
        sourceImages: 1,
        sourceImageMimeTypes: ["image/png"],
        responseModalities: ["IMAGE", "TEXT"],
        aspectRatio: "16:9",
        imageSize: "1K",
        grounding: true,
      },
    });
    expect(request?.headers["x-goog-api-key"]).toBe(fake.apiKey);
  });
});

describe("given the v1beta API version", () => {
  it("when generateContent asks for 16:9 4K, then one response carries a 5504x3072 PNG and the 4K token count", async () => {
    const fake = await start();
    fake.enqueue({ kind: "response", parts: [{ text: "Done." }, { image: "requested" }] });

    const response = await clientFor(fake, "v1beta").models.generateContent({
      model: "gemini-3-pro-image",
      contents: "A wide landscape",
      config: {
        responseModalities: ["IMAGE", "TEXT"],
        imageConfig: { aspectRatio: "16:9", imageSize: "4K" },
      },
    });

    expect(fake.requests[0]?.path).toBe("/v1beta/models/gemini-3-pro-image:generateContent");
    expect(fake.requests[0]?.apiVersion).toBe("v1beta");
    expect(response.candidates?.[0]?.content?.parts).toHaveLength(2);
    expect(imageSizeIn([response])).toEqual({ width: 5504, height: 3072 });
    expect(response.usageMetadata?.candidatesTokenCount).toBe(2 + 2000);
    expect(response.candidates?.[0]?.finishReason).toBe("STOP");
  });

  it("when the script pins a 4096x4096 image, then the decoded image has exactly that size", async () => {
    const fake = await start();
    fake.enqueue({ kind: "response", parts: [{ image: { width: 4096, height: 4096, rgb: [0, 128, 255] } }] });

    const chunks = await collect(
      await clientFor(fake, "v1beta").models.generateContentStream({
        model: "gemini-3-pro-image",
        contents: "Square",
        config: { responseModalities: ["IMAGE"] },
      }),
    );

    expect(imageSizeIn(chunks)).toEqual({ width: 4096, height: 4096 });
  });
});

describe("given a streamed answer split into pieces", () => {
  it("when text is chunked, then each chunk has running usage and only the last has finishReason", async () => {
    const fake = await start();
    fake.enqueue({
      kind: "response",
      parts: [{ text: "abcdefgh" }],
      textChunkChars: 4,
      usage: { thoughtsTokenCount: 7 },
    });

    const chunks = await collect(
      await clientFor(fake).models.generateContentStream({ model: "gemini-3-pro-image", contents: "hi" }),
    );

    expect(chunks.map((chunk) => chunk.text)).toEqual(["abcd", "efgh"]);
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.finishReason)).toEqual([undefined, "STOP"]);
    expect(chunks[0]?.usageMetadata?.candidatesTokenCount).toBe(1);
    expect(chunks[1]?.usageMetadata).toMatchObject({
      candidatesTokenCount: 2,
      thoughtsTokenCount: 7,
      totalTokenCount: 10,
    });
  });
});

describe("given a safety block", () => {
  it("when the image is blocked, then the candidate has IMAGE_SAFETY and no content", async () => {
    const fake = await start();
    fake.enqueue({ kind: "response", parts: [], finishReason: "IMAGE_SAFETY" });

    const chunks = await collect(
      await clientFor(fake).models.generateContentStream({
        model: "gemini-3-pro-image",
        contents: "something",
        config: { responseModalities: ["IMAGE", "TEXT"] },
      }),
    );

    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.candidates?.[0]?.finishReason).toBe("IMAGE_SAFETY");
    expect(chunks[0]?.candidates?.[0]?.content).toBeUndefined();
  });

  it("when the prompt is blocked, then the response has promptFeedback and no candidates", async () => {
    const fake = await start();
    fake.enqueue({ kind: "prompt_blocked", blockReason: "SAFETY" });

    const response = await clientFor(fake).models.generateContent({
      model: "gemini-3-pro-image",
      contents: "x",
    });

    expect(response.promptFeedback?.blockReason).toBe("SAFETY");
    expect(response.candidates).toBeUndefined();
  });
});

describe("given the base URL only in GOOGLE_GEMINI_BASE_URL", () => {
  it("when the SDK is built without httpOptions, then it still reaches the fake", async () => {
    const fake = await start();
    fake.enqueue({ kind: "response", parts: [{ text: "via env" }] });
    vi.stubEnv("GOOGLE_GEMINI_BASE_URL", fake.baseUrl);

    const response = await new GoogleGenAI({ apiKey: fake.apiKey }).models.generateContent({
      model: "gemini-3-pro-image",
      contents: "hi",
    });

    expect(response.text).toBe("via env");
    expect(fake.requests[0]?.apiVersion).toBe("v1");
  });
});

describe("given paced and hanging answers", () => {
  it("when chunks are 60 ms apart, then the stream takes at least that long per gap", async () => {
    const fake = await start();
    fake.enqueue({
      kind: "response",
      parts: [{ text: "a" }, { text: "b" }, { text: "c" }],
      chunkDelayMs: 60,
    });
    const startedAt = performance.now();

    const chunks = await collect(
      await clientFor(fake).models.generateContentStream({ model: "gemini-3-pro-image", contents: "hi" }),
    );

    expect(chunks.map((chunk) => chunk.text)).toEqual(["a", "b", "c"]);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(110);
  });

  it("when the answer hangs and the caller aborts, then the SDK rejects and the fake records the abort", async () => {
    const fake = await start();
    fake.enqueue({ kind: "hang" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    await expect(
      clientFor(fake).models.generateContent({
        model: "gemini-3-pro-image",
        contents: "hi",
        config: { abortSignal: controller.signal },
      }),
    ).rejects.toThrow();

    await expect.poll(() => fake.requests[0]?.aborted, { timeout: 5_000 }).toBe(true);
  });
});
