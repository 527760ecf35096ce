import { randomUUID } from "node:crypto";
import { findAccount, findAccountsByUsername, listAccounts } from "@bot/projection-balances";
import { announceTextsFor, moneyTextsFor } from "@bot/telegram";
import { Composer, type Context, InlineKeyboard, InputFile } from "grammy";
import { broadcastReportText } from "../admin/broadcaster.ts";
import { type BotDeps, eventContext, inTopic } from "../bot-deps.ts";

/** How long a started /announce waits for its message and its confirmation. */
const ANNOUNCE_TTL_MS = 15 * 60_000;

/** What an administrator's /announce is waiting for (kept in the key-value store). */
interface AnnounceState {
  readonly stage: "message" | "confirm";
  readonly audience: "all" | "listed";
  readonly listed: readonly number[];
  readonly recipients: number;
  readonly sourceMessageId?: number;
  readonly nonce: string;
}

const stateKey = (chatId: number, adminId: number) => `announce:${chatId}:${adminId}`;

/**
 * /announce [targets…] (operators): names the audience (user ids and @usernames the
 * bot knows, or everyone), then takes the administrator's next message (any kind) and
 * asks for confirmation; Send starts the broadcast in the background, editing a
 * progress line and ending with a delivery report file. /cancel, Cancel or 15 minutes
 * of silence abandon it.
 */
export function announceFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  const { money } = deps;

  composer.command("announce", async (ctx) => {
    const adminId = ctx.from?.id;
    const chat = ctx.chat;
    if (!adminId || !chat) return;
    if (!money.balances.isPrivileged(adminId)) {
      await ctx.reply(moneyTextsFor(ctx.from?.language_code).notAdmin, inTopic(ctx));
      return;
    }
    const texts = announceTextsFor(ctx.from?.language_code);
    // Users who just arrived count too.
    await money.balances.catchUpToHead();
    const targets = ctx.match
      .trim()
      .split(/[\s,]+/)
      .filter((target) => target.length > 0);
    const listed = new Set<number>();
    const unknown: string[] = [];
    for (const target of targets) {
      const found = /^\d{1,16}$/.test(target)
        ? await findAccount(money.readModels, Number(target))
        : ((await findAccountsByUsername(money.readModels, target))[0] ?? null);
      if (found) listed.add(found.userId);
      else unknown.push(target);
    }
    if (unknown.length > 0) await ctx.reply(texts.unknownTargets(unknown.join(", ")), inTopic(ctx));
    if (targets.length > 0 && listed.size === 0) {
      await ctx.reply(texts.noTargets, inTopic(ctx));
      return;
    }
    const audience = targets.length === 0 ? "all" : "listed";
    const recipients = audience === "all" ? (await listAccounts(money.readModels)).length : listed.size;
    const state: AnnounceState = {
      stage: "message",
      audience,
      listed: [...listed],
      recipients,
      nonce: randomUUID().slice(0, 8),
    };
    await money.kv.set(stateKey(chat.id, adminId), JSON.stringify(state), ANNOUNCE_TTL_MS);
    await ctx.reply(texts.askForMessage(recipients), inTopic(ctx));
  });

  composer.on("message", async (ctx, next) => {
    const adminId = ctx.from.id;
    if (!money.balances.isPrivileged(adminId)) return next();
    const key = stateKey(ctx.chat.id, adminId);
    const raw = await money.kv.get(key);
    const state = raw ? (JSON.parse(raw) as AnnounceState) : null;
    if (state?.stage !== "message") return next();
    const texts = announceTextsFor(ctx.from.language_code);
    if (/^\/cancel(@\w+)?$/i.test(ctx.msg.text?.trim() ?? "")) {
      await money.kv.delete(key);
      await ctx.reply(texts.cancelled, inTopic(ctx));
      return;
    }
    if (ctx.msg.text?.startsWith("/")) return next();
    const confirming: AnnounceState = { ...state, stage: "confirm", sourceMessageId: ctx.msg.message_id };
    await money.kv.set(key, JSON.stringify(confirming), ANNOUNCE_TTL_MS);
    await ctx.reply(texts.confirm(state.recipients), {
      ...inTopic(ctx),
      reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true },
      reply_markup: new InlineKeyboard()
        .text(texts.sendButton, `announce:send:${state.nonce}`)
        .text(texts.cancelButton, `announce:cancel:${state.nonce}`),
    });
  });

  // /cancel outside a flow that takes it (the flows consume it before this).
  composer.command("cancel", async (ctx) => {
    await ctx.reply(announceTextsFor(ctx.from?.language_code).nothingToCancel, inTopic(ctx));
  });

  composer.callbackQuery(/^announce:(send|cancel):([0-9a-f]{8})$/, async (ctx) => {
    const texts = announceTextsFor(ctx.from.language_code);
    const chatId = ctx.chat?.id;
    const adminId = ctx.from.id;
    if (!chatId || !money.balances.isPrivileged(adminId)) {
      await ctx.answerCallbackQuery({ text: moneyTextsFor(ctx.from.language_code).notAdmin });
      return;
    }
    const key = stateKey(chatId, adminId);
    const raw = await money.kv.take(key);
    const state = raw ? (JSON.parse(raw) as AnnounceState) : null;
    if (state?.stage !== "confirm" || state.nonce !== ctx.match[2] || state.sourceMessageId === undefined) {
      if (raw) await money.kv.set(key, raw, ANNOUNCE_TTL_MS);
      await ctx.answerCallbackQuery({ text: texts.expired });
      return;
    }
    await ctx.answerCallbackQuery();
    if (ctx.match[1] === "cancel") {
      await ctx.editMessageText(texts.cancelled).catch(() => undefined);
      return;
    }
    if (state.audience === "all") await money.balances.catchUpToHead();
    const accounts = state.audience === "all" ? await listAccounts(money.readModels) : [];
    const recipients = state.audience === "all" ? accounts.map((account) => account.userId) : state.listed;
    const progressMessage = ctx.callbackQuery.message?.message_id;
    const edit = (text: string) =>
      progressMessage
        ? ctx.api.editMessageText(chatId, progressMessage, text).catch(() => undefined)
        : Promise.resolve(undefined);
    await edit(texts.sending(0, recipients.length));
    const sourceMessageId = state.sourceMessageId;
    // In the background: the update (and a webhook's HTTP answer) must not wait for thousands of sends.
    void (async () => {
      const report = await deps.broadcaster.run(
        {
          announcementId: randomUUID(),
          adminId,
          audience: state.audience,
          recipients,
          source: { chatId, messageId: sourceMessageId },
        },
        eventContext(ctx),
        ({ done, total }) => void edit(texts.sending(done, total)),
      );
      await edit(
        texts.complete(
          report.delivered.length,
          report.blocked.length,
          report.failed.length,
          report.stoppedEarly,
        ),
      );
      const usernames = new Map(accounts.map((account) => [account.userId, account.username]));
      const file = new InputFile(
        Buffer.from(broadcastReportText(report, usernames), "utf8"),
        `broadcast_report_${new Date().toISOString().replace(/[-:]/g, "").slice(0, 15)}.txt`,
      );
      await ctx.api.sendDocument(chatId, file, { caption: texts.reportCaption });
    })().catch((error: unknown) => deps.logger.error({ err: error, adminId }, "broadcast failed"));
  });
  return composer;
}
