/** One observation of a running rebuild or catch-up. */
export interface ProgressSample {
  /** Milliseconds since some fixed origin. */
  readonly atMs: number;
  /** Events applied so far. */
  readonly applied: number;
  /** Prepare part of the position reached (a global sequence number on PostgreSQL). */
  readonly position: bigint;
}

/** What a progress line shows. */
export interface ProgressEstimate {
  readonly applied: number;
  /** Events applied per second over the recent window. */
  readonly eventsPerSecond: number;
  /** Fraction of the log scanned, 0-1, by position. */
  readonly fraction: number;
  /** Seconds left at the current pace, or null while unknown. */
  readonly etaSeconds: number | null;
}

/**
 * Estimates rate and ETA from recent samples. Pure; the CLI and the ops endpoint
 * feed it. Positions (not event counts) measure how far the scan is, because a
 * projection skips event types it does not handle.
 */
export class ProgressTracker {
  readonly #samples: ProgressSample[] = [];
  readonly #windowMs: number;

  constructor(
    readonly start: bigint,
    readonly head: bigint,
    windowMs = 5000,
  ) {
    this.#windowMs = windowMs;
  }

  /** Adds an observation and returns the current estimate. */
  record(sample: ProgressSample): ProgressEstimate {
    this.#samples.push(sample);
    while (this.#samples.length > 2 && (this.#samples[0]?.atMs ?? 0) < sample.atMs - this.#windowMs) {
      this.#samples.shift();
    }
    const first = this.#samples[0] ?? sample;
    const seconds = (sample.atMs - first.atMs) / 1000;
    const clamped = sample.position > this.head ? this.head : sample.position;
    const span = this.head - this.start;
    const fraction = span <= 0n ? 1 : Number(clamped - this.start) / Number(span);
    const eventsPerSecond = seconds > 0 ? (sample.applied - first.applied) / seconds : 0;
    const firstPosition = first.position > this.head ? this.head : first.position;
    const positionsPerSecond = seconds > 0 ? Number(clamped - firstPosition) / seconds : 0;
    const remaining = Number(this.head - clamped);
    const etaSeconds = remaining <= 0 ? 0 : positionsPerSecond > 0 ? remaining / positionsPerSecond : null;
    return {
      applied: sample.applied,
      eventsPerSecond,
      fraction: Math.max(0, Math.min(1, fraction)),
      etaSeconds,
    };
  }
}

/** `"45,000 events  21,350 ev/s  62%  ETA 3s"`, for a TTY line or a log. */
export function formatProgress(estimate: ProgressEstimate, positionText: string): string {
  const eta =
    estimate.etaSeconds === null
      ? "ETA ?"
      : estimate.etaSeconds < 60
        ? `ETA ${Math.ceil(estimate.etaSeconds)}s`
        : `ETA ${Math.floor(estimate.etaSeconds / 60)}m${Math.ceil(estimate.etaSeconds % 60)}s`;
  return [
    `${estimate.applied.toLocaleString("en-US")} events`,
    `${Math.round(estimate.eventsPerSecond).toLocaleString("en-US")} ev/s`,
    `${Math.floor(estimate.fraction * 100)}%`,
    `position ${positionText}`,
    eta,
  ].join("  ");
}
