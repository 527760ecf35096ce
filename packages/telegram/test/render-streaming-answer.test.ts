import { createLogger } from "@bot/observability";
import { type FakeBotApi, startFakeBotApi } from "@bot/testkit";
import { Bot } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StreamingAnswer } from "../src/render/streaming-answer.ts";

const logger = createLogger({ level: "silent" });
const GENERATION = "11111111-2222-4333-8444-555555555555";

describe("given a group answer streamed by editing one message", () => {
  let telegram: FakeBotApi;
  let bot: Bot;
  beforeAll(async () => {
    telegram = await startFakeBotApi();
    bot = new Bot(telegram.token, { client: { apiRoot: telegram.apiRoot }, botInfo: telegram.botInfo });
  });
  afterAll(async () => {
    await telegram.close();
  });

  function answer(chatId: number, extra: Partial<ConstructorParameters<typeof StreamingAnswer>[0]> = {}) {
    return new StreamingAnswer({
      api: bot.api,
      logger,
      place: { chatId, topicId: null },
      replyTo: null,
      generationId: GENERATION,
      delivery: "edit",
      draftIntervalMs: 5,
      editIntervalMs: 5,
      interruptedLabel: "interrupted",
      ...extra,
    });
  }

  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it("when the preview is sent and then finished, then onSent reports the preview and the final part, and the chat holds one message", async () => {
    const group = telegram.groupChat({ title: "Render" });
    const sent: unknown[] = [];
    const streaming = answer(group.id, {
      onSent: async (message) => {
        sent.push(message);
      },
    });
    streaming.update({ thinking: "", answer: "Hello" });
    await until(() => sent.length > 0);
    const ids = await streaming.finish({ answer: "Hello, world", interrupted: false, notice: null });
    const preview = sent[0] as { telegramMessageId: number };
    expect(sent).toEqual([
      { telegramMessageId: preview.telegramMessageId, kind: "preview", partIndex: null },
      { telegramMessageId: preview.telegramMessageId, kind: "part", partIndex: 0 },
    ]);
    expect(ids).toEqual([preview.telegramMessageId]);
    expect(telegram.botMessages(group.id).map((message) => message.text)).toEqual(["Hello, world"]);
  });

  it("when a delivery resumes after a crash with its preview, then the preview becomes the answer and no second message appears", async () => {
    const group = telegram.groupChat({ title: "Resume" });
    const first = answer(group.id);
    first.update({ thinking: "", answer: "Partial" });
    await until(() => telegram.botMessages(group.id).length > 0);
    const previewId = telegram.botMessages(group.id)[0]?.message_id as number;
    const resumed = answer(group.id, { resume: { sentParts: 0, previewMessageId: previewId } });
    const ids = await resumed.finish({ answer: "Partial", interrupted: true, notice: null });
    expect(ids).toEqual([previewId]);
    expect(telegram.botMessages(group.id).map((message) => message.text)).toEqual([
      "Partial\n\n[interrupted]",
    ]);
  });

  it("when parts were already sent before the crash, then only the later parts are sent", async () => {
    const group = telegram.groupChat({ title: "Parts" });
    const long = Array.from({ length: 120 }, (_, i) => `Paragraph ${i} with enough words to take room.`).join(
      "\n\n",
    );
    const whole = answer(group.id);
    const allIds = await whole.finish({ answer: long, interrupted: false, notice: null });
    expect(allIds.length).toBeGreaterThan(1);
    const again = telegram.groupChat({ title: "Parts again" });
    const resumed = answer(again.id, { resume: { sentParts: 1, previewMessageId: null } });
    const ids = await resumed.finish({ answer: long, interrupted: false, notice: null });
    expect(ids).toHaveLength(allIds.length - 1);
    const sentTexts = telegram.botMessages(again.id).map((message) => message.text);
    const wholeTexts = telegram.botMessages(group.id).map((message) => message.text);
    expect(sentTexts).toEqual(wholeTexts.slice(1));
  });
});
