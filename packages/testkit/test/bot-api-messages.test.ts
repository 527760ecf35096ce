import type { MessageEntity } from "@grammyjs/types";
import { Bot, GrammyError } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../src/index.ts";

const fakes: FakeBotApi[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(): Promise<{ fake: FakeBotApi; bot: Bot; chatId: number }> {
  const fake = await startFakeBotApi();
  fakes.push(fake);
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo });
  const chat = fake.privateChat(fake.user({ first_name: "Ada" }));
  return { fake, bot, chatId: chat.id };
}

async function rejection(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof GrammyError)) throw new Error(`expected a GrammyError, got ${String(error)}`);
  return error;
}

describe("given a private chat with the bot", () => {
  it("when the bot sends a message with entities, then the call is recorded and the message stored", async () => {
    const { fake, bot, chatId } = await setup();
    const entities: MessageEntity[] = [{ type: "bold", offset: 0, length: 5 }];

    const sent = await bot.api.sendMessage(chatId, "Hello world", { entities });

    expect(sent).toMatchObject({
      message_id: 1,
      text: "Hello world",
      entities,
      chat: { id: chatId, type: "private" },
      from: { id: fake.botInfo.id, is_bot: true, username: "test_bot" },
    });
    expect(sent.date).toBeGreaterThan(0);
    expect(fake.calls("sendMessage")).toHaveLength(1);
    expect(fake.calls("sendMessage")[0]?.params).toMatchObject({
      chat_id: chatId,
      text: "Hello world",
      entities,
    });
    expect(fake.botMessages(chatId)).toEqual([
      { message_id: 1, kind: "text", text: "Hello world", entities, edits: 0 },
    ]);
  });

  it("when message ids are assigned, then user and bot messages share one increasing sequence", async () => {
    const { fake, bot, chatId } = await setup();
    const chat = fake.privateChat(fake.user({ id: chatId }));
    const first = fake.pushText({ chat, from: fake.user({ id: chatId }), text: "hi" });

    const reply = await bot.api.sendMessage(chatId, "hello", {
      reply_parameters: { message_id: first.message.message_id },
    });

    expect(first.message.message_id).toBe(1);
    expect(reply.message_id).toBe(2);
    expect(reply.reply_to_message).toMatchObject({ message_id: 1, text: "hi" });
  });

  it("when entities overlap partially, then sendMessage fails with a 400 and nothing is stored", async () => {
    const { fake, bot, chatId } = await setup();
    const entities: MessageEntity[] = [
      { type: "bold", offset: 0, length: 5 },
      { type: "italic", offset: 3, length: 5 },
    ];

    const error = await rejection(bot.api.sendMessage(chatId, "Hello world", { entities }));

    expect(error.error_code).toBe(400);
    expect(error.description).toBe(
      "Bad Request: can't parse entities: entities at offsets 0 and 3 overlap partially",
    );
    expect(fake.botMessages(chatId)).toEqual([]);
  });

  it("when the text is 4097 UTF-16 units long, then Telegram's 'message is too long' comes back", async () => {
    const { bot, chatId } = await setup();

    const error = await rejection(bot.api.sendMessage(chatId, "x".repeat(4097)));

    expect(error.description).toBe("Bad Request: message is too long");
    await expect(bot.api.sendMessage(chatId, "x".repeat(4096))).resolves.toMatchObject({ message_id: 1 });
  });

  it("when parse_mode is used, then the fake refuses it because the bot must send entities", async () => {
    const { bot, chatId } = await setup();

    const error = await rejection(bot.api.sendMessage(chatId, "*hi*", { parse_mode: "MarkdownV2" }));

    expect(error.description).toBe("Bad Request: this fake supports entities only");
  });

  it("when callback_data exceeds 64 bytes, then BUTTON_DATA_INVALID", async () => {
    const { bot, chatId } = await setup();
    const keyboard = (data: string) => ({
      reply_markup: { inline_keyboard: [[{ text: "Go", callback_data: data }]] },
    });

    const error = await rejection(bot.api.sendMessage(chatId, "pick", keyboard("é".repeat(33))));
    const accepted = await bot.api.sendMessage(chatId, "pick", keyboard("é".repeat(32)));

    expect(error.description).toBe("Bad Request: BUTTON_DATA_INVALID");
    expect(accepted.reply_markup?.inline_keyboard[0]?.[0]).toMatchObject({ callback_data: "é".repeat(32) });
  });

  it("when the chat is unknown, then 'chat not found'", async () => {
    const { bot } = await setup();

    const error = await rejection(bot.api.sendMessage(424242, "hi"));

    expect(error.description).toBe("Bad Request: chat not found");
  });
});

describe("given a bot message", () => {
  it("when it is edited to the same text and entities, then 'message is not modified'", async () => {
    const { fake, bot, chatId } = await setup();
    const entities: MessageEntity[] = [{ type: "italic", offset: 0, length: 4 }];
    const sent = await bot.api.sendMessage(chatId, "Hi there", { entities });

    const error = await rejection(bot.api.editMessageText(chatId, sent.message_id, "Hi there", { entities }));

    expect(error.description).toBe(
      "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    );
    expect(fake.botMessages(chatId)[0]?.edits).toBe(0);
  });

  it("when it is edited to new text, then the stored message shows the new text and counts the edit", async () => {
    const { fake, bot, chatId } = await setup();
    const sent = await bot.api.sendMessage(chatId, "Draft", {
      entities: [{ type: "bold", offset: 0, length: 5 }],
    });

    const edited = await bot.api.editMessageText(chatId, sent.message_id, "Final answer");

    expect(edited).toMatchObject({ message_id: sent.message_id, text: "Final answer" });
    expect(edited).not.toHaveProperty("entities");
    expect(fake.botMessages(chatId)).toEqual([
      { message_id: sent.message_id, kind: "text", text: "Final answer", edits: 1 },
    ]);
  });

  it("when an unknown message is edited, then 'message to edit not found'", async () => {
    const { bot, chatId } = await setup();

    const error = await rejection(bot.api.editMessageText(chatId, 99, "x"));

    expect(error.description).toBe("Bad Request: message to edit not found");
  });

  it("when it is deleted, then it is gone and deleting it again fails", async () => {
    const { fake, bot, chatId } = await setup();
    const kept = await bot.api.sendMessage(chatId, "keep");
    const doomed = await bot.api.sendMessage(chatId, "delete me");

    await bot.api.deleteMessage(chatId, doomed.message_id);
    const again = await rejection(bot.api.deleteMessage(chatId, doomed.message_id));

    expect(fake.botMessages(chatId).map((message) => message.message_id)).toEqual([kept.message_id]);
    expect(again.description).toBe("Bad Request: message to delete not found");
  });
});

describe("given a group without topics and a forum", () => {
  it("when the bot sends to a topic, then only the forum accepts it", async () => {
    const { fake, bot } = await setup();
    const plain = fake.groupChat({ title: "Plain" });
    const forum = fake.groupChat({ title: "Forum", forum: true });

    const error = await rejection(bot.api.sendMessage(plain.id, "hi", { message_thread_id: 5 }));
    const inTopic = await bot.api.sendMessage(forum.id, "hi", { message_thread_id: 5 });

    expect(error.description).toBe("Bad Request: message thread not found");
    expect(inTopic).toMatchObject({ message_thread_id: 5, is_topic_message: true });
    expect(fake.botMessages(forum.id, 5)).toHaveLength(1);
    expect(fake.botMessages(forum.id, 6)).toHaveLength(0);
  });
});

describe("given raw HTTP clients", () => {
  it("when the token is wrong, then 401 Unauthorized", async () => {
    const { fake } = await setup();

    const response = await fetch(`${fake.apiRoot}/bot1:wrong/getMe`);

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
  });

  it("when the method is unknown, then 404 Not Found", async () => {
    const { fake } = await setup();

    const response = await fetch(`${fake.apiRoot}/bot${fake.token}/sendTelepathy`, { method: "POST" });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });
  });

  it("when parameters come as a GET query or a form, then they are coerced like JSON ones", async () => {
    const { fake, chatId } = await setup();

    const viaQuery = await fetch(`${fake.apiRoot}/bot${fake.token}/sendmessage?chat_id=${chatId}&text=42`);
    const viaForm = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        chat_id: String(chatId),
        text: "bold",
        entities: JSON.stringify([{ type: "bold", offset: 0, length: 4 }]),
      }),
    });

    expect(await viaQuery.json()).toMatchObject({ ok: true, result: { text: "42" } });
    expect(await viaForm.json()).toMatchObject({ ok: true, result: { entities: [{ type: "bold" }] } });
    expect(fake.calls("sendMessage").map((call) => call.params.chat_id)).toEqual([chatId, chatId]);
  });
});
