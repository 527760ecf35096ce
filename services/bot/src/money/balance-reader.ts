import type { BalanceStanding, NanoUsd } from "@bot/domain";
import { nanoUsd } from "@bot/domain";
import { type EventStore, maxPosition, type Position } from "@bot/eventstore";
import type { Logger } from "@bot/observability";
import { findAccount } from "@bot/projection-balances";
import type { SqlExecutor } from "@bot/sql";

/** Waits until a projection has applied the log up to `position` (throws on timeout). */
export type WaitForProjection = (projection: string, position: Position, timeoutMs: number) => Promise<void>;

/** What {@link BalanceReader} needs. */
export interface BalanceReaderDeps {
  readonly readModels: SqlExecutor;
  readonly store: Pick<EventStore<never>, "headPosition">;
  readonly waitFor: WaitForProjection;
  readonly privileged: ReadonlySet<number>;
  readonly logger: Logger;
  /** How long a read waits for the balances projection before it uses what it has. */
  readonly waitTimeoutMs?: number;
}

/**
 * Balances as the balances read model has them, read only after the projection has
 * applied what the caller knows happened (a charge, a payment, or everything in the
 * log). If the projection lags past the timeout the read goes ahead with the older
 * balance and says so in the log: a stalled projection must not stop every answer.
 */
export class BalanceReader {
  readonly #deps: BalanceReaderDeps;
  readonly #timeoutMs: number;
  /** The latest balance-moving write this process made per user (bounded, oldest forgotten first). */
  readonly #writes = new Map<number, Position>();

  constructor(deps: BalanceReaderDeps) {
    this.#deps = deps;
    this.#timeoutMs = deps.waitTimeoutMs ?? 3_000;
  }

  /**
   * Remembers that this process wrote a balance movement of `userId` at `position`
   * (registration, credit, adjustment): the user's next balance read includes it.
   */
  noteWrite(userId: number, position: Position | null): void {
    if (!position) return;
    const known = this.#writes.get(userId);
    this.#writes.delete(userId);
    this.#writes.set(userId, known ? maxPosition(known, position) : position);
    if (this.#writes.size > 100_000) {
      const oldest = this.#writes.keys().next().value;
      if (oldest !== undefined) this.#writes.delete(oldest);
    }
  }

  /** Whether the user is an operator (admin commands, never blocked). */
  isPrivileged(userId: number): boolean {
    return this.#deps.privileged.has(userId);
  }

  /** Waits for the balances projection to pass `position`; false when it did not in time. */
  async caughtUp(position: Position, timeoutMs = this.#timeoutMs): Promise<boolean> {
    try {
      await this.#deps.waitFor("balances", position, timeoutMs);
      return true;
    } catch (error) {
      this.#deps.logger.warn(
        { err: error, timeoutMs },
        "balances projection lagging; reading an older balance",
      );
      return false;
    }
  }

  /**
   * The balance including everything up to `after` and this process's own writes for
   * the user (as fresh as it is otherwise).
   */
  async balance(userId: number, after: Position | null = null): Promise<NanoUsd> {
    const written = this.#writes.get(userId) ?? null;
    return this.#read(userId, after && written ? maxPosition(after, written) : (after ?? written));
  }

  async #read(userId: number, after: Position | null): Promise<NanoUsd> {
    if (after) await this.caughtUp(after);
    const account = await findAccount(this.#deps.readModels, userId);
    return nanoUsd(Number(account?.balanceNano ?? 0n));
  }

  /** Waits until the read model has everything in the log now (lists of accounts for operators). */
  async catchUpToHead(): Promise<boolean> {
    const head = await this.#deps.store.headPosition();
    return head ? this.caughtUp(head) : true;
  }

  /** The balance including every event in the log now (refunds, admin adjustments). */
  async balanceAtHead(userId: number): Promise<NanoUsd> {
    return this.balance(userId, await this.#deps.store.headPosition());
  }

  /**
   * Balance and privilege for the balance policy, including everything up to `after`
   * (the thread's last charge) but without waiting for this process's other writes: a
   * registration a moment ago would make every first turn wait for the projection, and
   * the gate re-checks a refusal at the log's head anyway, so a stale read never refuses.
   */
  async standing(userId: number, after: Position | null): Promise<BalanceStanding> {
    return { balance: await this.#read(userId, after), privileged: this.isPrivileged(userId) };
  }
}
