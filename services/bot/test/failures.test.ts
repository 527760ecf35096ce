import { renderMarkdown, textsFor } from "@bot/telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotUnderTest, FAST_ENV, startBotUnderTest } from "./bot-harness.ts";
import {
  draftCalls,
  entitiesOf,
  messageIdOf,
  messageRequests,
  nthRequest,
  nthSent,
  okCalls,
  sleep,
  textOf,
} from "./e2e-support.ts";

const en = textsFor("en");
const MARKER = "[interrupted]";

let bot: BotUnderTest;
beforeAll(async () => {
  bot = await startBotUnderTest({ env: FAST_ENV });
  await bot.start();
}, 90_000);
afterAll(async () => {
  await bot?.close();
});

describe("given Telegram failing some of the bot's requests", () => {
  it("when drafts and the final message hit 429 storms while streaming, then the whole answer arrives exactly once", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Storm" });
    const chat = bot.telegram.privateChat(user);
    const inChat = (params: Record<string, unknown>) => Number(params.chat_id) === chat.id;
    bot.telegram.fail("sendMessageDraft", { kind: "retry_after", seconds: 1 }, { times: 3, when: inChat });
    bot.telegram.fail("sendMessage", { kind: "retry_after", seconds: 1 }, { times: 2, when: inChat });
    const answer =
      "Rate limits are part of life with Telegram: the bot waits for the time Telegram asks, then sends " +
      "the same request again, so **nothing** is lost and nothing is sent twice. This answer is long " +
      "enough to stream for a while, so that several previews run into the storm of errors.";
    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: answer }], tokensPerSecond: 40 });

    bot.telegram.pushText({ chat, from: user, text: "Tell me about rate limits" });
    const final = await nthSent(bot.telegram, chat.id, 1, 30_000);
    const expected = renderMarkdown(answer);
    expect(textOf(final)).toBe(expected.text);
    expect(entitiesOf(final)).toEqual(expected.entities);

    const refused = (method: string) =>
      bot.telegram
        .calls(method)
        .filter((call) => Number(call.params.chat_id) === chat.id && call.fault === "retry_after");
    expect(refused("sendMessageDraft")).toHaveLength(3);
    expect(refused("sendMessage")).toHaveLength(2);
    // The storm delayed previews but some still got through.
    expect(draftCalls(bot.telegram, chat.id).length).toBeGreaterThan(0);
    // Give a late duplicate the time to show up.
    await sleep(1_500);
    expect(okCalls(bot.telegram, "sendMessage", chat.id)).toHaveLength(1);
    expect(bot.telegram.botMessages(chat.id).map((message) => message.text)).toEqual([expected.text]);
  });

  it("when Telegram refuses drafts in a private chat, then the answer streams by send and edits instead and arrives once", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "NoDrafts" });
    const chat = bot.telegram.privateChat(user);
    bot.telegram.fail(
      "sendMessageDraft",
      { kind: "bad_request", description: "Bad Request: method is not available for this chat" },
      { times: Number.POSITIVE_INFINITY, when: (params) => Number(params.chat_id) === chat.id },
    );
    const answer =
      "Without drafts the answer is **sent once** and then edited as it grows, so the user still sees it " +
      "being written, one edit at a time, until the final text replaces the preview.";
    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: answer }], tokensPerSecond: 40 });
    bot.telegram.pushText({ chat, from: user, text: "Stream without drafts" });

    const expected = renderMarkdown(answer);
    const preview = await nthSent(bot.telegram, chat.id, 1);
    await bot.telegram.waitFor(
      (call) =>
        call.method === "editMessageText" &&
        call.response.ok === true &&
        Number(call.params.chat_id) === chat.id &&
        textOf(call) === expected.text,
      20_000,
    );
    await sleep(500);
    expect(okCalls(bot.telegram, "sendMessage", chat.id)).toEqual([preview]);
    expect(bot.telegram.botMessages(chat.id)).toEqual([
      expect.objectContaining({
        message_id: messageIdOf(preview),
        text: expected.text,
        entities: expected.entities,
      }),
    ]);
    // The first refusal switched the answer to edits: drafts were not tried again.
    expect(
      bot.telegram.calls("sendMessageDraft").filter((call) => Number(call.params.chat_id) === chat.id),
    ).toHaveLength(1);
    bot.telegram.clearFaults();
  });

  it("when Telegram cannot parse the entities of the final message, then it arrives once as plain text", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Plain" });
    const chat = bot.telegram.privateChat(user);
    bot.telegram.fail(
      "sendMessage",
      { kind: "bad_request", description: "Bad Request: can't parse entities: unsupported start tag" },
      {
        times: 1,
        when: (params) =>
          Number(params.chat_id) === chat.id && Array.isArray(params.entities) && params.entities.length > 0,
      },
    );
    const answer =
      "Use **bold** for emphasis, `code` for names and [links](https://example.com) for sources.";
    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: answer }], tokensPerSecond: 40 });

    bot.telegram.pushText({ chat, from: user, text: "How do I format?" });
    const final = await nthSent(bot.telegram, chat.id, 1);
    const expected = renderMarkdown(answer);
    expect(expected.entities.length).toBeGreaterThan(0);
    expect(textOf(final)).toBe(expected.text);
    expect(entitiesOf(final)).toEqual([]);

    const refused = bot.telegram
      .calls("sendMessage")
      .filter((call) => Number(call.params.chat_id) === chat.id && call.fault === "bad_request");
    expect(refused).toHaveLength(1);
    expect(entitiesOf(refused[0] as (typeof refused)[number])).toEqual(expected.entities);
    await sleep(1_000);
    expect(okCalls(bot.telegram, "sendMessage", chat.id)).toHaveLength(1);
    expect(bot.telegram.botMessages(chat.id)).toHaveLength(1);
  });
});

describe("given the model provider failing", () => {
  it("when the model is overloaded (529) before any text, even after the retries, then the user sees the overloaded message once, and the next message is answered", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Olga" });
    const chat = bot.telegram.privateChat(user);
    const before = messageRequests(bot.anthropic).length;
    const overloaded = {
      kind: "http_error",
      status: 529,
      errorType: "overloaded_error",
      message: "Overloaded",
    } as const;
    // The SDK retries twice before giving up.
    bot.anthropic.enqueue(overloaded, overloaded, overloaded);
    bot.telegram.pushText({ chat, from: user, text: "Are you there?" });
    const notice = await nthSent(bot.telegram, chat.id, 1, 30_000);
    expect(textOf(notice)).toBe(en.errorOverloaded);
    expect(messageRequests(bot.anthropic)).toHaveLength(before + 3);

    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: "Yes, back now." }] });
    bot.telegram.pushText({ chat, from: user, text: "Now?" });
    expect(textOf(await nthSent(bot.telegram, chat.id, 2))).toBe("Yes, back now.");
    expect(okCalls(bot.telegram, "sendMessage", chat.id).map(textOf)).toEqual([
      en.errorOverloaded,
      "Yes, back now.",
    ]);
  });

  it("when the model is overloaded mid-stream, then the partial answer arrives marked interrupted with a note on the error", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Mid" });
    const chat = bot.telegram.privateChat(user);
    const partial = "The first half of the answer, with **bold** words, made it through";
    bot.anthropic.enqueue({
      kind: "stream_error",
      afterBlocks: [{ type: "text", text: partial }],
      errorType: "overloaded_error",
    });
    bot.telegram.pushText({ chat, from: user, text: "Tell me something" });
    const final = await nthSent(bot.telegram, chat.id, 1);
    const rendered = renderMarkdown(partial);
    const note = en.interruptedByError(en.errorOverloaded);
    expect(textOf(final)).toBe(`${rendered.text}\n\n${MARKER}\n\n${note}`);
    expect(entitiesOf(final)).toEqual([
      ...rendered.entities,
      { type: "italic", offset: rendered.text.length + 2, length: MARKER.length },
    ]);
    await sleep(500);
    expect(okCalls(bot.telegram, "sendMessage", chat.id)).toHaveLength(1);
  });

  it("when the model answers 429 with retry-after, then the user is told to retry in that many seconds", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Rita" });
    const chat = bot.telegram.privateChat(user);
    const before = messageRequests(bot.anthropic).length;
    bot.anthropic.enqueue({
      kind: "http_error",
      status: 429,
      errorType: "rate_limit_error",
      message: "Number of request tokens has exceeded your per-minute rate limit",
      retryAfterSeconds: 37,
      // Not retried by the SDK (it would wait the 37 s first).
      shouldRetry: false,
    });
    bot.telegram.pushText({ chat, from: user, text: "Quick question" });
    const notice = await nthSent(bot.telegram, chat.id, 1);
    expect(textOf(notice)).toBe(en.errorRateLimited(37));
    expect(textOf(notice)).toContain("37 s");
    await nthRequest(bot.anthropic, before + 1);
    expect(messageRequests(bot.anthropic)).toHaveLength(before + 1);
  });
});
