import { describe, expect, it } from "vitest";
import { botForSuite } from "./bot-harness.ts";

describe("given the bot running against fake Telegram and Anthropic servers", () => {
  const bot = botForSuite();

  it("when a user writes in a private chat, then the answer streams as drafts and arrives as a message", {
    timeout: 60_000,
  }, async () => {
    bot.anthropic.enqueue({
      kind: "message",
      blocks: [{ type: "text", text: "Hello! **How** can I help you today?" }],
      tokensPerSecond: 20,
    });
    const user = bot.telegram.user({ first_name: "Ann" });
    const chat = bot.telegram.privateChat(user);
    bot.telegram.pushText({ chat, from: user, text: "Hi there" });
    const sent = await bot.telegram.waitFor(
      (call) => call.method === "sendMessage" && call.response.ok === true,
      30_000,
    );
    expect(sent.params).toMatchObject({ text: "Hello! How can I help you today?" });
    expect(bot.telegram.calls("sendMessageDraft").length).toBeGreaterThan(0);
    const request = bot.anthropic.requests[0];
    expect(JSON.stringify(request?.body)).toContain("Hi there");
  });
});
