import type { AnyEvent } from "@bot/domain";
import { comparePositions, type EventStore, type Position } from "@bot/eventstore";
import type { Logger } from "@bot/observability";
import type { SqlClient } from "@bot/sql";
import { type CheckpointRow, createProjectionSchema, readCheckpoint, setStatus } from "./checkpoint.ts";
import { ProjectionWaitTimeoutError, UnknownProjectionError } from "./errors.ts";
import type { Projection } from "./projection.ts";
import { runProjectionWorker, type WorkerOutcome, type WorkerProgress } from "./projection-worker.ts";
import { type RebuildResult, rebuildProjection } from "./rebuild.ts";
import { noRunnerMetrics, type RunnerMetrics } from "./runner-metrics.ts";
import { waitForCheckpoint } from "./wait-for-checkpoint.ts";

/** What the runner needs. */
export interface ProjectionRunnerDeps<E extends AnyEvent> {
  readonly store: EventStore<E>;
  /** The read-model database. */
  readonly sql: SqlClient;
  readonly projections: readonly Projection<E>[];
  readonly logger: Logger;
  readonly metrics?: RunnerMetrics;
  readonly batchSize?: number;
}

/** State of one projection in this process. */
export type ProjectionState = "starting" | "rebuilding" | "running" | "failed" | "stopped";

/** What {@link ProjectionRunner.status} reports per projection. */
export interface ProjectionStatusReport {
  readonly name: string;
  readonly version: number;
  readonly state: ProjectionState;
  readonly position: Position | null;
  readonly error: string | null;
}

interface Slot<E extends AnyEvent> {
  readonly projection: Projection<E>;
  state: ProjectionState;
  position: Position | null;
  error: Error | null;
  controller: AbortController;
  done: Promise<void> | null;
  readonly waiters: Set<() => void>;
}

/** Options of {@link ProjectionRunner.rebuild}. */
export interface RebuildOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: WorkerProgress) => void;
}

/**
 * Runs several projections side by side, each in its own worker, so one that
 * fails stops alone while the others go on. Creates a projection's schema on
 * first start; rebuilds blue/green when the code's version differs from the
 * stored one; serves read-your-writes waits and on-demand rebuilds.
 */
export class ProjectionRunner<E extends AnyEvent> {
  readonly #deps: ProjectionRunnerDeps<E>;
  readonly #metrics: RunnerMetrics;
  readonly #slots = new Map<string, Slot<E>>();

  constructor(deps: ProjectionRunnerDeps<E>) {
    this.#deps = deps;
    this.#metrics = deps.metrics ?? noRunnerMetrics;
    for (const projection of deps.projections) {
      if (this.#slots.has(projection.name))
        throw new Error(`projection ${projection.name} is registered twice`);
      this.#slots.set(projection.name, {
        projection,
        state: "stopped",
        position: null,
        error: null,
        controller: new AbortController(),
        done: null,
        waiters: new Set(),
      });
    }
  }

  /** Names of the projections this runner manages. */
  get names(): string[] {
    return [...this.#slots.keys()];
  }

  /** Starts every projection's worker (returns once they are started, not caught up). */
  start(): void {
    for (const slot of this.#slots.values()) this.#startSlot(slot);
  }

  #slot(name: string): Slot<E> {
    const slot = this.#slots.get(name);
    if (!slot) throw new UnknownProjectionError(name, this.names);
    return slot;
  }

  #startSlot(slot: Slot<E>): void {
    if (slot.done) return;
    slot.controller = new AbortController();
    slot.state = "starting";
    slot.error = null;
    slot.done = this.#runSlot(slot).finally(() => {
      slot.done = null;
    });
  }

  async #runSlot(slot: Slot<E>): Promise<void> {
    const { projection } = slot;
    const { logger } = this.#deps;
    const signal = slot.controller.signal;
    try {
      const checkpoint = await this.#prepareLive(slot);
      if (signal.aborted) return;
      if (checkpoint) slot.position = checkpoint.position;
      slot.state = "running";
      this.#metrics.running(projection.name, true);
      logger.info({ projection: projection.name, version: projection.version }, "projection running");
      const outcome: WorkerOutcome = await runProjectionWorker({
        store: this.#deps.store,
        sql: this.#deps.sql,
        projection,
        schema: projection.name,
        logger,
        metrics: this.#metrics,
        signal,
        ...(this.#deps.batchSize ? { batchSize: this.#deps.batchSize } : {}),
        onProgress: (progress) => this.#progressed(slot, progress.position),
      });
      if (outcome.kind === "failed") {
        slot.state = "failed";
        slot.error = outcome.error;
      } else {
        slot.state = "stopped";
      }
    } catch (error) {
      slot.state = "failed";
      slot.error = error as Error;
      logger.error({ err: error, projection: projection.name }, "projection could not start");
    } finally {
      this.#metrics.running(projection.name, false);
      for (const wake of slot.waiters) wake();
    }
  }

  /**
   * Makes sure the live schema exists at this code's version: creates it on first
   * start, rebuilds it blue/green when the version changed, clears a failure
   * recorded by an earlier run (the code may have been fixed since).
   */
  async #prepareLive(slot: Slot<E>): Promise<CheckpointRow | null> {
    const { projection } = slot;
    const { sql, logger } = this.#deps;
    const checkpoint = await sql.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`create:${projection.name}`]);
      const existing = await readCheckpoint(tx, projection.name);
      if (existing) return existing;
      await createProjectionSchema(tx, projection.name, projection, "live");
      return null;
    });
    if (checkpoint && checkpoint.version !== projection.version) {
      logger.warn(
        { projection: projection.name, stored: checkpoint.version, code: projection.version },
        "projection version changed; rebuilding blue/green while the old version serves",
      );
      slot.state = "rebuilding";
      await rebuildProjection({
        store: this.#deps.store,
        sql,
        projection,
        logger,
        metrics: this.#metrics,
        signal: slot.controller.signal,
        ...(this.#deps.batchSize ? { batchSize: this.#deps.batchSize } : {}),
      });
      return readCheckpoint(sql, projection.name);
    }
    if (checkpoint?.status === "failed") {
      logger.warn(
        { projection: projection.name, failure: checkpoint.failure },
        "retrying a projection that failed before",
      );
      await setStatus(sql, projection.name, "live");
    }
    return checkpoint;
  }

  #progressed(slot: Slot<E>, position: Position): void {
    slot.position = position;
    for (const wake of slot.waiters) wake();
  }

  /**
   * Read-your-writes: resolves once `name` reflects every event up to `position`
   * (e.g. the position an append returned). In-process workers answer at once;
   * otherwise the checkpoint table is polled (the projector may be another process).
   *
   * @throws ProjectionWaitTimeoutError after `timeoutMs` (default 5000).
   */
  async waitFor(
    name: string,
    position: Position,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ) {
    const slot = this.#slot(name);
    const timeoutMs = options.timeoutMs ?? 5000;
    if (slot.state !== "running") {
      return waitForCheckpoint(this.#deps.sql, name, position, { timeoutMs, ...options });
    }
    const reached = () => slot.position !== null && comparePositions(slot.position, position) >= 0;
    if (reached()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new ProjectionWaitTimeoutError(name, position, slot.position, timeoutMs)),
        timeoutMs,
      );
      const check = () => {
        if (reached()) finish();
        else if (slot.state !== "running")
          finish(new ProjectionWaitTimeoutError(name, position, slot.position, 0));
      };
      const onAbort = () => finish(options.signal?.reason ?? new Error("aborted"));
      function finish(error?: unknown) {
        clearTimeout(timer);
        slot.waiters.delete(check);
        options.signal?.removeEventListener("abort", onAbort);
        if (error) reject(error);
        else resolve();
      }
      slot.waiters.add(check);
      options.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Rebuilds `name` blue/green while its live worker keeps serving; after the
   * swap the worker resumes from the rebuilt checkpoint (and is restarted if it had
   * failed).
   */
  async rebuild(name: string, options: RebuildOptions = {}): Promise<RebuildResult> {
    const slot = this.#slot(name);
    const result = await rebuildProjection({
      store: this.#deps.store,
      sql: this.#deps.sql,
      projection: slot.projection,
      logger: this.#deps.logger,
      metrics: this.#metrics,
      signal: options.signal ?? new AbortController().signal,
      ...(this.#deps.batchSize ? { batchSize: this.#deps.batchSize } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    if (result.outcome === "swapped" && slot.state === "failed") this.#startSlot(slot);
    return result;
  }

  /** Per-projection state for health checks and the ops endpoint. */
  status(): ProjectionStatusReport[] {
    return [...this.#slots.values()].map((slot) => ({
      name: slot.projection.name,
      version: slot.projection.version,
      state: slot.state,
      position: slot.position,
      error: slot.error?.message ?? null,
    }));
  }

  /** Stops every worker after its current batch. */
  async stop(): Promise<void> {
    const running = [...this.#slots.values()].map((slot) => {
      slot.controller.abort();
      return slot.done;
    });
    await Promise.all(running);
  }
}
