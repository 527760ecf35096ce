import type { AnyEvent, EventCodec } from "@bot/domain";
import { BACKWARDS, END, FORWARDS, type ReadPosition } from "@eventstore/db-client";
import { comparePositions, type Position, START } from "../position.ts";
import type { AllPage, ReadAllPageOptions, RecordedEvent } from "../types.ts";
import { consumeRead, type EsdbClient } from "./client-port.ts";
import { fromEsdbPosition, isBeforeEveryEvent, toEsdbReadPosition } from "./error-mapping.ts";
import { decodeEsdbEvent, isSystemEvent, matchesFilter } from "./recorded.ts";

const MAX_PAGE = 10_000;
/** Events read per step when looking for the head behind system events. */
const HEAD_PAGE = 100;

/**
 * Reads one page of `$all` after `options.after`.
 *
 * The 6.2 client's `readAll` has no server-side filter, so the page is
 * `maxCount` raw events of the log, filtered here: system events and events the
 * filter rejects are scanned but not returned, and `next` is the position of the
 * last event scanned, so a filtered reader checkpoints past what it skips.
 * `fromPosition` is inclusive on the server while `after` is exclusive: the
 * event at `after` is dropped (one more is requested for it). One event beyond
 * the page is requested too: if it comes back the page is not the end, if not
 * the page reached the end of the log, so `isEnd` is exact without a further read.
 */
export async function readEsdbAllPage<E extends AnyEvent>(
  client: EsdbClient,
  codec: EventCodec<E>,
  options: ReadAllPageOptions,
): Promise<AllPage<E>> {
  const maxCount = Math.max(1, Math.min(MAX_PAGE, Math.floor(options.maxCount)));
  const after = options.after && !isBeforeEveryEvent(options.after) ? options.after : undefined;
  const requested = maxCount + 1 + (after ? 1 : 0);
  const read = client.readAll({
    fromPosition: toEsdbReadPosition(after),
    direction: FORWARDS,
    maxCount: requested,
  });

  const events: RecordedEvent<E>[] = [];
  let next: Position = options.after ?? START;
  let scanned = 0;
  let full = false;
  for await (const resolved of consumeRead(read)) {
    const event = resolved.event;
    if (!event) continue;
    const position = fromEsdbPosition(event.position);
    if (after && comparePositions(position, after) <= 0) continue;
    if (scanned === maxCount) {
      // The look-ahead event exists: the page is full and not the end.
      full = true;
      break;
    }
    scanned++;
    next = position;
    if (isSystemEvent(event) || !matchesFilter(event, options.filter)) continue;
    events.push(decodeEsdbEvent(codec, event, position));
  }
  return { events, next, isEnd: !full };
}

/**
 * Position of the last non-system event of `$all`, or null. The server writes
 * its own events (statistics, projections) behind ours, so this reads backwards
 * in steps until it finds one of ours or the start of the log.
 */
export async function esdbHeadPosition(client: EsdbClient): Promise<Position | null> {
  let from: ReadPosition = END;
  let cursor: Position | undefined;
  for (;;) {
    let raw = 0;
    let oldest: Position | undefined;
    for await (const resolved of consumeRead(
      client.readAll({ fromPosition: from, direction: BACKWARDS, maxCount: HEAD_PAGE }),
    )) {
      raw++;
      const event = resolved.event;
      if (!event) continue;
      const position = fromEsdbPosition(event.position);
      // Whether a backwards read includes its start position is not ours to rely on.
      if (cursor && comparePositions(position, cursor) >= 0) continue;
      oldest = position;
      if (!isSystemEvent(event)) return position;
    }
    if (raw < HEAD_PAGE || !oldest) return null;
    cursor = oldest;
    from = oldest;
  }
}
