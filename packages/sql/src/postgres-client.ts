import pg from "pg";
import { sqlIdentifier } from "./identifiers.ts";
import type { SqlClient, SqlExecutor, SqlResult } from "./types.ts";

/** Options for {@link createPostgresClient}. */
export interface PostgresClientOptions {
  readonly connectionString: string;
  /** Pool size (default 10). */
  readonly maxConnections?: number;
  /** Name shown in pg_stat_activity. */
  readonly applicationName?: string;
  /**
   * Server-side `idle_in_transaction_session_timeout` in ms (default 60 000): a
   * client that dies inside a transaction must not hold back the event log's
   * global read horizon for long.
   */
  readonly idleInTransactionTimeoutMs?: number;
  /** Called when an idle pooled connection or the listener fails (logged by the caller). */
  readonly onError?: (error: Error) => void;
}

function executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    async query<R extends object>(text: string, params?: readonly unknown[]): Promise<SqlResult<R>> {
      const result = await client.query(text, params as unknown[] | undefined);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
    async exec(script: string): Promise<void> {
      await client.query(script);
    },
  };
}

/**
 * A {@link SqlClient} over a `pg` pool. LISTEN uses one dedicated connection that
 * reconnects with backoff and then wakes every listener once, because
 * notifications sent while it was down are lost.
 */
export function createPostgresClient(options: PostgresClientOptions): SqlClient {
  const config: pg.PoolConfig = {
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? "llm-telegram-bot",
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
  };
  const pool = new pg.Pool(config);
  pool.on("error", (error) => options.onError?.(error));

  const listeners = new Map<string, Set<() => void>>();
  let listener: pg.Client | null = null;
  let connecting: Promise<pg.Client> | null = null;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | null = null;

  const wakeAll = () => {
    for (const callbacks of listeners.values()) for (const callback of callbacks) callback();
  };

  async function connectListener(): Promise<pg.Client> {
    const client = new pg.Client({ ...config });
    client.on("notification", (message) => {
      for (const callback of listeners.get(message.channel) ?? []) callback();
    });
    client.on("error", (error) => {
      options.onError?.(error);
      if (listener === client) {
        listener = null;
        scheduleReconnect(100);
      }
    });
    await client.connect();
    for (const channel of listeners.keys()) await client.query(`LISTEN ${channel}`);
    return client;
  }

  function scheduleReconnect(delayMs: number) {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(async () => {
      reconnectTimer = null;
      try {
        listener = await connectListener();
        wakeAll();
      } catch (error) {
        options.onError?.(error as Error);
        scheduleReconnect(Math.min(delayMs * 2, 5_000));
      }
    }, delayMs);
    reconnectTimer.unref();
  }

  async function ensureListener(): Promise<pg.Client> {
    if (listener) return listener;
    connecting ??= connectListener().finally(() => {
      connecting = null;
    });
    listener = await connecting;
    return listener;
  }

  const base = executor(pool);
  return {
    dialect: "postgres",
    query: base.query,
    exec: base.exec,
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      // The pool drops its own 'error' listener while a client is checked out; a
      // connection lost mid-transaction (server restart, pg_terminate_backend,
      // idle_in_transaction_session_timeout) would otherwise be an uncaught 'error'
      // event that crashes the process. The pending query rejects on its own.
      const onConnectionError = (error: Error) => {
        broken ??= error;
        options.onError?.(error);
      };
      client.on("error", onConnectionError);
      try {
        await client.query("BEGIN");
        const result = await work(executor(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        try {
          await client.query("ROLLBACK");
        } catch (rollbackError) {
          broken = rollbackError as Error;
        }
        throw error;
      } finally {
        // A connection whose ROLLBACK failed (or that errored) is in an unknown state: destroy it.
        client.off("error", onConnectionError);
        client.release(broken);
      }
    },
    async listen(channel: string, onNotify: () => void) {
      const name = sqlIdentifier(channel);
      let callbacks = listeners.get(name);
      const isNew = !callbacks;
      if (!callbacks) {
        callbacks = new Set();
        listeners.set(name, callbacks);
      }
      callbacks.add(onNotify);
      const client = await ensureListener();
      if (isNew) await client.query(`LISTEN ${name}`);
      return async () => {
        callbacks.delete(onNotify);
        if (callbacks.size === 0 && listeners.get(name) === callbacks) {
          listeners.delete(name);
          if (listener) await listener.query(`UNLISTEN ${name}`).catch(() => undefined);
        }
      };
    },
    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const current = listener;
      listener = null;
      if (current) await current.end().catch(() => undefined);
      await pool.end();
    },
  };
}
