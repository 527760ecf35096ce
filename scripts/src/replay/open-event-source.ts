import { existsSync } from "node:fs";
import { join } from "node:path";
import type { AppConfig } from "@bot/config";
import { domainEvents } from "@bot/domain";
import { connectEsdbEventStore } from "@bot/eventstore/esdb";
import {
  createPgliteClient,
  createPostgresClient,
  DataDirLockedError,
  type LockInfo,
  readLiveLock,
} from "@bot/sql";
import { sqlEventSource } from "./sql-event-source.ts";
import type { ThreadEventSource } from "./thread-replay.ts";

/** The configured event log, opened for reading; or why it was not opened. */
export type OpenedEventSource =
  | { readonly kind: "open"; readonly source: ThreadEventSource; close(): Promise<void> }
  /** Nothing to read: the embedded store was never created. Nothing was opened or created. */
  | { readonly kind: "absent"; readonly detail: string }
  /** Another live process holds the embedded data directory. Nothing was opened. */
  | { readonly kind: "busy"; readonly detail: string };

// createPgliteClient keeps PGDATA in this sub-directory of DATA_DIR.
const PGLITE_DIRECTORY = "pglite";

/** Why the embedded store is not opened while another process holds it. */
export function busyMessage(dataDir: string, holder: LockInfo): string {
  const role = typeof holder.role === "string" ? ` (${holder.role})` : "";
  return (
    `${dataDir} is in use by process ${holder.pid}${role} since ${holder.since}. ` +
    "PGlite database files can only be opened by one process at a time; opening them from a second " +
    "process can corrupt them, so replay-thread did not open them. Stop that process and run " +
    "replay-thread again (or replay against a server store: DATABASE_URL / EVENTSTORE_URL)."
  );
}

/**
 * Opens the configured event log read-only, without the side effects of
 * `openInfrastructure`: no migrations, no LISTEN, no read-model database (with
 * EventStoreDB), and no fresh PGlite database where none exists. An embedded
 * data directory held by a live process is not opened at all (decision 0008).
 */
export async function openEventSource(config: AppConfig): Promise<OpenedEventSource> {
  const store = config.store;
  switch (store.kind) {
    case "pglite": {
      const holder = readLiveLock(store.dataDir);
      if (holder) return { kind: "busy", detail: busyMessage(store.dataDir, holder) };
      if (!existsSync(join(store.dataDir, PGLITE_DIRECTORY))) {
        return { kind: "absent", detail: `no embedded store in ${store.dataDir}` };
      }
      try {
        const sql = await createPgliteClient({ dataDir: store.dataDir, lockInfo: { role: "replay-thread" } });
        return { kind: "open", source: sqlEventSource(sql, store.schema), close: () => sql.close() };
      } catch (error) {
        // A process took the directory between the check and the lock.
        if (error instanceof DataDirLockedError) {
          return { kind: "busy", detail: busyMessage(store.dataDir, error.holder) };
        }
        throw error;
      }
    }
    case "postgres": {
      const sql = createPostgresClient({
        connectionString: store.url,
        maxConnections: 1,
        applicationName: "replay-thread",
      });
      return { kind: "open", source: sqlEventSource(sql, store.schema), close: () => sql.close() };
    }
    case "esdb": {
      // Stream reads are read-only by nature; the client connects lazily.
      const events = connectEsdbEventStore(store.url, { codec: domainEvents, ownsClient: true });
      return { kind: "open", source: events, close: () => events.close() };
    }
    default: {
      const unknown: never = store;
      throw new Error(`replay-thread: unknown store ${(unknown as { kind: string }).kind}`);
    }
  }
}
