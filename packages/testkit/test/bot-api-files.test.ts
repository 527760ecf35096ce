import { Bot, GrammyError, InputFile } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { BotApiError, type FakeBotApi, startFakeBotApi, type UploadedFile } from "../src/index.ts";

const fakes: FakeBotApi[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(): Promise<{ fake: FakeBotApi; bot: Bot; chatId: number }> {
  const fake = await startFakeBotApi();
  fakes.push(fake);
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo });
  return { fake, bot, chatId: fake.privateChat(fake.user()).id };
}

async function rejection(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof GrammyError)) throw new Error(`expected a GrammyError, got ${String(error)}`);
  return error;
}

async function download(fake: FakeBotApi, filePath: string): Promise<Buffer> {
  const response = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${filePath}`);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe("given the bot uploads files with InputFile", () => {
  it("when it sends a photo with a caption, then the multipart upload is recorded and stored", async () => {
    const { fake, bot, chatId } = await setup();
    const bytes = Buffer.from("not really a png");
    const captionEntities = [{ type: "italic" as const, offset: 0, length: 4 }];

    const sent = await bot.api.sendPhoto(chatId, new InputFile(bytes, "chart.png"), {
      caption: "Your chart",
      caption_entities: captionEntities,
    });

    const params = fake.calls("sendPhoto")[0]?.params;
    expect(params).toMatchObject({
      chat_id: chatId,
      caption: "Your chart",
      caption_entities: captionEntities,
    });
    const photo = params?.photo as UploadedFile;
    expect(photo.fileName).toBe("chart.png");
    expect(photo.bytes.equals(bytes)).toBe(true);
    expect(sent).toMatchObject({ caption: "Your chart", caption_entities: captionEntities });
    expect(fake.botMessages(chatId)).toEqual([
      {
        message_id: sent.message_id,
        kind: "photo",
        caption: "Your chart",
        caption_entities: captionEntities,
        edits: 0,
      },
    ]);
    const file = await bot.api.getFile(sent.photo.at(-1)?.file_id ?? "");
    expect((await download(fake, file.file_path ?? "")).equals(bytes)).toBe(true);
  });

  it("when it sends a document, then the message carries its name and size", async () => {
    const { fake, bot, chatId } = await setup();

    const sent = await bot.api.sendDocument(chatId, new InputFile(Buffer.from("a,b\n1,2\n"), "data.csv"));

    expect(sent.document).toMatchObject({ file_name: "data.csv", mime_type: "text/csv", file_size: 8 });
    expect(fake.botMessages(chatId)[0]?.kind).toBe("document");
  });

  it("when the caption is longer than 1024 characters, then it is refused", async () => {
    const { bot, chatId } = await setup();

    const error = await rejection(
      bot.api.sendPhoto(chatId, new InputFile(Buffer.from("x"), "a.jpg"), { caption: "c".repeat(1025) }),
    );

    expect(error.description).toBe("Bad Request: message caption is too long");
  });

  it("when it resends by an unknown file_id, then Telegram's wrong identifier error comes back", async () => {
    const { bot, chatId } = await setup();

    const error = await rejection(bot.api.sendPhoto(chatId, "no-such-file"));

    expect(error.description).toBe("Bad Request: wrong file identifier/HTTP URL specified");
  });
});

describe("given files pushed by a user", () => {
  it("when the bot gets a photo with getFile, then the bytes download from /file/bot<token>/<path>", async () => {
    const { fake, bot } = await setup();
    const user = fake.user();
    const chat = fake.privateChat(user);
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01]);

    const { message } = fake.pushPhoto({ chat, from: user, bytes, caption: "look" });
    const fileId = message.photo?.at(-1)?.file_id ?? "";
    const file = await bot.api.getFile(fileId);

    expect(message.caption).toBe("look");
    expect(file).toMatchObject({ file_id: fileId, file_size: bytes.length });
    expect(file.file_path).toMatch(/^photos\/file_\d+\.jpg$/);
    expect((await download(fake, file.file_path ?? "")).equals(bytes)).toBe(true);
  });

  it("when a document is larger than 20 MB, then getFile says the file is too big", async () => {
    const { fake, bot } = await setup();
    const user = fake.user();
    const chat = fake.privateChat(user);
    const { message } = fake.pushDocument({
      chat,
      from: user,
      bytes: Buffer.alloc(20 * 1024 * 1024 + 1),
      fileName: "big.pdf",
    });

    const error = await rejection(bot.api.getFile(message.document?.file_id ?? ""));

    expect(message.document).toMatchObject({ file_name: "big.pdf", mime_type: "application/pdf" });
    expect(error.description).toBe("Bad Request: file is too big");
  });

  it("when voice notes and stickers are pushed, then they look like Telegram's", async () => {
    const { fake } = await setup();
    const user = fake.user();
    const chat = fake.privateChat(user);

    const voice = fake.pushVoice({ chat, from: user, bytes: Buffer.from("ogg"), durationSeconds: 3 });
    const sticker = fake.pushSticker({ chat, from: user });

    expect(voice.message.voice).toMatchObject({ duration: 3, mime_type: "audio/ogg", file_size: 3 });
    expect(sticker.message.sticker).toMatchObject({ type: "regular", emoji: "👍", is_animated: false });
    expect(sticker.message.text).toBeUndefined();
  });

  it("when getFile gets an unknown file_id, then 'invalid file_id'", async () => {
    const { bot } = await setup();

    const error = await rejection(bot.api.getFile("nope"));

    expect(error.description).toBe("Bad Request: invalid file_id");
  });
});

describe("given the bot's command list", () => {
  it("when commands are set per scope and language, then each is read back separately", async () => {
    const { bot, chatId } = await setup();

    await bot.api.setMyCommands([{ command: "new", description: "Start a new thread" }]);
    await bot.api.setMyCommands([{ command: "neu", description: "Neuer Thread" }], { language_code: "de" });
    await bot.api.setMyCommands([{ command: "admin", description: "Admin panel" }], {
      scope: { type: "chat", chat_id: chatId },
    });

    await expect(bot.api.getMyCommands()).resolves.toEqual([
      { command: "new", description: "Start a new thread" },
    ]);
    await expect(bot.api.getMyCommands({ language_code: "de" })).resolves.toEqual([
      { command: "neu", description: "Neuer Thread" },
    ]);
    await expect(bot.api.getMyCommands({ scope: { type: "chat", chat_id: chatId } })).resolves.toEqual([
      { command: "admin", description: "Admin panel" },
    ]);
    await expect(bot.api.getMyCommands({ scope: { type: "all_group_chats" } })).resolves.toEqual([]);
  });

  it("when a command name or description is invalid, then Telegram's errors come back", async () => {
    const { bot } = await setup();

    const upperCase = await rejection(bot.api.setMyCommands([{ command: "Start", description: "Go" }]));
    const slash = await rejection(bot.api.setMyCommands([{ command: "/start", description: "Go" }]));
    const empty = await rejection(bot.api.setMyCommands([{ command: "start", description: "" }]));
    const long = await rejection(bot.api.setMyCommands([{ command: "start", description: "d".repeat(257) }]));

    expect(upperCase.description).toBe("Bad Request: BOT_COMMAND_INVALID");
    expect(slash.description).toBe("Bad Request: BOT_COMMAND_INVALID");
    expect(empty.description).toBe("Bad Request: command description must be non-empty");
    expect(long.description).toBe("Bad Request: command description is too long");
    await expect(bot.api.getMyCommands()).resolves.toEqual([]);
  });
});

describe("given a callback query", () => {
  it("when it is answered twice, then the second answer is refused", async () => {
    const { fake, bot, chatId } = await setup();
    const user = fake.user({ id: chatId });
    const message = await bot.api.sendMessage(chatId, "pick", {
      reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] },
    });
    const { update, callbackQueryId } = fake.pushCallbackQuery({ from: user, message, data: "a" });

    await bot.api.answerCallbackQuery(callbackQueryId, { text: "ok" });
    const again = await rejection(bot.api.answerCallbackQuery(callbackQueryId));

    expect(update.callback_query).toMatchObject({
      id: callbackQueryId,
      data: "a",
      message: { message_id: message.message_id },
    });
    expect(again.description).toBe(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
  });
});

describe("given extension handlers", () => {
  it("when a method is added with handle(), then results and BotApiErrors reach grammY", async () => {
    const { fake, bot, chatId } = await setup();
    const refunded = new Set<string>();
    fake.handle("refundStarPayment", (params) => {
      const charge = String(params.telegram_payment_charge_id);
      if (refunded.has(charge)) throw new BotApiError("Bad Request: CHARGE_ALREADY_REFUNDED");
      refunded.add(charge);
      return true;
    });

    await expect(bot.api.refundStarPayment(chatId, "charge-1")).resolves.toBe(true);
    const twice = await rejection(bot.api.refundStarPayment(chatId, "charge-1"));

    expect(twice).toMatchObject({ error_code: 400, description: "Bad Request: CHARGE_ALREADY_REFUNDED" });
  });

  it("when a handler stores a bot message through the world, then it is a regular chat message", async () => {
    const { fake, bot, chatId } = await setup();
    fake.handle("sendInvoice", (params, { world }) => {
      const chat = world.chats.resolve(params.chat_id);
      const invoice = {
        title: String(params.title),
        description: String(params.description),
        start_parameter: "",
        currency: String(params.currency),
        total_amount: 50,
      };
      return world.sendBotMessage(
        chat,
        { invoice },
        { threadId: world.chats.thread(chat, params.message_thread_id) },
      );
    });

    const sent = await bot.api.sendInvoice(chatId, "Credits", "50 Stars of credit", "payload-1", "XTR", [
      { label: "Credits", amount: 50 },
    ]);

    expect(sent).toMatchObject({ message_id: 1, invoice: { title: "Credits", currency: "XTR" } });
    expect(fake.botMessages(chatId)).toEqual([{ message_id: 1, kind: "other", edits: 0 }]);
  });

  it("when a handler throws an unexpected error, then the bot sees a 500", async () => {
    const { fake, bot } = await setup();
    fake.handle("getStarTransactions", () => {
      throw new Error("handler bug");
    });

    const error = await rejection(bot.api.getStarTransactions());

    expect(error).toMatchObject({ error_code: 500, description: "Internal Server Error: handler bug" });
  });
});
