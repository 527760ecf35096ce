import { Bot, GrammyError, HttpError } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../src/index.ts";

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

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error,
  );
}

describe("given a retry_after fault on sendMessage", () => {
  it("when the bot sends, then a 429 carries retry_after and the next call succeeds", async () => {
    const { fake, bot, chatId } = await setup();
    fake.fail("sendMessage", { kind: "retry_after", seconds: 7 });

    const error = await failure(bot.api.sendMessage(chatId, "hi"));
    const retried = await bot.api.sendMessage(chatId, "hi");

    expect(error).toBeInstanceOf(GrammyError);
    expect(error).toMatchObject({
      error_code: 429,
      description: "Too Many Requests: retry after 7",
      parameters: { retry_after: 7 },
    });
    expect(retried.message_id).toBe(1);
    expect(fake.botMessages(chatId)).toHaveLength(1);
    expect(fake.calls("sendMessage").map((call) => call.fault)).toEqual(["retry_after", undefined]);
  });
});

describe("given server errors", () => {
  it("when a 502 is injected, then grammY reports error_code 502 and nothing is sent", async () => {
    const { fake, bot, chatId } = await setup();
    fake.fail("sendMessage", { kind: "server_error", status: 502 });

    const error = await failure(bot.api.sendMessage(chatId, "hi"));

    expect(error).toMatchObject({ error_code: 502, description: "Bad Gateway" });
    expect(fake.botMessages(chatId)).toEqual([]);
  });

  it("when a bad_request fault is injected, then its description comes back", async () => {
    const { fake, bot, chatId } = await setup();
    fake.fail("editMessageText", { kind: "bad_request", description: "Bad Request: MESSAGE_ID_INVALID" });
    const sent = await bot.api.sendMessage(chatId, "hi");

    const error = await failure(bot.api.editMessageText(chatId, sent.message_id, "changed"));

    expect(error).toMatchObject({ error_code: 400, description: "Bad Request: MESSAGE_ID_INVALID" });
    expect(fake.botMessages(chatId)[0]?.text).toBe("hi");
  });
});

describe("given an api_error fault", () => {
  it("when the user blocked the bot, then a 403 with Telegram's wording comes back", async () => {
    const { fake, bot, chatId } = await setup();
    fake.fail("sendMessage", {
      kind: "api_error",
      code: 403,
      description: "Forbidden: bot was blocked by the user",
    });

    const error = await failure(bot.api.sendMessage(chatId, "hi"));

    expect(error).toMatchObject({ error_code: 403, description: "Forbidden: bot was blocked by the user" });
  });
});

describe("given a delay fault", () => {
  it("when the bot sends, then the answer is late but normal", async () => {
    const { fake, bot, chatId } = await setup();
    fake.fail("sendMessage", { kind: "delay", ms: 200 });
    const started = Date.now();

    const sent = await bot.api.sendMessage(chatId, "slow");

    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(sent.text).toBe("slow");
    expect(fake.calls("sendMessage")[0]?.fault).toBe("delay");
  });
});

describe("given a drop fault", () => {
  it("when the bot sends, then grammY raises an HttpError and the message is not sent", async () => {
    const { fake, bot, chatId } = await setup();
    fake.fail("sendMessage", { kind: "drop" });

    const error = await failure(bot.api.sendMessage(chatId, "lost"));

    expect(error).toBeInstanceOf(HttpError);
    expect(fake.botMessages(chatId)).toEqual([]);
    expect(fake.calls("sendMessage")[0]?.fault).toBe("drop");
    await expect(bot.api.sendMessage(chatId, "after")).resolves.toMatchObject({ text: "after" });
  });
});

describe("given faults limited by times and when", () => {
  it("when times is 2, then exactly two calls fail", async () => {
    const { fake, bot, chatId } = await setup();
    fake.fail("sendMessage", { kind: "server_error" }, { times: 2 });

    const outcomes: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push(
        await bot.api.sendMessage(chatId, `try ${i}`).then(
          () => true,
          () => false,
        ),
      );
    }

    expect(outcomes).toEqual([false, false, true]);
  });

  it("when times is Infinity on every method, then calls fail until the faults are cleared", async () => {
    const { fake, bot, chatId } = await setup();
    fake.fail("*", { kind: "server_error", status: 503 }, { times: Number.POSITIVE_INFINITY });

    const before = await failure(bot.api.sendChatAction(chatId, "typing"));
    const alsoBefore = await failure(bot.api.getMe());
    fake.clearFaults();

    expect(before).toMatchObject({ error_code: 503 });
    expect(alsoBefore).toMatchObject({ error_code: 503 });
    await expect(bot.api.sendChatAction(chatId, "typing")).resolves.toBe(true);
  });

  it("when a predicate narrows the fault, then only matching calls fail", async () => {
    const { fake, bot, chatId } = await setup();
    const otherChat = fake.privateChat(fake.user()).id;
    fake.fail(
      "sendMessage",
      { kind: "retry_after", seconds: 1 },
      { when: (params) => params.chat_id === otherChat },
    );

    await expect(bot.api.sendMessage(chatId, "fine")).resolves.toMatchObject({ text: "fine" });
    const error = await failure(bot.api.sendMessage(otherChat, "limited"));

    expect(error).toMatchObject({ error_code: 429 });
  });
});
