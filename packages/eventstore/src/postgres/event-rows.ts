import type { AnyEvent, EventCodec } from "@bot/domain";
import { decodeStored } from "../codec.ts";
import type { RecordedEvent } from "../types.ts";

/** One row of the SQL event log as {@link EVENT_COLUMNS} selects it (`e` is `events`). */
export interface EventRow {
  readonly transaction_id: string;
  readonly global_position: string;
  readonly stream: string;
  readonly revision: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly recorded_at: Date | string;
}

/**
 * The select list of an {@link EventRow} from `events e`: 64-bit numbers as text, so
 * no driver rounds them.
 */
export const EVENT_COLUMNS = `e.transaction_id::text AS transaction_id, e.global_position::text AS global_position, e.stream,
       e.revision::text AS revision, e.type, e.data, e.metadata, e.recorded_at`;

/** Decodes a stored row through the codec (upcast, validate), with its position. */
export function decodeEventRow<E extends AnyEvent>(codec: EventCodec<E>, row: EventRow): RecordedEvent<E> {
  return decodeStored(codec, {
    stream: row.stream,
    revision: BigInt(row.revision),
    position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.global_position) },
    recordedAt: (row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at)).toISOString(),
    type: row.type,
    data: row.data,
    metadata: row.metadata,
  });
}
