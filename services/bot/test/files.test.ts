import { threadStream } from "@bot/domain";
import { textsFor } from "@bot/telegram";
import { type FakeOpenAI, startFakeOpenAI } from "@bot/testkit";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botForSuite, FAST_ENV } from "./bot-harness.ts";
import {
  messageRequests,
  nthRequest,
  privateThread,
  readStreamEvents,
  requestMessages,
  sentMatching,
  sleep,
  withBotLogs,
} from "./e2e-support.ts";

const en = textsFor("en");
/** A 1x1 PNG: small, valid, recognisable in the request. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);

interface Block {
  readonly type: string;
  readonly text?: string;
  readonly source?: {
    readonly type: string;
    readonly media_type?: string;
    readonly data?: string;
    readonly file_id?: string;
  };
}

describe("given users sending files", () => {
  const bot = botForSuite({ env: FAST_ENV });

  it("when a photo arrives with a question, then it is uploaded once to the Files API and the model gets it before the question, labelled with its file id; a follow-up reuses the upload", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ id: 5101, first_name: "Pic", language_code: "en" });
    const chat = bot.telegram.privateChat(user);
    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: "A single pixel." }] });
    bot.telegram.pushPhoto({ chat, from: user, bytes: PNG, caption: "What is in this picture?" });

    const request = await withBotLogs(bot.logs, nthRequest(bot.anthropic, 1));
    await sentMatching(bot.telegram, chat.id, (text) => text === "A single pixel.");
    const last = requestMessages(request).at(-1);
    const blocks = (last?.content ?? []) as readonly Block[];
    expect(blocks.map((block) => block.type)).toEqual(["text", "image", "text"]);
    expect(blocks[0]?.text).toMatch(
      /^\[file [0-9a-f-]{36}: photo-\d+\.jpg \(photo, image\/jpeg, \d+ bytes\)\]$/,
    );
    const fileId = blocks[1]?.source?.file_id ?? "";
    expect(blocks[1]?.source).toEqual({ type: "file", file_id: fileId });
    expect(bot.anthropic.files.get(fileId)?.bytes.equals(PNG)).toBe(true);
    expect(blocks[2]?.text).toBe("What is in this picture?");

    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: "Still one pixel." }] });
    bot.telegram.pushText({ chat, from: user, text: "And now?" });
    const followUp = await nthRequest(bot.anthropic, 2);
    expect(followUp.fileIds).toEqual([fileId]);
    expect(bot.anthropic.files.list()).toHaveLength(1);
    await sentMatching(bot.telegram, chat.id, (text) => text === "Still one pixel.");

    expect(await bot.kill("SIGTERM")).toBe(0);
    const events = await readStreamEvents(bot.dataDir, threadStream(privateThread(user.id)));
    expect(events.slice(0, 2).map((event) => event.type)).toEqual(["MessageReceived", "FileReceived"]);
    expect(events.filter((event) => event.type === "FileUploaded").map((event) => event.data)).toEqual([
      expect.objectContaining({ provider: "anthropic", providerFileId: fileId }),
    ]);
    expect(events[1]?.data).toMatchObject({
      source: "user",
      kind: "photo",
      caption: "What is in this picture?",
      sizeBytes: PNG.length,
    });
    await bot.start();
  });

  it("when a PDF and a code file arrive and the upload fails, then the PDF goes inline as a document block and the code as text", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ id: 5102, first_name: "Doc", language_code: "en" });
    const chat = bot.telegram.privateChat(user);
    const before = messageRequests(bot.anthropic).length;
    bot.anthropic.files.fail(
      "upload",
      { status: 500, errorType: "api_error", message: "storage down" },
      {
        times: 10,
      },
    );
    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: "Read both." }] });
    bot.telegram.pushDocument({
      chat,
      from: user,
      bytes: PDF,
      fileName: "report.pdf",
      mimeType: "application/pdf",
    });
    bot.telegram.pushDocument({
      chat,
      from: user,
      bytes: Buffer.from("print('hello')\n"),
      fileName: "hello.py",
      mimeType: "text/x-python",
      caption: "Compare these",
    });

    const request = await nthRequest(bot.anthropic, before + 1);
    const blocks = (requestMessages(request).at(-1)?.content ?? []) as readonly Block[];
    expect(blocks.map((block) => block.type)).toEqual(["text", "document", "text", "text"]);
    expect(blocks[1]?.source).toMatchObject({ type: "base64", media_type: "application/pdf" });
    expect(blocks[2]?.text).toContain("print('hello')");
    expect(blocks[3]?.text).toBe("Compare these");
    bot.anthropic.files.clearFaults();
  });

  it("when an album of two photos arrives, then both reach the model in one turn", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ id: 5106, first_name: "Album", language_code: "en" });
    const chat = bot.telegram.privateChat(user);
    const before = messageRequests(bot.anthropic).length;
    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: "Two pixels." }] });
    bot.telegram.pushPhoto({
      chat,
      from: user,
      bytes: PNG,
      caption: "Compare them",
      mediaGroupId: "album-1",
    });
    bot.telegram.pushPhoto({ chat, from: user, bytes: PNG, mediaGroupId: "album-1" });

    const request = await withBotLogs(bot.logs, nthRequest(bot.anthropic, before + 1));
    await sentMatching(bot.telegram, chat.id, (text) => text === "Two pixels.");
    const blocks = (requestMessages(request).at(-1)?.content ?? []) as readonly Block[];
    expect(blocks.filter((block) => block.type === "image")).toHaveLength(2);
    expect(blocks.at(-1)?.text).toBe("Compare them");
    expect(messageRequests(bot.anthropic)).toHaveLength(before + 1);
  });

  it("when a TIFF image arrives, then it is converted to PNG for the model", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ id: 5105, first_name: "Scan", language_code: "en" });
    const chat = bot.telegram.privateChat(user);
    const before = messageRequests(bot.anthropic).length;
    const tiff = await sharp({ create: { width: 8, height: 8, channels: 3, background: "blue" } })
      .tiff()
      .toBuffer();
    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: "A blue square." }] });
    bot.telegram.pushDocument({
      chat,
      from: user,
      bytes: tiff,
      fileName: "scan.tiff",
      mimeType: "image/tiff",
      caption: "What colour?",
    });

    const request = await withBotLogs(bot.logs, nthRequest(bot.anthropic, before + 1));
    const blocks = (requestMessages(request).at(-1)?.content ?? []) as readonly Block[];
    expect(blocks.map((block) => block.type)).toEqual(["text", "image", "text"]);
    const uploaded = bot.anthropic.files.get(blocks[1]?.source?.file_id ?? "");
    expect(uploaded?.mimeType).toBe("image/png");
    expect(uploaded?.filename).toBe("scan.png");
    expect(uploaded?.bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  });

  it("when a file is over Telegram's 20 MB bot limit or an image format the model cannot read, then the user is told why and nothing is asked of the model", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ id: 5103, first_name: "Big", language_code: "en" });
    const chat = bot.telegram.privateChat(user);
    const before = messageRequests(bot.anthropic).length;
    bot.telegram.pushDocument({
      chat,
      from: user,
      bytes: Buffer.alloc(21 * 1024 * 1024),
      fileName: "huge.bin",
      mimeType: "application/octet-stream",
    });
    await sentMatching(bot.telegram, chat.id, (text) => text === en.fileTooLarge("huge.bin", "21.0"));
    bot.telegram.pushDocument({
      chat,
      from: user,
      bytes: Buffer.from("heic"),
      fileName: "pic.heic",
      mimeType: "image/heic",
    });
    await sentMatching(
      bot.telegram,
      chat.id,
      (text) => text === en.fileUnsupportedImage("pic.heic", "image/heic"),
    );
    bot.telegram.pushSticker({ chat, from: user });
    await sentMatching(bot.telegram, chat.id, (text) => text === en.unsupportedMessage);
    await sleep(300);
    expect(messageRequests(bot.anthropic)).toHaveLength(before);
  });
});

describe("given the bot with a transcription key", () => {
  let openai: FakeOpenAI;
  const env: Record<string, string> = { ...FAST_ENV };
  beforeAll(async () => {
    openai = await startFakeOpenAI();
    Object.assign(env, { OPENAI_API_KEY: "test-openai-key", OPENAI_BASE_URL: openai.baseURL });
  });
  const bot = botForSuite({ env });
  afterAll(async () => {
    await openai?.close();
  });

  it("when a voice note arrives, then it is transcribed once, the model answers the transcript, the user sees what was heard, and the minutes are charged", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ id: 5104, first_name: "Talker", language_code: "en" });
    const chat = bot.telegram.privateChat(user);
    openai.enqueueTranscription({
      kind: "transcript",
      text: "What time is it in Tokyo?",
      durationSeconds: 61.2,
      language: "english",
    });
    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: "It is evening in Tokyo." }] });
    bot.telegram.pushVoice({ chat, from: user, bytes: Buffer.alloc(4000, 1), durationSeconds: 61 });

    const request = await withBotLogs(bot.logs, nthRequest(bot.anthropic, 1));
    const text = (requestMessages(request).at(-1)?.content ?? []).map((block) => block.text ?? "").join("\n");
    expect(text).toContain("Transcript of the voice message: «What time is it in Tokyo?»");
    const answer = await sentMatching(bot.telegram, chat.id, (sent) =>
      sent.startsWith("It is evening in Tokyo."),
    );
    expect(String(answer.params.text)).toContain("🎙 I heard: «What time is it in Tokyo?»");
    expect(openai.requests).toHaveLength(1);
    expect(openai.requests[0]).toMatchObject({ model: "whisper-1" });

    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: "Still evening." }] });
    bot.telegram.pushText({ chat, from: user, text: "And now?" });
    await sentMatching(bot.telegram, chat.id, (sent) => sent.startsWith("Still evening."));
    expect(openai.requests).toHaveLength(1);

    expect(await bot.kill("SIGTERM")).toBe(0);
    const events = await readStreamEvents(bot.dataDir, threadStream(privateThread(user.id)));
    expect(events.filter((event) => event.type === "FileTranscribed").map((event) => event.data)).toEqual([
      expect.objectContaining({ text: "What time is it in Tokyo?", durationSeconds: 61, model: "whisper-1" }),
    ]);
    // ceil(61.2) = 62 s at $0.006 per 60 s
    expect(events.filter((event) => event.type === "ToolCharged").map((event) => event.data)).toEqual([
      expect.objectContaining({
        name: "transcribe_audio",
        quantities: { audioSeconds: 62 },
        amount: 6_200_000,
      }),
    ]);
  });
});
