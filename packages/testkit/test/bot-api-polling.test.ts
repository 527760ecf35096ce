import type { Update } from "@grammyjs/types";
import { Bot, GrammyError } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../src/index.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(): Promise<{ fake: FakeBotApi; bot: Bot }> {
  const fake = await startFakeBotApi();
  cleanups.push(() => fake.close());
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo });
  return { fake, bot };
}

/** Starts long polling and stops it after the test. */
function startPolling(bot: Bot): void {
  void bot.start({ timeout: 1 });
  cleanups.push(() => bot.stop());
}

/** A short, human-readable name for an update, to assert order. */
function describeUpdate(update: Update): string {
  if (update.message?.text !== undefined) return `message:${update.message.text}`;
  if (update.edited_message !== undefined) return `edit:${update.edited_message.text}`;
  if (update.callback_query !== undefined) return `callback:${update.callback_query.data}`;
  if (update.stopped_message_generation !== undefined)
    return `stop:${update.stopped_message_generation.draft_id}`;
  return "other";
}

describe("given a bot polling with bot.start()", () => {
  it("when updates of every kind are pushed, then the bot receives them once and in order", async () => {
    const { fake, bot } = await setup();
    const user = fake.user();
    const chat = fake.privateChat(user);
    const seen: string[] = [];
    bot.use((ctx, next) => {
      seen.push(describeUpdate(ctx.update));
      return next();
    });
    bot.on("callback_query:data", (ctx) => ctx.answerCallbackQuery());
    const buttonMessage = await bot.api.sendMessage(chat.id, "pick", {
      reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] },
    });
    startPolling(bot);

    const text = fake.pushText({ chat, from: user, text: "hello" });
    fake.pushCommand({ chat, from: user, command: "start", args: "ref" });
    fake.pushEdit({ chat, messageId: text.message.message_id, text: "hello again" });
    fake.pushCallbackQuery({ from: user, message: buttonMessage, data: "a" });
    fake.pushStoppedGeneration({ chat, draftId: 7 });
    await fake.waitFor((call) => call.method === "answerCallbackQuery");
    await waitUntil(() => seen.length === 5);

    expect(seen).toEqual(["message:hello", "message:/start ref", "edit:hello again", "callback:a", "stop:7"]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toHaveLength(5);
    expect(fake.calls("answerCallbackQuery")[0]?.response.ok).toBe(true);
  });

  it("when a command mentions the bot, then grammY's command filter matches it", async () => {
    const { fake, bot } = await setup();
    const group = fake.groupChat({ title: "Team" });
    const user = fake.user();
    const commands: string[] = [];
    bot.command("help", (ctx) => {
      commands.push(ctx.message?.text ?? "");
    });
    startPolling(bot);

    const { message } = fake.pushCommand({ chat: group, from: user, command: "help", mentionBot: true });
    await waitUntil(() => commands.length === 1);

    expect(message.entities).toEqual([{ type: "bot_command", offset: 0, length: "/help@test_bot".length }]);
    expect(commands).toEqual(["/help@test_bot"]);
  });

  it("when an update is redelivered, then the bot sees it a second time with the same update_id", async () => {
    const { fake, bot } = await setup();
    const user = fake.user();
    const chat = fake.privateChat(user);
    const ids: number[] = [];
    bot.use((ctx) => {
      ids.push(ctx.update.update_id);
    });
    startPolling(bot);

    const { update } = fake.pushText({ chat, from: user, text: "once" });
    await waitUntil(() => ids.length === 1);
    fake.redeliver(update.update_id);
    await waitUntil(() => ids.length === 2);

    expect(ids).toEqual([update.update_id, update.update_id]);
  });
});

describe("given a manual getUpdates loop", () => {
  it("when offsets confirm updates, then confirmed updates are not returned again", async () => {
    const { fake, bot } = await setup();
    const user = fake.user();
    const chat = fake.privateChat(user);
    fake.pushText({ chat, from: user, text: "one" });
    fake.pushText({ chat, from: user, text: "two" });

    const first = await bot.api.getUpdates({ limit: 1 });
    const unconfirmed = await bot.api.getUpdates();
    const confirmed = await bot.api.getUpdates({ offset: (first[0]?.update_id ?? 0) + 1 });

    expect(first.map(describeUpdate)).toEqual(["message:one"]);
    expect(unconfirmed.map(describeUpdate)).toEqual(["message:one", "message:two"]);
    expect(confirmed.map(describeUpdate)).toEqual(["message:two"]);
  });

  it("when a long poll waits, then it returns as soon as an update is pushed", async () => {
    const { fake, bot } = await setup();
    const user = fake.user();
    const chat = fake.privateChat(user);
    const started = Date.now();

    const poll = bot.api.getUpdates({ timeout: 10 });
    setTimeout(() => fake.pushText({ chat, from: user, text: "ping" }), 50);
    const updates = await poll;

    expect(updates.map(describeUpdate)).toEqual(["message:ping"]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("when a long poll times out, then it returns an empty list", async () => {
    const { bot } = await setup();

    await expect(bot.api.getUpdates({ timeout: 1 })).resolves.toEqual([]);
  });

  it("when allowed_updates excludes a kind, then updates of that kind are not delivered", async () => {
    const { fake, bot } = await setup();
    const user = fake.user();
    const chat = fake.privateChat(user);
    await bot.api.getUpdates({ allowed_updates: ["callback_query"] });

    fake.pushText({ chat, from: user, text: "ignored" });
    const updates = await bot.api.getUpdates();

    expect(updates).toEqual([]);
  });

  it("when a second long poll starts, then the first ends with 409 Conflict", async () => {
    const { bot } = await setup();

    const first = bot.api.getUpdates({ timeout: 5 }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = bot.api.getUpdates({ timeout: 0 });

    const error = await first;
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(409);
    expect((error as GrammyError).description).toMatch(/^Conflict: terminated by other getUpdates request/);
    await expect(second).resolves.toEqual([]);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("given a group and a bot in privacy mode", () => {
  it("when users write plain text, mentions, replies and commands, then only the last three reach the bot", async () => {
    const { fake, bot } = await setup();
    const group = fake.groupChat();
    const user = fake.user();
    const botMessage = await bot.api.sendMessage(group.id, "I am here");

    const plain = fake.pushText({ chat: group, from: user, text: "just chatting" });
    const mention = fake.pushText({ chat: group, from: user, text: "hey @test_bot, help" });
    const reply = fake.pushText({
      chat: group,
      from: user,
      text: "thanks",
      replyToMessageId: botMessage.message_id,
    });
    const command = fake.pushText({ chat: group, from: user, text: "/new topic" });
    const otherBot = fake.pushText({ chat: group, from: user, text: "/new@other_bot" });
    const updates = await bot.api.getUpdates();

    expect([plain, mention, reply, command, otherBot].map((pushed) => pushed.delivered)).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
    expect(updates.map((update) => update.message?.text)).toEqual([
      "hey @test_bot, help",
      "thanks",
      "/new topic",
    ]);
    expect(mention.message.entities).toEqual([{ type: "mention", offset: 4, length: 9 }]);
  });

  it("when the bot can read all group messages, then plain text is delivered too", async () => {
    const fake = await startFakeBotApi({ bot: { can_read_all_group_messages: true } });
    cleanups.push(() => fake.close());
    const group = fake.groupChat();

    const pushed = fake.pushText({ chat: group, from: fake.user(), text: "just chatting" });

    expect(pushed.delivered).toBe(true);
  });
});
