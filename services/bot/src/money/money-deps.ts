import type { SettingsStore, UserAccountStore } from "@bot/actors";
import type { NanoUsd } from "@bot/domain";
import type { KeyValueStore } from "@bot/kv";
import type { SqlExecutor } from "@bot/sql";
import type { BalanceReader } from "./balance-reader.ts";
import type { PaymentService } from "./payment-service.ts";

/** What the money features need; built once in the bot process. */
export interface MoneyDeps {
  readonly users: UserAccountStore;
  readonly settings: SettingsStore;
  readonly balances: BalanceReader;
  readonly payments: PaymentService;
  readonly kv: KeyValueStore;
  /** The read-model database (balances queries). */
  readonly readModels: SqlExecutor;
  readonly starterBalance: NanoUsd;
  readonly supportContact: string | null;
}
