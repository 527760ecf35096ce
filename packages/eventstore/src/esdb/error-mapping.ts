import {
  ANY,
  type AppendExpectedRevision,
  BACKWARDS,
  type CurrentRevision,
  type Direction,
  END,
  ErrorType,
  START as ESDB_START,
  type Position as EsdbPosition,
  StreamDeletedError as EsdbStreamDeletedError,
  StreamNotFoundError as EsdbStreamNotFoundError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
  FORWARDS,
  NO_STREAM,
  type ReadPosition,
  type ReadRevision,
  STREAM_EXISTS,
} from "@eventstore/db-client";
import { EventStoreError, StreamNotFoundError, WrongExpectedVersionError } from "../errors.ts";
import type { Position } from "../position.ts";
import type { ExpectedRevision, ReadStreamOptions } from "../types.ts";

/**
 * Our expected revision as the client's. `"any"` maps to ANY: `prepareAppend` has
 * already refused it on money streams, so it never reaches the server for them.
 */
export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (typeof expected === "bigint") return expected;
  switch (expected) {
    case "no_stream":
      return NO_STREAM;
    case "stream_exists":
      return STREAM_EXISTS;
    case "any":
      return ANY;
  }
}

/**
 * The client's expected revision as ours. Errors built from raw gRPC metadata
 * carry the server's legacy numbers (-1 no stream, -2 any, -4 stream exists).
 */
export function fromEsdbExpectedRevision(expected: AppendExpectedRevision): ExpectedRevision {
  if (typeof expected !== "bigint") return expected;
  if (expected >= 0n) return expected;
  if (expected === -1n) return "no_stream";
  if (expected === -4n) return "stream_exists";
  return "any";
}

/** The client's current revision as ours; a negative number is the legacy "no stream". */
export function fromEsdbCurrentRevision(current: CurrentRevision): bigint | "no_stream" {
  if (current === NO_STREAM || current < 0n) return "no_stream";
  return current;
}

/** Whether a position is our START (or anything before the first event). */
export function isBeforeEveryEvent(position: Position): boolean {
  return position.commit < 0n || position.prepare < 0n;
}

/** Where a forwards read or subscription after `after` starts: the client's START for none/START. */
export function toEsdbReadPosition(after: Position | undefined): ReadPosition {
  if (after === undefined || isBeforeEveryEvent(after)) return ESDB_START;
  return { commit: after.commit, prepare: after.prepare };
}

/** The server's log position as ours (1:1, copied so callers cannot alias client objects). */
export function fromEsdbPosition(position: EsdbPosition): Position {
  return { commit: position.commit, prepare: position.prepare };
}

/**
 * A position the adapter cannot do without. Servers before 22.6 omit event
 * positions on stream reads; the port promises them, so fail loudly.
 */
export function requirePosition(position: EsdbPosition | undefined, what: string): Position {
  if (!position) {
    throw new EventStoreError(
      `EventStoreDB returned no log position for ${what} (the adapter needs server 22.6 or later)`,
    );
  }
  return fromEsdbPosition(position);
}

/** Direction and start revision of a stream read, as the client takes them. */
export function toEsdbStreamRead(options: ReadStreamOptions): {
  direction: Direction;
  fromRevision: ReadRevision;
} {
  const backwards = options.direction === "backwards";
  const from = options.fromRevision ?? (backwards ? "end" : "start");
  // The PostgreSQL adapter reads "start" backwards as "revision 0 and before": say so exactly.
  if (from === "start")
    return backwards
      ? { direction: BACKWARDS, fromRevision: 0n }
      : { direction: FORWARDS, fromRevision: ESDB_START };
  if (from === "end") return { direction: backwards ? BACKWARDS : FORWARDS, fromRevision: END };
  // Negative revisions: forwards they mean "from the first event"; backwards callers are handled before reading.
  if (from < 0n)
    return { direction: backwards ? BACKWARDS : FORWARDS, fromRevision: backwards ? END : ESDB_START };
  return { direction: backwards ? BACKWARDS : FORWARDS, fromRevision: from };
}

function hasErrorType(error: unknown, type: ErrorType): boolean {
  // Duck-typed too, so a second copy of the client package (another version in the tree) still maps.
  return error instanceof Error && (error as { type?: unknown }).type === type;
}

/** Whether `error` is the client's WrongExpectedVersionError. */
export function isEsdbWrongExpectedVersion(error: unknown): error is EsdbWrongExpectedVersionError {
  return (
    error instanceof EsdbWrongExpectedVersionError || hasErrorType(error, ErrorType.WRONG_EXPECTED_VERSION)
  );
}

/** Whether `error` says the stream has no readable events (missing, soft-deleted or tombstoned). */
export function isEsdbStreamMissing(error: unknown): boolean {
  return (
    error instanceof EsdbStreamNotFoundError ||
    error instanceof EsdbStreamDeletedError ||
    hasErrorType(error, ErrorType.STREAM_NOT_FOUND) ||
    hasErrorType(error, ErrorType.STREAM_DELETED)
  );
}

/**
 * Maps an error of `appendToStream` to ours: WrongExpectedVersionError keeps the
 * caller's expectation and takes the server's actual revision. Anything else is
 * returned unchanged.
 */
export function mapAppendError(error: unknown, stream: string, expected: ExpectedRevision): unknown {
  if (isEsdbWrongExpectedVersion(error)) {
    return new WrongExpectedVersionError(stream, expected, fromEsdbCurrentRevision(error.actualVersion), {
      cause: error,
    });
  }
  return error;
}

/**
 * Maps an error of a stream read to ours: a missing (or deleted) stream becomes
 * StreamNotFoundError naming `stream`. Anything else is returned unchanged.
 */
export function mapReadError(error: unknown, stream: string): unknown {
  if (isEsdbStreamMissing(error)) return new StreamNotFoundError(stream, { cause: error });
  return error;
}
