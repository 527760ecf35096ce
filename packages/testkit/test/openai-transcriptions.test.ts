import OpenAI, { toFile } from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeOpenAI, type FakeOpenAIOptions, startFakeOpenAI } from "../src/index.ts";

const fakes: FakeOpenAI[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(options: FakeOpenAIOptions = {}): Promise<{ fake: FakeOpenAI; client: OpenAI }> {
  const fake = await startFakeOpenAI(options);
  fakes.push(fake);
  return { fake, client: new OpenAI({ apiKey: "sk-test-key", baseURL: fake.baseURL, maxRetries: 0 }) };
}

/** Six seconds of voice at the fake's assumed 16 kbit/s. */
const voice = Buffer.alloc(12_000, 1);

async function voiceFile(name = "voice.ogg", bytes: Buffer = voice) {
  return toFile(bytes, name);
}

describe("given a scripted transcript and the json format", () => {
  it("when whisper-1 transcribes a voice note, then text and duration usage come back and the upload is recorded", async () => {
    const { fake, client } = await setup();
    fake.enqueueTranscription({ kind: "transcript", text: "Hello there." });

    const transcription = await client.audio.transcriptions.create({
      file: await voiceFile(),
      model: "whisper-1",
    });

    expect(transcription.text).toBe("Hello there.");
    expect(transcription.usage).toEqual({ type: "duration", seconds: 6 });
    expect(fake.requests[0]).toMatchObject({
      method: "POST",
      path: "/v1/audio/transcriptions",
      model: "whisper-1",
      language: null,
      responseFormat: null,
      file: { name: "voice.ogg", contentType: "application/octet-stream", sizeBytes: voice.length },
      status: 200,
      completed: true,
    });
    expect(fake.requests[0]?.headers.authorization).toBe("Bearer sk-test-key");
  });

  it("when a token-priced model transcribes with a prompt, then usage is in tokens with audio and text parts", async () => {
    const { fake, client } = await setup();
    fake.enqueueTranscription({ kind: "transcript", text: "Twelve chars", durationSeconds: 4.2 });

    const transcription = await client.audio.transcriptions.create({
      file: await voiceFile(),
      model: "gpt-4o-transcribe",
      prompt: "Names: Ann",
      language: "en",
      temperature: 0.2,
    });

    expect(transcription.usage).toEqual({
      type: "tokens",
      input_tokens: 45,
      output_tokens: 3,
      total_tokens: 48,
      input_token_details: { audio_tokens: 42, text_tokens: 3 },
    });
    expect(fake.requests[0]).toMatchObject({ language: "en", prompt: "Names: Ann", temperature: 0.2 });
  });

  it("when usage is pinned by the script, then the pinned numbers are reported", async () => {
    const { fake, client } = await setup();
    fake.enqueueTranscription({
      kind: "transcript",
      text: "x",
      usage: { audioTokens: 100, outputTokens: 7 },
    });

    const transcription = await client.audio.transcriptions.create({
      file: await voiceFile(),
      model: "gpt-4o-mini-transcribe",
    });

    expect(transcription.usage).toMatchObject({ input_tokens: 100, output_tokens: 7, total_tokens: 107 });
  });
});

describe("given the verbose_json format", () => {
  it("when whisper-1 is asked in Russian, then duration, the language's name and sentence segments come back", async () => {
    const { fake, client } = await setup();
    fake.enqueueTranscription({ kind: "transcript", text: "Привет. Как дела?", durationSeconds: 3.5 });

    const transcription = await client.audio.transcriptions.create({
      file: await voiceFile("voice.oga"),
      model: "whisper-1",
      response_format: "verbose_json",
      language: "ru",
    });

    expect(transcription).toMatchObject({ duration: 3.5, language: "russian", text: "Привет. Как дела?" });
    expect(transcription.segments?.map((segment) => [segment.start, segment.end, segment.text])).toEqual([
      [0, 1.53, " Привет."],
      [1.53, 3.5, " Как дела?"],
    ]);
    expect(transcription.usage).toEqual({ type: "duration", seconds: 4 });
    expect(fake.requests[0]?.responseFormat).toBe("verbose_json");
  });

  it("when the script sets language and segments, then they are reported as scripted", async () => {
    const { fake, client } = await setup();
    const segments = [{ start: 0, end: 2, text: " One." }];
    fake.enqueueTranscription({ kind: "transcript", text: "One.", language: "english", segments });

    const transcription = await client.audio.transcriptions.create({
      file: await voiceFile("a.mp3"),
      model: "gpt-transcribe",
      response_format: "verbose_json",
    });

    expect(transcription.language).toBe("english");
    expect(transcription.segments).toEqual([
      expect.objectContaining({ id: 0, start: 0, end: 2, text: " One.", tokens: [] }),
    ]);
  });

  it("when a gpt-4o model is asked for verbose_json, then it is refused with 400 and no script is used", async () => {
    const { fake, client } = await setup();
    fake.enqueueTranscription({ kind: "transcript", text: "kept" });

    const error = await client.audio.transcriptions
      .create({ file: await voiceFile(), model: "gpt-4o-transcribe", response_format: "verbose_json" })
      .catch((caught: unknown) => caught);
    const next = await client.audio.transcriptions.create({ file: await voiceFile(), model: "whisper-1" });

    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ param: "response_format", code: "unsupported_value" });
    expect(next.text).toBe("kept");
  });
});

describe("given the text formats", () => {
  it("when text is asked, then the SDK returns the plain string", async () => {
    const { fake, client } = await setup();
    fake.enqueueTranscription({ kind: "transcript", text: "Just text." });

    const text = await client.audio.transcriptions.create({
      file: await voiceFile(),
      model: "gpt-4o-mini-transcribe",
      response_format: "text",
    });

    expect(text).toBe("Just text.");
  });

  it("when srt is asked of whisper-1, then numbered cues with comma milliseconds come back", async () => {
    const { fake, client } = await setup();
    fake.enqueueTranscription({
      kind: "transcript",
      text: "A. B.",
      segments: [
        { start: 0, end: 1.25, text: " A." },
        { start: 1.25, end: 61, text: " B." },
      ],
    });

    const srt = await client.audio.transcriptions.create({
      file: await voiceFile(),
      model: "whisper-1",
      response_format: "srt",
    });

    expect(srt).toBe("1\n00:00:00,000 --> 00:00:01,250\nA.\n\n2\n00:00:01,250 --> 00:01:01,000\nB.\n");
  });
});

describe("given a request the API refuses", () => {
  it("when the model is unknown, then a 400 invalid_request_error names the model param", async () => {
    const { fake, client } = await setup();

    const error = await client.audio.transcriptions
      .create({ file: await voiceFile(), model: "whisper-2" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, type: "invalid_request_error", param: "model" });
    expect(fake.requests[0]).toMatchObject({ model: "whisper-2", status: 400 });
  });

  it("when the file is not audio, then a 400 says Invalid file format", async () => {
    const { fake, client } = await setup();

    const error = await client.audio.transcriptions
      .create({ file: await voiceFile("notes.txt"), model: "whisper-1" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(String(error)).toContain("Invalid file format. Supported formats: ['flac'");
    expect(fake.requests[0]?.file?.name).toBe("notes.txt");
  });

  it("when the name has no audio extension but the type is audio, then it is accepted", async () => {
    const { fake, client } = await setup();
    fake.enqueueTranscription({ kind: "transcript", text: "ok" });

    const transcription = await client.audio.transcriptions.create({
      file: await toFile(voice, "file_42", { type: "audio/ogg" }),
      model: "whisper-1",
    });

    expect(transcription.text).toBe("ok");
    expect(fake.requests[0]?.file?.contentType).toBe("audio/ogg");
  });

  it("when the file is over the configured limit, then a 413 comes back", async () => {
    const { client } = await setup({ maxFileBytes: 1_000 });

    const error = await client.audio.transcriptions
      .create({ file: await voiceFile(), model: "whisper-1" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: 413 });
    expect(String(error)).toContain("Maximum content size limit (1000) exceeded");
  });

  it("when the file is just over the default 25 MB, then a 413 comes back", async () => {
    const { fake, client } = await setup();

    const error = await client.audio.transcriptions
      .create({ file: await voiceFile("long.mp3", Buffer.alloc(25 * 1024 * 1024 + 1)), model: "whisper-1" })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ status: 413 });
    expect(fake.requests[0]?.status).toBe(413);
  });

  it("when the language is not an ISO-639-1 code, then a 400 names the language param", async () => {
    const { client } = await setup();

    const error = await client.audio.transcriptions
      .create({ file: await voiceFile(), model: "whisper-1", language: "english" })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ status: 400, param: "language" });
  });
});

describe("given authentication", () => {
  it("when the SDK sends a wrong key, then AuthenticationError with invalid_api_key", async () => {
    const { fake } = await setup({ apiKey: "sk-right-key" });
    const client = new OpenAI({ apiKey: "sk-wrong-key-123", baseURL: fake.baseURL, maxRetries: 0 });
    fake.enqueueTranscription({ kind: "transcript", text: "unused" });

    const error = await client.audio.transcriptions
      .create({ file: await voiceFile(), model: "whisper-1" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 401, type: "invalid_request_error", code: "invalid_api_key" });
    expect(String(error)).not.toContain("sk-wrong-key-123");
  });

  it("when no bearer token is sent, then the 401 has OpenAI's error shape", async () => {
    const { fake } = await setup();

    const response = await fetch(`${fake.baseURL}/audio/transcriptions`, { method: "POST" });

    expect(response.status).toBe(401);
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
    expect(await response.json()).toEqual({
      error: {
        message: expect.stringContaining("You didn't provide an API key"),
        type: "invalid_request_error",
        param: null,
        code: null,
      },
    });
  });

  it("when the right key is sent, then the request is answered", async () => {
    const { fake } = await setup({ apiKey: "sk-right-key" });
    const client = new OpenAI({ apiKey: "sk-right-key", baseURL: fake.baseURL, maxRetries: 0 });
    fake.enqueueTranscription({ kind: "transcript", text: "in" });

    const transcription = await client.audio.transcriptions.create({
      file: await voiceFile(),
      model: "whisper-1",
    });

    expect(transcription.text).toBe("in");
  });
});

describe("given scripted and injected errors", () => {
  it("when a 429 with retry-after is scripted, then RateLimitError carries the header and the rate limit code", async () => {
    const { fake, client } = await setup();
    fake.enqueueTranscription({ kind: "http_error", status: 429, retryAfterSeconds: 7 });

    const error = await client.audio.transcriptions
      .create({ file: await voiceFile(), model: "whisper-1" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, type: "requests", code: "rate_limit_exceeded" });
    expect(error instanceof OpenAI.APIError && error.headers?.get("retry-after")).toBe("7");
  });

  it("when the SDK may retry a 429 once, then the retry takes the next script", async () => {
    const { fake } = await setup();
    const client = new OpenAI({ apiKey: "k", baseURL: fake.baseURL, maxRetries: 1 });
    fake.enqueueTranscription(
      { kind: "http_error", status: 429, retryAfterSeconds: 0 },
      { kind: "transcript", text: "second time" },
    );

    const transcription = await client.audio.transcriptions.create({
      file: await voiceFile(),
      model: "whisper-1",
    });

    expect(transcription.text).toBe("second time");
    expect(fake.requests.map((request) => request.status)).toEqual([429, 200]);
  });

  it("when a 500 is scripted, then InternalServerError with server_error", async () => {
    const { fake, client } = await setup();
    fake.enqueueTranscription({ kind: "http_error", status: 500 });

    const error = await client.audio.transcriptions
      .create({ file: await voiceFile(), model: "whisper-1" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error).toMatchObject({ type: "server_error" });
  });

  it("when failures are injected twice, then they come before validation and leave the script queued", async () => {
    const { fake, client } = await setup();
    fake.fail({ status: 503, message: "busy" }, { times: 2 });
    fake.enqueueTranscription({ kind: "transcript", text: "after" });

    const errors = await Promise.all(
      ["whisper-1", "no-such-model"].map(async (model) =>
        client.audio.transcriptions
          .create({ file: await voiceFile(), model })
          .catch((caught: unknown) => caught),
      ),
    );
    const transcription = await client.audio.transcriptions.create({
      file: await voiceFile(),
      model: "whisper-1",
    });

    expect(errors).toEqual([
      expect.objectContaining({ status: 503 }),
      expect.objectContaining({ status: 503 }),
    ]);
    expect(transcription.text).toBe("after");
    expect(fake.requests.map((request) => request.model).sort()).toEqual([
      "no-such-model",
      "whisper-1",
      "whisper-1",
    ]);
  });

  it("when failures are cleared, then requests go through again", async () => {
    const { fake, client } = await setup();
    fake.fail({ status: 500 }, { times: Number.POSITIVE_INFINITY });
    fake.clearFailures();
    fake.enqueueTranscription({ kind: "transcript", text: "fine" });

    const transcription = await client.audio.transcriptions.create({
      file: await voiceFile(),
      model: "whisper-1",
    });

    expect(transcription.text).toBe("fine");
  });

  it("when nothing is scripted, then a 500 says so and the SDK does not retry it", async () => {
    const { fake } = await setup();
    const client = new OpenAI({ apiKey: "k", baseURL: fake.baseURL, maxRetries: 2 });

    const error = await client.audio.transcriptions
      .create({ file: await voiceFile(), model: "whisper-1" })
      .catch((caught: unknown) => caught);

    expect(String(error)).toContain("fake openai: no transcription scripted");
    expect(fake.requests).toHaveLength(1);
  });

  it("when another path is called, then a 404 NotFoundError", async () => {
    const { client } = await setup();

    const error = await client.models.list().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe("given a delay", () => {
  it("when the transcript is delayed, then the answer waits for it", async () => {
    const { fake, client } = await setup();
    fake.enqueueTranscription({ kind: "transcript", text: "slow", delayMs: 150 });

    const startedAt = performance.now();
    const transcription = await client.audio.transcriptions.create({
      file: await voiceFile(),
      model: "whisper-1",
    });

    expect(transcription.text).toBe("slow");
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
  });

  it("when the SDK times out first, then it throws APIConnectionTimeoutError and the fake can still close", async () => {
    const { fake } = await setup();
    const client = new OpenAI({ apiKey: "k", baseURL: fake.baseURL, maxRetries: 0, timeout: 50 });
    fake.enqueueTranscription({ kind: "transcript", text: "late", delayMs: 5_000 });

    const error = await client.audio.transcriptions
      .create({ file: await voiceFile(), model: "whisper-1" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    const [request] = await fake.waitForRequests(1);
    expect(request?.completed).toBe(false);
    await fake.close();
  });

  it("when the server is started with a non-positive limit, then it refuses", async () => {
    await expect(startFakeOpenAI({ maxFileBytes: 0 })).rejects.toThrow(RangeError);
  });
});
