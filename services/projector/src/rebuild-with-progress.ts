import type { AnyEvent } from "@bot/domain";
import { describePosition, type EventStore } from "@bot/eventstore";
import { type ProgressEstimate, ProgressTracker, type ProjectionRunner } from "@bot/projection-runner";

/** One line of rebuild progress, as sent to the CLI (NDJSON) and written to logs. */
export type RebuildUpdate =
  | ({ readonly type: "progress"; readonly projection: string; readonly position: string } & ProgressEstimate)
  | {
      readonly type: "done";
      readonly projection: string;
      readonly outcome: "swapped" | "aborted";
      readonly position: string | null;
      readonly eventsApplied: string;
      readonly seconds: number;
    }
  | { readonly type: "error"; readonly projection: string; readonly message: string };

/**
 * Rebuilds one projection blue/green and reports progress (rate, position, ETA)
 * at most every `intervalMs` plus once when caught up. Returns the final update;
 * failures are reported as an `error` update rather than thrown, because the
 * caller (an HTTP stream or a CLI) only needs to show them.
 */
export async function rebuildWithProgress<E extends AnyEvent>(options: {
  runner: ProjectionRunner<E>;
  store: EventStore<E>;
  name: string;
  onUpdate: (update: RebuildUpdate) => void;
  intervalMs?: number;
  signal?: AbortSignal;
}): Promise<RebuildUpdate> {
  const { name, onUpdate } = options;
  const intervalMs = options.intervalMs ?? 250;
  const head = await options.store.headPosition();
  const tracker = new ProgressTracker(0n, head?.prepare ?? 0n);
  const started = performance.now();
  let applied = 0;
  let lastReport = 0;
  let final: RebuildUpdate;
  try {
    const result = await options.runner.rebuild(name, {
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (progress) => {
        applied += progress.applied;
        const now = performance.now() - started;
        if (now - lastReport < intervalMs && !progress.caughtUp) return;
        lastReport = now;
        const estimate = tracker.record({ atMs: now, applied, position: progress.position.prepare });
        onUpdate({
          type: "progress",
          projection: name,
          position: describePosition(progress.position),
          ...estimate,
        });
      },
    });
    final = {
      type: "done",
      projection: name,
      outcome: result.outcome,
      position: result.position ? describePosition(result.position) : null,
      eventsApplied: result.eventsApplied.toString(),
      seconds: result.seconds,
    };
  } catch (error) {
    final = {
      type: "error",
      projection: name,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  onUpdate(final);
  return final;
}
