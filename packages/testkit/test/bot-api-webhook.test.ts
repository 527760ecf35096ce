import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "@grammyjs/types";
import { Bot, GrammyError, webhookCallback } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../src/index.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Delivery {
  secret: string | undefined;
  update: Update;
}

/** A webhook endpoint answering with the given statuses in turn (then 200), recording deliveries. */
async function receiver(statuses: number[] = []): Promise<{ url: string; deliveries: Delivery[] }> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    collect(req).then((body) => {
      deliveries.push({
        secret: req.headers["x-telegram-bot-api-secret-token"] as string | undefined,
        update: JSON.parse(body) as Update,
      });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => closeServer(server));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, deliveries };
}

/** Closes a server without waiting for the fake's idle keep-alive connections to time out. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function collect(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function setup(): Promise<{ fake: FakeBotApi; bot: Bot }> {
  const fake = await startFakeBotApi({ webhook: { retryDelayMs: 20, maxAttempts: 3 } });
  cleanups.push(() => fake.close());
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo });
  return { fake, bot };
}

async function waitUntil(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("given a webhook with a secret token", () => {
  it("when updates are pushed, then they are POSTed in order with the secret header", async () => {
    const { fake, bot } = await setup();
    const hook = await receiver();
    const user = fake.user();
    const chat = fake.privateChat(user);

    await bot.api.setWebhook(hook.url, { secret_token: "s3cret_token" });
    fake.pushText({ chat, from: user, text: "one" });
    fake.pushText({ chat, from: user, text: "two" });
    await waitUntil(() => hook.deliveries.length === 2);

    expect(fake.webhook()).toEqual({ url: hook.url, secretToken: "s3cret_token" });
    expect(hook.deliveries.map((delivery) => delivery.secret)).toEqual(["s3cret_token", "s3cret_token"]);
    expect(hook.deliveries.map((delivery) => delivery.update.message?.text)).toEqual(["one", "two"]);
    expect(await bot.api.getWebhookInfo()).toMatchObject({ url: hook.url, pending_update_count: 0 });
  });

  it("when the bot calls getUpdates, then 409 Conflict names deleteWebhook", async () => {
    const { bot } = await setup();
    const hook = await receiver();
    await bot.api.setWebhook(hook.url);

    const error = await bot.api.getUpdates().catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(409);
    expect((error as GrammyError).description).toBe(
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
  });

  it("when the endpoint answers 500, then the update is redelivered and the error reported", async () => {
    const { fake, bot } = await setup();
    const hook = await receiver([500]);
    const user = fake.user();
    const chat = fake.privateChat(user);
    await bot.api.setWebhook(hook.url);

    const { update } = fake.pushText({ chat, from: user, text: "retry me" });
    await waitUntil(() => hook.deliveries.length === 2);

    expect(hook.deliveries.map((delivery) => delivery.update.update_id)).toEqual([
      update.update_id,
      update.update_id,
    ]);
    const info = await bot.api.getWebhookInfo();
    expect(info.last_error_message).toMatch(/500/);
    expect(info.pending_update_count).toBe(0);
  });

  it("when grammY's webhookCallback serves the endpoint, then the bot answers the update", async () => {
    const { fake, bot } = await setup();
    const user = fake.user();
    const chat = fake.privateChat(user);
    bot.on("message:text", (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    const handle = webhookCallback(bot, "http", { secretToken: "abc" });
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      void handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => closeServer(server));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

    await bot.api.setWebhook(url, { secret_token: "abc" });
    fake.pushText({ chat, from: user, text: "hi" });
    const reply = await fake.waitFor((call) => call.method === "sendMessage");

    expect(reply.params).toMatchObject({ chat_id: chat.id, text: "echo: hi" });
  });

  it("when the webhook is deleted, then pending updates are available to getUpdates", async () => {
    const { fake, bot } = await setup();
    const hook = await receiver([503, 503, 503, 503]);
    const user = fake.user();
    const chat = fake.privateChat(user);
    await bot.api.setWebhook(hook.url);
    fake.pushText({ chat, from: user, text: "stuck" });
    await waitUntil(() => hook.deliveries.length >= 1);

    await bot.api.deleteWebhook();
    const updates = await bot.api.getUpdates();

    expect(fake.webhook()).toBeNull();
    expect(updates.map((update) => update.message?.text)).toEqual(["stuck"]);
  });
});
