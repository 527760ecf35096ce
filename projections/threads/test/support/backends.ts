import { randomUUID } from "node:crypto";
import type { ThreadEvent } from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";
import { createProjectionSchema } from "@bot/projection-runner";
import { createPgliteClient, createPostgresClient, type SqlClient, type SqlExecutor } from "@bot/sql";
import {
  listAllThreads,
  listMessages,
  type MessageRow,
  type ThreadRow,
  threadsProjection,
} from "../../src/index.ts";

const databaseUrl = process.env.DATABASE_URL || undefined;

/** A database the projection tests run against: PGlite always, server Postgres with DATABASE_URL. */
export interface Backend {
  readonly name: string;
  readonly server: boolean;
  open(): Promise<SqlClient>;
}

/** PGlite, plus server Postgres when DATABASE_URL is set. */
export const backends: Backend[] = [
  { name: "pglite", server: false, open: () => createPgliteClient() },
  ...(databaseUrl
    ? [
        {
          name: "server postgres",
          server: true,
          open: async () =>
            createPostgresClient({
              connectionString: databaseUrl,
              maxConnections: 8,
              applicationName: "threads-projection-test",
            }),
        },
      ]
    : []),
];

/** A schema name no other test (or test file on a shared server) uses. */
export function uniqueName(label: string): string {
  return `${label}_${randomUUID().replaceAll("-", "").slice(0, 10)}`;
}

/** Runs `work` in a transaction whose search_path is `schema`, as the runner does. */
export async function inSchema(sql: SqlClient, schema: string, work: (tx: SqlExecutor) => Promise<void>) {
  await sql.transaction(async (tx) => {
    await tx.query("SELECT set_config('search_path', $1, true)", [schema]);
    await work(tx);
  });
}

/** A fresh threads projection schema (tables and checkpoint). */
export async function freshSchema(sql: SqlClient, label: string): Promise<string> {
  const schema = uniqueName(`t_${label}`);
  await sql.transaction((tx) => createProjectionSchema(tx, schema, threadsProjection, "live"));
  return schema;
}

/** Applies events one at a time, one transaction each. */
export async function applyOneByOne(
  sql: SqlClient,
  schema: string,
  events: readonly RecordedEvent<ThreadEvent>[],
): Promise<void> {
  for (const event of events) await inSchema(sql, schema, (tx) => threadsProjection.apply(event, tx));
}

/** Applies events through the batch path, in consecutive batches. */
export async function applyInBatches(
  sql: SqlClient,
  schema: string,
  batches: readonly (readonly RecordedEvent<ThreadEvent>[])[],
): Promise<void> {
  const applyBatch = threadsProjection.applyBatch;
  if (!applyBatch) throw new Error("threadsProjection has no batch path");
  for (const batch of batches) await inSchema(sql, schema, (tx) => applyBatch(batch, tx));
}

/** Splits `items` into consecutive chunks of the given sizes (the last takes the rest). */
export function chunks<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  const result: T[][] = [];
  let start = 0;
  for (const size of sizes) {
    if (start >= items.length) break;
    result.push(items.slice(start, start + size));
    start += size;
  }
  if (start < items.length) result.push(items.slice(start));
  return result;
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
