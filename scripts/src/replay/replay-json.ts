import type { ThreadReplay } from "./thread-replay.ts";

/** bigints as decimal strings (JSON has no 64-bit integers), Sets as arrays. */
function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Set) return [...value];
  return value;
}

/**
 * The replay as one JSON document: the stream, its key, the events (stream,
 * revision, position, recordedAt, type, data, metadata) and the folded state.
 * What `--json` prints, and what an ops route would return.
 */
export function replayToJson(replay: ThreadReplay): string {
  return JSON.stringify(
    {
      stream: replay.stream,
      key: replay.key,
      at: replay.at,
      lastRevision: replay.lastRevision,
      events: replay.events.map((event) => ({
        stream: event.stream,
        revision: event.revision,
        position: event.position,
        recordedAt: event.recordedAt,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
      })),
      state: replay.state,
    },
    jsonValue,
    2,
  );
}
