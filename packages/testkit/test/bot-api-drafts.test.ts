import { Bot, GrammyError } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../src/index.ts";

const fakes: FakeBotApi[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(): Promise<{ fake: FakeBotApi; bot: Bot }> {
  const fake = await startFakeBotApi();
  fakes.push(fake);
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo });
  return { fake, bot };
}

async function rejection(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof GrammyError)) throw new Error(`expected a GrammyError, got ${String(error)}`);
  return error;
}

describe("given a group chat", () => {
  it("when the bot streams a draft, then Telegram refuses drafts outside private chats", async () => {
    const { fake, bot } = await setup();
    const group = fake.groupChat();

    const error = await rejection(bot.api.sendMessageDraft(group.id, 1, "thinking"));

    expect(error.error_code).toBe(400);
    expect(error.description).toBe("Bad Request: drafts can be used only in private chats");
  });
});

describe("given a private chat", () => {
  it("when the bot streams a draft, then its latest text, update count and stop button are tracked", async () => {
    const { fake, bot } = await setup();
    const chat = fake.privateChat(fake.user());

    await bot.api.sendMessageDraft(chat.id, 42, "", { can_stop: true });
    await bot.api.sendMessageDraft(chat.id, 42, "Hel", { can_stop: true });
    await bot.api.sendMessageDraft(chat.id, 42, "Hello", {
      can_stop: true,
      entities: [{ type: "bold", offset: 0, length: 5 }],
    });

    expect(fake.drafts(chat.id)).toEqual([
      {
        draft_id: 42,
        text: "Hello",
        entities: [{ type: "bold", offset: 0, length: 5 }],
        updates: 3,
        can_stop: true,
        keep_on_stop: false,
        stopped: false,
        visible: true,
      },
    ]);
  });

  it("when the final message is sent, then the draft is no longer visible", async () => {
    const { fake, bot } = await setup();
    const chat = fake.privateChat(fake.user());
    await bot.api.sendMessageDraft(chat.id, 1, "partial");

    await bot.api.sendMessage(chat.id, "partial and final");

    expect(fake.drafts(chat.id)[0]).toMatchObject({ text: "partial", visible: false });
  });

  it("when drafts go to two topics, then each topic has its own draft", async () => {
    const { fake, bot } = await setup();
    const chat = fake.privateChat(fake.user());

    await bot.api.sendMessageDraft(chat.id, 1, "in topic 3", { message_thread_id: 3 });
    await bot.api.sendMessageDraft(chat.id, 1, "in topic 4", { message_thread_id: 4 });
    await bot.api.sendMessage(chat.id, "done", { message_thread_id: 3 });

    expect(fake.drafts(chat.id).map((draft) => [draft.topicId, draft.text, draft.visible])).toEqual([
      [3, "in topic 3", false],
      [4, "in topic 4", true],
    ]);
  });

  it("when draft_id is 0 or the entities are invalid, then the draft is refused", async () => {
    const { fake, bot } = await setup();
    const chat = fake.privateChat(fake.user());

    const zero = await rejection(bot.api.sendMessageDraft(chat.id, 0, "x"));
    const badEntity = await rejection(
      bot.api.sendMessageDraft(chat.id, 5, "abc", { entities: [{ type: "bold", offset: 2, length: 5 }] }),
    );

    expect(zero.description).toBe("Bad Request: draft_id must be non-zero");
    expect(badEntity.description).toMatch(
      /^Bad Request: can't parse entities: entity 0 ends at UTF-16 offset 7/,
    );
    expect(fake.drafts(chat.id)).toEqual([]);
  });

  it("when the user presses stop, then stopped_message_generation arrives and the draft is hidden", async () => {
    const { fake, bot } = await setup();
    const chat = fake.privateChat(fake.user());
    await bot.api.sendMessageDraft(chat.id, 9, "long answer", { can_stop: true, message_thread_id: 2 });

    const update = fake.pushStoppedGeneration({ chat, draftId: 9, topicId: 2 });
    const [received] = await bot.api.getUpdates();

    expect(update.stopped_message_generation).toEqual({ chat, draft_id: 9, message_thread_id: 2 });
    expect(received).toEqual(update);
    expect(fake.drafts(chat.id)[0]).toMatchObject({ stopped: true, visible: false });
  });

  it("when a stopped draft had keep_on_stop, then it stays visible", async () => {
    const { fake, bot } = await setup();
    const chat = fake.privateChat(fake.user());
    await bot.api.sendMessageDraft(chat.id, 9, "keep me", { can_stop: true, keep_on_stop: true });

    fake.pushStoppedGeneration({ chat, draftId: 9 });

    expect(fake.drafts(chat.id)[0]).toMatchObject({ stopped: true, visible: true });
  });
});
