import { recentLedger, spendSince } from "@bot/projection-balances";
import { moneyTextsFor } from "@bot/telegram";
import { Composer, type Context } from "grammy";
import { type BotDeps, inTopic } from "../bot-deps.ts";
import { formatMoney, formatSignedMoney } from "../money/format-money.ts";

const HISTORY_LINES = 10;
const SPEND_DAYS = 30;

/**
 * /balance: the balance with every movement up to now applied, the last ten ledger
 * lines and the spend by model over 30 days, all from the balances read model.
 * /paysupport: how balances and refunds work, and how to reach the operator.
 */
export function balanceFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  const { money } = deps;

  composer.command("balance", async (ctx) => {
    const userId = ctx.from?.id;
    if (!userId) return;
    const texts = moneyTextsFor(ctx.from?.language_code);
    const balance = await money.balances.balanceAtHead(userId);
    const since = new Date(Date.now() - SPEND_DAYS * 86_400_000).toISOString().slice(0, 10);
    const [ledger, spend] = await Promise.all([
      recentLedger(money.readModels, userId, { limit: HISTORY_LINES }),
      spendSince(money.readModels, userId, since),
    ]);
    const history = ledger.map(
      (line) =>
        `${line.occurredAt.slice(0, 16).replace("T", " ")}  ${formatSignedMoney(line.amountNano)}  ${texts.ledgerKind(line.kind, line.subject)}`,
    );
    const spent = spend.map((line) => `${line.subject}: ${formatMoney(line.amountNano)} (${line.charges})`);
    const lines = [
      texts.balanceHeader(formatMoney(balance)),
      "",
      texts.balanceHistoryHeader,
      ...(history.length > 0 ? history : [texts.balanceNoHistory]),
      "",
      texts.balanceSpendHeader(SPEND_DAYS),
      ...(spent.length > 0 ? spent : [texts.balanceNoSpend]),
    ];
    await ctx.reply(lines.join("\n"), inTopic(ctx));
  });

  composer.command("paysupport", async (ctx) => {
    await ctx.reply(moneyTextsFor(ctx.from?.language_code).paySupport(money.supportContact), inTopic(ctx));
  });
  return composer;
}
