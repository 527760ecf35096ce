import {
  assertMargin,
  creditForStars,
  formatBasisPoints,
  InvalidUsdAmountError,
  K1_BASIS_POINTS,
  K2_BASIS_POINTS,
  MAX_K3_BASIS_POINTS,
  nanoUsd,
  parseMargin,
  parseUsd,
  StarsPricingError,
} from "@bot/domain";
import { findAccountsByUsername } from "@bot/projection-balances";
import { type MoneyTexts, moneyTextsFor } from "@bot/telegram";
import { Composer, type Context } from "grammy";
import { type BotDeps, eventContext, inTopic } from "../bot-deps.ts";
import { formatMoney, formatSignedMoney } from "../money/format-money.ts";

/** A user named by an administrator: a numeric id or an @username the read model knows. */
type ResolvedUser =
  | { kind: "found"; userId: number; label: string }
  | { kind: "unknown" }
  | { kind: "ambiguous"; ids: number[] };

async function resolveUser(deps: BotDeps, target: string): Promise<ResolvedUser> {
  if (/^\d{1,16}$/.test(target)) {
    // Only accounts the bot knows (the log, not the read model, which may lag a new
    // user by a moment): a mistyped id must not credit a stranger.
    const userId = Number(target);
    const account = await deps.money.users.account(userId);
    if (!account.registered) return { kind: "unknown" };
    return { kind: "found", userId, label: target };
  }
  if (!/^@?[A-Za-z0-9_]{3,32}$/.test(target)) return { kind: "unknown" };
  await deps.money.balances.catchUpToHead();
  const matches = await findAccountsByUsername(deps.money.readModels, target);
  const [first] = matches;
  if (!first) return { kind: "unknown" };
  if (matches.length > 1) return { kind: "ambiguous", ids: matches.map((row) => row.userId) };
  return { kind: "found", userId: first.userId, label: `@${first.username ?? target} (${first.userId})` };
}

function parseAdjustment(text: string): number | null {
  try {
    const amount = parseUsd(text.replace(/^\+/, "").replace(/^\$/, ""));
    return amount === 0 ? null : amount;
  } catch (error) {
    if (error instanceof InvalidUsdAmountError) return null;
    throw error;
  }
}

function perStar(k3: number): string {
  return formatMoney(creditForStars(1, k3).creditedAmount);
}

/**
 * The operators' money commands (privileged users from secrets/privileged_users.txt;
 * everyone else gets a clear refusal). Each change is an event carrying the admin's id:
 * /topup → BalanceAdjusted, /set_margin → MarginSet, /set_cache_subsidy → CacheSubsidySet.
 */
export function adminMoneyFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  const { money } = deps;

  /** Runs `work` for operators; others are told the command is not for them. */
  const forAdmins =
    (work: (ctx: Context & { match: string }, adminId: number, texts: MoneyTexts) => Promise<void>) =>
    async (ctx: Context & { match: string }) => {
      const texts = moneyTextsFor(ctx.from?.language_code);
      const adminId = ctx.from?.id;
      if (!adminId || !money.balances.isPrivileged(adminId)) {
        await ctx.reply(texts.notAdmin, inTopic(ctx));
        return;
      }
      await work(ctx, adminId, texts);
    };

  composer.command(
    "topup",
    forAdmins(async (ctx, adminId, texts) => {
      const [target = "", amountText = "", ...reasonWords] = ctx.match.trim().split(/\s+/);
      if (!target || !amountText) {
        await ctx.reply(texts.topupUsage, inTopic(ctx));
        return;
      }
      const amount = parseAdjustment(amountText);
      if (amount === null) {
        await ctx.reply(texts.topupInvalidAmount(amountText), inTopic(ctx));
        return;
      }
      const user = await resolveUser(deps, target);
      if (user.kind === "unknown") {
        await ctx.reply(texts.topupUnknownUser(target), inTopic(ctx));
        return;
      }
      if (user.kind === "ambiguous") {
        await ctx.reply(texts.topupAmbiguousUser(target, user.ids.join(", ")), inTopic(ctx));
        return;
      }
      const reason = reasonWords.join(" ").slice(0, 500) || null;
      const result = await money.users.execute(
        user.userId,
        { type: "AdjustBalance", adminId, amount: nanoUsd(amount), reason },
        eventContext(ctx),
      );
      money.balances.noteWrite(user.userId, result.position);
      const after = await money.balances.balance(user.userId, result.position);
      // The balance just before this adjustment (not a read taken earlier, which a concurrent charge could stale).
      const before = after - amount;
      deps.logger.info({ adminId, targetId: user.userId, amount, reason }, "balance adjusted by an operator");
      await ctx.reply(
        texts.topupDone(user.label, formatSignedMoney(amount), formatMoney(before), formatMoney(after)),
        inTopic(ctx),
      );
    }),
  );

  composer.command(
    "set_margin",
    forAdmins(async (ctx, adminId, texts) => {
      const argument = ctx.match.trim();
      const max = formatBasisPoints(MAX_K3_BASIS_POINTS);
      if (argument.length === 0) {
        const { k3BasisPoints } = await money.settings.current();
        await ctx.reply(
          texts.marginShow(
            formatBasisPoints(K1_BASIS_POINTS),
            formatBasisPoints(K2_BASIS_POINTS),
            formatBasisPoints(k3BasisPoints),
            max,
            perStar(k3BasisPoints),
          ),
          inTopic(ctx),
        );
        return;
      }
      const k3 = parseMargin(argument);
      if (k3 === null) {
        await ctx.reply(texts.marginInvalid(argument), inTopic(ctx));
        return;
      }
      try {
        assertMargin(k3);
      } catch (error) {
        if (!(error instanceof StarsPricingError)) throw error;
        await ctx.reply(texts.marginOutOfRange(formatBasisPoints(k3), max), inTopic(ctx));
        return;
      }
      const result = await money.settings.execute(
        { type: "SetMargin", adminId, k3BasisPoints: k3 },
        eventContext(ctx),
      );
      const event = result.events[0];
      const previous = event?.type === "MarginSet" ? event.data.previousK3BasisPoints : k3;
      deps.logger.info({ adminId, k3, previous }, "margin set by an operator");
      await ctx.reply(
        texts.marginSet(formatBasisPoints(previous), formatBasisPoints(k3), perStar(k3)),
        inTopic(ctx),
      );
    }),
  );

  composer.command(
    "set_cache_subsidy",
    forAdmins(async (ctx, adminId, texts) => {
      const argument = ctx.match.trim().toLowerCase();
      if (argument.length === 0) {
        await ctx.reply(texts.subsidyShow((await money.settings.current()).cacheWriteSubsidy), inTopic(ctx));
        return;
      }
      if (argument !== "on" && argument !== "off") {
        await ctx.reply(texts.subsidyUsage, inTopic(ctx));
        return;
      }
      const enabled = argument === "on";
      await money.settings.execute({ type: "SetCacheSubsidy", adminId, enabled }, eventContext(ctx));
      deps.logger.info({ adminId, enabled }, "cache subsidy set by an operator");
      await ctx.reply(texts.subsidySet(enabled), inTopic(ctx));
    }),
  );
  return composer;
}
