import { randomUUID } from "node:crypto";
import type { AnyEvent } from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";
import { createPgliteClient, createPostgresClient, type SqlClient, type SqlExecutor } from "@bot/sql";
import { createProjectionSchema } from "../checkpoint.ts";
import type { Projection } from "../projection.ts";

/** A database projection tests run against: PGlite always, server Postgres with DATABASE_URL. */
export interface ProjectionTestBackend {
  readonly name: string;
  readonly server: boolean;
  open(): Promise<SqlClient>;
}

/** PGlite (in memory), plus server Postgres when DATABASE_URL is set. */
export function projectionTestBackends(applicationName: string): ProjectionTestBackend[] {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  return [
    { name: "pglite", server: false, open: () => createPgliteClient() },
    ...(databaseUrl
      ? [
          {
            name: "server postgres",
            server: true,
            open: async () =>
              createPostgresClient({ connectionString: databaseUrl, maxConnections: 8, applicationName }),
          },
        ]
      : []),
  ];
}

/** A schema name no other test (or test file on a shared server) uses. */
export function uniqueSchemaName(label: string): string {
  return `${label}_${randomUUID().replaceAll("-", "").slice(0, 10)}`;
}

/** Runs `work` in a transaction whose search_path is `schema`, as the runner does. */
export async function inSchema(
  sql: SqlClient,
  schema: string,
  work: (tx: SqlExecutor) => Promise<void>,
): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query("SELECT set_config('search_path', $1, true)", [schema]);
    await work(tx);
  });
}

/** A fresh live schema of `projection` (tables and checkpoint). */
export async function freshProjectionSchema<E extends AnyEvent>(
  sql: SqlClient,
  projection: Projection<E>,
  label: string,
): Promise<string> {
  const schema = uniqueSchemaName(label);
  await sql.transaction((tx) => createProjectionSchema(tx, schema, projection, "live"));
  return schema;
}

/** Applies events one at a time, one transaction each. */
export async function applyOneByOne<E extends AnyEvent>(
  sql: SqlClient,
  schema: string,
  projection: Projection<E>,
  events: readonly RecordedEvent<E>[],
): Promise<void> {
  for (const event of events) await inSchema(sql, schema, (tx) => projection.apply(event, tx));
}

/** Applies events through the batch path, in consecutive batches. */
export async function applyInBatches<E extends AnyEvent>(
  sql: SqlClient,
  schema: string,
  projection: Projection<E>,
  batches: readonly (readonly RecordedEvent<E>[])[],
): Promise<void> {
  const applyBatch = projection.applyBatch;
  if (!applyBatch) throw new Error(`projection ${projection.name} has no batch path`);
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
