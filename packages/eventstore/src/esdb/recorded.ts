import type { AnyEvent, EventCodec } from "@bot/domain";
import type { RecordedEvent as EsdbRecordedEvent } from "@eventstore/db-client";
import { decodeStored } from "../codec.ts";
import type { Position } from "../position.ts";
import type { AllFilter, RecordedEvent } from "../types.ts";

/** What the adapter looks at to classify an event of the server. */
export interface EsdbEventIdentity {
  readonly streamId: string;
  readonly type: string;
}

/**
 * Whether an event belongs to EventStoreDB itself: system streams (`$stats-…`,
 * `$$…` metadata streams, projections) and system types (`$>` links,
 * `$metadata`, …). Our stream names and types never start with `$`.
 */
export function isSystemEvent(event: EsdbEventIdentity): boolean {
  return event.type.startsWith("$") || event.streamId.startsWith("$");
}

/** Whether an event passes a global-read filter (both conditions when both are given). */
export function matchesFilter(event: EsdbEventIdentity, filter: AllFilter | undefined): boolean {
  if (filter?.streamPrefixes && !filter.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) {
    return false;
  }
  if (filter?.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  return true;
}

/**
 * Decodes an event read from the server through the shared codec path, so an
 * undecodable one raises CorruptEventError naming its stream and revision.
 * Binary (non-JSON) payloads reach the codec as bytes and fail there.
 */
export function decodeEsdbEvent<E extends AnyEvent>(
  codec: EventCodec<E>,
  event: EsdbRecordedEvent,
  position: Position,
): RecordedEvent<E> {
  return decodeStored(codec, {
    stream: event.streamId,
    revision: event.revision,
    position,
    recordedAt: event.created.toISOString(),
    type: event.type,
    data: event.data,
    metadata: event.metadata,
  });
}
