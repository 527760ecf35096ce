import { type AnyEvent, type EventCodec, EventDecodeError, isMoneyStream } from "@bot/domain";
import { CorruptEventError, ExpectedRevisionRequiredError, InvalidAppendError } from "./errors.ts";
import type { Position } from "./position.ts";
import type { AppendOptions, RecordedEvent } from "./types.ts";

/** Settings every adapter applies the same way. */
export interface StorePolicy {
  /** Streams on which `expectedRevision: "any"` is refused. Default: money streams. */
  readonly requiresExpectedRevision?: (stream: string) => boolean;
}

const MAX_STREAM_NAME = 256;

/**
 * Validates an append request and encodes its events. Shared by every adapter so
 * that the rules (non-empty, unique ids, schema-valid events, no `any` on money
 * streams, stated revision) cannot drift apart.
 */
export function prepareAppend<E extends AnyEvent>(
  codec: EventCodec<E>,
  policy: StorePolicy,
  stream: string,
  events: readonly E[],
  options: AppendOptions,
): E[] {
  if (stream.length === 0 || stream.length > MAX_STREAM_NAME || stream.startsWith("$")) {
    throw new InvalidAppendError(
      stream,
      `stream names are 1-${MAX_STREAM_NAME} characters and may not start with $`,
    );
  }
  const expected = options.expectedRevision;
  if (typeof expected === "bigint" && expected < 0n) {
    throw new InvalidAppendError(stream, `expected revision ${expected} is negative; use "no_stream"`);
  }
  const requiresRevision = policy.requiresExpectedRevision ?? isMoneyStream;
  if (expected === "any" && requiresRevision(stream)) throw new ExpectedRevisionRequiredError(stream);
  if (events.length === 0) throw new InvalidAppendError(stream, "no events to append");
  const ids = new Set<string>();
  return events.map((event) => {
    const encoded = codec.encode(event);
    if (ids.has(encoded.metadata.eventId)) {
      throw new InvalidAppendError(stream, `event id ${encoded.metadata.eventId} appears twice`);
    }
    ids.add(encoded.metadata.eventId);
    return encoded;
  });
}

/** A stored event before decoding, as every adapter reads it. */
export interface StoredEvent {
  readonly stream: string;
  readonly revision: bigint;
  readonly position: Position;
  readonly recordedAt: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

/** Decodes a stored event, naming its stream and revision if it is corrupt. */
export function decodeStored<E extends AnyEvent>(
  codec: EventCodec<E>,
  stored: StoredEvent,
): RecordedEvent<E> {
  let event: E;
  try {
    event = codec.decode(stored);
  } catch (error) {
    const problem = error instanceof EventDecodeError ? error.problem : String(error);
    throw new CorruptEventError(stored.stream, stored.revision, stored.type, problem, { cause: error });
  }
  return {
    ...event,
    stream: stored.stream,
    revision: stored.revision,
    position: stored.position,
    recordedAt: stored.recordedAt,
  } as RecordedEvent<E>;
}
