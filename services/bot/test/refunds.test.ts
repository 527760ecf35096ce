import { userStream } from "@bot/domain";
import { moneyTextsFor } from "@bot/telegram";
import { BotApiError, type FakeBotApi } from "@bot/testkit";
import type { User } from "@grammyjs/types";
import { describe, expect, it } from "vitest";
import { botForSuite } from "./bot-harness.ts";
import { readStreamEvents, sentMatching, sleep, textOf, waitUntil, withBotLogs } from "./e2e-support.ts";
import { chooseStars, MONEY_ENV, openPayMenu, receiptFor, sentTexts } from "./money-support.ts";

const en = moneyTextsFor("en");

/** Buys `stars` through /pay and returns the transaction id from the receipt. */
async function buy(telegram: FakeBotApi, user: User, stars: number): Promise<string> {
  const chat = telegram.privateChat(user);
  const menu = await openPayMenu(telegram, user, chat);
  const invoice = await chooseStars(
    telegram,
    user,
    menu,
    `pay:${stars}`,
    telegram.invoices(chat.id).length + 1,
  );
  const outcome = await telegram.payInvoice({ from: user, invoice });
  if (!outcome.ok || !outcome.telegramPaymentChargeId)
    throw new Error(`payment declined: ${outcome.errorMessage}`);
  await receiptFor(telegram, chat.id, outcome.telegramPaymentChargeId);
  return outcome.telegramPaymentChargeId;
}

function refundCalls(telegram: FakeBotApi, chargeId: string) {
  return telegram
    .calls("refundStarPayment")
    .filter((call) => call.params.telegram_payment_charge_id === chargeId);
}

describe("given users refunding Stars payments", () => {
  const bot = botForSuite({ env: MONEY_ENV });

  const payer = () => bot.telegram.user({ id: 4201, first_name: "Payer", language_code: "en" });
  const payerChat = () => bot.telegram.privateChat(payer());
  let chargeId = "";

  it("when someone else asks to refund the payment, then they are told no such payment of theirs exists and Telegram is not asked", {
    timeout: 60_000,
  }, async () => {
    chargeId = await withBotLogs(bot.logs, buy(bot.telegram, payer(), 50));
    const other = bot.telegram.user({ id: 4202, first_name: "Other", language_code: "en" });
    const otherChat = bot.telegram.privateChat(other);
    bot.telegram.pushCommand({ chat: otherChat, from: other, command: "refund", args: chargeId });
    await sentMatching(bot.telegram, otherChat.id, (text) => text === en.refundUnknown);
    expect(refundCalls(bot.telegram, chargeId)).toHaveLength(0);
  });

  it("when Telegram refuses the refund, then the reason is shown and the reservation is released", {
    timeout: 60_000,
  }, async () => {
    bot.telegram.fail("refundStarPayment", {
      kind: "bad_request",
      description: "Bad Request: REFUND_NOT_ALLOWED",
    });
    bot.telegram.pushCommand({ chat: payerChat(), from: payer(), command: "refund", args: chargeId });
    await sentMatching(
      bot.telegram,
      payerChat().id,
      (text) => text === en.refundFailed("REFUND_NOT_ALLOWED"),
    );
    expect(bot.telegram.starCharge(chargeId)?.refunded).toBe(false);
    bot.telegram.pushCommand({ chat: payerChat(), from: payer(), command: "balance" });
    const balance = await sentMatching(bot.telegram, payerChat().id, (text) => text.startsWith("Balance:"));
    expect(textOf(balance).split("\n")[0]).toBe("Balance: $0.4250");
  });

  it("when they ask again and Telegram refunds, then the Stars go back once and the credit leaves the balance; a second request is refused", {
    timeout: 60_000,
  }, async () => {
    bot.telegram.pushCommand({ chat: payerChat(), from: payer(), command: "refund", args: chargeId });
    await sentMatching(
      bot.telegram,
      payerChat().id,
      (text) => text === en.refundDone(50, "$0.3250", "$0.1000"),
    );
    expect(bot.telegram.starCharge(chargeId)?.refunded).toBe(true);

    bot.telegram.pushCommand({ chat: payerChat(), from: payer(), command: "refund", args: chargeId });
    await sentMatching(bot.telegram, payerChat().id, (text) => text === en.refundAlreadyDone);
    const answered = refundCalls(bot.telegram, chargeId).map((call) => call.response.ok);
    expect(answered).toEqual([false, true]);
  });

  it("when /refund has no transaction id, then the usage is explained", { timeout: 30_000 }, async () => {
    bot.telegram.pushCommand({ chat: payerChat(), from: payer(), command: "refund" });
    await sentMatching(bot.telegram, payerChat().id, (text) => text === en.refundUsage);
  });

  it("when Telegram's answer is lost and its refunded_payment arrives later, then that update settles the refund once", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ id: 4203, first_name: "Lost", language_code: "en" });
    const chat = bot.telegram.privateChat(user);
    const lost = await buy(bot.telegram, user, 10);
    // Telegram refunds, but the bot cannot learn it now: the answer is a flood wait far
    // longer than the bot waits, so the outcome is unknown.
    bot.telegram.handle("refundStarPayment", (params, { world }) => {
      world.stars.refund(Number(params.user_id), String(params.telegram_payment_charge_id));
      throw new BotApiError("Too Many Requests: retry after 900", 429, { retry_after: 900 });
    });
    bot.telegram.pushCommand({ chat, from: user, command: "refund", args: lost });
    await sentMatching(bot.telegram, chat.id, (text) => text === en.refundPending);
    expect(bot.telegram.starCharge(lost)?.refunded).toBe(true);

    bot.telegram.pushRefundedPayment({ chat, from: user, telegramPaymentChargeId: lost });
    await sentMatching(bot.telegram, chat.id, (text) => text === en.refundDone(10, "$0.0650", "$0.1000"));
    bot.telegram.pushRefundedPayment({ chat, from: user, telegramPaymentChargeId: lost });
    await sleep(500);
    expect(sentTexts(bot.telegram, chat.id, (text) => text.startsWith("↩️ Refunded"))).toHaveLength(1);
  });

  it("when the bot dies after asking Telegram and before recording the answer, then the restart settles it as refunded and tells the payer, without a second refund", {
    timeout: 120_000,
  }, async () => {
    const user = bot.telegram.user({ id: 4204, first_name: "Crash", language_code: "en" });
    const chat = bot.telegram.privateChat(user);
    const crashed = await buy(bot.telegram, user, 50);
    let asked = 0;
    bot.telegram.handle("refundStarPayment", async (params, { world }) => {
      asked += 1;
      // Telegram takes its time; the bot dies meanwhile, and the refund still happens.
      await sleep(asked === 1 ? 1_500 : 0);
      world.stars.refund(Number(params.user_id), String(params.telegram_payment_charge_id));
      return true;
    });
    bot.telegram.pushCommand({ chat, from: user, command: "refund", args: crashed });
    await waitUntil(
      () => asked === 1,
      20_000,
      () => "the refund call",
    );
    await bot.kill("SIGKILL");
    await waitUntil(
      () => bot.telegram.starCharge(crashed)?.refunded === true,
      5_000,
      () => "Telegram's refund",
    );
    expect(sentTexts(bot.telegram, chat.id, (text) => text.startsWith("↩️"))).toHaveLength(0);

    await bot.start();
    await withBotLogs(
      bot.logs,
      sentMatching(bot.telegram, chat.id, (text) => text === en.refundDone(50, "$0.3250", "$0.1000")),
    );
    expect(asked).toBe(2);
    expect(await bot.kill("SIGTERM")).toBe(0);

    const events = await readStreamEvents(bot.dataDir, userStream(4204));
    expect(events.map((event) => event.type)).toEqual([
      "UserRegistered",
      "CheckoutApproved",
      "PaymentCredited",
      "RefundRequested",
      "PaymentRefunded",
    ]);
    expect(events[4]?.data).toMatchObject({
      telegramPaymentChargeId: crashed,
      // The reservation already took the amount.
      amountDebited: 0,
      settledBy: "already_refunded",
    });
    expect(events[3]?.data).toMatchObject({ telegramPaymentChargeId: crashed, reservedAmount: 325_000_000 });
    const payerEvents = await readStreamEvents(bot.dataDir, userStream(4201));
    expect(payerEvents.map((event) => event.type)).toEqual([
      "UserRegistered",
      "CheckoutApproved",
      "PaymentCredited",
      "RefundRequested",
      "RefundFailed",
      "RefundRequested",
      "PaymentRefunded",
    ]);
  });
});
