import {
  type DomainEvent,
  evolveThread,
  initialThreadState,
  parseThreadStream,
  type ThreadEvent,
  type ThreadKey,
  type ThreadState,
  threadEventDefinitions,
} from "@bot/domain";
import { type RecordedEvent, StreamNotFoundError } from "@bot/eventstore";

/**
 * Where a replay reads a thread from. Any `EventStore` fits, so an ops route in
 * the process that holds the store can serve replays with the same code.
 */
export interface ThreadEventSource {
  readStream(stream: string): AsyncIterable<RecordedEvent<DomainEvent>>;
}

/** A thread's events and the state they fold into. */
export interface ThreadReplay {
  readonly stream: string;
  readonly key: ThreadKey;
  /** The events replayed: all of the stream, or those up to `at`. */
  readonly events: readonly RecordedEvent<DomainEvent>[];
  /** The stream's last revision (events after `at` included). */
  readonly lastRevision: bigint;
  /** The `--at` revision asked for, or null for the whole stream. */
  readonly at: bigint | null;
  /** `foldThread` of the replayed events. */
  readonly state: ThreadState;
}

const threadEventTypes: ReadonlySet<string> = new Set(
  threadEventDefinitions.map((definition) => definition.type),
);

/** True for the events the thread model folds (a thread stream should hold nothing else). */
export function isThreadEvent(event: RecordedEvent<DomainEvent>): event is RecordedEvent<ThreadEvent> {
  return threadEventTypes.has(event.type);
}

/**
 * Reads a thread stream and folds it with the domain's `evolveThread`, up to and
 * including revision `at` when given. Read-only. Returns null when the stream
 * has no events. A stored event that no longer decodes raises the store's
 * CorruptEventError (stream and revision) — never skipped.
 *
 * An ops route can serve this from the process that holds an embedded store:
 * `replayToJson(await loadThreadReplay(infrastructure.store, stream))`.
 */
export async function loadThreadReplay(
  source: ThreadEventSource,
  stream: string,
  options: { readonly at?: bigint | null } = {},
): Promise<ThreadReplay | null> {
  const key = parseThreadStream(stream);
  if (!key) throw new Error(`${stream} is not a thread stream`);
  const at = options.at ?? null;
  const events: RecordedEvent<DomainEvent>[] = [];
  let lastRevision = -1n;
  let state = initialThreadState;
  try {
    for await (const event of source.readStream(stream)) {
      lastRevision = event.revision;
      if (at !== null && event.revision > at) continue;
      events.push(event);
      if (isThreadEvent(event)) state = evolveThread(state, event, stream);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return null;
    throw error;
  }
  if (lastRevision < 0n) return null;
  return { stream, key, events, lastRevision, at, state };
}
