import type { ThreadActorHost, UserAccountStore } from "@bot/actors";
import type { IdGenerator } from "@bot/domain";
import type { ModelInfo } from "@bot/llm";
import type { Logger } from "@bot/observability";
import { type Texts, textsFor } from "@bot/telegram";
import type { UserFromGetMe } from "@grammyjs/types";
import type { Context } from "grammy";
import type { Broadcaster } from "./admin/broadcaster.ts";
import type { BotMetrics } from "./bot-metrics.ts";
import type { MoneyDeps } from "./money/money-deps.ts";

/** What the bot's features need; built once in the bot process. */
export interface BotDeps {
  readonly host: ThreadActorHost;
  readonly users: UserAccountStore;
  readonly models: {
    listModels(): readonly ModelInfo[];
    findModel(id: string): ModelInfo | undefined;
    defaultModel(): ModelInfo;
  };
  readonly logger: Logger;
  readonly metrics: BotMetrics;
  readonly botInfo: UserFromGetMe;
  readonly money: MoneyDeps;
  readonly broadcaster: Broadcaster;
  /** Ids for new facts (file ids); injected so tests can predict them. */
  readonly ids: IdGenerator;
}

/** The texts in the language of the update's user. */
export function textsOf(ctx: Context): Texts {
  return textsFor(ctx.from?.language_code);
}

/** Options that keep a reply in the topic the update came from. */
export function inTopic(ctx: Context): { message_thread_id?: number } {
  const message = ctx.msg;
  return message?.is_topic_message && message.message_thread_id
    ? { message_thread_id: message.message_thread_id }
    : {};
}

/** The event context of an update: its id correlates everything it causes. */
export function eventContext(ctx: Context): { correlationId: string; userId: number | null } {
  return { correlationId: `update:${ctx.update.update_id}`, userId: ctx.from?.id ?? null };
}
