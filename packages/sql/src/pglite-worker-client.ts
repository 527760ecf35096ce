import { Worker } from "node:worker_threads";
import { sqlIdentifier } from "./identifiers.ts";
import type { SqlExecutor, SqlResult } from "./types.ts";

/** A PGlite instance in a worker thread, failed or exited. */
export class PgliteWorkerError extends Error {
  override readonly name = "PgliteWorkerError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** An error as the worker sends it: message, stack and PGlite's DatabaseError fields. */
interface SerialisedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly [field: string]: unknown;
}

type Reply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: SerialisedError }
  | { readonly notify: number }
  | { readonly ready: boolean; readonly error?: SerialisedError };

type Request =
  | { op: "query"; text: string; params: readonly unknown[] | undefined; tx?: number }
  | { op: "exec"; script: string; tx?: number }
  | { op: "begin" }
  | { op: "end"; tx: number; commit: boolean }
  | { op: "listen"; channel: string }
  | { op: "unlisten"; listener: number }
  | { op: "close" };

/**
 * Rebuilds the worker's error on this thread, with the fields callers inspect
 * (`code`, `constraint`, `detail`, …) so {@link sqlState} and friends work unchanged.
 */
function reviveError(serialised: SerialisedError, callerStack: string | undefined): Error {
  const error = new Error(serialised.message) as Error & Record<string, unknown>;
  for (const [key, value] of Object.entries(serialised)) {
    if (key !== "message" && key !== "stack") error[key] = value;
  }
  error.stack = `${serialised.name}: ${serialised.message}\n    at <pglite worker>${
    callerStack ? `\n${callerStack.split("\n").slice(1).join("\n")}` : ""
  }`;
  return error;
}

/** What {@link createPgliteClient} needs of an open PGlite, on this thread or in a worker. */
export interface PgliteConnection extends SqlExecutor {
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * Starts PGlite in a worker thread and resolves when it is ready. Queries then
 * execute off this thread: PGlite runs SQL synchronously inside WebAssembly, and on
 * the bot's own thread every statement would stall Telegram and the model streams
 * ([decision 0012](../../../docs/decisions/0012-pglite-in-a-worker-thread.md)).
 *
 * @param pgdata the cluster directory (already initialised), or undefined for memory.
 */
export async function startPgliteWorker(pgdata: string | undefined): Promise<PgliteConnection> {
  const worker = new Worker(new URL("./pglite-worker.mjs", import.meta.url), {
    workerData: { dataDir: pgdata ?? null },
    // The worker is plain JavaScript; loaders of this process (tsx) would only slow its start.
    execArgv: [],
  });
  const pending = new Map<
    number,
    { resolve(value: unknown): void; reject(error: Error): void; origin: Error }
  >();
  const notifyHandlers = new Map<number, () => void>();
  let nextId = 1;
  let failure: Error | null = null;

  const failAll = (error: Error) => {
    failure ??= error;
    for (const call of pending.values()) call.reject(failure);
    pending.clear();
  };

  const ready = new Promise<void>((resolve, reject) => {
    worker.on("message", (reply: Reply) => {
      if ("ready" in reply) {
        if (reply.ready) resolve();
        else
          reject(reviveError(reply.error ?? { name: "Error", message: "PGlite did not start" }, undefined));
        return;
      }
      if ("notify" in reply) {
        notifyHandlers.get(reply.notify)?.();
        return;
      }
      const call = pending.get(reply.id);
      if (!call) return;
      pending.delete(reply.id);
      if (pending.size === 0) worker.unref();
      if (reply.ok) call.resolve(reply.value);
      else call.reject(reviveError(reply.error, call.origin.stack));
    });
    worker.on("error", (error) => {
      const wrapped = new PgliteWorkerError(`the PGlite worker failed: ${error.message}`, { cause: error });
      reject(wrapped);
      failAll(wrapped);
    });
    worker.on("exit", (code) => {
      const exited = new PgliteWorkerError(`the PGlite worker exited (code ${code})`);
      reject(exited);
      failAll(exited);
    });
  });

  const call = <T>(request: Request): Promise<T> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    // Where the caller was, so a failed statement's stack points into our code. V8
    // formats `.stack` only when read, i.e. only for a failure.
    const origin = new Error();
    return new Promise<T>((resolve, reject) => {
      // Referenced only while a call is outstanding: an idle PGlite must not keep the
      // process alive, a script awaiting a query must not exit under it.
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject, origin });
      worker.postMessage({ id, ...request });
    });
  };

  const executorFor = (tx: number | undefined): SqlExecutor => ({
    query: <R extends object>(text: string, params?: readonly unknown[]) =>
      call<SqlResult<R>>({ op: "query", text, params, ...(tx === undefined ? {} : { tx }) }),
    exec: (script: string) => call<void>({ op: "exec", script, ...(tx === undefined ? {} : { tx }) }),
  });

  try {
    await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  worker.unref();

  const base = executorFor(undefined);
  let closed = false;
  return {
    query: base.query,
    exec: base.exec,
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const tx = await call<number>({ op: "begin" });
      let result: T;
      try {
        result = await work(executorFor(tx));
      } catch (error) {
        await call<void>({ op: "end", tx, commit: false }).catch(() => undefined);
        throw error;
      }
      await call<void>({ op: "end", tx, commit: true });
      return result;
    },
    async listen(channel: string, onNotify: () => void) {
      const listener = await call<number>({ op: "listen", channel: sqlIdentifier(channel) });
      notifyHandlers.set(listener, onNotify);
      return async () => {
        notifyHandlers.delete(listener);
        if (!closed && !failure) await call<void>({ op: "unlisten", listener });
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        if (!failure) await call<void>({ op: "close" });
      } finally {
        await worker.terminate();
      }
    },
  };
}
