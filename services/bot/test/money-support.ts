import type { FakeBotApi, RecordedCall, SentInvoice } from "@bot/testkit";
import type { Chat, Message, User } from "@grammyjs/types";
import { sentMatching, waitUntil } from "./e2e-support.ts";

/** The settings money tests start the bot with: a real starter balance and a known payload secret. */
export const MONEY_ENV: Readonly<Record<string, string>> = {
  BATCH_WINDOW_MS: "30",
  STARTER_BALANCE_USD: "0.10",
  PAYMENT_PAYLOAD_SECRET: "e2e-payload-secret",
};

/** The message a successful call created. */
export function sentMessage(call: RecordedCall): Message {
  return call.response.result as Message;
}

/** Sends /pay and returns the bot's keyboard message. */
export async function openPayMenu(
  telegram: FakeBotApi,
  user: User,
  chat: Chat.PrivateChat,
): Promise<Message> {
  const isMenu = (text: string) => text.startsWith("Top up your balance");
  const before = sentTexts(telegram, chat.id, isMenu).length;
  telegram.pushCommand({ chat, from: user, command: "pay" });
  await waitUntil(
    () => sentTexts(telegram, chat.id, isMenu).length > before,
    20_000,
    () => `the /pay menu in chat ${chat.id}`,
  );
  const menus = telegram
    .calls("sendMessage")
    .filter((call) => Number(call.params.chat_id) === chat.id && call.response.ok === true)
    .filter((call) => isMenu(String(call.params.text ?? "")));
  return sentMessage(menus.at(-1) as RecordedCall);
}

/** Presses a /pay button and waits for the invoice it sends (the `count`-th in that chat). */
export async function chooseStars(
  telegram: FakeBotApi,
  user: User,
  menu: Message,
  data: string,
  count: number,
): Promise<SentInvoice> {
  telegram.pushCallbackQuery({ from: user, message: menu, data });
  await waitUntil(
    () => telegram.invoices(menu.chat.id).length >= count,
    20_000,
    () => `invoice #${count} in chat ${menu.chat.id} after pressing ${data}`,
  );
  return telegram.invoices(menu.chat.id)[count - 1] as SentInvoice;
}

/** Waits for the payment receipt naming `chargeId`. */
export function receiptFor(telegram: FakeBotApi, chatId: number, chargeId: string): Promise<RecordedCall> {
  return sentMatching(
    telegram,
    chatId,
    (text) => text.startsWith("✅ Payment received") && text.endsWith(chargeId),
  );
}

/** Every accepted message to `chatId` whose text satisfies `test`. */
export function sentTexts(telegram: FakeBotApi, chatId: number, test: (text: string) => boolean): string[] {
  return telegram
    .calls("sendMessage")
    .filter((call) => Number(call.params.chat_id) === chatId && call.response.ok === true)
    .map((call) => String(call.params.text ?? ""))
    .filter(test);
}
