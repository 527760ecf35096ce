import type { AnyEvent } from "@bot/domain";
import {
  type AllPage,
  CorruptEventError,
  comparePositions,
  type EventStore,
  formatPosition,
  type Position,
  type RecordedEvent,
  START,
  sleepUnlessAborted,
} from "@bot/eventstore";
import type { Logger } from "@bot/observability";
import { isTransientSqlError, type SqlClient, type SqlExecutor } from "@bot/sql";
import { advanceCheckpoint, lockCheckpoint, readCheckpoint, recordFailure } from "./checkpoint.ts";
import { ProjectionHandlerError } from "./errors.ts";
import type { Projection } from "./projection.ts";
import type { RunnerMetrics } from "./runner-metrics.ts";

/** What one worker needs. */
export interface WorkerDeps<E extends AnyEvent> {
  readonly store: EventStore<E>;
  /** The read-model database (holds the projection schema). */
  readonly sql: SqlClient;
  readonly projection: Projection<E>;
  /** Schema to write: the live one, or a fresh one during a rebuild. */
  readonly schema: string;
  readonly logger: Logger;
  readonly metrics: RunnerMetrics;
  readonly signal: AbortSignal;
  /** Events per transaction during catch-up (default 1000). */
  readonly batchSize?: number;
  /** Persist a checkpoint that only skipped unhandled events at most this often (default 1000 ms). */
  readonly idleCheckpointMs?: number;
  /** Return as soon as the worker has caught up with the log (rebuilds). */
  readonly untilCaughtUp?: boolean;
  /** Called after every batch with the position the read model now reflects. */
  readonly onProgress?: (progress: WorkerProgress) => void;
  /** Backoff after a transient failure (default 500 ms, doubling to 30 s). */
  readonly retryDelayMs?: number;
}

/** Reported after each batch. */
export interface WorkerProgress {
  readonly position: Position;
  readonly applied: number;
  readonly caughtUp: boolean;
}

/** How a worker ended. */
export type WorkerOutcome =
  | { readonly kind: "stopped" }
  | { readonly kind: "caught_up"; readonly position: Position }
  | { readonly kind: "failed"; readonly error: Error };

/** The checkpoint moved under this worker (another runner, or a blue/green swap). */
class CheckpointMoved extends Error {
  override readonly name = "CheckpointMoved";
}

/** A rebuild is closing its last gap before swapping: hold off and retry shortly. */
class PausedForSwap extends Error {
  override readonly name = "PausedForSwap";
}

/**
 * Runs one projection into one schema: reads the global log after the schema's
 * checkpoint and, per batch, applies the events and moves the checkpoint in the
 * same transaction (exactly-once effect). Every transaction first locks the
 * checkpoint row and checks it is where this worker left it, so two workers, or a
 * worker and a blue/green swap, never apply an event twice.
 *
 * A handler error stops this worker (recorded in the checkpoint row, logged with
 * the event's stream and revision, counted in a metric); a transient database
 * error is retried with backoff.
 */
export async function runProjectionWorker<E extends AnyEvent>(deps: WorkerDeps<E>): Promise<WorkerOutcome> {
  const { store, sql, projection, schema, logger, metrics, signal } = deps;
  const batchSize = deps.batchSize ?? 1000;
  const idleCheckpointMs = deps.idleCheckpointMs ?? 1000;
  let retryDelay = deps.retryDelayMs ?? 500;

  /** Applies `events` and moves the checkpoint from `from` to `to`, atomically. */
  async function commit(events: readonly RecordedEvent<E>[], from: Position, to: Position): Promise<void> {
    const started = performance.now();
    await sql.transaction(async (tx: SqlExecutor) => {
      const checkpoint = await lockCheckpoint(tx, schema);
      if (checkpoint.paused) throw new PausedForSwap();
      if (comparePositions(checkpoint.position, from) !== 0) throw new CheckpointMoved();
      if (events.length > 0) {
        await tx.query("SELECT set_config('search_path', $1, true)", [schema]);
        if (projection.applyBatch && events.length > 1) await projection.applyBatch(events, tx);
        else for (const event of events) await projection.apply(event, tx);
      }
      await advanceCheckpoint(tx, schema, to, events.length);
    });
    metrics.batchApplied(projection.name, events.length, (performance.now() - started) / 1000);
    metrics.checkpointMoved(projection.name, to);
  }

  /**
   * Commits a batch; if it fails, finds the event that fails by committing one
   * event per transaction (the ones before it stay applied) and raises a
   * {@link ProjectionHandlerError} naming it.
   */
  async function commitBatch(batch: AllPage<E>, from: Position): Promise<void> {
    try {
      await commit(batch.events, from, batch.next);
      return;
    } catch (error) {
      if (error instanceof CheckpointMoved || error instanceof PausedForSwap || isTransientSqlError(error))
        throw error;
      if (batch.events.length <= 1) {
        const [event] = batch.events;
        throw event ? new ProjectionHandlerError(projection.name, event, { cause: error }) : error;
      }
    }
    let position = from;
    for (const event of batch.events) {
      try {
        await commit([event], position, event.position);
      } catch (error) {
        if (error instanceof CheckpointMoved || error instanceof PausedForSwap || isTransientSqlError(error))
          throw error;
        throw new ProjectionHandlerError(projection.name, event, { cause: error });
      }
      position = event.position;
    }
    await commit([], position, batch.next);
  }

  async function fail(error: Error): Promise<WorkerOutcome> {
    const details =
      error instanceof ProjectionHandlerError
        ? {
            stream: error.stream,
            revision: error.revision.toString(),
            eventType: error.eventType,
            eventId: error.eventId,
            position: formatPosition(error.position),
          }
        : error instanceof CorruptEventError
          ? { stream: error.stream, revision: error.revision.toString(), eventType: error.eventType }
          : {};
    logger.error({ err: error, projection: projection.name, schema, ...details }, "projection stopped");
    metrics.failed(projection.name);
    try {
      await recordFailure(sql, schema, { message: error.message, ...details, at: new Date().toISOString() });
    } catch (recordError) {
      logger.error(
        { err: recordError, projection: projection.name },
        "could not record the projection failure",
      );
    }
    return { kind: "failed", error };
  }

  while (!signal.aborted) {
    let persisted: Position;
    try {
      const checkpoint = await readCheckpoint(sql, schema);
      if (!checkpoint) return fail(new Error(`projection schema ${schema} does not exist`));
      persisted = checkpoint.position;
    } catch (error) {
      if (!isTransientSqlError(error)) return fail(error as Error);
      logger.warn({ err: error, projection: projection.name }, "reading the checkpoint failed; retrying");
      await sleepUnlessAborted(retryDelay, signal);
      retryDelay = Math.min(retryDelay * 2, 30_000);
      continue;
    }

    const subscription = new AbortController();
    const stop = () => subscription.abort();
    signal.addEventListener("abort", stop, { once: true });
    let lastWrite = Date.now();
    try {
      const batches = store.subscribeAllBatches({
        ...(comparePositions(persisted, START) === 0 ? {} : { after: persisted }),
        filter: { eventTypes: projection.handles },
        signal: subscription.signal,
        maxBatch: batchSize,
      });
      for await (const batch of batches) {
        const finishing = deps.untilCaughtUp === true && batch.isEnd;
        const due = Date.now() - lastWrite >= idleCheckpointMs;
        if (batch.events.length > 0 || finishing || due) {
          await commitBatch(batch, persisted);
          persisted = batch.next;
          lastWrite = Date.now();
        }
        retryDelay = deps.retryDelayMs ?? 500;
        deps.onProgress?.({ position: batch.next, applied: batch.events.length, caughtUp: batch.isEnd });
        if (finishing) return { kind: "caught_up", position: persisted };
        // Embedded PGlite runs queries synchronously on this thread: without a
        // macrotask turn between batches a long catch-up would starve I/O (the bot's
        // updates, the ops server) until it ends.
        if (!batch.isEnd) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      if (error instanceof PausedForSwap) {
        await sleepUnlessAborted(50, signal);
        continue;
      }
      if (error instanceof CheckpointMoved) {
        logger.info({ projection: projection.name, schema }, "checkpoint moved elsewhere; resuming from it");
        continue;
      }
      if (isTransientSqlError(error)) {
        logger.warn({ err: error, projection: projection.name }, "transient failure; retrying");
        await sleepUnlessAborted(retryDelay, signal);
        retryDelay = Math.min(retryDelay * 2, 30_000);
        continue;
      }
      return fail(error as Error);
    } finally {
      signal.removeEventListener("abort", stop);
      subscription.abort();
    }
  }
  return { kind: "stopped" };
}
