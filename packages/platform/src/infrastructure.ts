import type { AppConfig } from "@bot/config";
import { type DomainEvent, domainEvents } from "@bot/domain";
import { type EventStore, instrumentEventStore } from "@bot/eventstore";
import { connectEsdbEventStore } from "@bot/eventstore/esdb";
import { createPostgresEventStore } from "@bot/eventstore/postgres";
import type { Logger, Metrics } from "@bot/observability";
import { createPgliteClient, createPostgresClient, type PgliteSqlClient, type SqlClient } from "@bot/sql";

function annotateLock(sql: SqlClient, info: Readonly<Record<string, unknown>>): void {
  if (sql.dialect === "pglite") (sql as PgliteSqlClient).lock?.update(info);
}

/** The stores a process works with, opened from the configuration. */
export interface Infrastructure {
  /** Which event store: embedded PGlite, server Postgres or EventStoreDB. */
  readonly kind: AppConfig["store"]["kind"];
  readonly store: EventStore<DomainEvent>;
  /** The database holding the read models (the same PGlite/Postgres as the log, except with ESDB). */
  readonly readModels: SqlClient;
  /** Records facts about this process in the embedded data directory's lock (e.g. its ops URL). */
  annotate(info: Readonly<Record<string, unknown>>): void;
  /** Closes the store and every connection, in order. */
  close(): Promise<void>;
}

/** Options of {@link openInfrastructure}. */
export interface OpenInfrastructureOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Shown in pg_stat_activity (server Postgres). */
  readonly applicationName: string;
}

/**
 * Opens the event store and the read-model database selected by the
 * configuration (docs/operations.md, "Choosing a store"):
 *
 * - embedded (default): one PGlite database under DATA_DIR holds the log and the
 *   read models; the directory is locked to this process;
 * - DATABASE_URL: server Postgres for both;
 * - EVENTSTORE_URL: EventStoreDB for the log, read models in DATABASE_URL when set,
 *   else in PGlite under DATA_DIR.
 */
export async function openInfrastructure(
  config: AppConfig,
  options: OpenInfrastructureOptions,
): Promise<Infrastructure> {
  const { logger, metrics } = options;
  const onError = (error: Error) => logger.error({ err: error }, "database connection error");
  const store = config.store;

  if (store.kind === "esdb") {
    const readModels = config.databaseUrl
      ? createPostgresClient({
          connectionString: config.databaseUrl,
          applicationName: options.applicationName,
          onError,
        })
      : await createPgliteClient({ dataDir: config.dataDir, lockInfo: { role: options.applicationName } });
    const events = connectEsdbEventStore(store.url, { codec: domainEvents, ownsClient: true });
    return {
      kind: "esdb",
      store: instrumentEventStore(events, metrics),
      readModels,
      annotate: (info) => annotateLock(readModels, info),
      async close() {
        await events.close();
        await readModels.close();
      },
    };
  }

  const sql =
    store.kind === "postgres"
      ? createPostgresClient({
          connectionString: store.url,
          applicationName: options.applicationName,
          onError,
        })
      : await createPgliteClient({ dataDir: store.dataDir, lockInfo: { role: options.applicationName } });
  try {
    const events = await createPostgresEventStore({ sql, codec: domainEvents, schema: store.schema });
    return {
      kind: store.kind,
      store: instrumentEventStore(events, metrics),
      readModels: sql,
      annotate: (info) => annotateLock(sql, info),
      async close() {
        await events.close();
        await sql.close();
      },
    };
  } catch (error) {
    await sql.close();
    throw error;
  }
}
