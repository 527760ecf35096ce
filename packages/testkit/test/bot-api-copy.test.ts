import type { MessageEntity, User } from "@grammyjs/types";
import { Bot, GrammyError, InputFile } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../src/index.ts";

const fakes: FakeBotApi[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(): Promise<{ fake: FakeBotApi; bot: Bot; user: User; chatId: number }> {
  const fake = await startFakeBotApi();
  fakes.push(fake);
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo });
  const user = fake.user({ first_name: "Ada" });
  return { fake, bot, user, chatId: fake.privateChat(user).id };
}

async function rejection(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof GrammyError)) throw new Error(`expected a GrammyError, got ${String(error)}`);
  return error;
}

const BLOCKED = "Forbidden: bot was blocked by the user";

describe("given a text message with entities in an admin chat", () => {
  it("when the bot copies it to a user, then the user's chat gets a bot message with the same text", async () => {
    const { fake, bot, chatId } = await setup();
    const admin = fake.user({ first_name: "Admin" });
    const adminChat = fake.privateChat(admin);
    const entities: MessageEntity[] = [{ type: "bold", offset: 0, length: 4 }];
    const announcement = fake.pushText({ chat: adminChat, from: admin, text: "News: v2 is out", entities });
    await bot.api.sendMessage(chatId, "earlier");

    const copied = await bot.api.copyMessage(chatId, adminChat.id, announcement.message.message_id);

    expect(copied).toEqual({ message_id: 2 });
    expect(fake.botMessages(chatId)).toEqual([
      { message_id: 1, kind: "text", text: "earlier", edits: 0 },
      { message_id: 2, kind: "text", text: "News: v2 is out", entities, edits: 0 },
    ]);
    expect(fake.calls("copyMessage")[0]?.response).toEqual({ ok: true, result: { message_id: 2 } });
  });

  it("when it is copied into a forum topic with a keyboard, then the copy is in the topic with that keyboard", async () => {
    const { fake, bot, user, chatId } = await setup();
    const forum = fake.groupChat({ forum: true });
    const source = fake.pushText({ chat: fake.privateChat(user), from: user, text: "hello" });
    const keyboard = { inline_keyboard: [[{ text: "Open", url: "https://example.org" }]] };

    const copied = await bot.api.copyMessage(forum.id, chatId, source.message.message_id, {
      message_thread_id: 3,
      reply_markup: keyboard,
    });

    expect(fake.botMessages(forum.id, 3)).toEqual([
      { message_id: copied.message_id, kind: "text", text: "hello", topicId: 3, edits: 0 },
    ]);
    expect(fake.world.messages.get(forum.id, copied.message_id)?.message).toMatchObject({
      from: { id: fake.botInfo.id },
      reply_markup: keyboard,
    });
  });
});

describe("given a photo with a caption", () => {
  it("when copied without, with and with an empty caption, then the caption is kept, replaced and removed", async () => {
    const { fake, bot, user, chatId } = await setup();
    const target = fake.privateChat(fake.user()).id;
    const photo = fake.pushPhoto({
      chat: fake.privateChat(user),
      from: user,
      bytes: Buffer.from("jpeg"),
      caption: "original",
    });
    const id = photo.message.message_id;

    const kept = await bot.api.copyMessage(target, chatId, id);
    const replaced = await bot.api.copyMessage(target, chatId, id, {
      caption: "fresh",
      caption_entities: [{ type: "italic", offset: 0, length: 5 }],
    });
    const removed = await bot.api.copyMessage(target, chatId, id, { caption: "" });

    const messages = fake.botMessages(target);
    expect(messages.map((message) => message.kind)).toEqual(["photo", "photo", "photo"]);
    expect(messages.map((message) => message.message_id)).toEqual([
      kept.message_id,
      replaced.message_id,
      removed.message_id,
    ]);
    expect(messages[0]?.caption).toBe("original");
    expect(messages[1]).toMatchObject({
      caption: "fresh",
      caption_entities: [{ type: "italic", offset: 0, length: 5 }],
    });
    expect(messages[2]).not.toHaveProperty("caption");
    expect(fake.world.messages.get(target, kept.message_id)?.message.photo?.[0]?.file_id).toBe(
      photo.message.photo?.[0]?.file_id,
    );
  });

  it("when the new caption is too long, then 'message caption is too long'", async () => {
    const { fake, bot, chatId } = await setup();
    const sent = await bot.api.sendPhoto(chatId, new InputFile(Buffer.from("png"), "a.png"));
    const target = fake.privateChat(fake.user()).id;

    const error = await rejection(
      bot.api.copyMessage(target, chatId, sent.message_id, { caption: "x".repeat(1025) }),
    );

    expect(error.description).toBe("Bad Request: message caption is too long");
    expect(fake.botMessages(target)).toEqual([]);
  });
});

describe("given messages that cannot be copied", () => {
  it("when the message does not exist or was deleted, then 'message to copy not found'", async () => {
    const { fake, bot, chatId } = await setup();
    const target = fake.privateChat(fake.user()).id;
    const doomed = await bot.api.sendMessage(chatId, "gone soon");
    await bot.api.deleteMessage(chatId, doomed.message_id);

    const missing = await rejection(bot.api.copyMessage(target, chatId, 99));
    const deleted = await rejection(bot.api.copyMessage(target, chatId, doomed.message_id));

    expect(missing.error_code).toBe(400);
    expect(missing.description).toBe("Bad Request: message to copy not found");
    expect(deleted.description).toBe("Bad Request: message to copy not found");
  });

  it("when it is an invoice or a payment service message, then 'message can't be copied'", async () => {
    const { fake, bot, user, chatId } = await setup();
    const target = fake.privateChat(fake.user()).id;
    const invoice = await bot.api.sendInvoice(chatId, "Credits", "d", "p", "XTR", [
      { label: "x", amount: 5 },
    ]);
    const payment = fake.pushSuccessfulPayment({
      chat: fake.privateChat(user),
      from: user,
      payload: "p",
      totalAmount: 5,
    });

    const errors = await Promise.all([
      rejection(bot.api.copyMessage(target, chatId, invoice.message_id)),
      rejection(bot.api.copyMessage(target, chatId, payment.message.message_id)),
    ]);

    expect(errors.map((error) => error.description)).toEqual([
      "Bad Request: message can't be copied",
      "Bad Request: message can't be copied",
    ]);
  });

  it("when the target or source chat is unknown, then 'chat not found'", async () => {
    const { fake, bot, chatId } = await setup();
    const sent = await bot.api.sendMessage(chatId, "hi");
    const neverStarted = fake.user();

    const unknownTarget = await rejection(bot.api.copyMessage(neverStarted.id, chatId, sent.message_id));
    const unknownSource = await rejection(bot.api.copyMessage(chatId, 777, sent.message_id));

    expect(unknownTarget.description).toBe("Bad Request: chat not found");
    expect(unknownSource.description).toBe("Bad Request: chat not found");
  });
});

describe("given a user who blocked the bot", () => {
  it("when the bot sends, copies, invoices or types to them, then each fails with 403", async () => {
    const { fake, bot, user, chatId } = await setup();
    const other = fake.privateChat(fake.user());
    const source = await bot.api.sendMessage(other.id, "broadcast");
    fake.blockBot(user.id);

    const errors = await Promise.all([
      rejection(bot.api.sendMessage(chatId, "hi")),
      rejection(bot.api.copyMessage(chatId, other.id, source.message_id)),
      rejection(bot.api.sendInvoice(chatId, "Credits", "d", "p", "XTR", [{ label: "x", amount: 5 }])),
      rejection(bot.api.sendPhoto(chatId, new InputFile(Buffer.from("png"), "a.png"))),
      rejection(bot.api.sendChatAction(chatId, "typing")),
      rejection(bot.api.sendMessageDraft(chatId, 1, "thinking")),
    ]);

    expect(errors.map((error) => [error.error_code, error.description])).toEqual(
      Array(6).fill([403, BLOCKED]),
    );
    expect(fake.botMessages(chatId)).toEqual([]);
    expect(fake.invoices(chatId)).toEqual([]);
    await expect(bot.api.copyMessage(other.id, other.id, source.message_id)).resolves.toEqual({
      message_id: 2,
    });
  });

  it("when a raw client sends, then the body is Telegram's 403 error object", async () => {
    const { fake, user, chatId } = await setup();
    fake.blockBot(user.id);

    const response = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: chatId, text: "hi" }),
    });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ ok: false, error_code: 403, description: BLOCKED });
  });

  it("when the bot sends in a group the user is in, then blocking does not matter", async () => {
    const { fake, bot, user } = await setup();
    const group = fake.groupChat();
    fake.blockBot(user.id);

    await expect(bot.api.sendMessage(group.id, "still here")).resolves.toMatchObject({ text: "still here" });
  });

  it("when the user unblocks the bot, then sending works again", async () => {
    const { fake, bot, user, chatId } = await setup();
    fake.blockBot(user.id);
    const blocked = await rejection(bot.api.sendMessage(chatId, "hi"));

    fake.unblockBot(user.id);
    const sent = await bot.api.sendMessage(chatId, "welcome back");

    expect(blocked.error_code).toBe(403);
    expect(sent.text).toBe("welcome back");
  });
});
