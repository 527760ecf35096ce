import type { BotCommand, InlineKeyboardMarkup, Message, User, UserFromGetMe } from "@grammyjs/types";
import { ChatDirectory, type UserChat } from "./chat-directory.ts";
import { DraftBoard } from "./draft-board.ts";
import { FileStore } from "./file-store.ts";
import { InvoiceBook } from "./invoice-book.ts";
import { MessageStore } from "./message-store.ts";
import { PreCheckoutDesk } from "./pre-checkout-desk.ts";
import { StarsLedger } from "./stars-ledger.ts";
import { UpdateQueue } from "./update-queue.ts";
import { type WebhookDeliveryOptions, WebhookSender } from "./webhook-sender.ts";

/** Where and how a bot message is sent. */
export interface BotMessageOptions {
  /** The topic (`message_thread_id`), already checked with {@link ChatDirectory.thread}. */
  threadId?: number | undefined;
  /** The message it replies to, already looked up. */
  replyTo?: Message | undefined;
  /** An inline keyboard to attach (other markups are not part of a Message). */
  replyMarkup?: InlineKeyboardMarkup | undefined;
}

/**
 * Everything the fake Telegram knows: users, chats, messages, files, drafts, commands,
 * open callback and pre-checkout queries, sent invoices, Stars payments and pending updates.
 * Method handlers (built-in and added with `handle()`) read and change it.
 */
export class FakeWorld {
  readonly botUser: User;
  readonly chats: ChatDirectory;
  readonly messages = new MessageStore();
  readonly files = new FileStore();
  readonly drafts = new DraftBoard();
  readonly updates = new UpdateQueue();
  readonly webhook: WebhookSender;
  /** Commands by {@link commandKey}. */
  readonly commands = new Map<string, BotCommand[]>();
  /** Ids of callback queries pushed and not answered yet. */
  readonly openCallbackQueries = new Set<string>();
  /** Pushed pre_checkout_query updates and the bot's answers. */
  readonly preCheckout = new PreCheckoutDesk();
  /** Invoices the bot sent, with their payloads. */
  readonly invoices = new InvoiceBook();
  /** Telegram Stars payments and refunds. */
  readonly stars = new StarsLedger();

  constructor(
    readonly botInfo: UserFromGetMe,
    webhookOptions: WebhookDeliveryOptions = {},
  ) {
    this.botUser = {
      id: botInfo.id,
      is_bot: true,
      first_name: botInfo.first_name,
      username: botInfo.username,
    };
    this.chats = new ChatDirectory(botInfo);
    this.webhook = new WebhookSender(this.updates, webhookOptions);
  }

  /** Unix time in seconds, as in `Message.date`. */
  unixNow(): number {
    return Math.floor(Date.now() / 1000);
  }

  /**
   * Stores a message from the bot with the next message id of the chat and returns it as
   * Telegram would (`from` = the bot, `date`, topic fields, `reply_to_message`); drafts in the
   * same topic disappear, as they do when a real message arrives. A private chat whose user
   * blocked the bot refuses it with Telegram's 403.
   */
  sendBotMessage<C extends Partial<Message>>(
    chat: UserChat,
    content: C,
    options: BotMessageOptions = {},
  ): Message & C {
    this.chats.assertCanSend(chat);
    const message = {
      message_id: this.messages.nextId(chat.id),
      from: this.botUser,
      chat,
      date: this.unixNow(),
      ...(options.threadId === undefined
        ? {}
        : { message_thread_id: options.threadId, is_topic_message: true }),
      ...(options.replyTo === undefined ? {} : { reply_to_message: withoutReply(options.replyTo) }),
      ...content,
      ...(options.replyMarkup === undefined ? {} : { reply_markup: options.replyMarkup }),
    } as Message & C;
    this.messages.add(message, true);
    if (chat.type === "private") this.drafts.messageSent(chat.id, options.threadId);
    return message;
  }

  /** Stores a message from a user (pushed by a test). */
  addUserMessage(message: Message): void {
    this.messages.add(message, false);
  }
}

/** `reply_to_message` never nests another reply. */
export function withoutReply(message: Message): Message & { reply_to_message: undefined } {
  const { reply_to_message: _nested, ...rest } = message;
  return rest as Message & { reply_to_message: undefined };
}
