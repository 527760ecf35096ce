import { type FakeOpenAI, startFakeOpenAI } from "@bot/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  createTranscribeAudioTool,
  createTranscriber,
  type TranscribeAudioToolOptions,
  toolInputSchema,
} from "../src/index.ts";
import { type FakeFileSeed, fakeToolRun } from "../src/toolbox/fake-tool-context.ts";

const fakes: FakeOpenAI[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(options: Partial<TranscribeAudioToolOptions> = {}) {
  const fake = await startFakeOpenAI();
  fakes.push(fake);
  const transcriber = createTranscriber({ apiKey: "sk-test", baseURL: fake.baseURL, maxRetries: 0 });
  return { fake, tool: createTranscribeAudioTool({ transcriber, ...options }), thread: fakeToolRun() };
}

const voice = Buffer.alloc(12_000, 1);

/** A voice note of `durationSeconds` as Telegram reports it. */
const voiceNote = (name: string, durationSeconds: number): FakeFileSeed => ({
  kind: "voice",
  name,
  mimeType: "audio/ogg",
  bytes: voice,
  durationSeconds,
});

function parsed(content: unknown): Record<string, unknown> {
  if (typeof content !== "string") throw new Error("expected JSON text content");
  return JSON.parse(content) as Record<string, unknown>;
}

describe("given a voice note in the thread", () => {
  it("when transcribe_audio runs, then the transcript comes back as JSON and the per-second charge is set", async () => {
    const { fake, tool, thread } = await setup();
    const file = thread.files.add(voiceNote("voice.oga", 6));
    fake.enqueueTranscription({
      kind: "transcript",
      text: "Hello there.",
      durationSeconds: 5.4,
      language: "english",
    });

    const outcome = await tool.run(tool.input.parse({ file_id: file.fileId }), thread.context);

    expect(outcome).toMatchObject({ ok: true, errorKind: null });
    expect(parsed(outcome.content)).toEqual({
      file_id: file.fileId,
      language: "en",
      duration_seconds: 5.4,
      text: "Hello there.",
    });
    expect(outcome.charge).toMatchObject({
      quantities: { audioSeconds: 6 },
      amount: 600_000,
      userAmount: 600_000,
    });
    expect(fake.requests[0]).toMatchObject({ language: null, file: { name: "voice.oga" } });
    expect(tool.paid).toBe(true);
  });

  it("when a language is given, then it reaches the API", async () => {
    const { fake, tool, thread } = await setup();
    const file = thread.files.add({ kind: "audio", name: "talk.mp3", mimeType: "audio/mpeg", bytes: voice });
    fake.enqueueTranscription({ kind: "transcript", text: "Bonjour.", durationSeconds: 1 });

    const outcome = await tool.run(
      tool.input.parse({ file_id: file.fileId, language: "fr" }),
      thread.context,
    );

    expect(outcome.ok).toBe(true);
    expect(fake.requests[0]?.language).toBe("fr");
    expect(parsed(outcome.content).language).toBe("fr");
  });

  it("when the transcript is very long, then it is cut with a marker, flagged, and still fully charged", async () => {
    const { fake, tool, thread } = await setup({ maxTextChars: 10 });
    const file = thread.files.add({ kind: "video", name: "clip.mp4", mimeType: "video/mp4", bytes: voice });
    fake.enqueueTranscription({ kind: "transcript", text: "0123456789abcdefghij", durationSeconds: 30 });

    const outcome = await tool.run(tool.input.parse({ file_id: file.fileId }), thread.context);

    const result = parsed(outcome.content);
    expect(result.text).toBe("0123456789\n[… transcript truncated: 10 of 20 characters shown]");
    expect(result).toMatchObject({ truncated: true, full_length_chars: 20 });
    expect(outcome.charge?.quantities).toEqual({ audioSeconds: 30 });
  });
});

describe("given a file transcribe_audio cannot take", () => {
  it("when the file is a photo, then bad_input names its kind and nothing is downloaded or sent", async () => {
    const { fake, tool, thread } = await setup();
    const file = thread.files.add({ kind: "photo", name: "cat.jpg", mimeType: "image/jpeg", bytes: voice });

    const outcome = await tool.run(tool.input.parse({ file_id: file.fileId }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "bad_input", charge: null });
    expect(parsed(outcome.content)).toMatchObject({ error: "bad_input", kind: "photo" });
    expect(parsed(outcome.content).message).toContain("is a photo file");
    expect(thread.files.reads).toHaveLength(0);
    expect(fake.requests).toHaveLength(0);
  });

  it("when the file is over 25 MB by its metadata, then bad_input before downloading", async () => {
    const { fake, tool, thread } = await setup();
    const file = thread.files.add({
      kind: "audio",
      name: "concert.mp3",
      mimeType: "audio/mpeg",
      bytes: voice,
      sizeBytes: 40 * 1024 * 1024,
    });

    const outcome = await tool.run(tool.input.parse({ file_id: file.fileId }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "bad_input" });
    expect(parsed(outcome.content).message).toContain("40.0 MB; the limit is 25 MB");
    expect(thread.files.reads).toHaveLength(0);
    expect(fake.requests).toHaveLength(0);
  });

  it("when the file id is unknown, then bad_input pointing to list_files", async () => {
    const { tool, thread } = await setup();

    const outcome = await tool.run(tool.input.parse({ file_id: "nope" }), thread.context);

    expect(outcome.errorKind).toBe("bad_input");
    expect(parsed(outcome.content).message).toContain("list_files");
  });

  it("when the download fails, then file_unavailable and no charge", async () => {
    const { fake, tool, thread } = await setup();
    const file = thread.files.add({ kind: "voice", name: "v.ogg", mimeType: "audio/ogg", bytes: voice });
    thread.files.failReadWith = new Error("telegram said 400");

    const outcome = await tool.run(tool.input.parse({ file_id: file.fileId }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "file_unavailable", charge: null });
    expect(fake.requests).toHaveLength(0);
  });

  it("when the language is a name rather than a code, then the schema refuses it", async () => {
    const { tool } = await setup();

    expect(tool.input.safeParse({ file_id: "f", language: "english" }).success).toBe(false);
    expect(tool.input.parse({ file_id: "f" }).language).toBe("auto");
    expect(toolInputSchema(tool.name, tool.input)).toMatchObject({ required: ["file_id"] });
  });
});

describe("given the provider is rate limited", () => {
  it("when the API answers 429, then rate_limited with retry_after_seconds and no charge", async () => {
    const { fake, tool, thread } = await setup();
    const file = thread.files.add(voiceNote("v.ogg", 6));
    fake.enqueueTranscription({ kind: "http_error", status: 429, retryAfterSeconds: 12 });

    const outcome = await tool.run(tool.input.parse({ file_id: file.fileId }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "rate_limited", charge: null });
    expect(parsed(outcome.content)).toMatchObject({ retry_after_seconds: 12, file_id: file.fileId });
  });
});

describe("given the generation is stopped", () => {
  it("when the signal aborts during the request, then cancelled with the known duration charged", async () => {
    const { fake, tool, thread } = await setup();
    const file = thread.files.add(voiceNote("v.ogg", 4));
    fake.enqueueTranscription({ kind: "transcript", text: "late", delayMs: 2_000 });
    setTimeout(() => thread.controller.abort(), 100);

    const outcome = await tool.run(tool.input.parse({ file_id: file.fileId }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "cancelled" });
    expect(outcome.charge?.quantities).toEqual({ audioSeconds: 4 });
  });
});
