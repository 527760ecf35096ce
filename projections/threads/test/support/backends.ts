import type { ThreadEvent } from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";
import {
  applyInBatches as applyBatches,
  applyOneByOne as applyEach,
  chunks,
  freshProjectionSchema,
  inSchema,
  type ProjectionTestBackend,
  projectionTestBackends,
  uniqueSchemaName,
} from "@bot/projection-runner/testing";
import type { SqlClient } from "@bot/sql";
import {
  listAllThreads,
  listMessages,
  type MessageRow,
  type ThreadRow,
  threadsProjection,
} from "../../src/index.ts";

/** A database the projection tests run against: PGlite always, server Postgres with DATABASE_URL. */
export type Backend = ProjectionTestBackend;

/** PGlite, plus server Postgres when DATABASE_URL is set. */
export const backends: Backend[] = projectionTestBackends("threads-projection-test");

export { chunks, inSchema, uniqueSchemaName as uniqueName };

/** A fresh threads projection schema (tables and checkpoint). */
export function freshSchema(sql: SqlClient, label: string): Promise<string> {
  return freshProjectionSchema(sql, threadsProjection, `t_${label}`);
}

/** Applies events one at a time, one transaction each. */
export function applyOneByOne(sql: SqlClient, schema: string, events: readonly RecordedEvent<ThreadEvent>[]) {
  return applyEach(sql, schema, threadsProjection, events);
}

/** Applies events through the batch path, in consecutive batches. */
export function applyInBatches(
  sql: SqlClient,
  schema: string,
  batches: readonly (readonly RecordedEvent<ThreadEvent>[])[],
) {
  return applyBatches(sql, schema, threadsProjection, batches);
}

/** Every row of both tables of a schema, ordered: what "the same rows" means. */
export async function snapshot(
  sql: SqlClient,
  schema: string,
): Promise<{ threads: ThreadRow[]; messages: MessageRow[] }> {
  const threads = await listAllThreads(sql, schema);
  const messages: MessageRow[] = [];
  for (const thread of threads) {
    messages.push(...(await listMessages(sql, thread.stream, { schema, limit: 100_000 })));
  }
  // A message row whose thread has no row would be missed above.
  const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.messages`);
  if (rows[0]?.n !== messages.length) throw new Error(`${schema}.messages has rows of threads without a row`);
  return { threads, messages };
}
