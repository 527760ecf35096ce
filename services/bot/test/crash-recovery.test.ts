import { describe, expect, it } from "vitest";
import { botForSuite, FAST_ENV } from "./bot-harness.ts";
import {
  draftCalls,
  draftWithText,
  entitiesOf,
  messageIdOf,
  messageRequests,
  nthRequest,
  nthSent,
  okCalls,
  privateThread,
  replayThread,
  sleep,
  textOf,
  waitUntil,
  withBotLogs,
} from "./e2e-support.ts";

const MARKER = "[interrupted]";

function byTypeOf(events: readonly { type: string; data: unknown }[], type: string): unknown {
  return events.find((event) => event.type === type)?.data;
}

describe("given the bot killed while an answer streams", () => {
  const bot = botForSuite({ env: FAST_ENV });

  it("when it restarts on the same data, then the partial answer is delivered once marked interrupted without calling the model again, a second restart sends nothing, and the log tells the story", {
    timeout: 150_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Crash" });
    const chat = bot.telegram.privateChat(user);
    const full = Array.from(
      { length: 15 },
      (_, index) => `Part ${index + 1} of an answer that will never be finished because the process dies.`,
    ).join(" ");
    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: full }], tokensPerSecond: 10 });
    bot.telegram.pushText({ chat, from: user, text: "Tell me everything" });
    const request = await nthRequest(bot.anthropic, 1);
    await draftWithText(bot.telegram, chat.id, 40);

    await bot.kill("SIGKILL");
    const lastDraft = draftCalls(bot.telegram, chat.id).at(-1);
    if (!lastDraft) throw new Error("no draft was shown before the crash");
    const shown = textOf(lastDraft);
    expect(okCalls(bot.telegram, "sendMessage", chat.id)).toHaveLength(0);
    // The model stream died with the process.
    await waitUntil(
      () => request.aborted,
      10_000,
      () => "the model request to be cut",
    );

    await bot.start();
    const final = await withBotLogs(bot.logs, nthSent(bot.telegram, chat.id, 1, 30_000));
    const text = textOf(final);
    expect(text.endsWith(`\n\n${MARKER}`), text).toBe(true);
    expect(entitiesOf(final)).toContainEqual({
      type: "italic",
      offset: text.length - MARKER.length,
      length: MARKER.length,
    });
    const partial = text.slice(0, -(MARKER.length + 2));
    // Everything shown before the crash was recorded first (append, then act).
    expect(partial.startsWith(shown), `${JSON.stringify(partial)} starts with ${JSON.stringify(shown)}`).toBe(
      true,
    );
    expect(full.startsWith(partial)).toBe(true);
    expect(partial.length).toBeLessThan(full.length);

    await sleep(1_000);
    expect(okCalls(bot.telegram, "sendMessage", chat.id)).toHaveLength(1);
    expect(messageRequests(bot.anthropic)).toHaveLength(1);

    // A clean stop and a second restart: nothing is left to do, nothing is sent again.
    expect(await bot.kill("SIGTERM")).toBe(0);
    const logged = bot.logs.length;
    await bot.start();
    // "bot started" comes after the recovery scan: it found nothing to recover.
    expect(bot.logs.slice(logged).join("\n")).not.toContain("recovering threads interrupted by a restart");
    await sleep(1_500);
    expect(okCalls(bot.telegram, "sendMessage", chat.id)).toHaveLength(1);
    expect(messageRequests(bot.anthropic)).toHaveLength(1);
    expect(await bot.kill("SIGTERM")).toBe(0);

    const events = await replayThread(bot.dataDir, privateThread(user.id));
    const types = events.map((event) => event.type);
    const chunks = events.filter((event) => event.type === "ChunkStreamed");
    expect(chunks.length).toBeGreaterThanOrEqual(1);
    expect(types).toEqual([
      "MessageReceived",
      "GenerationStarted",
      ...chunks.map(() => "ChunkStreamed"),
      "GenerationInterrupted",
      "UsageCharged",
      "AnswerMessageSent",
      "AnswerDelivered",
    ]);
    expect(chunks.map((event) => event.data.text).join("")).toBe(partial);
    expect(byTypeOf(events, "AnswerMessageSent")).toMatchObject({
      kind: "part",
      partIndex: 0,
      telegramMessageId: messageIdOf(final),
    });
    const byType = (type: string) => events.find((event) => event.type === type)?.data;
    expect(byType("GenerationInterrupted")).toMatchObject({ reason: "process_restart" });
    expect(byType("UsageCharged")).toMatchObject({ estimated: true, userId: user.id });
    expect(byType("AnswerDelivered")).toMatchObject({
      interrupted: true,
      telegramMessageIds: [messageIdOf(final)],
    });
  });

  it("when it is stopped gracefully (SIGTERM) mid-stream, then it delivers the partial answer marked interrupted before exiting, and the restart sends nothing more", {
    timeout: 120_000,
  }, async () => {
    if (bot.child.exitCode !== null || bot.child.signalCode !== null) await bot.start();
    const user = bot.telegram.user({ first_name: "Term" });
    const chat = bot.telegram.privateChat(user);
    const full = Array.from(
      { length: 15 },
      (_, index) => `Point ${index + 1} of an answer cut short by a deployment of a new version.`,
    ).join(" ");
    const requests = messageRequests(bot.anthropic).length;
    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: full }], tokensPerSecond: 10 });
    bot.telegram.pushText({ chat, from: user, text: "Tell me about deployments" });
    const request = await nthRequest(bot.anthropic, requests + 1);
    await draftWithText(bot.telegram, chat.id, 30);

    expect(await bot.kill("SIGTERM")).toBe(0);
    // Delivered before the process exited.
    const sent = okCalls(bot.telegram, "sendMessage", chat.id);
    expect(sent).toHaveLength(1);
    const text = textOf(sent[0] as (typeof sent)[number]);
    expect(text.endsWith(`\n\n${MARKER}`), text).toBe(true);
    expect(full.startsWith(text.slice(0, -(MARKER.length + 2)))).toBe(true);
    expect(request.aborted).toBe(true);

    const logged = bot.logs.length;
    await bot.start();
    expect(bot.logs.slice(logged).join("\n")).not.toContain("recovering threads interrupted by a restart");
    await sleep(1_000);
    expect(okCalls(bot.telegram, "sendMessage", chat.id)).toHaveLength(1);
    expect(messageRequests(bot.anthropic)).toHaveLength(requests + 1);
  });

  it("when it is killed while an answer streams by edits in a group and restarts, then the member sees one answer message, replying to their message and marked interrupted", {
    timeout: 120_000,
  }, async () => {
    if (bot.child.exitCode !== null || bot.child.signalCode !== null) await bot.start();
    const group = bot.telegram.groupChat({ title: "Crash group" });
    const member = bot.telegram.user({ first_name: "Gus" });
    const full = Array.from(
      { length: 15 },
      (_, index) => `Clause ${index + 1} of a group answer that the crash will cut in the middle.`,
    ).join(" ");
    const requests = messageRequests(bot.anthropic).length;
    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: full }], tokensPerSecond: 10 });
    const question = bot.telegram.pushText({
      chat: group,
      from: member,
      text: "@test_bot tell the group a story",
    });
    await nthRequest(bot.anthropic, requests + 1);
    // The preview message exists and was edited at least once.
    await bot.telegram.waitFor(
      (call) =>
        call.method === "editMessageText" &&
        call.response.ok === true &&
        Number(call.params.chat_id) === group.id,
      20_000,
    );

    await bot.kill("SIGKILL");
    await bot.start();
    // The preview message (recorded as AnswerMessageSent) is edited into the partial answer.
    await withBotLogs(
      bot.logs,
      bot.telegram.waitFor(
        (call) =>
          (call.method === "sendMessage" || call.method === "editMessageText") &&
          call.response.ok === true &&
          Number(call.params.chat_id) === group.id &&
          textOf(call).endsWith(MARKER),
        30_000,
      ),
    );
    await sleep(1_000);
    expect(messageRequests(bot.anthropic)).toHaveLength(requests + 1);

    const sends = okCalls(bot.telegram, "sendMessage", group.id);
    expect(sends, "only the preview was ever sent as a new message").toHaveLength(1);
    expect(
      (sends[0]?.params.reply_parameters as { message_id?: number } | undefined)?.message_id,
      "the answer replies to the member's message",
    ).toBe(question.message.message_id);
    const messages = bot.telegram.botMessages(group.id).map((message) => message.text ?? "");
    expect(messages, "after the restart the member sees one answer message").toHaveLength(1);
    expect(messages[0]?.endsWith(`\n\n${MARKER}`)).toBe(true);
  });
});
