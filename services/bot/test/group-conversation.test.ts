import { renderMarkdown, textsFor } from "@bot/telegram";
import type { RecordedCall } from "@bot/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandLines } from "../src/command-registry.ts";
import { type BotUnderTest, FAST_ENV, startBotUnderTest } from "./bot-harness.ts";
import {
  messageIdOf,
  messageRequests,
  messageText,
  nthRequest,
  okCalls,
  requestMessages,
  sentMatching,
  sleep,
  textOf,
} from "./e2e-support.ts";

const answers = {
  alice1:
    "The capital of France is **Paris**. It has been the capital for most of the country's history and " +
    "is also its largest city, on the river Seine in the north of the country.",
  bob:
    "The capital of Germany is **Berlin**, the country's largest city, on the rivers Spree and Havel in " +
    "the north-east. It became the capital again after reunification in 1990.",
  alice2:
    "The capital of Italy is **Rome**, on the Tiber, and it has been a capital for over two thousand years.",
};

describe("given the bot in a supergroup where it sees every message", () => {
  let bot: BotUnderTest;
  beforeAll(async () => {
    // As an admin (or with privacy mode off) the bot receives every group message, so
    // it must pick the ones addressed to it by itself.
    bot = await startBotUnderTest({ env: FAST_ENV, bot: { bot: { can_read_all_group_messages: true } } });
    await bot.start();
  }, 90_000);
  afterAll(async () => {
    await bot?.close();
  });

  /**
   * Waits for the answer replying to `replyTo` to be edited into `markdown` rendered;
   * returns the sendMessage that created it.
   */
  async function answered(groupId: number, replyTo: number, markdown: string): Promise<RecordedCall> {
    const expected = renderMarkdown(markdown);
    const sent = await bot.telegram.waitFor(
      (call) =>
        call.method === "sendMessage" &&
        call.response.ok === true &&
        Number(call.params.chat_id) === groupId &&
        (call.params.reply_parameters as { message_id?: number } | undefined)?.message_id === replyTo,
      20_000,
    );
    const id = messageIdOf(sent);
    await bot.telegram.waitFor(
      (call) =>
        call.method === "editMessageText" &&
        call.response.ok === true &&
        Number(call.params.chat_id) === groupId &&
        Number(call.params.message_id) === id &&
        textOf(call) === expected.text,
      20_000,
    );
    const stored = bot.telegram.botMessages(groupId).find((message) => message.message_id === id);
    expect(stored?.text).toBe(expected.text);
    expect(stored?.entities ?? []).toEqual(expected.entities);
    return sent;
  }

  it("when members address the bot by mention and by reply, then each gets a reply to their message, streamed by send and edits, and each member has their own history", {
    timeout: 60_000,
  }, async () => {
    const group = bot.telegram.groupChat({ title: "Geography club" });
    const alice = bot.telegram.user({ first_name: "Alice", username: "alice" });
    const bob = bot.telegram.user({ first_name: "Bob" });
    const before = messageRequests(bot.anthropic).length;

    bot.anthropic.enqueue({
      kind: "message",
      blocks: [{ type: "text", text: answers.alice1 }],
      tokensPerSecond: 25,
    });
    const question = bot.telegram.pushText({
      chat: group,
      from: alice,
      text: "@test_bot what is the capital of France?",
    });
    const aliceAnswer = await answered(group.id, question.message.message_id, answers.alice1);
    expect(okCalls(bot.telegram, "sendMessage", group.id)).toHaveLength(1);
    expect(okCalls(bot.telegram, "editMessageText", group.id).length).toBeGreaterThanOrEqual(2);
    expect(
      bot.telegram.calls("sendMessageDraft").filter((call) => Number(call.params.chat_id) === group.id),
    ).toEqual([]);
    const first = await nthRequest(bot.anthropic, before + 1);
    expect(requestMessages(first).map(messageText)).toEqual([
      "**Alice (@alice)**:\nwhat is the capital of France?",
    ]);

    // Not addressed to the bot: ignored, and never part of anyone's history.
    const chatter = bot.telegram.pushText({
      chat: group,
      from: alice,
      text: "just chatting among ourselves",
    });
    expect(chatter.delivered).toBe(true);

    // Bob replies to the bot's answer without mentioning it: addressed, in Bob's own thread.
    bot.anthropic.enqueue({
      kind: "message",
      blocks: [{ type: "text", text: answers.bob }],
      tokensPerSecond: 25,
    });
    const bobQuestion = bot.telegram.pushText({
      chat: group,
      from: bob,
      text: "and what about Germany?",
      replyToMessageId: messageIdOf(aliceAnswer),
    });
    await answered(group.id, bobQuestion.message.message_id, answers.bob);
    const second = await nthRequest(bot.anthropic, before + 2);
    expect(requestMessages(second).map(messageText)).toEqual(["**Bob**:\nand what about Germany?"]);

    bot.anthropic.enqueue({
      kind: "message",
      blocks: [{ type: "text", text: answers.alice2 }],
      tokensPerSecond: 25,
    });
    const followUp = bot.telegram.pushText({
      chat: group,
      from: alice,
      text: "And what about Italy @test_bot",
    });
    await answered(group.id, followUp.message.message_id, answers.alice2);
    const third = await nthRequest(bot.anthropic, before + 3);
    expect(requestMessages(third).map((message) => [message.role, messageText(message)])).toEqual([
      ["user", "**Alice (@alice)**:\nwhat is the capital of France?"],
      ["assistant", answers.alice1],
      ["user", "**Alice (@alice)**:\nAnd what about Italy"],
    ]);

    await sleep(300);
    expect(messageRequests(bot.anthropic)).toHaveLength(before + 3);
    for (const request of messageRequests(bot.anthropic)) {
      expect(JSON.stringify(request.body)).not.toContain("just chatting");
    }
    // Three answers, each one message: no reply to the chatter.
    const sends = okCalls(bot.telegram, "sendMessage", group.id);
    expect(sends.map((call) => (call.params.reply_parameters as { message_id: number }).message_id)).toEqual([
      question.message.message_id,
      bobQuestion.message.message_id,
      followUp.message.message_id,
    ]);
  });

  it("when a member sends a command for the bot or for another bot, then only the bot's own command is answered, in the group", {
    timeout: 30_000,
  }, async () => {
    const group = bot.telegram.groupChat({ title: "Commands" });
    const carol = bot.telegram.user({ first_name: "Carol" });
    bot.telegram.pushCommand({ chat: group, from: carol, command: "help", args: "", mentionBot: false });
    bot.telegram.pushText({ chat: group, from: carol, text: "/help@other_bot" });
    bot.telegram.pushCommand({ chat: group, from: carol, command: "start", mentionBot: true });
    const texts = textsFor("en");
    await sentMatching(bot.telegram, group.id, (text) => text === texts.welcome("Carol"));
    const help = okCalls(bot.telegram, "sendMessage", group.id).map(textOf);
    expect(help).toEqual([
      [texts.helpHeader, "", ...commandLines("en"), "", texts.helpFooter].join("\n"),
      texts.welcome("Carol"),
    ]);
  });
});
