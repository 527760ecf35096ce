import type { AnyEvent, EventCodec } from "@bot/domain";
import {
  type AppendResult as EsdbAppendResult,
  type Position as EsdbPosition,
  type EventData,
  FORWARDS,
  type JSONType,
  jsonEvent,
} from "@eventstore/db-client";
import { prepareAppend, type StorePolicy } from "../codec.ts";
import { DuplicateEventIdError, EventStoreError, WrongExpectedVersionError } from "../errors.ts";
import type { AppendOptions, AppendResult, ExpectedRevision } from "../types.ts";
import { consumeRead, type EsdbClient } from "./client-port.ts";
import {
  fromEsdbPosition,
  isEsdbStreamMissing,
  isEsdbWrongExpectedVersion,
  mapAppendError,
  requirePosition,
  toEsdbExpectedRevision,
} from "./error-mapping.ts";
import { currentEsdbRevision } from "./stream-reads.ts";

/** What an append needs from the store. */
export interface EsdbAppendContext<E extends AnyEvent> {
  readonly client: EsdbClient;
  readonly codec: EventCodec<E>;
  readonly policy: StorePolicy;
  /** Contract-suite seam; ESDB has no client transaction, so it runs just before the append. */
  readonly insideAppendTransaction?: ((stream: string) => Promise<void>) | undefined;
}

/** One of our (already encoded) events as the client's JSON event, keyed by our event id. */
export function toEsdbEventData(event: AnyEvent): EventData {
  // Our ids are the idempotency keys: the server deduplicates retried appends by them.
  return jsonEvent({
    id: event.metadata.eventId,
    type: event.type,
    data: event.data as JSONType,
    metadata: event.metadata,
  });
}

interface StoredSlot {
  readonly id: string;
  readonly revision: bigint;
  readonly position: EsdbPosition | undefined;
}

/** Up to `count` events of a stream from `first` on; none when the stream is missing. */
async function readSlots(
  client: EsdbClient,
  stream: string,
  first: bigint,
  count: number,
): Promise<StoredSlot[]> {
  const slots: StoredSlot[] = [];
  try {
    const read = client.readStream(stream, { direction: FORWARDS, fromRevision: first, maxCount: count });
    for await (const { event } of consumeRead(read)) {
      if (event) slots.push({ id: event.id, revision: event.revision, position: event.position });
    }
  } catch (error) {
    if (!isEsdbStreamMissing(error)) throw error;
  }
  return slots;
}

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The server refused the append. The server already treats a retry with the
 * same ids at the same expected revision as idempotent; this covers what it
 * reports as a conflict instead: if our ids sit exactly where the append would
 * have landed, it is a retry of a write that succeeded (return its result); if
 * some of them are there, the ids were reused (DuplicateEventIdError); else the
 * stream is elsewhere (WrongExpectedVersionError with the server's revision).
 */
async function resolveRefusedAppend(
  client: EsdbClient,
  stream: string,
  events: readonly AnyEvent[],
  expected: ExpectedRevision,
  cause: unknown,
): Promise<AppendResult> {
  const first = expected === "no_stream" ? 0n : typeof expected === "bigint" ? expected + 1n : undefined;
  if (first !== undefined) {
    const ids = events.map((event) => event.metadata.eventId);
    const slots = await readSlots(client, stream, first, ids.length);
    const last = slots[slots.length - 1];
    if (last && slots.length === ids.length && slots.every((slot, i) => sameId(slot.id, ids[i] ?? ""))) {
      return {
        nextRevision: last.revision,
        position: requirePosition(last.position, `${stream}@${last.revision}`),
      };
    }
    const reused = slots.filter((slot) => ids.some((id) => sameId(id, slot.id)));
    if (reused.length > 0) {
      throw new DuplicateEventIdError(
        stream,
        reused.map((slot) => slot.id),
        `already stored at ${reused.map((slot) => `${stream}@${slot.revision}`).join(", ")}`,
        { cause },
      );
    }
  }
  if (isEsdbWrongExpectedVersion(cause)) throw mapAppendError(cause, stream, expected);
  throw new WrongExpectedVersionError(stream, expected, await currentEsdbRevision(client, stream), { cause });
}

/**
 * The position of the append's last event when the server's answer had none
 * (some servers omit it for idempotent retries): read it back by revision and
 * check it is ours.
 */
async function positionOfAppended(client: EsdbClient, stream: string, revision: bigint, lastId: string) {
  const [slot] = await readSlots(client, stream, revision, 1);
  if (slot?.position && sameId(slot.id, lastId)) return fromEsdbPosition(slot.position);
  throw new EventStoreError(
    `EventStoreDB returned no log position for the append to ${stream} ending at revision ${revision}, and it could not be read back`,
  );
}

/** Validates, encodes and appends through the shared `prepareAppend` rules. */
export async function appendToEsdb<E extends AnyEvent>(
  context: EsdbAppendContext<E>,
  stream: string,
  events: readonly E[],
  options: AppendOptions,
): Promise<AppendResult> {
  const encoded = prepareAppend(context.codec, context.policy, stream, events, options);
  const expectedRevision = toEsdbExpectedRevision(options.expectedRevision);
  if (context.insideAppendTransaction) await context.insideAppendTransaction(stream);
  let result: EsdbAppendResult;
  try {
    result = await context.client.appendToStream(stream, encoded.map(toEsdbEventData), { expectedRevision });
  } catch (error) {
    if (isEsdbWrongExpectedVersion(error)) {
      return resolveRefusedAppend(context.client, stream, encoded, options.expectedRevision, error);
    }
    throw error;
  }
  // A client built with throwOnAppendFailure=false reports the refusal in the result.
  if (!result.success)
    return resolveRefusedAppend(context.client, stream, encoded, options.expectedRevision, undefined);
  const lastId = encoded[encoded.length - 1]?.metadata.eventId ?? "";
  const position = result.position
    ? fromEsdbPosition(result.position)
    : await positionOfAppended(context.client, stream, result.nextExpectedRevision, lastId);
  return { nextRevision: result.nextExpectedRevision, position };
}
