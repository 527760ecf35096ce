import { type Position, START } from "@bot/eventstore";
import type { SqlExecutor } from "@bot/sql";

/** Status recorded with a projection's checkpoint. */
export type ProjectionStatus = "live" | "building" | "failed";

/** What the runner recorded about the event a projection failed on. */
export interface ProjectionFailure {
  readonly message: string;
  readonly stream?: string;
  readonly revision?: string;
  readonly eventType?: string;
  readonly eventId?: string;
  readonly position?: string;
  readonly at: string;
}

/** The checkpoint row of a projection schema. */
export interface CheckpointRow {
  readonly name: string;
  readonly version: number;
  readonly position: Position;
  readonly eventsApplied: bigint;
  readonly status: ProjectionStatus;
  readonly failure: ProjectionFailure | null;
  /** True while a rebuild's pause lease on this (live) schema is in force. */
  readonly paused: boolean;
  readonly updatedAt: string;
}

/**
 * DDL of the checkpoint table inside a projection schema. It lives with the rows,
 * so the checkpoint and the rows it describes move together in one transaction and
 * in a blue/green swap.
 */
export function checkpointTableSql(schema: string): string {
  return `CREATE TABLE ${schema}._projection (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    name text NOT NULL,
    version integer NOT NULL,
    commit_position bigint NOT NULL,
    prepare_position bigint NOT NULL,
    events_applied bigint NOT NULL DEFAULT 0,
    status text NOT NULL CHECK (status IN ('live', 'building', 'failed')),
    failure jsonb,
    -- Set by a rebuild about to swap: live workers hold off until then (a lease, so
    -- a crashed rebuild cannot freeze the live projection).
    paused_until timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`;
}

interface RawCheckpoint {
  name: string;
  version: number;
  commit_position: string;
  prepare_position: string;
  events_applied: string;
  status: ProjectionStatus;
  failure: ProjectionFailure | null;
  paused: boolean;
  updated_at: Date | string;
}

const SELECT_CHECKPOINT = `SELECT name, version, commit_position::text AS commit_position,
  prepare_position::text AS prepare_position, events_applied::text AS events_applied, status, failure,
  COALESCE(paused_until > now(), false) AS paused, updated_at`;

function toRow(raw: RawCheckpoint): CheckpointRow {
  return {
    name: raw.name,
    version: raw.version,
    position: { commit: BigInt(raw.commit_position), prepare: BigInt(raw.prepare_position) },
    eventsApplied: BigInt(raw.events_applied),
    status: raw.status,
    failure: raw.failure,
    paused: raw.paused,
    updatedAt: raw.updated_at instanceof Date ? raw.updated_at.toISOString() : String(raw.updated_at),
  };
}

/** Reads the checkpoint of `schema`, or null when the schema or row does not exist. */
export async function readCheckpoint(sql: SqlExecutor, schema: string): Promise<CheckpointRow | null> {
  if (!(await schemaExists(sql, schema))) return null;
  const { rows } = await sql.query<RawCheckpoint>(`${SELECT_CHECKPOINT} FROM ${schema}._projection`);
  return rows[0] ? toRow(rows[0]) : null;
}

/** Reads and locks the checkpoint row (first statement of every apply transaction). */
export async function lockCheckpoint(tx: SqlExecutor, schema: string): Promise<CheckpointRow> {
  const { rows } = await tx.query<RawCheckpoint>(
    `${SELECT_CHECKPOINT} FROM ${schema}._projection FOR UPDATE`,
  );
  const row = rows[0];
  if (!row) throw new Error(`projection schema ${schema} has no checkpoint row`);
  return toRow(row);
}

/** True when a schema of that name exists. */
export async function schemaExists(sql: SqlExecutor, schema: string): Promise<boolean> {
  const { rows } = await sql.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
  return rows.length > 0;
}

/** Creates `schema` with the projection's tables and a checkpoint at the start of the log. */
export async function createProjectionSchema(
  tx: SqlExecutor,
  schema: string,
  projection: { name: string; version: number; schemaSql: string },
  status: ProjectionStatus,
): Promise<void> {
  await tx.exec(`CREATE SCHEMA ${schema}`);
  await tx.exec(checkpointTableSql(schema));
  await tx.query("SELECT set_config('search_path', $1, true)", [schema]);
  await tx.exec(projection.schemaSql);
  await tx.query(
    `INSERT INTO ${schema}._projection (name, version, commit_position, prepare_position, status)
     VALUES ($1, $2, $3, $4, $5)`,
    [projection.name, projection.version, START.commit.toString(), START.prepare.toString(), status],
  );
}

/** Moves the checkpoint (and the heartbeat) after a batch. */
export async function advanceCheckpoint(
  tx: SqlExecutor,
  schema: string,
  position: Position,
  applied: number,
): Promise<void> {
  await tx.query(
    `UPDATE ${schema}._projection
        SET commit_position = $1, prepare_position = $2, events_applied = events_applied + $3, updated_at = now()`,
    [position.commit.toString(), position.prepare.toString(), applied],
  );
}

/** Records why a projection stopped. */
export async function recordFailure(
  sql: SqlExecutor,
  schema: string,
  failure: ProjectionFailure,
): Promise<void> {
  await sql.query(
    `UPDATE ${schema}._projection SET status = 'failed', failure = $1::jsonb, updated_at = now()`,
    [JSON.stringify(failure)],
  );
}

/** Sets the status (e.g. back to live on restart after a failure). */
export async function setStatus(sql: SqlExecutor, schema: string, status: ProjectionStatus): Promise<void> {
  await sql.query(
    `UPDATE ${schema}._projection SET status = $1, failure = CASE WHEN $1 = 'failed' THEN failure END, updated_at = now()`,
    [status],
  );
}

/** Pauses live workers of `schema` for `seconds` (a rebuild closing its last gap). */
export async function pauseLiveWorkers(sql: SqlExecutor, schema: string, seconds: number): Promise<void> {
  await sql.query(`UPDATE ${schema}._projection SET paused_until = now() + make_interval(secs => $1)`, [
    seconds,
  ]);
}

/** Ends a pause early (the rebuild swapped, failed or was aborted). */
export async function resumeLiveWorkers(sql: SqlExecutor, schema: string): Promise<void> {
  await sql.query(`UPDATE ${schema}._projection SET paused_until = NULL`);
}
