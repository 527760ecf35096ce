import { PERSONALITY_MAX_LENGTH, PERSONALITY_MIN_LENGTH } from "@bot/domain";
import { modelRegistry } from "@bot/llm";
import { textsFor } from "@bot/telegram";
import type { RecordedAnthropicRequest, RecordedCall, UserChat } from "@bot/testkit";
import type { InlineKeyboardMarkup, Message, User } from "@grammyjs/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../src/command-registry.ts";
import { type BotUnderTest, FAST_ENV, startBotUnderTest } from "./bot-harness.ts";
import {
  messageRequests,
  messageText,
  nthRequest,
  nthSent,
  okCalls,
  requestMessages,
  requestSystem,
  sentMatching,
  textOf,
} from "./e2e-support.ts";

const en = textsFor("en");
const ru = textsFor("ru");

describe("given the bot's commands", () => {
  let bot: BotUnderTest;
  beforeAll(async () => {
    bot = await startBotUnderTest({ env: FAST_ENV });
    bot.anthropic.respondWith((request) => {
      const messages = (request.body.messages ?? []) as { content: { text?: string }[] }[];
      const last = messages.at(-1)?.content.at(-1)?.text ?? "";
      return { kind: "message", blocks: [{ type: "text", text: `Answer to: ${last.slice(-40)}` }] };
    });
    await bot.start();
  }, 90_000);
  afterAll(async () => {
    await bot?.close();
  });

  /** Sends a message and waits for the model request and the answer; returns the request. */
  async function ask(chat: UserChat, from: User, text: string): Promise<RecordedAnthropicRequest> {
    const requests = messageRequests(bot.anthropic).length;
    const sent = okCalls(bot.telegram, "sendMessage", chat.id).length;
    bot.telegram.pushText({ chat, from, text });
    const request = await nthRequest(bot.anthropic, requests + 1);
    await nthSent(bot.telegram, chat.id, sent + 1);
    return request;
  }

  /** Sends `/name args` and returns the bot's reply. */
  async function command(chat: UserChat, from: User, name: string, args?: string): Promise<RecordedCall> {
    const sent = okCalls(bot.telegram, "sendMessage", chat.id).length;
    bot.telegram.pushCommand({ chat, from, command: name, ...(args === undefined ? {} : { args }) });
    return nthSent(bot.telegram, chat.id, sent + 1);
  }

  it("when a user sends /start and /help, then they are greeted and get the commands of the registry, in Russian for a Russian-speaking user", {
    timeout: 30_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Hanna" });
    const chat = bot.telegram.privateChat(user);
    expect(textOf(await command(chat, user, "start"))).toBe(en.welcome("Hanna"));
    const help = textOf(await command(chat, user, "help"));
    const listed = COMMANDS.filter((spec) => spec.listed && !spec.admin);
    expect(help.split("\n")).toEqual([
      en.helpHeader,
      "",
      ...listed.map((spec) => `/${spec.command} — ${spec.description.en}`),
      "",
      en.helpFooter,
    ]);
    expect(help).not.toContain("/start");

    const ivan = bot.telegram.user({ first_name: "Иван", language_code: "ru" });
    const ivanChat = bot.telegram.privateChat(ivan);
    expect(textOf(await command(ivanChat, ivan, "start"))).toBe(ru.welcome("Иван"));
    const russian = textOf(await command(ivanChat, ivan, "help"));
    expect(russian.split("\n")).toEqual([
      ru.helpHeader,
      "",
      ...listed.map((spec) => `/${spec.command} — ${spec.description.ru}`),
      "",
      ru.helpFooter,
    ]);
    expect(russian).toContain("/new — Начать новый разговор");
  });

  it("when a user sends /new, then the next request carries no earlier history", {
    timeout: 30_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Nina" });
    const chat = bot.telegram.privateChat(user);
    await ask(chat, user, "Remember the number 42");
    const second = await ask(chat, user, "What number?");
    expect(requestMessages(second)).toHaveLength(3);

    expect(textOf(await command(chat, user, "new"))).toBe(en.newContext);
    const fresh = await ask(chat, user, "Do you remember anything?");
    expect(requestMessages(fresh).map(messageText)).toEqual(["Do you remember anything?"]);
  });

  it("when a user picks models on the /model keyboard, then the next requests use the thread's model, the default they made, and the default again after 'use my default here'", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Mo" });
    const chat = bot.telegram.privateChat(user);
    const fallback = modelRegistry.defaultModel();
    const [first, second] = modelRegistry.listModels().filter((model) => model.id !== fallback.id);
    if (!first || !second) throw new Error("the registry needs three models for this test");

    expect((await ask(chat, user, "Which model are you?")).body.model).toBe(fallback.id);
    const menu = await command(chat, user, "model");
    expect(textOf(menu)).toBe(`${en.modelCurrent(fallback.displayName, "default")}\n\n${en.modelChooseHint}`);
    const keyboard = (menu.params.reply_markup as InlineKeyboardMarkup).inline_keyboard.flat();
    expect(keyboard.map((button) => button.text)).toContain(`✅ ${fallback.displayName}`);
    expect(keyboard.map((button) => button.text)).toContain(en.modelMakeDefaultButton);
    const keyboardMessage = menu.response.result as Message;

    async function press(data: string): Promise<string> {
      const pressed = bot.telegram.pushCallbackQuery({ from: user, message: keyboardMessage, data });
      const answer = await bot.telegram.waitFor(
        (call) =>
          call.method === "answerCallbackQuery" && call.params.callback_query_id === pressed.callbackQueryId,
        10_000,
      );
      return String(answer.params.text ?? "");
    }

    expect(await press(`model:set:${first.id}`)).toBe(en.modelSetForThread(first.displayName));
    expect((await ask(chat, user, "And now?")).body.model).toBe(first.id);

    expect(await press("model:default")).toBe(en.modelSetDefault(first.displayName));
    expect(await press(`model:set:${second.id}`)).toBe(en.modelSetForThread(second.displayName));
    expect((await ask(chat, user, "And now, with the second?")).body.model).toBe(second.id);
    const edited = bot.telegram
      .botMessages(chat.id)
      .find((message) => message.message_id === keyboardMessage.message_id);
    expect(edited?.text).toBe(`${en.modelCurrent(second.displayName, "thread")}\n\n${en.modelChooseHint}`);

    expect(await press("model:reset")).toBe(en.modelOverrideRemoved(first.displayName));
    expect((await ask(chat, user, "And after the reset?")).body.model).toBe(first.id);

    // The default is the user's: it applies in their other threads too.
    const group = bot.telegram.groupChat({ title: "Models" });
    const requests = messageRequests(bot.anthropic).length;
    bot.telegram.pushText({ chat: group, from: user, text: "@test_bot which model here?" });
    expect((await nthRequest(bot.anthropic, requests + 1)).body.model).toBe(first.id);
    await nthSent(bot.telegram, group.id, 1);
  });

  it("when a user sets, checks and clears a personality, then it is in the next request's system prompt until cleared, and wrong lengths are refused naming the limits", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Pia" });
    const chat = bot.telegram.privateChat(user);
    const howTo = en.personalityHowToSet(PERSONALITY_MIN_LENGTH, PERSONALITY_MAX_LENGTH);
    expect(textOf(await command(chat, user, "personality"))).toBe(`${en.personalityNone}\n${howTo}`);

    const tooShort = textOf(await command(chat, user, "personality", "pirate"));
    expect(tooShort).toBe(en.personalityTooShort(6, PERSONALITY_MIN_LENGTH));
    expect(tooShort).toContain(String(PERSONALITY_MIN_LENGTH));
    const tooLong = textOf(await command(chat, user, "personality", "y".repeat(PERSONALITY_MAX_LENGTH + 1)));
    expect(tooLong).toBe(en.personalityTooLong(PERSONALITY_MAX_LENGTH + 1, PERSONALITY_MAX_LENGTH));
    expect(tooLong).toContain(String(PERSONALITY_MAX_LENGTH));

    const personality = "You are a cheerful pirate: answer like one, briefly.";
    expect(textOf(await command(chat, user, "personality", personality))).toBe(en.personalitySaved);
    const shown = await command(chat, user, "personality");
    expect(textOf(shown)).toBe(`${en.personalityCurrent(personality)}\n\n${howTo}`);

    const withPersonality = requestSystem(await ask(chat, user, "Hello!"));
    expect(withPersonality).toHaveLength(2);
    expect(withPersonality[0]?.cache_control).toEqual({ type: "ephemeral", ttl: "1h" });
    expect(withPersonality[1]).toEqual({
      type: "text",
      text: personality,
      cache_control: { type: "ephemeral" },
    });

    expect(textOf(await command(chat, user, "personality", "clear"))).toBe(en.personalityCleared);
    const cleared = requestSystem(await ask(chat, user, "Hello again!"));
    expect(cleared).toHaveLength(1);
    expect(JSON.stringify(cleared)).not.toContain("pirate");
  });

  it("when a user sends an unknown command, then the bot says so and nothing is asked of the model", {
    timeout: 30_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Uma" });
    const chat = bot.telegram.privateChat(user);
    const requests = messageRequests(bot.anthropic).length;
    expect(textOf(await command(chat, user, "frobnicate", "now"))).toBe(en.unknownCommand("frobnicate"));
    expect(messageRequests(bot.anthropic)).toHaveLength(requests);
  });

  it("when a user sends stickers, then the first gets the unsupported-message reply and the next one within a minute none", {
    timeout: 30_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Stan" });
    const chat = bot.telegram.privateChat(user);
    bot.telegram.pushSticker({ chat, from: user });
    await sentMatching(bot.telegram, chat.id, (text) => text === en.unsupportedMessage);
    bot.telegram.pushSticker({ chat, from: user, emoji: "🎉" });
    // Handled after the second sticker (same thread, same lane).
    expect(textOf(await command(chat, user, "start"))).toBe(en.welcome("Stan"));
    expect(okCalls(bot.telegram, "sendMessage", chat.id).map(textOf)).toEqual([
      en.unsupportedMessage,
      en.welcome("Stan"),
    ]);
  });
});
