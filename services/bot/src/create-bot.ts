import { withCorrelation } from "@bot/observability";
import { sequentialize } from "@grammyjs/runner";
import type { Bot, Context } from "grammy";
import { type BotDeps, inTopic, textsOf } from "./bot-deps.ts";
import { adminMoneyFeature } from "./features/admin-money.ts";
import { announceFeature } from "./features/announce.ts";
import { balanceFeature } from "./features/balance.ts";
import { chatFeature } from "./features/chat.ts";
import { editsFeature } from "./features/edits.ts";
import { filesFeature } from "./features/files.ts";
import { modelFeature } from "./features/model.ts";
import { newContextFeature } from "./features/new-context.ts";
import { payFeature } from "./features/pay.ts";
import { paymentsFeature } from "./features/payments.ts";
import { personalityFeature } from "./features/personality.ts";
import { refundFeature } from "./features/refund.ts";
import { startAndHelpFeature } from "./features/start-and-help.ts";
import { stopFeature } from "./features/stop.ts";
import { unsupportedFeature } from "./features/unsupported.ts";
import { registrationMiddleware } from "./money/registration.ts";
import { RecentUpdates } from "./recent-updates.ts";
import { threadKeyOfMessage, threadKeyText } from "./thread-routing.ts";

/** The kind of an update, for logs and metrics. */
export function updateKind(ctx: Context): string {
  const update = ctx.update;
  if (update.message?.text?.startsWith("/")) return "command";
  if (update.message?.text !== undefined) return "text";
  if (update.message?.successful_payment) return "payment";
  if (update.message?.refunded_payment) return "refunded_payment";
  if (update.message) return "other_message";
  if (update.edited_message) return "edit";
  if (update.callback_query) return "callback";
  if (update.pre_checkout_query) return "pre_checkout";
  if (update.stopped_message_generation) return "stop_button";
  return "other";
}

/**
 * The lane an update is handled in: updates of one thread one after another, so its
 * messages are recorded in order; /stop and the stop button in a lane of their own,
 * so they are never queued behind anything else of the thread.
 */
export function updateLane(ctx: Context): string | undefined {
  if (ctx.update.stopped_message_generation) return `stop:${ctx.update.stopped_message_generation.chat.id}`;
  const message = ctx.update.message ?? ctx.update.edited_message;
  if (!message) return ctx.from ? `user:${ctx.from.id}` : undefined;
  const key = threadKeyOfMessage(message);
  if (!key) return undefined;
  return /^\/stop(@\w+)?(\s|$)/i.test(message.text ?? "") ? `stop:${threadKeyText(key)}` : threadKeyText(key);
}

/**
 * Registers the bot's middleware and features in order: lanes, de-duplication,
 * logging and metrics, account registration (the starter balance), then the features
 * (one Composer each): payments and the flows that take a user's next message (a
 * custom Stars amount, an announcement) come before the chat. Errors in a feature
 * are logged with the update's correlation ids and the user gets a short apology;
 * they never stop the bot.
 */
export function createBot(bot: Bot, deps: BotDeps): Bot {
  const recent = new RecentUpdates();
  bot.use(sequentialize(updateLane));
  bot.use(async (ctx, next) => {
    if (!recent.firstTime(ctx.update.update_id)) {
      deps.metrics.duplicateUpdate();
      return;
    }
    if (ctx.from?.is_bot) return;
    const kind = updateKind(ctx);
    deps.metrics.update(kind);
    const started = performance.now();
    const key = ctx.msg ? threadKeyOfMessage(ctx.msg) : null;
    const logger = withCorrelation(deps.logger, {
      updateId: ctx.update.update_id,
      ...(ctx.from ? { userId: ctx.from.id } : {}),
      ...(key ? { threadKey: threadKeyText(key) } : {}),
    });
    try {
      await next();
      logger.debug({ kind, ms: Math.round(performance.now() - started) }, "update handled");
    } catch (error) {
      logger.error({ err: error, kind }, "update failed");
      if (ctx.chat && kind !== "stop_button") {
        await ctx.reply(textsOf(ctx).errorGeneric, inTopic(ctx)).catch(() => undefined);
      }
    }
  });
  bot.use(
    registrationMiddleware({
      users: deps.money.users,
      starterBalance: deps.money.starterBalance,
      onRegistered: (userId, position) => deps.money.balances.noteWrite(userId, position),
    }),
  );
  bot.use(stopFeature(deps));
  bot.use(startAndHelpFeature((userId) => deps.money.balances.isPrivileged(userId)));
  bot.use(paymentsFeature(deps));
  bot.use(payFeature(deps));
  bot.use(announceFeature(deps));
  bot.use(refundFeature(deps));
  bot.use(balanceFeature(deps));
  bot.use(adminMoneyFeature(deps));
  bot.use(newContextFeature(deps));
  bot.use(modelFeature(deps));
  bot.use(personalityFeature(deps));
  bot.use(editsFeature(deps));
  bot.use(chatFeature(deps));
  bot.use(filesFeature(deps));
  bot.use(unsupportedFeature(deps));
  return bot;
}
