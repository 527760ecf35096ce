import type { AnyEvent, EventCodec } from "@bot/domain";
import {
  type AllStreamSubscription,
  type Position as EsdbPosition,
  eventTypeFilter,
  excludeSystemEvents,
  type Filter,
  streamNameFilter,
} from "@eventstore/db-client";
import { DEFAULT_PAGE_SIZE } from "../global-reads.ts";
import { comparePositions, maxPosition, type Position, START } from "../position.ts";
import type { AllFilter, AllPage, RecordedEvent, SubscribeAllOptions } from "../types.ts";
import type { EsdbClient } from "./client-port.ts";
import { fromEsdbPosition, toEsdbReadPosition } from "./error-mapping.ts";
import { decodeEsdbEvent, isSystemEvent, matchesFilter } from "./recorded.ts";
import { SubscriptionFeed } from "./subscription-feed.ts";

/** What a subscription needs from the store. */
export interface EsdbSubscribeContext<E extends AnyEvent> {
  readonly client: EsdbClient;
  readonly codec: EventCodec<E>;
  /** Checkpoint every `checkpointInterval` × 32 filtered-out events (the server's search window). */
  readonly checkpointInterval: number;
}

type CheckpointReached = (subscription: AllStreamSubscription, position: EsdbPosition) => void;

/**
 * The server-side filter for a global filter. Stream prefixes are the
 * selective condition of our readers, so they win when both are given (event
 * types are then checked here). Server type filters match type prefixes, so
 * types are always re-checked exactly on the client. With no usable condition,
 * system events are excluded.
 */
export function esdbServerFilter(
  filter: AllFilter | undefined,
  checkpointInterval: number,
  checkpointReached: CheckpointReached,
): Filter {
  const options = { checkpointInterval, checkpointReached };
  const prefixes = filter?.streamPrefixes;
  const types = filter?.eventTypes;
  if (prefixes && prefixes.length > 0) return streamNameFilter({ prefixes: [...prefixes], ...options });
  if (prefixes === undefined && types && types.length > 0)
    return eventTypeFilter({ prefixes: [...types], ...options });
  return excludeSystemEvents(options);
}

/**
 * Catch-up then live subscription to `$all` in batches, on the server's native
 * subscription. Each batch is what was available at once (at most `maxBatch`
 * events); checkpoints of the server's filter advance `next` past filtered-out
 * events (an empty batch when no event is pending). Server checkpoints are
 * `(next record, 0)` positions while events sit at `(p, p)`: both order
 * correctly and both are valid places to resume from. `isEnd` is true when the
 * buffer was drained and the server has not said it fell behind.
 */
export async function* subscribeEsdbBatches<E extends AnyEvent>(
  context: EsdbSubscribeContext<E>,
  options: SubscribeAllOptions,
): AsyncGenerator<AllPage<E>> {
  const { signal, filter, after } = options;
  if (signal.aborted) return;
  const maxBatch = Math.max(1, Math.floor(options.maxBatch ?? DEFAULT_PAGE_SIZE));
  const feed = new SubscriptionFeed(Math.max(2 * maxBatch, 256));
  // fromPosition is exclusive for subscriptions; events at or before `after` are still skipped below.
  const subscription = context.client.subscribeToAll({
    fromPosition: toEsdbReadPosition(after),
    filter: esdbServerFilter(filter, context.checkpointInterval, feed.onCheckpoint),
  });
  feed.attach(subscription);
  let next: Position = after ?? START;
  let behind = false;
  try {
    while (!signal.aborted) {
      const items = await feed.take(maxBatch, signal);
      if (signal.aborted) return;
      const start = next;
      const events: RecordedEvent<E>[] = [];
      for (const item of items) {
        if (item.kind === "caughtUp" || item.kind === "fellBehind") {
          behind = item.kind === "fellBehind";
          continue;
        }
        if (item.kind === "checkpoint") {
          next = maxPosition(next, fromEsdbPosition(item.position));
          continue;
        }
        const event = item.resolved.event;
        if (!event) continue;
        const position = fromEsdbPosition(event.position);
        if (after && comparePositions(position, after) <= 0) continue;
        next = maxPosition(next, position);
        if (isSystemEvent(event) || !matchesFilter(event, filter)) continue;
        events.push(decodeEsdbEvent(context.codec, event, position));
      }
      if (events.length > 0 || comparePositions(next, start) !== 0) {
        yield { events, next, isEnd: feed.drained && !behind };
      }
    }
  } finally {
    await feed.close();
  }
}
