import type { AnyEvent } from "@bot/domain";
import type { Position } from "./position.ts";

/**
 * The revision a writer expects the stream to be at:
 * - `"no_stream"`: the stream must not exist (first append);
 * - `"stream_exists"`: the stream must exist, at any revision;
 * - a bigint: the revision of the stream's last event must be exactly this;
 * - `"any"`: no check. Refused for money streams (`user-*`, `settings`).
 */
export type ExpectedRevision = "no_stream" | "stream_exists" | "any" | bigint;

/** Options of {@link EventStore.append}. The expected revision is always stated. */
export interface AppendOptions {
  readonly expectedRevision: ExpectedRevision;
}

/** Outcome of a successful append. */
export interface AppendResult {
  /** Revision of the last event written; pass it as `expectedRevision` next time. */
  readonly nextRevision: bigint;
  /** Global position of the last event written (for read-your-writes). */
  readonly position: Position;
}

/** An event as stored: the event plus where it is. */
export type RecordedEvent<E extends AnyEvent = AnyEvent> = E & {
  /** Stream name. */
  readonly stream: string;
  /** 0-based index of the event in its stream. */
  readonly revision: bigint;
  /** Place in the global log. */
  readonly position: Position;
  /** When the store committed it (ISO-8601); `metadata.occurredAt` is the domain time. */
  readonly recordedAt: string;
};

/** Options of {@link EventStore.readStream}. */
export interface ReadStreamOptions {
  /** Start here (inclusive). Default: the first event forwards, the last event backwards. */
  readonly fromRevision?: bigint | "start" | "end";
  /** Default forwards. */
  readonly direction?: "forwards" | "backwards";
  /** Stop after this many events. Default: no limit. */
  readonly maxCount?: number;
}

/** Which events a global read returns. Both conditions must hold when both are given. */
export interface AllFilter {
  /** Stream name prefixes, e.g. `["thread-", "user-"]`. */
  readonly streamPrefixes?: readonly string[];
  /** Event types, e.g. `["MessageReceived"]`. */
  readonly eventTypes?: readonly string[];
}

/** Options of {@link EventStore.readAll}. */
export interface ReadAllOptions {
  /** Read strictly after this position. Default: from the start. */
  readonly after?: Position;
  readonly filter?: AllFilter;
  /** Stop after this many events. Default: until the end of the log at the time of reading. */
  readonly maxCount?: number;
}

/** Options of {@link EventStore.readAllPage}. */
export interface ReadAllPageOptions {
  readonly after?: Position;
  readonly filter?: AllFilter;
  /** Page size, 1-10 000. */
  readonly maxCount: number;
}

/** One page of the global log. */
export interface AllPage<E extends AnyEvent = AnyEvent> {
  /** Matching events in global order. */
  readonly events: RecordedEvent<E>[];
  /**
   * Where to continue reading from. At least the last event's position; when the
   * page ends the log it may be further on: everything up to it was scanned, so a
   * filtered reader checkpoints past events it does not handle.
   */
  readonly next: Position;
  /** True when the page reached the end of the log as visible now (caught up). */
  readonly isEnd: boolean;
}

/** Options of {@link EventStore.subscribeAll}. */
export interface SubscribeAllOptions {
  readonly after?: Position;
  readonly filter?: AllFilter;
  /** Ends the subscription: the iterator returns normally. */
  readonly signal: AbortSignal;
  /** Largest batch {@link EventStore.subscribeAllBatches} yields (default 1000). */
  readonly maxBatch?: number;
}

/**
 * The event store port (docs/architecture.md). Implemented by the PostgreSQL
 * adapter (server Postgres through `pg`, embedded through PGlite) and the
 * EventStoreDB adapter; one contract suite checks them all.
 */
export interface EventStore<E extends AnyEvent = AnyEvent> {
  /**
   * Appends events to a stream if it is at the expected revision. Atomic: all or
   * none. Retrying with the same event ids after an unknown outcome is safe: if
   * they were written, the original result is returned and nothing is added.
   *
   * @throws WrongExpectedVersionError when the stream is elsewhere.
   * @throws DuplicateEventIdError when an id is already used by a different append.
   * @throws ExpectedRevisionRequiredError for `any` on a money stream.
   * @throws EventValidationError when an event fails its schema (nothing written).
   */
  append(stream: string, events: readonly E[], options: AppendOptions): Promise<AppendResult>;
  /**
   * Reads one stream in revision order.
   * @throws StreamNotFoundError when the stream has no events.
   * @throws CorruptEventError naming stream and revision of an undecodable event.
   */
  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent<E>>;
  /** Reads the global log after a position, to its current end. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent<E>>;
  /** Reads one page of the global log (the building block of runners). */
  readAllPage(options: ReadAllPageOptions): Promise<AllPage<E>>;
  /** Catches up from `after`, then follows new events live until `signal` aborts. */
  subscribeAll(options: SubscribeAllOptions): AsyncIterable<RecordedEvent<E>>;
  /**
   * Like {@link subscribeAll}, in batches: each is what was available at once (up
   * to `maxBatch`) with the position to checkpoint. Batches with no events are
   * yielded when the scan moved past filtered-out events.
   */
  subscribeAllBatches(options: SubscribeAllOptions): AsyncIterable<AllPage<E>>;
  /** Position of the last event visible to global readers, or null for an empty log. */
  headPosition(): Promise<Position | null>;
  /** Releases connections owned by the store (not a client passed in). */
  close(): Promise<void>;
}
