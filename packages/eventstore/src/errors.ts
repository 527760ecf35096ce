import type { ExpectedRevision } from "./types.ts";

function describeExpected(expected: ExpectedRevision): string {
  return typeof expected === "bigint" ? `revision ${expected}` : expected;
}

function describeActual(actual: bigint | "no_stream"): string {
  return actual === "no_stream" ? "no stream" : `revision ${actual}`;
}

/** Base of the event store's own errors. */
export class EventStoreError extends Error {
  override readonly name: string = "EventStoreError";
}

/** The stream was not at the revision the writer expected. Reload and decide again. */
export class WrongExpectedVersionError extends EventStoreError {
  override readonly name = "WrongExpectedVersionError";
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's revision when the append was refused. */
    readonly actual: bigint | "no_stream",
    options?: { cause?: unknown },
  ) {
    super(
      `append to ${stream} expected ${describeExpected(expected)} but the stream is at ${describeActual(actual)}`,
      options,
    );
  }
}

/** A stream was read that has no events. */
export class StreamNotFoundError extends EventStoreError {
  override readonly name = "StreamNotFoundError";
  constructor(
    readonly stream: string,
    options?: { cause?: unknown },
  ) {
    super(`stream ${stream} does not exist`, options);
  }
}

/**
 * A stored event failed to decode (unknown type, newer schema version, schema
 * mismatch, failing upcaster). Never skipped silently: readers stop here.
 */
export class CorruptEventError extends EventStoreError {
  override readonly name = "CorruptEventError";
  constructor(
    readonly stream: string,
    readonly revision: bigint,
    readonly eventType: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`stored event ${stream}@${revision} (${eventType}) cannot be read: ${problem}`, options);
  }
}

/** An event id is already stored by a different append (not a retry of this one). */
export class DuplicateEventIdError extends EventStoreError {
  override readonly name = "DuplicateEventIdError";
  constructor(
    readonly stream: string,
    readonly eventIds: readonly string[],
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`append to ${stream} reuses event id(s) ${eventIds.join(", ")}: ${detail}`, options);
  }
}

/** `expectedRevision: "any"` was used on a stream that moves money. */
export class ExpectedRevisionRequiredError extends EventStoreError {
  override readonly name = "ExpectedRevisionRequiredError";
  constructor(readonly stream: string) {
    super(`append to money stream ${stream} must state its expected revision; "any" is refused`);
  }
}

/** The append request itself is malformed (empty, bad stream name, repeated id). */
export class InvalidAppendError extends EventStoreError {
  override readonly name = "InvalidAppendError";
  constructor(
    readonly stream: string,
    readonly problem: string,
  ) {
    super(`append to ${JSON.stringify(stream)} is invalid: ${problem}`);
  }
}

/**
 * A one-off global read waited too long for a transaction that was open when it
 * started; events it committed after could otherwise be missed. Usually a client
 * idle in a transaction: see pg_stat_activity.
 */
export class GlobalReadBlockedError extends EventStoreError {
  override readonly name = "GlobalReadBlockedError";
  constructor(
    readonly oldestOpenTransaction: bigint,
    readonly waitedMs: number,
  ) {
    super(
      `global read waited ${waitedMs} ms for transaction ${oldestOpenTransaction} to finish; ` +
        "find it with: SELECT pid, state, xact_start, query FROM pg_stat_activity WHERE backend_xid IS NOT NULL ORDER BY xact_start",
    );
  }
}
