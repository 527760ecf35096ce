import { comparePositions, type Position } from "@bot/eventstore";
import type { SqlExecutor } from "@bot/sql";
import { readCheckpoint } from "./checkpoint.ts";
import { ProjectionWaitTimeoutError } from "./errors.ts";

/** Options of {@link waitForCheckpoint}. */
export interface WaitForCheckpointOptions {
  /** Give up after this long (default 5000 ms). */
  readonly timeoutMs?: number;
  /** First poll interval, doubling to 100 ms (default 5 ms). */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Read-your-writes across processes: polls the projection's checkpoint until it
 * is at or after `position`. Use {@link ProjectionRunner.waitFor} when the
 * projection runs in this process.
 *
 * @throws ProjectionWaitTimeoutError after the timeout.
 */
export async function waitForCheckpoint(
  sql: SqlExecutor,
  projection: string,
  position: Position,
  options: WaitForCheckpointOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const deadline = Date.now() + timeoutMs;
  let delay = options.pollMs ?? 5;
  let reached: Position | null = null;
  for (;;) {
    options.signal?.throwIfAborted();
    const checkpoint = await readCheckpoint(sql, projection);
    reached = checkpoint?.position ?? null;
    if (reached && comparePositions(reached, position) >= 0) return;
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new ProjectionWaitTimeoutError(projection, position, reached, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, remaining)));
    delay = Math.min(delay * 2, 100);
  }
}
