import { randomUUID } from "node:crypto";
import type { AnyEvent } from "@bot/domain";
import { createPgliteClient, createPostgresClient, type SqlClient } from "@bot/sql";
import { createPostgresEventStore } from "../postgres/postgres-event-store.ts";
import type { EventStore } from "../types.ts";
import type { ContractHarness, OpenStoreOptions } from "./harness.ts";

/** A throw-away schema name for one test file on a shared server database. */
export function temporarySchemaName(label: string): string {
  return `t_${label}_${randomUUID().replaceAll("-", "").slice(0, 10)}`;
}

/** The connection string of the server test database, or undefined when none is configured. */
export function testDatabaseUrl(): string | undefined {
  const url = process.env.DATABASE_URL;
  return url && url.length > 0 ? url : undefined;
}

async function harnessOver(
  name: string,
  sql: SqlClient,
  schema: string,
  cleanup: () => Promise<void>,
): Promise<ContractHarness> {
  const stores: EventStore<AnyEvent>[] = [];
  return {
    name,
    uniqueEventIdsAcrossStreams: true,
    async open<E extends AnyEvent>(options: OpenStoreOptions<E>): Promise<EventStore<E>> {
      const store = await createPostgresEventStore<E>({
        sql,
        codec: options.codec,
        schema,
        ...(options.insideAppendTransaction
          ? { insideAppendTransaction: options.insideAppendTransaction }
          : {}),
      });
      stores.push(store as unknown as EventStore<AnyEvent>);
      return store;
    },
    async close() {
      for (const store of stores) await store.close();
      await cleanup();
    },
  };
}

/** A harness over a fresh in-memory PGlite. */
export async function pgliteHarness(): Promise<ContractHarness> {
  const sql = await createPgliteClient();
  return harnessOver("pglite", sql, "es", () => sql.close());
}

/**
 * A harness over server PostgreSQL (DATABASE_URL) in a temporary schema that is
 * dropped afterwards. The pool is large enough for the 24-writer test.
 */
export async function serverPostgresHarness(url: string): Promise<ContractHarness> {
  const sql = createPostgresClient({
    connectionString: url,
    maxConnections: 32,
    applicationName: "contract-test",
  });
  const schema = temporarySchemaName("es");
  return harnessOver("postgres", sql, schema, async () => {
    await sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.close();
  });
}
