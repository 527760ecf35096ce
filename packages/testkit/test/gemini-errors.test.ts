import { ApiError, type GenerateContentResponse, GoogleGenAI } from "@google/genai";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeGemini, solidPng, startFakeGemini } from "../src/index.ts";

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function start(): Promise<FakeGemini> {
  const fake = await startFakeGemini();
  fakes.push(fake);
  return fake;
}

function clientFor(fake: FakeGemini, options: { apiVersion?: string; apiKey?: string } = {}): GoogleGenAI {
  return new GoogleGenAI({
    apiKey: options.apiKey ?? fake.apiKey,
    httpOptions: { baseUrl: fake.baseUrl, ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}) },
  });
}

/** The rejection of a promise that must reject. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

/** Google's error body inside an ApiError message. */
function errorBodyOf(error: unknown): { code: number; message: string; status: string } {
  if (!(error instanceof ApiError)) throw new Error(`not an ApiError: ${String(error)}`);
  return (JSON.parse(error.message) as { error: { code: number; message: string; status: string } }).error;
}

const imageRequest = {
  model: "gemini-3-pro-image",
  contents: "Draw a cat",
  config: { responseModalities: ["IMAGE", "TEXT"], imageConfig: { imageSize: "1K" } },
};

describe("given an error chunk mid-stream", () => {
  it("when the SDK iterates, then it yields the text before and throws ApiError with the chunk's code", async () => {
    const fake = await start();
    fake.enqueue({
      kind: "stream_error",
      afterParts: [{ text: "partial" }],
      code: 503,
      message: "overloaded",
    });

    const stream = await clientFor(fake).models.generateContentStream(imageRequest);
    const seen: GenerateContentResponse[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const chunk of stream) seen.push(chunk);
      })(),
    );

    expect(seen.map((chunk) => chunk.text)).toEqual(["partial"]);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect((error as ApiError).message).toContain("got status: UNAVAILABLE");
  });
});

describe("given HTTP errors", () => {
  it("when a 429 is scripted, then the SDK throws ApiError 429 RESOURCE_EXHAUSTED", async () => {
    const fake = await start();
    fake.enqueue({ kind: "http_error", status: 429, retryAfterSeconds: 3 });

    const error = await rejectionOf(clientFor(fake).models.generateContentStream(imageRequest));

    expect((error as ApiError).status).toBe(429);
    expect(errorBodyOf(error)).toMatchObject({ code: 429, status: "RESOURCE_EXHAUSTED" });
  });

  it("when fail() plans two 500s, then two calls fail without taking the queued script and the third succeeds", async () => {
    const fake = await start();
    fake.fail({ status: 500, times: 2 });
    fake.enqueue({ kind: "response", parts: [{ text: "finally" }] });
    const client = clientFor(fake, { apiVersion: "v1beta" });

    const first = await rejectionOf(client.models.generateContent(imageRequest));
    const second = await rejectionOf(client.models.generateContent(imageRequest));
    const third = await client.models.generateContent(imageRequest);

    expect([(first as ApiError).status, (second as ApiError).status]).toEqual([500, 500]);
    expect(errorBodyOf(first).status).toBe("INTERNAL");
    expect(third.text).toBe("finally");
  });

  it("when the SDK has retryOptions, then it retries a 503 and gets the answer", async () => {
    const fake = await start();
    fake.enqueue({ kind: "http_error", status: 503 }, { kind: "response", parts: [{ text: "ok" }] });
    const client = new GoogleGenAI({
      apiKey: fake.apiKey,
      httpOptions: { baseUrl: fake.baseUrl, retryOptions: { attempts: 2, initialDelay: 0.01, jitter: 0 } },
    });

    const response = await client.models.generateContent(imageRequest);

    expect(response.text).toBe("ok");
    expect(fake.requests.map((request) => request.status)).toEqual([503, 200]);
  });
});

describe("given a retired or unknown model", () => {
  it("when the SDK asks gemini-3-pro-image-preview, then it throws 404 NOT_FOUND naming the model and version", async () => {
    const fake = await start();

    const error = await rejectionOf(
      clientFor(fake, { apiVersion: "v1beta" }).models.generateContent({
        ...imageRequest,
        model: "gemini-3-pro-image-preview",
      }),
    );

    expect((error as ApiError).status).toBe(404);
    expect(errorBodyOf(error)).toMatchObject({ code: 404, status: "NOT_FOUND" });
    expect(errorBodyOf(error).message).toContain(
      "models/gemini-3-pro-image-preview is not found for API version v1beta",
    );
  });
});

describe("given too many source images", () => {
  it("when 15 images are sent, then 400 INVALID_ARGUMENT, the count is recorded and no script is taken", async () => {
    const fake = await start();
    fake.enqueue({ kind: "response", parts: [{ text: "kept" }] });
    const image = {
      inlineData: { mimeType: "image/png", data: Buffer.from(solidPng(8, 8)).toString("base64") },
    };
    const client = clientFor(fake);

    const error = await rejectionOf(
      client.models.generateContent({
        ...imageRequest,
        contents: [
          { role: "user", parts: [{ text: "merge these" }, ...Array.from({ length: 15 }, () => image)] },
        ],
      }),
    );
    const fourteen = await client.models.generateContent({
      ...imageRequest,
      contents: [
        { role: "user", parts: [{ text: "merge these" }, ...Array.from({ length: 14 }, () => image)] },
      ],
    });

    expect((error as ApiError).status).toBe(400);
    expect(errorBodyOf(error).status).toBe("INVALID_ARGUMENT");
    expect(fake.requests[0]?.summary?.sourceImages).toBe(15);
    expect(fourteen.text).toBe("kept");
  });
});

describe("given invalid image settings", () => {
  it("when imageSize is 8K, then the API answers 400", async () => {
    const fake = await start();

    const error = await rejectionOf(
      clientFor(fake).models.generateContent({
        ...imageRequest,
        config: { imageConfig: { imageSize: "8K" } },
      }),
    );

    expect((error as ApiError).status).toBe(400);
    expect(errorBodyOf(error).message).toContain("8K");
  });

  it("when the script has an image but the request wants TEXT only, then the fake fails loudly with 500", async () => {
    const fake = await start();
    fake.enqueue({ kind: "response", parts: [{ image: "requested" }] });

    const error = await rejectionOf(
      clientFor(fake).models.generateContent({ ...imageRequest, config: { responseModalities: ["TEXT"] } }),
    );

    expect((error as ApiError).status).toBe(500);
    expect(errorBodyOf(error).message).toContain("fake gemini: script has an image part");
  });
});

describe("given a wrong or missing API key", () => {
  it("when the key is wrong, then 400 API_KEY_INVALID", async () => {
    const fake = await start();

    const error = await rejectionOf(
      clientFor(fake, { apiKey: "AIza-wrong" }).models.generateContent(imageRequest),
    );

    expect((error as ApiError).status).toBe(400);
    expect(errorBodyOf(error).message).toBe("API key not valid. Please pass a valid API key.");
  });

  it("when no key is sent, then 403 PERMISSION_DENIED", async () => {
    const fake = await start();

    const response = await fetch(`${fake.baseUrl}/v1/models/gemini-3-pro-image:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
    });

    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { status: string } }).error.status).toBe("PERMISSION_DENIED");
  });
});
