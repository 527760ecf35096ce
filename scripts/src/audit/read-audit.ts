import { type DomainEvent, LEDGER_EVENT_TYPES } from "@bot/domain";
import { comparePositions, type EventStore, type Position, START } from "@bot/eventstore";
import { allBalances, balancesProjection } from "@bot/projection-balances";
import {
  type CheckpointRow,
  ProjectionWaitTimeoutError,
  readCheckpoint,
  waitForCheckpoint,
} from "@bot/projection-runner";
import type { SqlClient } from "@bot/sql";
import type { AuditFilter } from "./audit-filter.ts";
import { auditLineOf } from "./audit-line.ts";
import { AuditCollector, type AuditReport, reconcile, summarise } from "./audit-report.ts";

/** The live schema of the balances read model (the runner names it after the projection). */
export const BALANCES_SCHEMA = balancesProjection.name;

const PAGE_SIZE = 1000;

/** The audit, or why the read model could not be compared with the log. */
export type AuditRead =
  | { readonly kind: "report"; readonly report: AuditReport }
  /** The read-model database has no balances schema. */
  | { readonly kind: "no_read_model" }
  /** The read model has not applied every ledger event read from the log. */
  | {
      readonly kind: "behind";
      /** The log's last ledger event. */
      readonly logPosition: Position;
      readonly checkpoint: CheckpointRow;
      readonly waitedSeconds: number;
    };

/** What {@link readAudit} reads from. */
export interface AuditSources {
  readonly store: EventStore<DomainEvent>;
  /** The read-model database. */
  readonly readModels: SqlClient;
}

/** Options of {@link readAudit}. */
export interface ReadAuditOptions {
  readonly filter: AuditFilter;
  /** How long the balances read model may take to reach the log's last ledger event. */
  readonly waitSeconds: number;
}

/**
 * Adds the ledger events after `after` (exclusive) and up to `upTo` (inclusive; to
 * the end of the log when null) to `collector`, in log order. Returns where the
 * scan ended and the position of the last ledger event it added.
 */
async function scanLedger(
  store: EventStore<DomainEvent>,
  collector: AuditCollector,
  after: Position,
  upTo: Position | null,
): Promise<{ readonly scanned: Position; readonly last: Position | null }> {
  let cursor = after;
  let last: Position | null = null;
  for (;;) {
    const page = await store.readAllPage({
      ...(cursor === START ? {} : { after: cursor }),
      filter: { eventTypes: LEDGER_EVENT_TYPES },
      maxCount: PAGE_SIZE,
    });
    for (const event of page.events) {
      if (upTo !== null && comparePositions(event.position, upTo) > 0) return { scanned: upTo, last };
      const line = auditLineOf(event);
      if (line) collector.add(line);
      last = event.position;
    }
    cursor = page.next;
    if (page.isEnd) return { scanned: cursor, last };
  }
}

/**
 * Reads every charge and credit from the log and reconciles the balances read
 * model with it at one position:
 *
 * 1. the log is read to its end (ledger event types only);
 * 2. the read model's checkpoint must reach the last ledger event read, within
 *    `waitSeconds` — otherwise the outcome is `behind`, never false mismatches;
 * 3. the checkpoint and every balance are read in one REPEATABLE READ
 *    transaction, so they describe the same state;
 * 4. ledger events the read model applied beyond the first read (appended
 *    meanwhile, up to its checkpoint) are read too.
 *
 * The log and the read model are then compared up to exactly that checkpoint.
 * Read-only: nothing is appended or written.
 */
export async function readAudit(sources: AuditSources, options: ReadAuditOptions): Promise<AuditRead> {
  const { store, readModels } = sources;
  const collector = new AuditCollector(options.filter);
  const first = await scanLedger(store, collector, START, null);
  const logPosition = first.last ?? START;

  if (!(await readCheckpoint(readModels, BALANCES_SCHEMA))) return { kind: "no_read_model" };
  const behind = async (): Promise<AuditRead> => {
    const checkpoint = await readCheckpoint(readModels, BALANCES_SCHEMA);
    if (!checkpoint) return { kind: "no_read_model" };
    return { kind: "behind", logPosition, checkpoint, waitedSeconds: options.waitSeconds };
  };
  try {
    await waitForCheckpoint(readModels, BALANCES_SCHEMA, logPosition, {
      timeoutMs: Math.round(options.waitSeconds * 1000),
      pollMs: 20,
    });
  } catch (error) {
    if (error instanceof ProjectionWaitTimeoutError) return behind();
    throw error;
  }

  const snapshot = await readModels.transaction(async (tx) => {
    await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const checkpoint = await readCheckpoint(tx, BALANCES_SCHEMA);
    return checkpoint ? { checkpoint, balances: await allBalances(tx, BALANCES_SCHEMA) } : null;
  });
  if (!snapshot) return { kind: "no_read_model" };
  const position = snapshot.checkpoint.position;
  // A rebuild swapped in a read model that is less far along than the one waited for.
  if (comparePositions(position, logPosition) < 0) return behind();
  if (comparePositions(position, first.scanned) > 0)
    await scanLedger(store, collector, first.scanned, position);

  const { usersChecked, mismatches } = reconcile(collector.logBalances, snapshot.balances);
  return {
    kind: "report",
    report: {
      filter: options.filter,
      lines: collector.lines,
      totals: summarise(collector.lines),
      reconciliation: { position, usersChecked, mismatches },
    },
  };
}
