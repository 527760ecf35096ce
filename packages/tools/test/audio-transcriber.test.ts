import { modelRegistry, type ToolPriceList } from "@bot/llm";
import { type FakeOpenAI, startFakeOpenAI } from "@bot/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  createTranscriber,
  type ToolPriceSource,
  type TranscriberOptions,
  TranscriptionError,
} from "../src/index.ts";

const fakes: FakeOpenAI[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function start(): Promise<FakeOpenAI> {
  const fake = await startFakeOpenAI({ apiKey: "sk-test" });
  fakes.push(fake);
  return fake;
}

function transcriberFor(fake: FakeOpenAI, options: Partial<TranscriberOptions> = {}) {
  return createTranscriber({ apiKey: "sk-test", baseURL: fake.baseURL, maxRetries: 0, ...options });
}

/** The registry's whisper-1 prices: $0.006 per minute. */
const whisperPrices = modelRegistry.toolPrices("transcribe_audio:whisper-1") as ToolPriceList;

/** A price source that also prices gpt-4o-mini-transcribe (the registry does not). */
const withMiniPrice: ToolPriceSource = {
  toolPrices: (name) =>
    name === "transcribe_audio:gpt-4o-mini-transcribe"
      ? { ...whisperPrices, prices: { audioSeconds: { nanoUsd: 3_000_000, per: 60 } } }
      : modelRegistry.toolPrices(name),
};

const voice = Buffer.alloc(12_000, 1);

async function rejectionOf(promise: Promise<unknown>): Promise<TranscriptionError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof TranscriptionError))
    throw new Error(`expected a TranscriptionError, got ${String(error)}`);
  return error;
}

describe("given whisper-1 (verbose_json)", () => {
  it("when a voice note is transcribed, then text, language code, duration and the exact per-second charge come back", async () => {
    const fake = await start();
    fake.enqueueTranscription({
      kind: "transcript",
      text: "Привет. Как дела?",
      durationSeconds: 61.2,
      language: "russian",
    });

    const transcript = await transcriberFor(fake).transcribe({
      bytes: voice,
      name: "voice.oga",
      mimeType: "audio/ogg",
      durationSeconds: 61,
    });

    expect(transcript).toMatchObject({ text: "Привет. Как дела?", language: "ru", durationSeconds: 61.2 });
    // 61.2 s is 62 started seconds at $0.006/60 s = 6_000_000 nano-USD per 60 s.
    expect(transcript.charge).toEqual({
      priceTableVersion: whisperPrices.priceTableVersion,
      quantities: { audioSeconds: 62 },
      unitPrices: { audioSeconds: { nanoUsd: 6_000_000, per: 60 } },
      amount: 6_200_000,
      userAmount: 6_200_000,
    });
    expect(fake.requests[0]).toMatchObject({
      model: "whisper-1",
      responseFormat: "verbose_json",
      language: null,
      file: { name: "voice.oga", contentType: "audio/ogg", sizeBytes: voice.length },
    });
  });

  it("when a language is given, then it is sent and reported", async () => {
    const fake = await start();
    fake.enqueueTranscription({ kind: "transcript", text: "Guten Tag.", durationSeconds: 2 });

    const transcript = await transcriberFor(fake).transcribe({
      bytes: voice,
      name: "a.mp3",
      mimeType: "audio/mpeg",
      language: "DE",
    });

    expect(fake.requests[0]?.language).toBe("de");
    expect(transcript.language).toBe("de");
    expect(transcript.charge?.quantities).toEqual({ audioSeconds: 2 });
  });

  it("when Telegram's file has no extension, then it is uploaded under one from its MIME type", async () => {
    const fake = await start();
    fake.enqueueTranscription({ kind: "transcript", text: "ok", durationSeconds: 1 });

    await transcriberFor(fake).transcribe({ bytes: voice, name: "file_7", mimeType: "audio/ogg" });

    expect(fake.requests[0]?.file?.name).toBe("file_7.ogg");
  });
});

describe("given gpt-transcribe", () => {
  it("when it transcribes, then the charge uses its own per-minute price", async () => {
    const fake = await start();
    fake.enqueueTranscription({ kind: "transcript", text: "Hi.", durationSeconds: 7 });

    const transcript = await transcriberFor(fake, { model: "gpt-transcribe" }).transcribe({
      bytes: voice,
      name: "a.wav",
      mimeType: "audio/wav",
    });

    // $0.0045 per minute: 7 × 4_500_000 / 60 = 525_000 nano-USD.
    expect(transcript.charge).toMatchObject({ quantities: { audioSeconds: 7 }, amount: 525_000 });
  });
});

describe("given a json-only model priced per minute", () => {
  it("when the duration is known, then json is asked and the known duration is charged", async () => {
    const fake = await start();
    fake.enqueueTranscription({ kind: "transcript", text: "Short." });

    const transcript = await transcriberFor(fake, {
      model: "gpt-4o-mini-transcribe",
      prices: withMiniPrice,
    }).transcribe({ bytes: voice, name: "v.ogg", mimeType: "audio/ogg", durationSeconds: 9.5 });

    expect(fake.requests[0]?.responseFormat).toBe("json");
    expect(transcript).toMatchObject({ text: "Short.", language: null, durationSeconds: 9.5 });
    expect(transcript.charge).toMatchObject({ quantities: { audioSeconds: 10 }, amount: 500_000 });
  });

  it("when the duration is unknown, then it is refused before uploading", async () => {
    const fake = await start();
    const transcriber = transcriberFor(fake, { model: "gpt-4o-mini-transcribe", prices: withMiniPrice });

    const error = await rejectionOf(
      transcriber.transcribe({ bytes: voice, name: "v.ogg", mimeType: "audio/ogg" }),
    );

    expect(error.kind).toBe("bad_input");
    expect(fake.requests).toHaveLength(0);
  });
});

describe("given input the API cannot take", () => {
  it("when the file is not audio, then bad_input lists the formats and nothing is sent", async () => {
    const fake = await start();

    const error = await rejectionOf(
      transcriberFor(fake).transcribe({ bytes: voice, name: "notes.txt", mimeType: "text/plain" }),
    );

    expect(error).toMatchObject({ kind: "bad_input", charge: null });
    expect(error.message).toContain("mp3");
    expect(fake.requests).toHaveLength(0);
  });

  it("when the file is over 25 MB, then bad_input and nothing is sent", async () => {
    const fake = await start();

    const error = await rejectionOf(
      transcriberFor(fake).transcribe({
        bytes: Buffer.alloc(25 * 1024 * 1024 + 1),
        name: "long.mp3",
        mimeType: "audio/mpeg",
      }),
    );

    expect(error.kind).toBe("bad_input");
    expect(error.message).toContain("25 MB");
    expect(fake.requests).toHaveLength(0);
  });

  it("when the language is not an ISO-639-1 code, then bad_input", async () => {
    const fake = await start();

    const error = await rejectionOf(
      transcriberFor(fake).transcribe({
        bytes: voice,
        name: "a.mp3",
        mimeType: "audio/mpeg",
        language: "english",
      }),
    );

    expect(error.kind).toBe("bad_input");
  });

  it("when the provider refuses the file, then bad_input with its message and no charge", async () => {
    const fake = await start();
    fake.enqueueTranscription({ kind: "http_error", status: 400, message: "Audio file might be corrupted." });

    const error = await rejectionOf(
      transcriberFor(fake).transcribe({
        bytes: voice,
        name: "a.mp3",
        mimeType: "audio/mpeg",
        durationSeconds: 6,
      }),
    );

    expect(error).toMatchObject({ kind: "bad_input", charge: null });
    expect(error.message).toContain("Audio file might be corrupted.");
  });
});

describe("given provider failures", () => {
  it("when the API answers 429 with retry-after, then rate_limited carries the wait and no charge", async () => {
    const fake = await start();
    fake.enqueueTranscription({ kind: "http_error", status: 429, retryAfterSeconds: 7 });

    const error = await rejectionOf(
      transcriberFor(fake).transcribe({
        bytes: voice,
        name: "a.mp3",
        mimeType: "audio/mpeg",
        durationSeconds: 6,
      }),
    );

    expect(error).toMatchObject({ kind: "rate_limited", retryAfterSeconds: 7, charge: null });
    expect(error.cause).toBeDefined();
  });

  it("when the quota is exhausted (also 429), then provider_error", async () => {
    const fake = await start();
    fake.enqueueTranscription({ kind: "http_error", status: 429, code: "insufficient_quota" });

    const error = await rejectionOf(
      transcriberFor(fake).transcribe({ bytes: voice, name: "a.mp3", mimeType: "audio/mpeg" }),
    );

    expect(error.kind).toBe("provider_error");
  });

  it("when the API fails with 500, then provider_error", async () => {
    const fake = await start();
    fake.fail({ status: 500 });

    const error = await rejectionOf(
      transcriberFor(fake).transcribe({ bytes: voice, name: "a.mp3", mimeType: "audio/mpeg" }),
    );

    expect(error).toMatchObject({ kind: "provider_error", charge: null });
  });

  it("when the key is wrong, then provider_error", async () => {
    const fake = await start();

    const error = await rejectionOf(
      transcriberFor(fake, { apiKey: "sk-wrong" }).transcribe({
        bytes: voice,
        name: "a.mp3",
        mimeType: "audio/mpeg",
      }),
    );

    expect(error.kind).toBe("provider_error");
  });

  it("when the answer is too slow, then timeout, charging the known duration the provider may have processed", async () => {
    const fake = await start();
    fake.enqueueTranscription({ kind: "transcript", text: "late", delayMs: 2_000 });

    const error = await rejectionOf(
      transcriberFor(fake, { timeoutMs: 150 }).transcribe({
        bytes: voice,
        name: "a.mp3",
        mimeType: "audio/mpeg",
        durationSeconds: 5,
      }),
    );

    expect(error.kind).toBe("timeout");
    expect(error.charge).toMatchObject({ quantities: { audioSeconds: 5 }, amount: 500_000 });
  });
});

describe("given cancellation", () => {
  it("when the signal aborts mid-request, then cancelled with the known duration charged", async () => {
    const fake = await start();
    fake.enqueueTranscription({ kind: "transcript", text: "late", delayMs: 2_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);

    const error = await rejectionOf(
      transcriberFor(fake).transcribe({
        bytes: voice,
        name: "a.mp3",
        mimeType: "audio/mpeg",
        durationSeconds: 3,
        signal: controller.signal,
      }),
    );

    expect(error.kind).toBe("cancelled");
    expect(error.charge?.quantities).toEqual({ audioSeconds: 3 });
  });

  it("when the signal is already aborted, then cancelled, nothing sent, nothing charged", async () => {
    const fake = await start();
    const controller = new AbortController();
    controller.abort();

    const error = await rejectionOf(
      transcriberFor(fake).transcribe({
        bytes: voice,
        name: "a.mp3",
        mimeType: "audio/mpeg",
        durationSeconds: 3,
        signal: controller.signal,
      }),
    );

    expect(error).toMatchObject({ kind: "cancelled", charge: null });
    expect(fake.requests).toHaveLength(0);
  });
});

describe("given the configuration", () => {
  it("when the model is unknown, then creation fails", () => {
    expect(() => createTranscriber({ apiKey: "k", model: "whisper-2" })).toThrow(
      /unknown transcription model "whisper-2"/,
    );
  });

  it("when the model has no price in the registry, then creation fails instead of running for free", () => {
    expect(() => createTranscriber({ apiKey: "k", model: "gpt-4o-transcribe" })).toThrow(
      /no price for "transcribe_audio:gpt-4o-transcribe"/,
    );
  });

  it("when nothing is chosen, then whisper-1 with the API's 25 MB limit", () => {
    const transcriber = createTranscriber({ apiKey: "k" });

    expect(transcriber.model).toBe("whisper-1");
    expect(transcriber.maxBytes).toBe(25 * 1024 * 1024);
  });
});
