import type { AnyEvent } from "@bot/domain";
import { comparePositions, type EventStore, type Position } from "@bot/eventstore";
import type { Logger } from "@bot/observability";
import type { SqlClient } from "@bot/sql";
import {
  createProjectionSchema,
  pauseLiveWorkers,
  readCheckpoint,
  resumeLiveWorkers,
  schemaExists,
} from "./checkpoint.ts";
import { RebuildInProgressError } from "./errors.ts";
import type { Projection } from "./projection.ts";
import { runProjectionWorker, type WorkerProgress } from "./projection-worker.ts";
import type { RunnerMetrics } from "./runner-metrics.ts";

/** Schema a rebuild writes into before the swap. */
export function rebuildSchemaName(projection: string): string {
  return `${projection}__rebuild`;
}

/** Schema the replaced live schema is renamed to during the swap, then dropped. */
export function retiredSchemaName(projection: string): string {
  return `${projection}__retired`;
}

/** A rebuild whose heartbeat is older than this is considered dead and is replaced. */
const STALE_REBUILD_MS = 30_000;

/** Optimistic catch-up rounds before live workers are paused to close the last gap. */
const OPTIMISTIC_ROUNDS = 3;

/** Length of the pause lease on live workers; a crashed rebuild frees them after it. */
const PAUSE_SECONDS = 30;

/** What a rebuild needs. */
export interface RebuildDeps<E extends AnyEvent> {
  readonly store: EventStore<E>;
  readonly sql: SqlClient;
  readonly projection: Projection<E>;
  readonly logger: Logger;
  readonly metrics: RunnerMetrics;
  readonly signal: AbortSignal;
  readonly batchSize?: number;
  readonly onProgress?: (progress: WorkerProgress) => void;
}

/** How a rebuild ended. */
export interface RebuildResult {
  readonly projection: string;
  readonly outcome: "swapped" | "aborted";
  readonly position: Position | null;
  readonly eventsApplied: bigint;
  readonly seconds: number;
}

/**
 * Blue/green rebuild: builds the projection into a fresh schema from position
 * zero while the live schema keeps serving, then swaps them in one transaction and
 * drops the old one.
 *
 * The swap first takes an ACCESS EXCLUSIVE lock on the live checkpoint table, so it
 * waits for a live worker's transaction in flight; that worker's next transaction
 * finds the new checkpoint and resumes from it. Readers see either the old or the
 * new schema, never a mix.
 */
export async function rebuildProjection<E extends AnyEvent>(deps: RebuildDeps<E>): Promise<RebuildResult> {
  const { sql, projection, logger, metrics, signal } = deps;
  const live = projection.name;
  const target = rebuildSchemaName(live);
  const retired = retiredSchemaName(live);
  const started = performance.now();

  await sql.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`rebuild:${live}`]);
    const existing = await readCheckpoint(tx, target);
    if (existing && existing.status === "building") {
      const age = Date.now() - new Date(existing.updatedAt).getTime();
      if (age < STALE_REBUILD_MS) throw new RebuildInProgressError(live, existing.updatedAt);
    }
    if (await schemaExists(tx, target)) await tx.exec(`DROP SCHEMA ${target} CASCADE`);
    await createProjectionSchema(tx, target, projection, "building");
  });
  logger.info({ projection: live, schema: target }, "rebuild started");

  // Catch up, then swap only if the rebuilt schema is at least as far as the live
  // one, so readers never see the read model step back. Under constant load the
  // live worker may stay a step ahead; after a few rounds the live workers are
  // paused (a lease) while the rebuild closes the gap, then the swap happens.
  let paused = false;
  const unpause = async () => {
    if (paused && (await schemaExists(sql, live))) await resumeLiveWorkers(sql, live);
  };
  for (let round = 1; ; round++) {
    if (round > OPTIMISTIC_ROUNDS && (await schemaExists(sql, live))) {
      await pauseLiveWorkers(sql, live, PAUSE_SECONDS);
      paused = true;
    }
    const outcome = await runProjectionWorker({
      store: deps.store,
      sql,
      projection,
      schema: target,
      logger,
      metrics,
      signal,
      untilCaughtUp: true,
      ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
      ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    });
    if (outcome.kind === "failed") {
      await unpause();
      metrics.rebuilt(live, "failed");
      throw outcome.error;
    }
    if (outcome.kind === "stopped") {
      await unpause();
      metrics.rebuilt(live, "aborted");
      logger.warn({ projection: live }, "rebuild aborted before the swap; the live schema is unchanged");
      return {
        projection: live,
        outcome: "aborted",
        position: null,
        eventsApplied: 0n,
        seconds: elapsed(started),
      };
    }
    const swapped = await sql.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`rebuild:${live}`]);
      if (await schemaExists(tx, retired)) await tx.exec(`DROP SCHEMA ${retired} CASCADE`);
      if (await schemaExists(tx, live)) {
        await tx.exec(`LOCK TABLE ${live}._projection IN ACCESS EXCLUSIVE MODE`);
        const current = await readCheckpoint(tx, live);
        const rebuilt = await readCheckpoint(tx, target);
        const behind =
          current !== null && rebuilt !== null && comparePositions(rebuilt.position, current.position) < 0;
        if (behind) return false;
        await tx.exec(`ALTER SCHEMA ${live} RENAME TO ${retired}`);
      }
      await tx.exec(`ALTER SCHEMA ${target} RENAME TO ${live}`);
      await tx.query(`UPDATE ${live}._projection SET status = 'live', failure = NULL, updated_at = now()`);
      return true;
    });
    if (swapped) break;
    logger.info(
      { projection: live, round },
      "live projection moved on while rebuilding; catching up before the swap",
    );
  }
  await sql.exec(`DROP SCHEMA IF EXISTS ${retired} CASCADE`);
  const checkpoint = await readCheckpoint(sql, live);
  metrics.rebuilt(live, "swapped");
  const result: RebuildResult = {
    projection: live,
    outcome: "swapped",
    position: checkpoint?.position ?? null,
    eventsApplied: checkpoint?.eventsApplied ?? 0n,
    seconds: elapsed(started),
  };
  logger.info({ ...result }, "rebuild swapped in");
  return result;
}

function elapsed(started: number): number {
  return (performance.now() - started) / 1000;
}
