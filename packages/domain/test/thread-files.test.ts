import { describe, expect, it } from "vitest";
import { decideThread, type FileReceived, type ThreadCommand, ThreadRuleViolation } from "../src/index.ts";
import { threadRunner } from "./support/run-thread.ts";

const key = { chatId: 9, topicId: null, userId: 9 };
const thread = threadRunner(key);
const { run } = thread;
const GEN = "44444444-4444-4444-8444-444444444444";
const PHOTO = "55555555-5555-4555-8555-555555555555";
const CHART = "66666666-6666-4666-8666-666666666666";

const photo: FileReceived["data"] = {
  fileId: PHOTO,
  source: "user",
  kind: "photo",
  name: "photo.jpg",
  mimeType: "image/jpeg",
  sizeBytes: 120_000,
  telegramFileId: "AgAD-photo",
  telegramFileUniqueId: "uniq-photo",
  messageId: null,
  sha256: null,
  generationId: null,
  toolUseId: null,
  durationSeconds: null,
  caption: "What is this?",
};

const receive: ThreadCommand = {
  type: "ReceiveMessage",
  message: thread.message({
    messageId: 3,
    updateId: 30,
    text: "What is this?",
    from: { username: null, firstName: "Bo", languageCode: "en" },
  }),
  files: [photo],
};

const chart = (generationId: string | null = GEN): FileReceived["data"] => ({
  ...photo,
  fileId: CHART,
  source: "assistant",
  kind: "image",
  name: "chart.png",
  mimeType: "image/png",
  telegramFileId: null,
  telegramFileUniqueId: null,
  sha256: "a".repeat(64),
  generationId,
  toolUseId: "toolu_1",
  caption: null,
});

describe("given a photo with a caption", () => {
  it("when it arrives, then MessageReceived and FileReceived are recorded together and the turn carries the file", () => {
    const { state, events } = run([receive]);
    expect(events.map((event) => event.type)).toEqual(["MessageReceived", "FileReceived"]);
    expect(events[1]?.data).toMatchObject({ fileId: PHOTO, messageId: 3 });
    expect(state.turns[0]).toMatchObject({ kind: "user", text: "What is this?", fileIds: [PHOTO] });
    expect(state.files.map((file) => [file.fileId, file.delivered])).toEqual([[PHOTO, false]]);
  });

  it("when the same update arrives again, then neither the message nor the file is recorded twice", () => {
    const { state } = run([receive]);
    expect(decideThread(receive, state)).toEqual([]);
  });
});

describe("given an answer being written", () => {
  const writing = run([
    receive,
    { type: "StartGeneration", generationId: GEN, modelId: "m", priceTableVersion: "v", delivery: "draft" },
  ]).state;

  it("when a tool stores a chart, then it is a pending assistant file until delivered once", () => {
    const { state, events } = run([{ type: "RecordToolFile", file: chart() }], writing);
    expect(events.map((event) => event.type)).toEqual(["FileReceived"]);
    const delivery: ThreadCommand = {
      type: "RecordFileDelivery",
      delivery: {
        fileId: CHART,
        telegramMessageId: 77,
        telegramFileId: "BQAD-chart",
        sentAs: "photo",
        caption: "Sales",
      },
    };
    const delivered = run([delivery], state);
    expect(delivered.events.map((event) => event.type)).toEqual(["FileDelivered"]);
    expect(delivered.state.files.find((file) => file.fileId === CHART)?.delivered).toBe(true);
    expect(decideThread(delivery, delivered.state)).toEqual([]);
  });

  it("when a tool file names no open generation or no stored content, then the rule is violated", () => {
    expect(() =>
      decideThread({ type: "RecordToolFile", file: chart("77777777-7777-4777-8777-777777777777") }, writing),
    ).toThrow(ThreadRuleViolation);
    expect(() =>
      decideThread({ type: "RecordToolFile", file: { ...chart(), sha256: null } }, writing),
    ).toThrow(ThreadRuleViolation);
    expect(() =>
      decideThread(
        {
          type: "RecordFileDelivery",
          delivery: {
            fileId: CHART,
            telegramMessageId: 1,
            telegramFileId: "x",
            sentAs: "document",
            caption: null,
          },
        },
        writing,
      ),
    ).toThrow(ThreadRuleViolation);
  });
});
