import type { BalanceGate, ReplyTarget } from "@bot/actors";
import { BALANCE_REPLY_INTERVAL_MS, type BalanceStanding, formatUsd, mayStartRequest } from "@bot/domain";
import type { Position } from "@bot/eventstore";
import type { KeyValueStore } from "@bot/kv";
import { moneyTextsFor } from "@bot/telegram";
import type { Api } from "grammy";
import type { BalanceReader } from "./balance-reader.ts";

/**
 * The balance check before each model request, over the balances read model. A
 * refusal is told to the user at most once per {@link BALANCE_REPLY_INTERVAL_MS} per
 * user (shared across processes when the key-value store is Redis).
 */
export class ReadModelBalanceGate implements BalanceGate {
  constructor(
    private readonly balances: BalanceReader,
    private readonly kv: KeyValueStore,
    private readonly api: Api,
  ) {}

  /**
   * The standing from a balance that includes this thread's last charge. A refusal is
   * only decided on a balance caught up to the whole log: a new user's starter balance
   * or a payment a moment ago may not be applied yet when the check is cheap.
   */
  async standing(userId: number, after: Position | null): Promise<BalanceStanding> {
    const standing = await this.balances.standing(userId, after);
    if (mayStartRequest(standing)) return standing;
    return { ...standing, balance: await this.balances.balanceAtHead(userId) };
  }

  async refused(target: ReplyTarget, standing: BalanceStanding, language: string | null): Promise<void> {
    const first = await this.kv.setIfAbsent(
      `balance-refusal:${target.chatId}:${target.topicId ?? 0}`,
      "1",
      BALANCE_REPLY_INTERVAL_MS,
    );
    if (!first) return;
    await this.api.sendMessage(
      target.chatId,
      moneyTextsFor(language).insufficientBalance(formatUsd(standing.balance, { decimals: 4 })),
      {
        ...(target.topicId ? { message_thread_id: target.topicId } : {}),
        ...(target.replyToMessageId
          ? { reply_parameters: { message_id: target.replyToMessageId, allow_sending_without_reply: true } }
          : {}),
      },
    );
  }
}
