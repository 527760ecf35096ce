import { existsSync } from "node:fs";
import { join } from "node:path";
import type { AppConfig } from "@bot/config";
import { createLogger, createMetrics } from "@bot/observability";
import { type Infrastructure, openInfrastructure } from "@bot/platform";
import { DataDirLockedError, type LockInfo, readLiveLock } from "@bot/sql";

/** The log and the read models, opened; or why they were not. */
export type OpenedAuditStores =
  | { readonly kind: "open"; readonly infrastructure: Infrastructure }
  /** The embedded database was never created: nothing to audit. Nothing was created. */
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
    "PGlite database files can only be opened by one process at a time, so audit-charges did not open them. " +
    "Stop that process (the bot or the projector) and run audit-charges again, " +
    "or audit a server store (DATABASE_URL / EVENTSTORE_URL)."
  );
}

/** The embedded data directory the configuration opens, if any (PGlite log, or PGlite read models with ESDB). */
function embeddedDataDir(config: AppConfig): string | null {
  const store = config.store;
  if (store.kind === "pglite") return store.dataDir;
  if (store.kind === "esdb" && !config.databaseUrl) return config.dataDir;
  return null;
}

/**
 * Opens the configured event log and read-model database for the audit, with
 * the platform's adapters (so global reads see exactly what projections see).
 * An embedded data directory held by a live process is not opened (PGlite
 * files belong to one process, decision 0008), and one that holds no database
 * is not created.
 */
export async function openAuditStores(config: AppConfig): Promise<OpenedAuditStores> {
  const dataDir = embeddedDataDir(config);
  if (dataDir !== null) {
    const holder = readLiveLock(dataDir);
    if (holder) return { kind: "busy", detail: busyMessage(dataDir, holder) };
    if (!existsSync(join(dataDir, PGLITE_DIRECTORY))) {
      return { kind: "absent", detail: `no embedded database in ${dataDir}` };
    }
  }
  try {
    const infrastructure = await openInfrastructure(config, {
      // Silent: stdout carries the report (JSON, CSV); failures are reported by the CLI.
      logger: createLogger({ level: "silent", name: "audit-charges" }),
      metrics: createMetrics({ defaultMetrics: false }),
      applicationName: "audit-charges",
    });
    return { kind: "open", infrastructure };
  } catch (error) {
    // A process took the directory between the check and the lock.
    if (error instanceof DataDirLockedError && dataDir !== null) {
      return { kind: "busy", detail: busyMessage(dataDir, error.holder) };
    }
    throw error;
  }
}
