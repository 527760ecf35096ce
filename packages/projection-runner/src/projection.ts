import type { AnyEvent } from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";
import type { SqlExecutor } from "@bot/sql";

/**
 * A read model built from the event log: the event types it handles, its SQL
 * schema, and how one event changes its rows.
 *
 * The runner applies events inside a transaction whose `search_path` is the
 * projection's schema, so `schemaSql` and `apply` use unqualified table names:
 * the same code builds the live schema and a fresh one during a rebuild.
 */
export interface Projection<E extends AnyEvent = AnyEvent> {
  /** Lower-case identifier; also the name of the live schema (e.g. `threads`). */
  readonly name: string;
  /**
   * Bump when `schemaSql` or the meaning of `apply` changes: on start, a runner
   * that finds an older version rebuilds blue/green while the old one serves.
   */
  readonly version: number;
  /** Event types it reads; the runner never decodes others. */
  readonly handles: readonly E["type"][];
  /** DDL creating its tables (unqualified names) in a fresh, empty schema. */
  readonly schemaSql: string;
  /** Applies one event. Must be deterministic: a rebuild replays it. */
  apply(event: RecordedEvent<E>, tx: SqlExecutor): Promise<void>;
  /**
   * Optional faster path for catch-up: applies consecutive events at once. Must
   * leave the same rows as applying them one by one with {@link apply}.
   */
  applyBatch?(events: readonly RecordedEvent<E>[], tx: SqlExecutor): Promise<void>;
}

/** Declares a projection (identity function that checks the name and types). */
export function defineProjection<E extends AnyEvent>(projection: Projection<E>): Projection<E> {
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(projection.name)) {
    throw new Error(`projection name "${projection.name}" must be 1-40 of [a-z0-9_], starting with a letter`);
  }
  if (projection.name.includes("__"))
    throw new Error(`projection name "${projection.name}" may not contain "__"`);
  if (!Number.isInteger(projection.version) || projection.version < 1) {
    throw new Error(`projection ${projection.name} needs an integer version >= 1`);
  }
  if (projection.handles.length === 0)
    throw new Error(`projection ${projection.name} handles no event types`);
  return projection;
}
