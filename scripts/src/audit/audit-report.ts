import type { LedgerKind } from "@bot/domain";
import type { Position } from "@bot/eventstore";
import { type AuditFilter, matchesFilter } from "./audit-filter.ts";
import type { AuditLine } from "./audit-line.ts";

/** What one user's shown lines add up to. */
export interface UserTotal {
  readonly userId: number;
  readonly entries: number;
  /** Sum of the positive amounts. */
  readonly creditsNano: bigint;
  /** Sum of the negative amounts (negative or zero). */
  readonly debitsNano: bigint;
  readonly netNano: bigint;
}

/** What one model (or tool) was charged, over the shown usage lines. */
export interface ModelTotal {
  readonly modelId: string;
  readonly charges: number;
  /** How many of the charges were estimated. */
  readonly estimated: number;
  /** Full cost of the calls. */
  readonly costNano: bigint;
  /** What the owner paid for users (subsidised cache writes). */
  readonly subsidyNano: bigint;
  /** What users paid (positive). */
  readonly userPaidNano: bigint;
}

/** What one kind of movement adds up to, over the shown lines. */
export interface KindTotal {
  readonly kind: LedgerKind;
  readonly entries: number;
  readonly amountNano: bigint;
}

/** Totals of the shown lines. */
export interface AuditTotals {
  readonly byUser: readonly UserTotal[];
  readonly byModel: readonly ModelTotal[];
  readonly byKind: readonly KindTotal[];
  readonly overall: Omit<UserTotal, "userId">;
}

/** A user whose balance in the read model is not the sum of their ledger in the log. */
export interface Mismatch {
  readonly userId: number;
  /** Sum of the user's ledger entries over the whole log. */
  readonly logNano: bigint;
  /** The read model's balance; null when it has no account row for the user. */
  readonly readModelNano: bigint | null;
  /** Read model − log (a missing row counts as 0): positive when the read model shows more money. */
  readonly differenceNano: bigint;
}

/** The read model compared with the log at one position. */
export interface Reconciliation {
  /** The log and the read model were compared up to this position (the read model's checkpoint). */
  readonly position: Position;
  /** Users in the log or in the read model. */
  readonly usersChecked: number;
  readonly mismatches: readonly Mismatch[];
}

/** Everything a report shows. */
export interface AuditReport {
  readonly filter: AuditFilter;
  readonly lines: readonly AuditLine[];
  readonly totals: AuditTotals;
  readonly reconciliation: Reconciliation;
}

/** A user's ledger over the whole log. */
export interface LogBalance {
  readonly sumNano: bigint;
  readonly entries: number;
}

/**
 * Collects audit lines in log order: every line counts towards the per-user sums
 * of the reconciliation (the whole log, whatever the filter), and the lines that
 * match the filter are kept for the listing and the totals.
 */
export class AuditCollector {
  readonly #filter: AuditFilter;
  readonly #shown: AuditLine[] = [];
  readonly #balances = new Map<number, { sumNano: bigint; entries: number }>();

  constructor(filter: AuditFilter) {
    this.#filter = filter;
  }

  /** Adds one line. */
  add(line: AuditLine): void {
    const balance = this.#balances.get(line.userId) ?? { sumNano: 0n, entries: 0 };
    balance.sumNano += line.amountNano;
    balance.entries += 1;
    this.#balances.set(line.userId, balance);
    if (matchesFilter(line, this.#filter)) this.#shown.push(line);
  }

  /** The lines that match the filter, in log order. */
  get lines(): readonly AuditLine[] {
    return this.#shown;
  }

  /** Every user's ledger sum over all lines added. */
  get logBalances(): ReadonlyMap<number, LogBalance> {
    return this.#balances;
  }
}

/** The order kinds are listed in. */
const KIND_ORDER: readonly LedgerKind[] = [
  "starter",
  "payment",
  "refund_reserved",
  "refund_released",
  "refund",
  "admin",
  "usage",
  "tool",
];

/** Per user (by id), per model (by id, usage lines only), per kind and overall. */
export function summarise(lines: readonly AuditLine[]): AuditTotals {
  const users = new Map<number, { entries: number; creditsNano: bigint; debitsNano: bigint }>();
  const models = new Map<
    string,
    { charges: number; estimated: number; costNano: bigint; subsidyNano: bigint; userPaidNano: bigint }
  >();
  const kinds = new Map<LedgerKind, { entries: number; amountNano: bigint }>();
  const overall = { entries: 0, creditsNano: 0n, debitsNano: 0n };
  for (const line of lines) {
    const user = users.get(line.userId) ?? { entries: 0, creditsNano: 0n, debitsNano: 0n };
    users.set(line.userId, user);
    for (const total of [user, overall]) {
      total.entries += 1;
      if (line.amountNano > 0n) total.creditsNano += line.amountNano;
      else total.debitsNano += line.amountNano;
    }
    const kind = kinds.get(line.kind) ?? { entries: 0, amountNano: 0n };
    kinds.set(line.kind, kind);
    kind.entries += 1;
    kind.amountNano += line.amountNano;
    const pricing = line.pricing;
    if (pricing.source === "UsageCharged") {
      const model = models.get(pricing.modelId) ?? {
        charges: 0,
        estimated: 0,
        costNano: 0n,
        subsidyNano: 0n,
        userPaidNano: 0n,
      };
      models.set(pricing.modelId, model);
      model.charges += 1;
      if (pricing.estimated) model.estimated += 1;
      model.costNano += pricing.costNano;
      model.subsidyNano += pricing.subsidyNano;
      model.userPaidNano += pricing.userAmountNano;
    } else if (pricing.source === "ToolCharged") {
      // Tools are totalled with the models, as "tool <name>": both are what a user's requests cost.
      const key = `tool ${pricing.toolName}`;
      const tool = models.get(key) ?? {
        charges: 0,
        estimated: 0,
        costNano: 0n,
        subsidyNano: 0n,
        userPaidNano: 0n,
      };
      models.set(key, tool);
      tool.charges += 1;
      tool.costNano += pricing.amountNano;
      tool.subsidyNano += pricing.amountNano - pricing.userAmountNano;
      tool.userPaidNano += pricing.userAmountNano;
    }
  }
  return {
    byUser: [...users]
      .sort(([a], [b]) => a - b)
      .map(([userId, total]) => ({ userId, ...total, netNano: total.creditsNano + total.debitsNano })),
    byModel: [...models]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([modelId, total]) => ({ modelId, ...total })),
    byKind: KIND_ORDER.flatMap((kind) => {
      const total = kinds.get(kind);
      return total ? [{ kind, ...total }] : [];
    }),
    overall: { ...overall, netNano: overall.creditsNano + overall.debitsNano },
  };
}

/**
 * Compares every user's ledger sum over the log with their balance in the read
 * model. A user on one side only is compared with 0 on the other; a user with
 * ledger entries but no account row is a mismatch even if the entries sum to 0.
 * Mismatches by user id.
 */
export function reconcile(
  log: ReadonlyMap<number, LogBalance>,
  readModel: ReadonlyMap<number, bigint>,
): { readonly usersChecked: number; readonly mismatches: Mismatch[] } {
  const users = [...new Set([...log.keys(), ...readModel.keys()])].sort((a, b) => a - b);
  const mismatches: Mismatch[] = [];
  for (const userId of users) {
    const logNano = log.get(userId)?.sumNano ?? 0n;
    const readModelNano = readModel.get(userId) ?? null;
    const differenceNano = (readModelNano ?? 0n) - logNano;
    if (differenceNano !== 0n || (readModelNano === null && log.has(userId))) {
      mismatches.push({ userId, logNano, readModelNano, differenceNano });
    }
  }
  return { usersChecked: users.length, mismatches };
}
