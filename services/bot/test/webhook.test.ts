import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotUnderTest, FAST_ENV, startBotUnderTest } from "./bot-harness.ts";
import { okCalls, textOf, waitUntil } from "./e2e-support.ts";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe("given the bot in webhook mode", () => {
  let bot: BotUnderTest;
  let webhookUrl: string;
  beforeAll(async () => {
    const port = await freePort();
    webhookUrl = `http://127.0.0.1:${port}/telegram/hook`;
    bot = await startBotUnderTest({
      env: {
        ...FAST_ENV,
        TELEGRAM_WEBHOOK_URL: webhookUrl,
        TELEGRAM_WEBHOOK_SECRET: "webhook-secret_1",
        WEBHOOK_HOST: "127.0.0.1",
        WEBHOOK_PORT: String(port),
      },
    });
    await bot.start();
  }, 90_000);
  afterAll(async () => {
    await bot?.close();
  });

  it("when it starts, then it registers the webhook with its secret and stops polling", () => {
    expect(bot.telegram.webhook()).toEqual({ url: webhookUrl, secretToken: "webhook-secret_1" });
    const setWebhook = bot.telegram.calls("setWebhook")[0];
    expect(setWebhook?.params.allowed_updates).toEqual(
      expect.arrayContaining(["message", "edited_message", "callback_query", "stopped_message_generation"]),
    );
    expect(bot.telegram.calls("getUpdates")).toEqual([]);
  });

  it("when Telegram posts a message to the webhook, then the answer streams and arrives as with polling", {
    timeout: 60_000,
  }, async () => {
    bot.anthropic.enqueue({
      kind: "message",
      blocks: [{ type: "text", text: "Answered through the webhook." }],
    });
    const user = bot.telegram.user({ first_name: "Hook" });
    const chat = bot.telegram.privateChat(user);
    bot.telegram.pushText({ chat, from: user, text: "Hello over the webhook" });
    await waitUntil(
      () => okCalls(bot.telegram, "sendMessage", chat.id).length > 0,
      30_000,
      () => "the answer",
    );
    expect(okCalls(bot.telegram, "sendMessage", chat.id).map(textOf)).toEqual([
      "Answered through the webhook.",
    ]);
  });

  it("when a request comes without Telegram's secret, then it is refused and nothing is recorded", async () => {
    const response = await fetch(webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        update_id: 999_999,
        message: { message_id: 1, date: 0, chat: { id: 1, type: "private" }, text: "forged" },
      }),
    });
    expect(response.status).toBe(401);
  });
});
