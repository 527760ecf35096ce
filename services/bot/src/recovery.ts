import type { ThreadActorHost } from "@bot/actors";
import { parseThreadStream } from "@bot/domain";
import type { EventStore, Position } from "@bot/eventstore";
import type { Logger } from "@bot/observability";
import { readCheckpoint, waitForCheckpoint } from "@bot/projection-runner";
import type { SqlExecutor } from "@bot/sql";

/**
 * After a restart: finds threads whose answer was being written or not yet
 * delivered when the process stopped (from the threads read model, once it has
 * caught up with the log) and wakes their actors, which close the generation as
 * interrupted, charge it by estimate and deliver the partial answer, once. A
 * thread missed here recovers anyway when its actor next starts.
 */
export async function recoverInterruptedThreads(deps: {
  store: Pick<EventStore, "headPosition">;
  readModels: SqlExecutor;
  host: ThreadActorHost;
  logger: Logger;
  waitFor?: (position: Position) => Promise<void>;
  timeoutMs?: number;
}): Promise<number> {
  if (!(await readCheckpoint(deps.readModels, "threads").catch(() => null))) {
    deps.logger.warn("no threads read model yet: open answers recover when their threads are next used");
    return 0;
  }
  const head = await deps.store.headPosition();
  if (head) {
    try {
      if (deps.waitFor) await deps.waitFor(head);
      else await waitForCheckpoint(deps.readModels, "threads", head, { timeoutMs: deps.timeoutMs ?? 60_000 });
    } catch (error) {
      deps.logger.warn(
        { err: error },
        "threads read model is behind; recovering the threads it already shows",
      );
    }
  }
  const { rows } = await deps.readModels.query<{ stream: string }>(
    "SELECT stream FROM threads.threads WHERE open_generation_id IS NOT NULL OR undelivered_count > 0",
  );
  let recovered = 0;
  for (const row of rows) {
    const key = parseThreadStream(row.stream);
    if (!key) continue;
    try {
      await deps.host.recover(key);
      recovered++;
    } catch (error) {
      deps.logger.error({ err: error, threadKey: row.stream }, "could not recover a thread");
    }
  }
  if (recovered > 0) deps.logger.warn({ threads: recovered }, "recovering threads interrupted by a restart");
  return recovered;
}
