import { describe, expect, it } from "vitest";
import { botForSuite, FAST_ENV } from "./bot-harness.ts";
import {
  messageRequests,
  metricValue,
  nthSent,
  okCalls,
  privateThread,
  replayThread,
  sleep,
  textOf,
  waitUntil,
} from "./e2e-support.ts";

const DUPLICATES = "bot_telegram_duplicate_updates_total";

describe("given Telegram delivering an update twice", () => {
  const bot = botForSuite({ env: FAST_ENV });

  async function duplicatesSeen(atLeast: number): Promise<void> {
    await waitUntil(
      async () => (await metricValue(bot.opsUrl, DUPLICATES)) >= atLeast,
      15_000,
      () => `${DUPLICATES} >= ${atLeast}`,
    );
  }

  it("when answered updates are delivered again, live and while the bot is down, then each is answered once and recorded once", {
    timeout: 120_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Ann" });
    const chat = bot.telegram.privateChat(user);

    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: "First answer, once." }] });
    const first = bot.telegram.pushText({ chat, from: user, text: "First message" });
    await nthSent(bot.telegram, chat.id, 1);

    // Delivered again while the bot runs: recognised in the process.
    const live = await metricValue(bot.opsUrl, DUPLICATES);
    bot.telegram.redeliver(first.update.update_id);
    await duplicatesSeen(live + 1);

    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: "Second answer, once." }] });
    const second = bot.telegram.pushText({ chat, from: user, text: "Second message" });
    await nthSent(bot.telegram, chat.id, 2);

    // Delivered again while the bot is down: after the restart only the log knows they were seen.
    expect(await bot.kill("SIGTERM")).toBe(0);
    bot.telegram.redeliver(second.update.update_id);
    bot.telegram.redeliver(first.update.update_id);
    await bot.start();
    await duplicatesSeen(2);
    await sleep(500);

    expect(okCalls(bot.telegram, "sendMessage", chat.id).map(textOf)).toEqual([
      "First answer, once.",
      "Second answer, once.",
    ]);
    expect(messageRequests(bot.anthropic)).toHaveLength(2);
    expect(await bot.kill("SIGTERM")).toBe(0);

    const events = await replayThread(bot.dataDir, privateThread(user.id));
    const received = events.filter((event) => event.type === "MessageReceived");
    expect(received.map((event) => event.data.updateId)).toEqual([
      first.update.update_id,
      second.update.update_id,
    ]);
    expect(events.filter((event) => event.type === "GenerationStarted")).toHaveLength(2);
    expect(events.filter((event) => event.type === "AnswerDelivered")).toHaveLength(2);
  });
});
