import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { type DataDirLock, lockDataDir } from "./data-dir-lock.ts";
import { sqlIdentifier } from "./identifiers.ts";
import { type PgliteConnection, startPgliteWorker } from "./pglite-worker-client.ts";
import type { SqlClient, SqlExecutor, SqlResult } from "./types.ts";

/** Options for {@link createPgliteClient}. */
export interface PgliteClientOptions {
  /**
   * Directory for the database files (PGDATA lives in `<dataDir>/pglite`), or
   * undefined for an in-memory database (tests).
   */
  readonly dataDir?: string;
  /** Written into the data directory's lock file, e.g. the ops server URL of this process. */
  readonly lockInfo?: Readonly<Record<string, unknown>>;
  /**
   * Run PGlite in a worker thread (default: true for a file-backed database, false in
   * memory). PGlite executes SQL synchronously; in a worker, statements no longer
   * stall this thread's event loop, at the cost of a message round trip each.
   */
  readonly inWorker?: boolean;
}

/**
 * Creates the PostgreSQL cluster of a new data directory in a short-lived child
 * process. PGlite's initdb peaks at ~800 MB of memory that the process then keeps;
 * run elsewhere, the long-lived process opens an existing cluster at ~300 MB.
 */
function initialiseInChild(pgdata: string): void {
  const module = import.meta.resolve("@electric-sql/pglite");
  const script = `const { PGlite } = await import(${JSON.stringify(module)});
    const db = new PGlite(${JSON.stringify(pgdata)}); await db.waitReady; await db.close();`;
  execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "ignore", "pipe"],
  });
}

/** A PGlite-backed {@link SqlClient}, plus the lock that keeps other processes out. */
export interface PgliteSqlClient extends SqlClient {
  readonly dialect: "pglite";
  /** The data directory lock, or null in memory. */
  readonly lock: DataDirLock | null;
  /** Whether PGlite runs in a worker thread. */
  readonly inWorker: boolean;
}

function executor(target: PGlite | Transaction): SqlExecutor {
  return {
    async query<R extends object>(text: string, params?: readonly unknown[]): Promise<SqlResult<R>> {
      const result = await target.query<R>(text, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(script: string): Promise<void> {
      await target.exec(script);
    },
  };
}

/**
 * Opens embedded PostgreSQL (PGlite). A file-backed database is opened by one
 * process at a time: the data directory is locked first ({@link lockDataDir}),
 * because two PGlite instances on the same files corrupt them.
 *
 * PGlite runs one statement at a time; its `transaction()` holds an exclusive
 * mutex, so transactions never interleave. LISTEN/NOTIFY works within the
 * instance.
 */
export async function createPgliteClient(options: PgliteClientOptions = {}): Promise<PgliteSqlClient> {
  const inWorker = options.inWorker ?? options.dataDir !== undefined;
  let lock: DataDirLock | null = null;
  let pgdata: string | undefined;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    lock = lockDataDir(options.dataDir, options.lockInfo ?? {});
    pgdata = join(options.dataDir, "pglite");
  }
  try {
    if (pgdata && !existsSync(join(pgdata, "PG_VERSION"))) initialiseInChild(pgdata);
    const client = inWorker ? await startPgliteWorker(pgdata) : await openInline(pgdata);
    return {
      dialect: "pglite",
      lock,
      inWorker,
      query: client.query,
      exec: client.exec,
      transaction: client.transaction,
      listen: client.listen,
      async close() {
        try {
          await client.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/** PGlite on this thread: no round trips, but every statement runs on this event loop. */
async function openInline(pgdata: string | undefined): Promise<PgliteConnection> {
  const db = new PGlite(pgdata);
  await db.waitReady;
  const base = executor(db);
  return {
    query: base.query,
    exec: base.exec,
    transaction: <T>(work: (tx: SqlExecutor) => Promise<T>) => db.transaction((tx) => work(executor(tx))),
    async listen(channel: string, onNotify: () => void) {
      const unlisten = await db.listen(sqlIdentifier(channel), () => onNotify());
      return async () => {
        if (!db.closed) await unlisten();
      };
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}
