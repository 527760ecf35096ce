import type { RecordedEvent } from "@bot/eventstore";
import { defineProjection } from "@bot/projection-runner";
import type { SqlExecutor } from "@bot/sql";
import { BALANCE_EVENT_TYPES, type BalanceEvent, foldBalanceFacts } from "./balance-facts.ts";
import { balancesSchemaSql } from "./schema.ts";
import { writeBalanceFacts } from "./write-facts.ts";

async function applyEvents(events: readonly RecordedEvent<BalanceEvent>[], tx: SqlExecutor): Promise<void> {
  await writeBalanceFacts(foldBalanceFacts(events), tx);
}

/**
 * The balances read model (schema `balances`), version 2 (tool charges): per-user balance and spend
 * (`accounts`), every movement with its source event (`ledger`), daily spend by model
 * (`spend_daily`, models and tools), Stars payments and their refund state (`payments`,
 * `refund_attempts`). One event and a batch take the same path.
 */
export const balancesProjection = defineProjection<BalanceEvent>({
  name: "balances",
  version: 2,
  handles: [...BALANCE_EVENT_TYPES],
  schemaSql: balancesSchemaSql,
  apply: (event, tx) => applyEvents([event], tx),
  applyBatch: applyEvents,
});
