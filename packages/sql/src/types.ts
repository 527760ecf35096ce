/** Rows and affected-row count of one statement. */
export interface SqlResult<R> {
  readonly rows: R[];
  readonly rowCount: number;
}

/** Something that runs parameterised SQL: a client or an open transaction. */
export interface SqlExecutor {
  /** Runs one statement with `$1..$n` parameters. */
  query<R extends object = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<SqlResult<R>>;
  /** Runs a script of several statements without parameters (DDL, migrations). */
  exec(script: string): Promise<void>;
}

/** Which engine is behind a {@link SqlClient}. */
export type SqlDialect = "postgres" | "pglite";

/**
 * One interface over server PostgreSQL (`pg` pool) and embedded PGlite, so the
 * event store and the projections have one implementation for both.
 */
export interface SqlClient extends SqlExecutor {
  readonly dialect: SqlDialect;
  /**
   * Runs `work` in a transaction (READ COMMITTED): COMMIT when it resolves,
   * ROLLBACK when it throws (the error is rethrown).
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` for each NOTIFY on `channel`, and once after a reconnect of the
   * listening connection (notifications may have been missed meanwhile). Resolves
   * to a function that stops listening.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** Closes every connection. */
  close(): Promise<void>;
}
