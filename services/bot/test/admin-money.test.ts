import { ANNOUNCEMENTS_STREAM, SETTINGS_STREAM, userStream } from "@bot/domain";
import { announceTextsFor, moneyTextsFor, textsFor } from "@bot/telegram";
import type { Message } from "@grammyjs/types";
import { describe, expect, it } from "vitest";
import { botForSuite } from "./bot-harness.ts";
import { readStreamEvents, sentMatching, sleep, textOf, waitUntil, withBotLogs } from "./e2e-support.ts";
import { chooseStars, MONEY_ENV, openPayMenu, receiptFor, sentMessage, sentTexts } from "./money-support.ts";

const en = moneyTextsFor("en");
const announce = announceTextsFor("en");

const ADMIN = 4301;
const CAROL = 4302;
const BLOCKER = 4303;
const BROKE = 4304;

describe("given an operator and users of a bot with a starter balance", () => {
  const bot = botForSuite({ env: { ...MONEY_ENV, PRIVILEGED_USERS: String(ADMIN) } });

  const user = (id: number, name: string, username?: string) =>
    bot.telegram.user({ id, first_name: name, language_code: "en", ...(username ? { username } : {}) });
  const admin = () => user(ADMIN, "Ops", "ops");
  const carol = () => user(CAROL, "Carol", "carol");
  const chatOf = (id: number) => bot.telegram.privateChat(bot.telegram.user({ id }));
  const command = (from: ReturnType<typeof user>, name: string, args?: string) =>
    bot.telegram.pushCommand({
      chat: bot.telegram.privateChat(from),
      from,
      command: name,
      ...(args === undefined ? {} : { args }),
    });
  /** The first message to `chatId` passing `test`; on timeout, names what was sent there. */
  const reply = async (chatId: number, test: (text: string) => boolean) => {
    await withBotLogs(
      bot.logs,
      waitUntil(
        () => sentTexts(bot.telegram, chatId, test).length > 0,
        20_000,
        () =>
          `a matching reply in ${chatId}; sent there: ${JSON.stringify(sentTexts(bot.telegram, chatId, () => true))}`,
      ),
    );
    return sentTexts(bot.telegram, chatId, test)[0] as string;
  };

  it("when a user who is not an operator tries the admin commands, then each is refused and nothing changes", {
    timeout: 60_000,
  }, async () => {
    for (const [name, args] of [
      ["topup", `${CAROL} +5`],
      ["set_margin", "10%"],
      ["set_cache_subsidy", "on"],
      ["announce", ""],
    ] as const) {
      const before = sentTexts(bot.telegram, CAROL, (text) => text === en.notAdmin).length;
      command(carol(), name, args);
      await waitUntil(
        () => sentTexts(bot.telegram, CAROL, (text) => text === en.notAdmin).length > before,
        20_000,
        () => `the refusal of /${name}`,
      );
    }
    command(carol(), "balance");
    expect((await reply(CAROL, (text) => text.startsWith("Balance:"))).split("\n")[0]).toBe(
      "Balance: $0.1000",
    );
  });

  it("when the operator tops up a user by @username, then the reply shows before and after, and bad targets or amounts are explained", {
    timeout: 60_000,
  }, async () => {
    command(admin(), "topup", "@carol +5 goodwill for the outage");
    expect(await reply(ADMIN, (text) => text.startsWith("@carol"))).toBe(
      en.topupDone("@carol (4302)", "+$5.0000", "$0.1000", "$5.1000"),
    );
    command(admin(), "topup", "999999 +1");
    await reply(ADMIN, (text) => text === en.topupUnknownUser("999999"));
    command(admin(), "topup", "@carol five");
    await reply(ADMIN, (text) => text === en.topupInvalidAmount("five"));
    command(admin(), "topup", "@carol");
    await reply(ADMIN, (text) => text === en.topupUsage);
  });

  it("when a user's balance is zero, then a request to the model is refused once per 10 s with the balance and /pay, while /stop, /pay and a custom amount still work, and a top-up lets them chat again", {
    timeout: 90_000,
  }, async () => {
    const broke = user(BROKE, "Broke");
    const chat = bot.telegram.privateChat(broke);
    command(broke, "start");
    await sentMatching(bot.telegram, BROKE, () => true);
    command(admin(), "topup", `${BROKE} -0.10 test account`);
    expect(await reply(ADMIN, (text) => text.startsWith(`${BROKE}:`))).toBe(
      en.topupDone(String(BROKE), "-$0.1000", "$0.1000", "$0.0000"),
    );

    bot.telegram.pushText({ chat, from: broke, text: "Hello there" });
    await reply(BROKE, (text) => text === en.insufficientBalance("$0.0000"));
    bot.telegram.pushText({ chat, from: broke, text: "Hello again?" });
    await sleep(1_000);
    expect(sentTexts(bot.telegram, BROKE, (text) => text === en.insufficientBalance("$0.0000"))).toHaveLength(
      1,
    );
    expect(bot.anthropic.requests).toHaveLength(0);

    command(broke, "stop");
    await reply(BROKE, (text) => text === textsFor("en").nothingToStop);

    const menu = await openPayMenu(bot.telegram, broke, chat);
    bot.telegram.pushCallbackQuery({ from: broke, message: menu, data: "pay:custom" });
    await reply(BROKE, (text) => text === en.payEnterAmount(1, 2500));
    bot.telegram.pushText({ chat, from: broke, text: "5" });
    await waitUntil(
      () => bot.telegram.invoices(BROKE).length === 1,
      20_000,
      () => "the invoice for 5 Stars",
    );
    const [invoice] = bot.telegram.invoices(BROKE);
    expect(invoice?.totalAmount).toBe(5);
    const paid = await bot.telegram.payInvoice({
      from: broke,
      invoice: invoice as NonNullable<typeof invoice>,
    });
    const receipt = textOf(await receiptFor(bot.telegram, BROKE, paid.telegramPaymentChargeId ?? "?"));
    expect(receipt.split("\n")[0]).toBe("✅ Payment received: $0.0325 added. Balance: $0.0325.");

    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: "Welcome back." }] });
    bot.telegram.pushText({ chat, from: broke, text: "Now?" });
    await reply(BROKE, (text) => text === "Welcome back.");
    expect(bot.anthropic.requests).toHaveLength(1);
  });

  it("when the operator changes the margin, then invoices issued before are declined as repriced and new ones credit at the new margin; out-of-range and malformed margins are explained", {
    timeout: 60_000,
  }, async () => {
    command(admin(), "set_margin");
    expect(await reply(ADMIN, (text) => text.startsWith("k1"))).toContain(
      "k3 (owner margin): 0%, at most 50%",
    );

    const chat = bot.telegram.privateChat(carol());
    const before = bot.telegram.invoices(CAROL).length;
    const stale = await chooseStars(
      bot.telegram,
      carol(),
      await openPayMenu(bot.telegram, carol(), chat),
      "pay:10",
      before + 1,
    );

    command(admin(), "set_margin", "10%");
    expect(await reply(ADMIN, (text) => text.startsWith("Margin k3"))).toMatch(/^Margin k3: 0% → 10%\. /);
    const declined = await bot.telegram.payInvoice({ from: carol(), invoice: stale });
    expect(declined).toMatchObject({ ok: false, errorMessage: en.checkoutPriceChanged });

    const menu = await openPayMenu(bot.telegram, carol(), chat);
    const buttons = (menu.reply_markup?.inline_keyboard ?? []).flat().map((button) => button.text);
    // 10 Stars x $0.013 x (1 - 0.35 - 0.15 - 0.10) = $0.052
    expect(buttons[0]).toBe("10 ⭐ → $0.0520");
    const fresh = await chooseStars(bot.telegram, carol(), menu, "pay:10", before + 2);
    const paid = await bot.telegram.payInvoice({ from: carol(), invoice: fresh });
    const receipt = textOf(await receiptFor(bot.telegram, CAROL, paid.telegramPaymentChargeId ?? "?"));
    expect(receipt.split("\n")[0]).toBe("✅ Payment received: $0.0520 added. Balance: $5.1520.");

    command(admin(), "set_margin", "60%");
    await reply(ADMIN, (text) => text === en.marginOutOfRange("60%", "50%"));
    command(admin(), "set_margin", "lots");
    await reply(ADMIN, (text) => text === en.marginInvalid("lots"));
  });

  it("when the operator switches the cache subsidy, then the setting is shown and changed", {
    timeout: 30_000,
  }, async () => {
    command(admin(), "set_cache_subsidy");
    await reply(ADMIN, (text) => text === en.subsidyShow(false));
    command(admin(), "set_cache_subsidy", "on");
    await reply(ADMIN, (text) => text === en.subsidySet(true));
    command(admin(), "set_cache_subsidy", "maybe");
    await reply(ADMIN, (text) => text === en.subsidyUsage);
  });

  it("when the operator announces to everyone and confirms, then every user gets a copy, the one who blocked the bot is reported, and a delivery report arrives", {
    timeout: 60_000,
  }, async () => {
    const blocker = user(BLOCKER, "Blocker", "blocker");
    command(blocker, "start");
    await sentMatching(bot.telegram, BLOCKER, () => true);
    bot.telegram.blockBot(BLOCKER);

    command(admin(), "announce");
    await reply(ADMIN, (text) => text === announce.askForMessage(4));
    bot.telegram.pushText({ chat: chatOf(ADMIN), from: admin(), text: "Maintenance tonight at 22:00 UTC." });
    const confirm: Message = sentMessage(
      await sentMatching(bot.telegram, ADMIN, (text) => text === announce.confirm(4)),
    );
    const send = (confirm.reply_markup?.inline_keyboard ?? []).flat()[0];
    expect(send?.text).toBe(announce.sendButton);
    bot.telegram.pushCallbackQuery({
      from: admin(),
      message: confirm,
      data: String(send && "callback_data" in send ? send.callback_data : ""),
    });

    const report = await bot.telegram.waitFor(
      (call) => call.method === "sendDocument" && Number(call.params.chat_id) === ADMIN,
      30_000,
    );
    expect(report.params.caption).toBe(announce.reportCaption);
    await waitUntil(
      () =>
        bot.telegram.botMessages(ADMIN).some((message) => message.text === announce.complete(3, 1, 0, false)),
      10_000,
      () => "the progress message to show the final count",
    );
    const copies = bot.telegram.calls("copyMessage").filter((call) => call.response.ok === true);
    expect(copies.map((call) => Number(call.params.chat_id)).sort()).toEqual([ADMIN, CAROL, BROKE].sort());
    const refused = bot.telegram.calls("copyMessage").filter((call) => call.response.ok !== true);
    expect(refused.map((call) => Number(call.params.chat_id))).toEqual([BLOCKER]);
  });

  it("then every admin action is an event with the operator's id", { timeout: 60_000 }, async () => {
    expect(await bot.kill("SIGTERM")).toBe(0);
    const carolEvents = await readStreamEvents(bot.dataDir, userStream(CAROL));
    expect(carolEvents.find((event) => event.type === "BalanceAdjusted")?.data).toEqual({
      adminId: ADMIN,
      amount: 5_000_000_000,
      reason: "goodwill for the outage",
    });
    expect(carolEvents.find((event) => event.type === "PaymentCredited")?.data).toMatchObject({
      stars: 10,
      k3BasisPoints: 1000,
      creditedAmount: 52_000_000,
    });
    const settings = await readStreamEvents(bot.dataDir, SETTINGS_STREAM);
    expect(settings).toEqual([
      { type: "MarginSet", data: { adminId: ADMIN, k3BasisPoints: 1000, previousK3BasisPoints: 0 } },
      { type: "CacheSubsidySet", data: { adminId: ADMIN, enabled: true } },
    ]);
    const announcements = await readStreamEvents(bot.dataDir, ANNOUNCEMENTS_STREAM);
    expect(announcements.map((event) => event.type)).toEqual([
      "AnnouncementStarted",
      "AnnouncementCompleted",
    ]);
    expect(announcements[0]?.data).toMatchObject({ adminId: ADMIN, audience: "all", recipients: 4 });
    expect(announcements[1]?.data).toMatchObject({
      delivered: 3,
      blocked: 1,
      failed: 0,
      blockedUserIds: [BLOCKER],
      stoppedEarly: false,
    });
  });
});
