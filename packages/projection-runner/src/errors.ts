import { formatPosition, type Position, type RecordedEvent } from "@bot/eventstore";

/** A projection's `apply` failed on one event. The projection stops there. */
export class ProjectionHandlerError extends Error {
  override readonly name = "ProjectionHandlerError";
  readonly stream: string;
  readonly revision: bigint;
  readonly eventType: string;
  readonly eventId: string;
  readonly position: Position;
  constructor(
    readonly projection: string,
    event: RecordedEvent,
    options: { cause: unknown },
  ) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      `projection ${projection} failed on ${event.stream}@${event.revision} (${event.type}, position ${formatPosition(event.position)}): ${reason}`,
      options,
    );
    this.stream = event.stream;
    this.revision = event.revision;
    this.eventType = event.type;
    this.eventId = event.metadata.eventId;
    this.position = event.position;
  }
}

/** A read-your-writes wait ran out of time. */
export class ProjectionWaitTimeoutError extends Error {
  override readonly name = "ProjectionWaitTimeoutError";
  constructor(
    readonly projection: string,
    readonly wanted: Position,
    readonly reached: Position | null,
    readonly timeoutMs: number,
  ) {
    super(
      `projection ${projection} did not reach ${formatPosition(wanted)} within ${timeoutMs} ms ` +
        `(at ${reached ? formatPosition(reached) : "nothing yet"})`,
    );
  }
}

/** No projection with this name is known. */
export class UnknownProjectionError extends Error {
  override readonly name = "UnknownProjectionError";
  constructor(
    readonly projection: string,
    readonly known: readonly string[],
  ) {
    super(`no projection named "${projection}"; known: ${known.join(", ") || "none"}`);
  }
}

/** Another rebuild of the same projection is running. */
export class RebuildInProgressError extends Error {
  override readonly name = "RebuildInProgressError";
  constructor(
    readonly projection: string,
    readonly since: string,
  ) {
    super(`a rebuild of ${projection} is already running (last progress ${since})`);
  }
}
