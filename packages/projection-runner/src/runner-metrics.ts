import type { Position } from "@bot/eventstore";
import type { Metrics } from "@bot/observability";

/** The metrics a projection runner reports, labelled by projection. */
export interface RunnerMetrics {
  batchApplied(projection: string, events: number, seconds: number): void;
  checkpointMoved(projection: string, position: Position): void;
  failed(projection: string): void;
  running(projection: string, up: boolean): void;
  rebuilt(projection: string, outcome: "swapped" | "failed" | "aborted"): void;
}

/** Binds {@link RunnerMetrics} to prom-client metrics on `metrics`' registry. */
export function createRunnerMetrics(metrics: Metrics): RunnerMetrics {
  const applied = metrics.counter({
    name: "projection_events_applied_total",
    help: "Events applied to a projection's read model",
    labelNames: ["projection"],
  });
  const batches = metrics.histogram({
    name: "projection_batch_duration_seconds",
    help: "Time to apply one batch and move the checkpoint, in one transaction",
    labelNames: ["projection"],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  const checkpoint = metrics.gauge({
    name: "projection_checkpoint_position",
    help: "Prepare part of the projection's checkpoint (global sequence number on PostgreSQL)",
    labelNames: ["projection"],
  });
  const failures = metrics.counter({
    name: "projection_failures_total",
    help: "Times a projection stopped on an event it could not apply",
    labelNames: ["projection"],
  });
  const up = metrics.gauge({
    name: "projection_running",
    help: "1 while the projection's worker runs, 0 when stopped or failed",
    labelNames: ["projection"],
  });
  const rebuilds = metrics.counter({
    name: "projection_rebuilds_total",
    help: "Blue/green rebuilds by outcome",
    labelNames: ["projection", "outcome"],
  });
  return {
    batchApplied(projection, events, seconds) {
      applied.inc({ projection }, events);
      batches.observe({ projection }, seconds);
    },
    checkpointMoved(projection, position) {
      // A horizon checkpoint may carry the maximum bigint; the gauge only tracks real positions.
      if (position.prepare < 2n ** 53n) checkpoint.set({ projection }, Number(position.prepare));
    },
    failed(projection) {
      failures.inc({ projection });
    },
    running(projection, isUp) {
      up.set({ projection }, isUp ? 1 : 0);
    },
    rebuilt(projection, outcome) {
      rebuilds.inc({ projection, outcome });
    },
  };
}

/** Metrics that record nothing (tools that do not expose /metrics). */
export const noRunnerMetrics: RunnerMetrics = {
  batchApplied: () => undefined,
  checkpointMoved: () => undefined,
  failed: () => undefined,
  running: () => undefined,
  rebuilt: () => undefined,
};
