import { type DomainEvent, domainEvents } from "@bot/domain";
import type { EventStore } from "@bot/eventstore";
import { createPostgresEventStore } from "@bot/eventstore/postgres";
import { temporarySchemaName, testDatabaseUrl } from "@bot/eventstore/testing";
import { createPgliteClient, createPostgresClient, type SqlClient } from "@bot/sql";

/** A real event store for one test file. */
export interface Backend {
  readonly name: string;
  readonly store: EventStore<DomainEvent>;
  /**
   * Another store over the same database, as a second bot process would open it
   * (server Postgres: its own connection pool; PGlite: a second store over the one instance).
   */
  openStore(): Promise<EventStore<DomainEvent>>;
  close(): Promise<void>;
}

async function pgliteBackend(): Promise<Backend> {
  const sql = await createPgliteClient();
  const stores: EventStore<DomainEvent>[] = [];
  const open = async () => {
    const store = await createPostgresEventStore({ sql, codec: domainEvents, idlePollMs: 50 });
    stores.push(store);
    return store;
  };
  const store = await open();
  return {
    name: "pglite",
    store,
    openStore: open,
    async close() {
      for (const opened of stores) await opened.close();
      await sql.close();
    },
  };
}

async function postgresBackend(url: string): Promise<Backend> {
  const schema = temporarySchemaName("actors");
  const clients: SqlClient[] = [];
  const stores: EventStore<DomainEvent>[] = [];
  const open = async () => {
    const sql = createPostgresClient({
      connectionString: url,
      maxConnections: 6,
      applicationName: "actors-test",
    });
    clients.push(sql);
    const store = await createPostgresEventStore({ sql, codec: domainEvents, schema });
    stores.push(store);
    return store;
  };
  const store = await open();
  return {
    name: "postgres",
    store,
    openStore: open,
    async close() {
      for (const opened of stores) await opened.close();
      const [first] = clients;
      if (first) await first.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      for (const sql of clients) await sql.close();
    },
  };
}

/** PGlite in memory always; server Postgres too when DATABASE_URL is set (a unique schema, dropped after). */
export const backends: readonly { readonly name: string; readonly create: () => Promise<Backend> }[] = [
  { name: "pglite", create: pgliteBackend },
  ...(testDatabaseUrl()
    ? [{ name: "postgres", create: () => postgresBackend(testDatabaseUrl() as string) }]
    : []),
];
