import { userStream } from "@bot/domain";
import { createPostgresClient, type SqlClient } from "@bot/sql";
import { InvoicePayloadCodec, moneyTextsFor } from "@bot/telegram";
import type { SentInvoice } from "@bot/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotUnderTest, botForSuite, startBotUnderTest } from "./bot-harness.ts";
import { readStreamEvents, sentMatching, sleep, textOf, waitUntil, withBotLogs } from "./e2e-support.ts";
import { chooseStars, MONEY_ENV, openPayMenu, receiptFor, sentMessage, sentTexts } from "./money-support.ts";

const en = moneyTextsFor("en");

describe("given a user buying balance with Telegram Stars", () => {
  const bot = botForSuite({ env: MONEY_ENV });

  const buyer = () => bot.telegram.user({ id: 4101, first_name: "Buyer", language_code: "en" });
  const buyerChat = () => bot.telegram.privateChat(buyer());
  let invoice: SentInvoice;
  let chargeId = "";
  let paymentUpdateId = 0;

  it("when they choose 50 Stars and pay, then the invoice is in XTR, the checkout is approved, and the receipt shows the credit, the new balance and the transaction id", {
    timeout: 60_000,
  }, async () => {
    const menu = await withBotLogs(bot.logs, openPayMenu(bot.telegram, buyer(), buyerChat()));
    // The starter balance is on the account before the first reply.
    expect(menu.text).toContain("Your balance: $0.1000");
    const buttons = (menu.reply_markup?.inline_keyboard ?? []).flat().map((button) => button.text);
    // 50 Stars x $0.013 x (1 - 0.35 - 0.15 - 0) = $0.325
    expect(buttons).toEqual([
      "10 ⭐ → $0.0650",
      "50 ⭐ → $0.3250",
      "100 ⭐ → $0.6500",
      "250 ⭐ → $1.6250",
      "500 ⭐ → $3.2500",
      "Another amount (1–2500 ⭐)",
    ]);

    invoice = await chooseStars(bot.telegram, buyer(), menu, "pay:50", 1);
    expect(invoice).toMatchObject({ currency: "XTR", totalAmount: 50, chatId: buyerChat().id });
    expect(invoice.payload).toMatch(/^p1\.4101\.50\.\d+\.0\.[A-Za-z0-9_-]{22}$/);

    const outcome = await bot.telegram.payInvoice({ from: buyer(), invoice });
    expect(outcome).toMatchObject({ ok: true, timedOut: false });
    chargeId = outcome.telegramPaymentChargeId ?? "";
    paymentUpdateId = outcome.payment?.update.update_id ?? 0;
    const receipt = textOf(await withBotLogs(bot.logs, receiptFor(bot.telegram, buyerChat().id, chargeId)));
    expect(receipt).toBe(en.paymentCredited("$0.3250", "$0.4250", chargeId));
  });

  it("when the same payment is delivered again, as a redelivered update and as a new one, then it is credited once and acknowledged once", {
    timeout: 60_000,
  }, async () => {
    const [charge] = bot.telegram.starCharges();
    expect(charge?.telegramPaymentChargeId).toBe(chargeId);
    const first = bot.telegram
      .calls("sendMessage")
      .find((call) => String(call.params.text).endsWith(chargeId));
    expect(first).toBeDefined();
    bot.telegram.redeliver(paymentUpdateId);
    bot.telegram.pushSuccessfulPayment({
      chat: buyerChat(),
      from: buyer(),
      payload: invoice.payload,
      totalAmount: 50,
      telegramPaymentChargeId: chargeId,
    });
    bot.telegram.pushCommand({ chat: buyerChat(), from: buyer(), command: "balance" });
    const balance = textOf(
      await sentMatching(bot.telegram, buyerChat().id, (text) => text.startsWith("Balance:")),
    );
    expect(balance.split("\n")[0]).toBe("Balance: $0.4250");
    expect(balance).toContain("💳 top-up");
    expect(balance).toContain("🎁 welcome credit");
    await sleep(500);
    expect(sentTexts(bot.telegram, buyerChat().id, (text) => text.endsWith(chargeId))).toHaveLength(1);
  });

  it("when a payload is tampered with, paid by another user, or paid with another amount, then the checkout is declined with a specific message and nothing is charged", {
    timeout: 60_000,
  }, async () => {
    const menu = await openPayMenu(bot.telegram, buyer(), buyerChat());
    const genuine = await chooseStars(bot.telegram, buyer(), menu, "pay:10", 2);
    const charges = bot.telegram.starCharges().length;

    const tampered = genuine.payload.replace(/^p1\.4101\.10\./, "p1.4101.500.");
    const forged = await bot.telegram.payInvoice({
      from: buyer(),
      chat: buyerChat(),
      payload: tampered,
      totalAmount: 500,
    });
    expect(forged).toMatchObject({ ok: false, timedOut: false, errorMessage: en.checkoutNotOurs });

    const stranger = bot.telegram.user({ id: 4102, first_name: "Stranger", language_code: "en" });
    const other = await bot.telegram.payInvoice({
      from: stranger,
      chat: bot.telegram.privateChat(stranger),
      payload: genuine.payload,
      totalAmount: 10,
    });
    expect(other).toMatchObject({ ok: false, errorMessage: en.checkoutOtherUser });

    const cheaper = await bot.telegram.payInvoice({
      from: buyer(),
      chat: buyerChat(),
      payload: genuine.payload,
      totalAmount: 1,
    });
    expect(cheaper).toMatchObject({ ok: false, errorMessage: en.checkoutWrongAmount });
    expect(bot.telegram.starCharges()).toHaveLength(charges);
  });

  it("when an invoice is paid after its time to live, then the checkout is declined as expired", {
    timeout: 30_000,
  }, async () => {
    const codec = new InvoicePayloadCodec(MONEY_ENV.PAYMENT_PAYLOAD_SECRET ?? "");
    const old = codec.encode({
      userId: 4101,
      stars: 10,
      issuedAt: new Date(Date.now() - 61 * 60_000),
      marginBasisPoints: 0,
    });
    const outcome = await bot.telegram.payInvoice({
      from: buyer(),
      chat: buyerChat(),
      payload: old,
      totalAmount: 10,
    });
    expect(outcome).toMatchObject({ ok: false, timedOut: false, errorMessage: en.checkoutExpired });
  });

  it("when they ask for another amount, then words and out-of-range numbers get the rules and a valid number gets its invoice", {
    timeout: 60_000,
  }, async () => {
    const menu = await openPayMenu(bot.telegram, buyer(), buyerChat());
    bot.telegram.pushCallbackQuery({ from: buyer(), message: menu, data: "pay:custom" });
    const prompt = sentMessage(
      await sentMatching(bot.telegram, buyerChat().id, (text) => text === en.payEnterAmount(1, 2500)),
    );
    bot.telegram.pushText({
      chat: buyerChat(),
      from: buyer(),
      text: "a lot",
      replyToMessageId: prompt.message_id,
    });
    await sentMatching(bot.telegram, buyerChat().id, (text) => text === en.payAmountNotNumber(1, 2500));
    bot.telegram.pushText({ chat: buyerChat(), from: buyer(), text: "3000" });
    await sentMatching(
      bot.telegram,
      buyerChat().id,
      (text) => text === en.payAmountOutOfRange(3000, 1, 2500),
    );
    const before = bot.telegram.invoices(buyerChat().id).length;
    bot.telegram.pushText({ chat: buyerChat(), from: buyer(), text: "7" });
    await waitUntil(
      () => bot.telegram.invoices(buyerChat().id).length > before,
      20_000,
      () => "the invoice for 7 Stars",
    );
    const custom = bot.telegram.invoices(buyerChat().id).at(-1);
    expect(custom).toMatchObject({ totalAmount: 7, currency: "XTR" });
    // No model was asked about any of it.
    expect(bot.anthropic.requests).toHaveLength(0);
  });

  it("then the user's stream records the registration, one approved checkout per paid invoice and one credit with every factor that priced it", {
    timeout: 60_000,
  }, async () => {
    expect(await bot.kill("SIGTERM")).toBe(0);
    const events = await readStreamEvents(bot.dataDir, userStream(4101));
    expect(events.map((event) => event.type)).toEqual([
      "UserRegistered",
      "CheckoutApproved",
      "PaymentCredited",
    ]);
    expect(events[0]?.data).toMatchObject({ starterBalance: 100_000_000 });
    expect(events[2]?.data).toEqual({
      telegramPaymentChargeId: chargeId,
      providerPaymentChargeId: "",
      stars: 50,
      nominalAmount: 650_000_000,
      k1BasisPoints: 3500,
      k2BasisPoints: 1500,
      k3BasisPoints: 0,
      creditedAmount: 325_000_000,
      invoiceIssuedAt: expect.any(String),
      payloadVerified: true,
    });
  });
});

const serverUrl = process.env.DATABASE_URL;

describe.skipIf(!serverUrl)(
  "given the bot on a PostgreSQL server whose event log stops taking writes",
  () => {
    const database = `bot_e2e_${Date.now().toString(36)}_${process.pid}`;
    let admin: SqlClient;
    let store: SqlClient;
    let bot: BotUnderTest;
    beforeAll(async () => {
      admin = createPostgresClient({ connectionString: serverUrl ?? "", maxConnections: 1 });
      await admin.exec(`CREATE DATABASE ${database}`);
      const url = new URL(serverUrl ?? "");
      url.pathname = `/${database}`;
      store = createPostgresClient({ connectionString: url.toString(), maxConnections: 2 });
      bot = await startBotUnderTest({
        env: { ...MONEY_ENV, DATABASE_URL: url.toString(), BOT_RUN_PROJECTIONS: "true" },
      });
      await bot.start();
    }, 90_000);
    afterAll(async () => {
      await bot?.close();
      await store?.close();
      await admin?.exec(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin?.close();
    });

    it("when a user pays while the log refuses writes, then the checkout is declined as unavailable within Telegram's 10 s, and the same invoice is paid once the log is back", {
      timeout: 60_000,
    }, async () => {
      const user = bot.telegram.user({ id: 4111, first_name: "Patient", language_code: "en" });
      const chat = bot.telegram.privateChat(user);
      const menu = await withBotLogs(bot.logs, openPayMenu(bot.telegram, user, chat));
      const invoice = await chooseStars(bot.telegram, user, menu, "pay:10", 1);

      // The log refuses every append, as a full disk or a read-only replica would. (A held
      // lock would stall too, but an open transaction holds back the global read horizon
      // of every database on the server; the deadline is covered by the unit test.)
      await store.exec(`
        CREATE FUNCTION es.refuse_appends() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN RAISE EXCEPTION 'the event log is read-only'; END $$;
        CREATE TRIGGER refuse_appends BEFORE INSERT ON es.events
          FOR EACH ROW EXECUTE FUNCTION es.refuse_appends();`);
      const started = Date.now();
      const outcome = await bot.telegram.payInvoice({ from: user, invoice });
      const declined = { outcome, seconds: (Date.now() - started) / 1000 };
      await store.exec("DROP TRIGGER refuse_appends ON es.events");
      expect(declined.outcome).toMatchObject({
        ok: false,
        timedOut: false,
        errorMessage: en.checkoutUnavailable,
      });
      expect(declined.seconds).toBeLessThan(10);
      expect(bot.telegram.starCharges()).toHaveLength(0);

      const paid = await bot.telegram.payInvoice({ from: user, invoice });
      expect(paid.ok).toBe(true);
      const receipt = textOf(
        await withBotLogs(bot.logs, receiptFor(bot.telegram, chat.id, paid.telegramPaymentChargeId ?? "?")),
      );
      expect(receipt.split("\n")[0]).toBe("✅ Payment received: $0.0650 added. Balance: $0.1650.");
    });
  },
);
