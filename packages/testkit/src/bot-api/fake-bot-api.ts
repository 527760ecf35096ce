import type { Chat, Update, User, UserFromGetMe } from "@grammyjs/types";
import { builtinMethods } from "./builtin-methods.ts";
import { CallLog } from "./call-log.ts";
import type { GroupSpec, UserSpec } from "./chat-directory.ts";
import { FakeWorld } from "./fake-world.ts";
import { FaultPlan } from "./fault-plan.ts";
import { startBotApiServer } from "./http-server.ts";
import type { SentInvoice } from "./invoice-book.ts";
import type { MethodHandler } from "./method-handler.ts";
import {
  type PayInvoiceArgs,
  type PaymentOutcome,
  type PushedPayment,
  type PushPreCheckoutArgs,
  type PushRefundedPaymentArgs,
  type PushSuccessfulPaymentArgs,
  payInvoice,
  pushPreCheckoutQuery,
  pushRefundedPayment,
  pushSuccessfulPayment,
} from "./payment-pushes.ts";
import { PRE_CHECKOUT_TIMEOUT_MS, type PreCheckoutAnswer } from "./pre-checkout-desk.ts";
import type { StarCharge } from "./stars-ledger.ts";
import type {
  DraftState,
  Fault,
  FaultOptions,
  MethodName,
  MethodParams,
  MethodResult,
  RecordedCall,
  StoredMessage,
} from "./types.ts";
import {
  type PushCallbackArgs,
  type PushCommandArgs,
  type PushEditArgs,
  type PushedCallbackQuery,
  type PushedMessage,
  type PushFileArgs,
  type PushStickerArgs,
  type PushStopArgs,
  type PushTextArgs,
  pushAnyUpdate,
  pushCallbackQuery,
  pushCommand,
  pushDocument,
  pushEdit,
  pushPhoto,
  pushSticker,
  pushStoppedGeneration,
  pushText,
  pushVoice,
} from "./user-pushes.ts";
import type { WebhookDeliveryOptions } from "./webhook-sender.ts";

/** Options of {@link startFakeBotApi}. */
export interface FakeBotApiOptions {
  /** The bot token the fake accepts; default "123456:TEST-token". */
  token?: string;
  /** Overrides of what getMe returns. */
  bot?: Partial<UserFromGetMe>;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Retry timing of webhook deliveries. */
  webhook?: WebhookDeliveryOptions;
  /**
   * Whether a successful refundStarPayment also pushes the refunded_payment message Telegram
   * sends to the payer's private chat; default false. See {@link FakeBotApi.setStarRefundUpdates}.
   */
  starRefundUpdates?: boolean;
}

/**
 * A fake Telegram Bot API server for tests and benchmarks that run the real grammY bot
 * (`new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo })`).
 */
export interface FakeBotApi {
  /** "http://127.0.0.1:<port>", for grammY's `client.apiRoot`. */
  readonly apiRoot: string;
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  /** Stops serving: ends long polls, stops webhook delivery, closes connections. */
  close(): Promise<void>;

  /** The user with `spec.id` if already known, else a new one (defaults filled in). */
  user(spec?: UserSpec): User;
  /** The bot's private chat with `user`. */
  privateChat(user: User): Chat.PrivateChat;
  /** A group or supergroup (default) with the bot in it; `forum: true` gives it topics. */
  groupChat(spec?: GroupSpec): Chat.GroupChat | Chat.SupergroupChat;
  /**
   * The user blocked the bot: from now on sending, copying, chat actions and drafts to their
   * private chat fail with 403 "Forbidden: bot was blocked by the user". Pushes no update.
   */
  blockBot(userId: number): void;
  /** The user unblocked the bot again. */
  unblockBot(userId: number): void;

  /**
   * A user's text message; message ids increase per chat, date is now. In groups, privacy
   * mode applies (see {@link PushedMessage.delivered}) unless `bot.can_read_all_group_messages`.
   */
  pushText(args: PushTextArgs): PushedMessage;
  /** A user's `/command` with its bot_command entity. */
  pushCommand(args: PushCommandArgs): PushedMessage;
  /** A user edited an earlier message of theirs (edited_message update). */
  pushEdit(args: PushEditArgs): PushedMessage;
  /** A user pressed an inline button of a bot message. */
  pushCallbackQuery(args: PushCallbackArgs): PushedCallbackQuery;
  /** A user pressed the stop button of a draft (stopped_message_generation update). */
  pushStoppedGeneration(args: PushStopArgs): Update;
  /** A user's photo; downloadable with getFile and `/file/bot<token>/<file_path>`. */
  pushPhoto(args: PushFileArgs): PushedMessage;
  /** A user's document; downloadable like photos. */
  pushDocument(args: PushFileArgs): PushedMessage;
  /** A user's voice note; downloadable like photos. */
  pushVoice(args: PushFileArgs): PushedMessage;
  /** A user's sticker (a message type the bot does not handle). */
  pushSticker(args: PushStickerArgs): PushedMessage;
  /**
   * The user confirmed a payment form: a pre_checkout_query the bot must answer within 10 s.
   * Returns the query id.
   */
  pushPreCheckoutQuery(args: PushPreCheckoutArgs): string;
  /**
   * The bot's answerPreCheckoutQuery for a pushed query, given or future. Rejects when none
   * arrives within `timeoutMs` (default 10 000, Telegram's own limit).
   */
  preCheckoutAnswer(queryId: string, timeoutMs?: number): Promise<PreCheckoutAnswer>;
  /**
   * Telegram charged the user: a successful_payment message, recorded in the Stars ledger.
   * A fresh charge id unless `telegramPaymentChargeId` is given; pushing a known one again
   * delivers a duplicate message without a second charge.
   */
  pushSuccessfulPayment(args: PushSuccessfulPaymentArgs): PushedPayment;
  /** A refunded_payment message; the charge, if known, becomes refunded in the ledger. */
  pushRefundedPayment(args: PushRefundedPaymentArgs): PushedMessage;
  /**
   * The whole Stars checkout: pushes a pre_checkout_query, waits for the bot's answer (up to
   * `timeoutMs`, default 10 s) and pushes the successful_payment only if the bot accepted.
   */
  payInvoice(args: PayInvoiceArgs): Promise<PaymentOutcome>;
  /** The invoices the bot sent to a chat (with their payloads), oldest first. */
  invoices(chatId: number): SentInvoice[];
  /** One Stars payment as the ledger has it now. */
  starCharge(telegramPaymentChargeId: string): StarCharge | undefined;
  /** Every Stars payment, in the order they were paid. */
  starCharges(): StarCharge[];
  /** Turns on or off the refunded_payment update after a successful refundStarPayment. */
  setStarRefundUpdates(enabled: boolean): void;
  /** Any update; gets the next update_id. */
  pushUpdate(update: Omit<Update, "update_id">): Update;
  /** Delivers an update again (a duplicate delivery, as after a lost answer). */
  redeliver(updateId: number): void;

  /** Answered requests in the order they were answered; one method (case-insensitive) or all. */
  calls<M extends MethodName>(method: M): RecordedCall<Partial<MethodParams<M>>>[];
  calls(method?: string): RecordedCall[];
  /** The first answered call satisfying `predicate`, waiting up to `timeoutMs` (default 5000). */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** The bot's messages in a chat as they are now (after edits, without deleted ones); one topic or all. */
  botMessages(chatId: number, topicId?: number): StoredMessage[];
  /** The drafts streamed to a private chat, one entry per topic and draft_id. */
  drafts(chatId: number): DraftState[];

  /** Makes the next `times` calls of `method` (or "*": any method) fail with `fault`. */
  fail(method: string, fault: Fault, options?: FaultOptions): void;
  clearFaults(): void;

  /** The webhook set by the bot, or null while it polls. */
  webhook(): { url: string; secretToken?: string } | null;
  /**
   * Implements or replaces a method, e.g. sendPoll. The handler returns the `result` or
   * throws `BotApiError(description, code, parameters?)`.
   */
  handle<M extends MethodName>(method: M, handler: MethodHandler<MethodResult<M>>): void;
  handle(method: string, handler: MethodHandler): void;
  /** The fake's state, for handlers and for assertions the helpers above do not cover. */
  readonly world: FakeWorld;
}

const DEFAULT_TOKEN = "123456:TEST-token";

/** Starts a fake Bot API server on 127.0.0.1. Close it after the test. */
export async function startFakeBotApi(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
  const token = options.token ?? DEFAULT_TOKEN;
  const botInfo = defaultBotInfo(token, options.bot);
  const world = new FakeWorld(botInfo, options.webhook);
  world.stars.refundUpdates = options.starRefundUpdates ?? false;
  const methods = builtinMethods();
  const faults = new FaultPlan();
  const log = new CallLog();
  let apiRoot = "";
  let close: () => Promise<void> = async () => {};

  const fake: FakeBotApi = {
    get apiRoot() {
      return apiRoot;
    },
    token,
    botInfo,
    world,
    close: () => close(),
    user: (spec) => world.chats.user(spec),
    privateChat: (user) => world.chats.privateChat(user),
    groupChat: (spec) => world.chats.groupChat(spec),
    blockBot: (userId) => world.chats.setBlocked(userId, true),
    unblockBot: (userId) => world.chats.setBlocked(userId, false),
    pushText: (args) => pushText(world, args),
    pushCommand: (args) => pushCommand(world, args),
    pushEdit: (args) => pushEdit(world, args),
    pushCallbackQuery: (args) => pushCallbackQuery(world, args),
    pushStoppedGeneration: (args) => pushStoppedGeneration(world, args),
    pushPhoto: (args) => pushPhoto(world, args),
    pushDocument: (args) => pushDocument(world, args),
    pushVoice: (args) => pushVoice(world, args),
    pushSticker: (args) => pushSticker(world, args),
    pushPreCheckoutQuery: (args) => pushPreCheckoutQuery(world, args),
    preCheckoutAnswer: (queryId, timeoutMs = PRE_CHECKOUT_TIMEOUT_MS) =>
      preCheckoutAnswer(world, queryId, timeoutMs),
    pushSuccessfulPayment: (args) => pushSuccessfulPayment(world, args),
    pushRefundedPayment: (args) => pushRefundedPayment(world, args),
    payInvoice: (args) => payInvoice(world, args),
    invoices: (chatId) => world.invoices.list(chatId),
    starCharge: (chargeId) => world.stars.get(chargeId),
    starCharges: () => world.stars.list(),
    setStarRefundUpdates: (enabled) => {
      world.stars.refundUpdates = enabled;
    },
    pushUpdate: (update) => pushAnyUpdate(world, update),
    redeliver: (updateId) => world.updates.redeliver(updateId),
    calls: ((method?: string) => log.list(method)) as FakeBotApi["calls"],
    waitFor: (predicate, timeoutMs = 5_000) => log.waitFor(predicate, timeoutMs),
    botMessages: (chatId, topicId) => world.messages.botMessages(chatId, topicId),
    drafts: (chatId) => world.drafts.list(chatId),
    fail: (method, fault, faultOptions) => faults.add(method, fault, faultOptions),
    clearFaults: () => faults.clear(),
    webhook: () => {
      const target = world.webhook.current();
      if (target === undefined) return null;
      return {
        url: target.url,
        ...(target.secretToken === undefined ? {} : { secretToken: target.secretToken }),
      };
    },
    handle: (method: string, handler: MethodHandler) => {
      methods.set(method.toLowerCase(), { name: method, handler });
    },
  };

  const server = await startBotApiServer({ token, world, methods, faults, log, fake }, options.port ?? 0);
  apiRoot = `http://127.0.0.1:${server.port}`;
  close = async () => {
    world.updates.close();
    world.webhook.stop();
    await server.close();
  };
  return fake;
}

async function preCheckoutAnswer(
  world: FakeWorld,
  queryId: string,
  timeoutMs: number,
): Promise<PreCheckoutAnswer> {
  const answer = await world.preCheckout.waitForAnswer(queryId, timeoutMs);
  if (answer === undefined) {
    throw new Error(`fake Bot API: pre_checkout_query ${queryId} was not answered within ${timeoutMs} ms`);
  }
  return answer;
}

function defaultBotInfo(token: string, overrides: Partial<UserFromGetMe> = {}): UserFromGetMe {
  // Telegram bot ids are the token's prefix.
  const idFromToken = Number(token.split(":")[0]);
  return {
    id: Number.isInteger(idFromToken) && idFromToken > 0 ? idFromToken : 123456,
    is_bot: true,
    first_name: "Test Bot",
    username: "test_bot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: true,
    allows_users_to_create_topics: true,
    can_manage_bots: false,
    supports_join_request_queries: false,
    ...overrides,
  };
}
