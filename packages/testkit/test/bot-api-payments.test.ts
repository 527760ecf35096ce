import type { LabeledPrice, Update, User } from "@grammyjs/types";
import { Bot, GrammyError } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeBotApi, type FakeBotApiOptions, startFakeBotApi } from "../src/index.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  fake: FakeBotApi;
  bot: Bot;
  user: User;
  chatId: number;
}

async function setup(options: FakeBotApiOptions = {}): Promise<Setup> {
  const fake = await startFakeBotApi(options);
  cleanups.push(() => fake.close());
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo });
  const user = fake.user({ first_name: "Ada" });
  return { fake, bot, user, chatId: fake.privateChat(user).id };
}

async function rejection(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof GrammyError)) throw new Error(`expected a GrammyError, got ${String(error)}`);
  return error;
}

/**
 * The updates pending for the bot after update `after`, confirming earlier ones as a polling
 * bot would. Pushes are queued synchronously, so there is no need to long poll.
 */
async function nextUpdates(bot: Bot, after = 0): Promise<Update[]> {
  return bot.api.getUpdates({ offset: after + 1, timeout: 0 });
}

const STARS_100: LabeledPrice[] = [{ label: "100 credits", amount: 100 }];

function sendStarsInvoice(
  bot: Bot,
  chatId: number,
  overrides: { title?: string; description?: string; payload?: string; prices?: LabeledPrice[] } = {},
) {
  return bot.api.sendInvoice(
    chatId,
    overrides.title ?? "Credits",
    overrides.description ?? "100 credits for the assistant",
    overrides.payload ?? "topup:100",
    "XTR",
    overrides.prices ?? STARS_100,
  );
}

describe("given a private chat and a Stars invoice", () => {
  it("when the bot sends it, then the message carries the invoice and the fake remembers the payload", async () => {
    const { fake, bot, chatId } = await setup();

    const sent = await bot.api.sendInvoice(chatId, "Credits", "100 credits", "topup:100", "XTR", STARS_100, {
      provider_token: "",
    });

    expect(sent).toMatchObject({
      message_id: 1,
      chat: { id: chatId },
      from: { id: fake.botInfo.id },
      invoice: {
        title: "Credits",
        description: "100 credits",
        start_parameter: "",
        currency: "XTR",
        total_amount: 100,
      },
    });
    expect(sent).not.toHaveProperty("text");
    expect(fake.invoices(chatId)).toEqual([
      {
        chatId,
        messageId: 1,
        title: "Credits",
        description: "100 credits",
        payload: "topup:100",
        currency: "XTR",
        totalAmount: 100,
      },
    ]);
    expect(fake.calls("sendInvoice")[0]?.params).toMatchObject({ payload: "topup:100", currency: "XTR" });
  });

  it("when the currency is not XTR, then CURRENCY_INVALID and nothing is sent", async () => {
    const { fake, bot, chatId } = await setup();

    const error = await rejection(
      bot.api.sendInvoice(chatId, "Credits", "100 credits", "p", "USD", STARS_100, { provider_token: "tok" }),
    );

    expect(error.error_code).toBe(400);
    expect(error.description).toBe("Bad Request: CURRENCY_INVALID");
    expect(fake.botMessages(chatId)).toEqual([]);
    expect(fake.invoices(chatId)).toEqual([]);
  });

  it("when a provider token is given for Stars, then PAYMENT_PROVIDER_INVALID", async () => {
    const { bot, chatId } = await setup();

    const error = await rejection(
      bot.api.sendInvoice(chatId, "Credits", "100 credits", "p", "XTR", STARS_100, {
        provider_token: "123:LIVE",
      }),
    );

    expect(error.description).toBe("Bad Request: PAYMENT_PROVIDER_INVALID");
  });

  it("when prices are empty or have two parts, then Telegram's errors come back", async () => {
    const { fake, bot, chatId } = await setup();

    const none = await rejection(sendStarsInvoice(bot, chatId, { prices: [] }));
    const two = await rejection(
      sendStarsInvoice(bot, chatId, {
        prices: [
          { label: "a", amount: 50 },
          { label: "b", amount: 50 },
        ],
      }),
    );

    expect(none.description).toBe("Bad Request: there must be at least one price part");
    expect(two.description).toBe("Bad Request: PRICES_TOO_MANY");
    expect(fake.invoices(chatId)).toEqual([]);
  });

  it("when the amount is outside 1..10000 Stars or fractional, then CURRENCY_TOTAL_AMOUNT_INVALID", async () => {
    const { fake, bot, chatId } = await setup();
    const priced = (amount: number) => sendStarsInvoice(bot, chatId, { prices: [{ label: "x", amount }] });

    const errors = await Promise.all([0, 10_001, 1.5, -5].map((amount) => rejection(priced(amount))));
    const lowest = await priced(1);
    const highest = await priced(10_000);

    expect(errors.map((error) => error.description)).toEqual(
      Array(4).fill("Bad Request: CURRENCY_TOTAL_AMOUNT_INVALID"),
    );
    expect(lowest.invoice.total_amount).toBe(1);
    expect(highest.invoice.total_amount).toBe(10_000);
    expect(fake.invoices(chatId).map((invoice) => invoice.totalAmount)).toEqual([1, 10_000]);
  });

  it("when the payload is empty or over 128 UTF-8 bytes, then INVOICE_PAYLOAD_INVALID", async () => {
    const { bot, chatId } = await setup();

    const empty = await rejection(sendStarsInvoice(bot, chatId, { payload: "" }));
    // 65 × "é" is 65 characters but 130 bytes.
    const tooLong = await rejection(sendStarsInvoice(bot, chatId, { payload: "é".repeat(65) }));
    const longest = await sendStarsInvoice(bot, chatId, { payload: "é".repeat(64) });

    expect(empty.description).toBe("Bad Request: INVOICE_PAYLOAD_INVALID");
    expect(tooLong.description).toBe("Bad Request: INVOICE_PAYLOAD_INVALID");
    expect(longest.invoice.currency).toBe("XTR");
  });

  it("when the title or description is empty or too long, then the matching error comes back", async () => {
    const { bot, chatId } = await setup();

    const noTitle = await rejection(sendStarsInvoice(bot, chatId, { title: "" }));
    const longTitle = await rejection(sendStarsInvoice(bot, chatId, { title: "t".repeat(33) }));
    const noDescription = await rejection(sendStarsInvoice(bot, chatId, { description: "" }));
    const longDescription = await rejection(sendStarsInvoice(bot, chatId, { description: "d".repeat(256) }));
    const longest = await sendStarsInvoice(bot, chatId, {
      title: "t".repeat(32),
      description: "d".repeat(255),
    });

    expect([noTitle, longTitle].map((error) => error.description)).toEqual([
      "Bad Request: INVOICE_TITLE_INVALID",
      "Bad Request: INVOICE_TITLE_INVALID",
    ]);
    expect([noDescription, longDescription].map((error) => error.description)).toEqual([
      "Bad Request: INVOICE_DESCRIPTION_INVALID",
      "Bad Request: INVOICE_DESCRIPTION_INVALID",
    ]);
    expect(longest.invoice).toMatchObject({ title: "t".repeat(32), description: "d".repeat(255) });
  });

  it("when it has an inline keyboard, then the first button must be the Pay button", async () => {
    const { fake, bot, chatId } = await setup();
    const keyboard = (first: object) => ({
      reply_markup: { inline_keyboard: [[first as { text: string; pay: true }]] },
    });

    const error = await rejection(
      bot.api.sendInvoice(
        chatId,
        "Credits",
        "d",
        "p",
        "XTR",
        STARS_100,
        keyboard({ text: "Go", url: "https://x.y" }),
      ),
    );
    const sent = await bot.api.sendInvoice(
      chatId,
      "Credits",
      "d",
      "p",
      "XTR",
      STARS_100,
      keyboard({ text: "Pay ⭐100", pay: true }),
    );

    expect(error.description).toBe("Bad Request: REPLY_MARKUP_BUY_EMPTY");
    // grammY's InvoiceMessage type omits reply_markup, so read the message as the fake stored it.
    const stored = fake.world.messages.get(chatId, sent.message_id)?.message;
    expect(stored?.reply_markup?.inline_keyboard[0]?.[0]).toEqual({ text: "Pay ⭐100", pay: true });
    expect(fake.invoices(chatId)).toHaveLength(1);
  });
});

describe("given a forum and a plain group", () => {
  it("when an invoice is sent to a topic, then only the forum accepts it and the invoice knows its topic", async () => {
    const { fake, bot } = await setup();
    const forum = fake.groupChat({ forum: true });
    const plain = fake.groupChat();

    const inTopic = await bot.api.sendInvoice(forum.id, "Credits", "d", "p", "XTR", STARS_100, {
      message_thread_id: 7,
    });
    const error = await rejection(
      bot.api.sendInvoice(plain.id, "Credits", "d", "p", "XTR", STARS_100, { message_thread_id: 7 }),
    );

    expect(inTopic).toMatchObject({ message_thread_id: 7, is_topic_message: true });
    expect(fake.invoices(forum.id)[0]?.topicId).toBe(7);
    expect(error.description).toBe("Bad Request: message thread not found");
  });
});

describe("given a pushed pre_checkout_query", () => {
  it("when the bot reads it, then it carries the user, payload, amount and XTR", async () => {
    const { fake, bot, user } = await setup();

    const queryId = fake.pushPreCheckoutQuery({ from: user, payload: "topup:100", totalAmount: 100 });
    const [update] = await nextUpdates(bot);

    expect(update?.pre_checkout_query).toEqual({
      id: queryId,
      from: user,
      currency: "XTR",
      total_amount: 100,
      invoice_payload: "topup:100",
    });
    expect(queryId).toMatch(/^\d+$/);
    expect(fake.pushPreCheckoutQuery({ from: user, payload: "p", totalAmount: 1 })).not.toBe(queryId);
  });

  it("when the bot accepts, then the answer is recorded and a second answer is refused", async () => {
    const { fake, bot, user } = await setup();
    const queryId = fake.pushPreCheckoutQuery({ from: user, payload: "topup:100", totalAmount: 100 });
    const before = Date.now();

    const accepted = await bot.api.answerPreCheckoutQuery(queryId, true);
    const again = await rejection(bot.api.answerPreCheckoutQuery(queryId, true));
    const answer = await fake.preCheckoutAnswer(queryId);

    expect(accepted).toBe(true);
    expect(answer).toEqual({ queryId, ok: true, at: expect.any(Number) });
    expect(answer.at).toBeGreaterThanOrEqual(before);
    expect(again.description).toBe(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
  });

  it("when the bot declines without an error message, then ERROR_TEXT_EMPTY and the query stays open", async () => {
    const { fake, bot, user } = await setup();
    const queryId = fake.pushPreCheckoutQuery({ from: user, payload: "p", totalAmount: 5 });

    const error = await rejection(bot.api.answerPreCheckoutQuery(queryId, false));
    await bot.api.answerPreCheckoutQuery(queryId, false, { error_message: "Sold out" });

    expect(error.error_code).toBe(400);
    expect(error.description).toBe("Bad Request: ERROR_TEXT_EMPTY");
    await expect(fake.preCheckoutAnswer(queryId)).resolves.toMatchObject({
      ok: false,
      errorMessage: "Sold out",
    });
  });

  it("when the id was never pushed, then 'query is too old'", async () => {
    const { bot } = await setup();

    const error = await rejection(bot.api.answerPreCheckoutQuery("12345", true));

    expect(error.description).toBe(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
  });

  it("when nobody answers, then preCheckoutAnswer rejects after its timeout and answers it later", async () => {
    const { fake, bot, user } = await setup();
    const queryId = fake.pushPreCheckoutQuery({ from: user, payload: "p", totalAmount: 5 });

    await expect(fake.preCheckoutAnswer(queryId, 50)).rejects.toThrow(/not answered within 50 ms/);
    const waiting = fake.preCheckoutAnswer(queryId, 2_000);
    await bot.api.answerPreCheckoutQuery(queryId, true);

    await expect(waiting).resolves.toMatchObject({ queryId, ok: true });
    await expect(fake.preCheckoutAnswer("never-pushed", 10)).rejects.toThrow(/no pre_checkout_query/);
  });
});

describe("given a pushed successful_payment", () => {
  it("when it arrives, then the message carries it and the ledger records the charge once", async () => {
    const { fake, bot, user, chatId } = await setup();
    const chat = fake.privateChat(user);

    const first = fake.pushSuccessfulPayment({ chat, from: user, payload: "topup:100", totalAmount: 100 });
    const duplicate = fake.pushSuccessfulPayment({
      chat,
      from: user,
      payload: "topup:100",
      totalAmount: 100,
      telegramPaymentChargeId: first.telegramPaymentChargeId,
    });
    const updates = await nextUpdates(bot);

    expect(first.telegramPaymentChargeId).toMatch(/^stx[A-Za-z0-9_-]{32}$/);
    expect(updates.map((update) => update.message?.successful_payment)).toEqual([
      {
        currency: "XTR",
        total_amount: 100,
        invoice_payload: "topup:100",
        telegram_payment_charge_id: first.telegramPaymentChargeId,
        provider_payment_charge_id: "",
      },
      expect.objectContaining({ telegram_payment_charge_id: first.telegramPaymentChargeId }),
    ]);
    expect(updates[0]?.message).toMatchObject({ chat: { id: chatId }, from: { id: user.id } });
    expect(duplicate.update.update_id).toBeGreaterThan(first.update.update_id);
    expect(fake.starCharges()).toEqual([
      {
        telegramPaymentChargeId: first.telegramPaymentChargeId,
        userId: user.id,
        amount: 100,
        currency: "XTR",
        payload: "topup:100",
        refunded: false,
      },
    ]);
  });

  it("when two payments are pushed without ids, then each gets its own charge", async () => {
    const { fake, user } = await setup();
    const chat = fake.privateChat(user);

    const a = fake.pushSuccessfulPayment({ chat, from: user, payload: "p", totalAmount: 1 });
    const b = fake.pushSuccessfulPayment({ chat, from: user, payload: "p", totalAmount: 1 });

    expect(a.telegramPaymentChargeId).not.toBe(b.telegramPaymentChargeId);
    expect(fake.starCharges()).toHaveLength(2);
  });

  it("when it is paid in a group under privacy mode, then the bot still gets it", async () => {
    const { fake, user } = await setup();
    const group = fake.groupChat();

    const pushed = fake.pushSuccessfulPayment({ chat: group, from: user, payload: "p", totalAmount: 3 });

    expect(fake.botInfo.can_read_all_group_messages).toBe(false);
    expect(pushed.delivered).toBe(true);
  });
});

describe("given a bot that handles checkouts while polling", () => {
  it("when the user pays an invoice the bot sent, then the bot accepts and receives the payment", async () => {
    const { fake, bot, user, chatId } = await setup();
    const paid: string[] = [];
    bot.on("pre_checkout_query", (ctx) => ctx.answerPreCheckoutQuery(true));
    bot.on("message:successful_payment", (ctx) => {
      paid.push(ctx.message.successful_payment.invoice_payload);
    });
    await sendStarsInvoice(bot, chatId, { payload: "topup:100" });
    const [invoice] = fake.invoices(chatId);
    if (invoice === undefined) throw new Error("no invoice");
    void bot.start({ timeout: 1 });
    cleanups.push(() => bot.stop());

    const outcome = await fake.payInvoice({ from: user, invoice });
    await waitUntil(() => paid.length === 1);

    expect(outcome).toMatchObject({ ok: true, timedOut: false });
    expect(outcome.telegramPaymentChargeId).toMatch(/^stx/);
    expect(paid).toEqual(["topup:100"]);
    expect(fake.starCharge(outcome.telegramPaymentChargeId ?? "")).toMatchObject({
      userId: user.id,
      amount: 100,
      refunded: false,
    });
    expect(fake.calls("answerPreCheckoutQuery")[0]?.params).toMatchObject({
      pre_checkout_query_id: outcome.preCheckoutQueryId,
      ok: true,
    });
  });
});

describe("given payInvoice with explicit terms", () => {
  it("when the bot declines, then no payment is pushed and the error message comes back", async () => {
    const { fake, bot, user } = await setup();
    const chat = fake.privateChat(user);

    const paying = fake.payInvoice({ from: user, chat, payload: "topup:100", totalAmount: 100 });
    const [update] = await nextUpdates(bot);
    await bot.api.answerPreCheckoutQuery(update?.pre_checkout_query?.id ?? "", false, {
      error_message: "Out of stock",
    });
    const outcome = await paying;

    expect(outcome).toEqual({
      ok: false,
      timedOut: false,
      errorMessage: "Out of stock",
      preCheckoutQueryId: update?.pre_checkout_query?.id,
    });
    expect(await nextUpdates(bot, update?.update_id)).toEqual([]);
    expect(fake.starCharges()).toEqual([]);
  });

  it("when the bot accepts, then the successful_payment follows the answer", async () => {
    const { fake, bot, user } = await setup();
    const chat = fake.privateChat(user);

    const paying = fake.payInvoice({ from: user, chat, payload: "topup:5", totalAmount: 5 });
    const [query] = await nextUpdates(bot);
    await bot.api.answerPreCheckoutQuery(query?.pre_checkout_query?.id ?? "", true);
    const outcome = await paying;
    const [payment] = await nextUpdates(bot, query?.update_id);

    expect(outcome.ok).toBe(true);
    expect(outcome.payment?.update.update_id).toBe(payment?.update_id);
    expect(payment?.message?.successful_payment).toMatchObject({
      invoice_payload: "topup:5",
      total_amount: 5,
      telegram_payment_charge_id: outcome.telegramPaymentChargeId,
    });
  });

  it("when the bot does not answer in time, then the payment times out and a late answer is refused", async () => {
    const { fake, bot, user } = await setup();
    const chat = fake.privateChat(user);

    const outcome = await fake.payInvoice({ from: user, chat, payload: "p", totalAmount: 5, timeoutMs: 100 });
    const late = await rejection(bot.api.answerPreCheckoutQuery(outcome.preCheckoutQueryId, true));

    expect(outcome).toMatchObject({ ok: false, timedOut: true });
    expect(outcome).not.toHaveProperty("telegramPaymentChargeId");
    expect(late.description).toBe(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
    expect(fake.starCharges()).toEqual([]);
  });
});

describe("given a paid Stars charge", () => {
  async function paid(options: FakeBotApiOptions = {}): Promise<Setup & { chargeId: string }> {
    const context = await setup(options);
    const chat = context.fake.privateChat(context.user);
    const payment = context.fake.pushSuccessfulPayment({
      chat,
      from: context.user,
      payload: "topup:100",
      totalAmount: 100,
    });
    // Confirm the payment update so later reads see only what the refund causes.
    await nextUpdates(context.bot, payment.update.update_id);
    return { ...context, chargeId: payment.telegramPaymentChargeId };
  }

  it("when the bot refunds it, then the ledger marks it refunded and a second refund is refused", async () => {
    const { fake, bot, user, chargeId } = await paid();

    const refunded = await bot.api.refundStarPayment(user.id, chargeId);
    const again = await rejection(bot.api.refundStarPayment(user.id, chargeId));

    expect(refunded).toBe(true);
    expect(fake.starCharge(chargeId)?.refunded).toBe(true);
    expect(again.error_code).toBe(400);
    expect(again.description).toBe("Bad Request: CHARGE_ALREADY_REFUNDED");
  });

  it("when another user's id or an unknown charge is given, then CHARGE_ID_INVALID and nothing changes", async () => {
    const { fake, bot, chargeId } = await paid();
    const stranger = fake.user();

    const wrongUser = await rejection(bot.api.refundStarPayment(stranger.id, chargeId));
    const unknown = await rejection(bot.api.refundStarPayment(stranger.id, "stxUnknown"));

    expect(wrongUser.description).toBe("Bad Request: CHARGE_ID_INVALID");
    expect(unknown.description).toBe("Bad Request: CHARGE_ID_INVALID");
    expect(fake.starCharge(chargeId)?.refunded).toBe(false);
  });

  it("when its successful_payment is delivered again after a refund, then it stays refunded", async () => {
    const { fake, bot, user, chargeId } = await paid();
    await bot.api.refundStarPayment(user.id, chargeId);

    fake.pushSuccessfulPayment({
      chat: fake.privateChat(user),
      from: user,
      payload: "topup:100",
      totalAmount: 100,
      telegramPaymentChargeId: chargeId,
    });
    const again = await rejection(bot.api.refundStarPayment(user.id, chargeId));

    expect(fake.starCharges()).toEqual([
      expect.objectContaining({ telegramPaymentChargeId: chargeId, refunded: true }),
    ]);
    expect(again.description).toBe("Bad Request: CHARGE_ALREADY_REFUNDED");
  });

  it("when no refund updates are configured, then a refund pushes nothing", async () => {
    const { bot, user, chargeId } = await paid();

    await bot.api.refundStarPayment(user.id, chargeId);

    expect(await nextUpdates(bot)).toEqual([]);
  });

  it("when refund updates are on, then Telegram's refunded_payment reaches the payer's private chat", async () => {
    const { bot, user, chatId, chargeId } = await paid({ starRefundUpdates: true });

    await bot.api.refundStarPayment(user.id, chargeId);
    const [update] = await nextUpdates(bot);

    expect(update?.message).toMatchObject({
      chat: { id: chatId, type: "private" },
      from: { id: user.id },
      refunded_payment: {
        currency: "XTR",
        total_amount: 100,
        invoice_payload: "topup:100",
        telegram_payment_charge_id: chargeId,
      },
    });
  });

  it("when refund updates are switched on later, then the setter takes effect", async () => {
    const { fake, bot, user, chargeId } = await paid();

    fake.setStarRefundUpdates(true);
    await bot.api.refundStarPayment(user.id, chargeId);

    expect((await nextUpdates(bot))[0]?.message?.refunded_payment).toBeDefined();
  });

  it("when a fault is planned for refundStarPayment, then it fails without refunding and a retry works", async () => {
    const { fake, bot, user, chargeId } = await paid();
    fake.fail("refundStarPayment", { kind: "server_error", status: 500 });
    fake.fail("refundStarPayment", { kind: "bad_request", description: "Bad Request: CHARGE_NOT_FOUND" });

    const serverError = await rejection(bot.api.refundStarPayment(user.id, chargeId));
    const refusal = await rejection(bot.api.refundStarPayment(user.id, chargeId));
    const stillOpen = fake.starCharge(chargeId)?.refunded;
    const retried = await bot.api.refundStarPayment(user.id, chargeId);

    expect(serverError.error_code).toBe(500);
    expect(refusal).toMatchObject({ error_code: 400, description: "Bad Request: CHARGE_NOT_FOUND" });
    expect(stillOpen).toBe(false);
    expect(retried).toBe(true);
    expect(fake.calls("refundStarPayment").map((call) => call.fault)).toEqual([
      "server_error",
      "bad_request",
      undefined,
    ]);
  });

  it("when Telegram refunds it outside the bot, then refunded_payment is pushed and the bot can't refund it", async () => {
    const { fake, bot, user, chatId, chargeId } = await paid();

    const pushed = fake.pushRefundedPayment({
      chat: fake.privateChat(user),
      from: user,
      telegramPaymentChargeId: chargeId,
    });
    const error = await rejection(bot.api.refundStarPayment(user.id, chargeId));

    expect(pushed.message).toMatchObject({
      chat: { id: chatId },
      refunded_payment: {
        total_amount: 100,
        invoice_payload: "topup:100",
        telegram_payment_charge_id: chargeId,
      },
    });
    expect(pushed.message.refunded_payment).not.toHaveProperty("provider_payment_charge_id");
    expect(fake.starCharge(chargeId)?.refunded).toBe(true);
    expect(error.description).toBe("Bad Request: CHARGE_ALREADY_REFUNDED");
  });
});

describe("given a refund of a charge the fake never saw", () => {
  it("when amount and payload are missing, then pushRefundedPayment throws; with them it pushes", async () => {
    const { fake, user } = await setup();
    const chat = fake.privateChat(user);

    expect(() =>
      fake.pushRefundedPayment({ chat, from: user, telegramPaymentChargeId: "stxElsewhere" }),
    ).toThrow(/needs totalAmount and payload/);
    const pushed = fake.pushRefundedPayment({
      chat,
      from: user,
      telegramPaymentChargeId: "stxElsewhere",
      totalAmount: 7,
      payload: "old",
      providerPaymentChargeId: "prov-1",
    });

    expect(pushed.message.refunded_payment).toEqual({
      currency: "XTR",
      total_amount: 7,
      invoice_payload: "old",
      telegram_payment_charge_id: "stxElsewhere",
      provider_payment_charge_id: "prov-1",
    });
    expect(fake.starCharges()).toEqual([]);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
