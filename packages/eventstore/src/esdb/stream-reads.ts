import type { AnyEvent, EventCodec } from "@bot/domain";
import { BACKWARDS, END } from "@eventstore/db-client";
import type { ReadStreamOptions, RecordedEvent } from "../types.ts";
import { consumeRead, type EsdbClient } from "./client-port.ts";
import { isEsdbStreamMissing, mapReadError, requirePosition, toEsdbStreamRead } from "./error-mapping.ts";
import { decodeEsdbEvent } from "./recorded.ts";

/**
 * Reads one stream in revision order. The client reports a missing stream by
 * failing the iteration (not the call), so the mapping to our
 * StreamNotFoundError wraps the iteration itself.
 */
export async function* readEsdbStream<E extends AnyEvent>(
  client: EsdbClient,
  codec: EventCodec<E>,
  stream: string,
  options: ReadStreamOptions = {},
): AsyncGenerator<RecordedEvent<E>> {
  const maxCount = options.maxCount;
  // As in the PostgreSQL adapter, a read of nothing reads nothing (no existence check).
  if (maxCount !== undefined && Math.floor(maxCount) <= 0) return;
  const from = options.fromRevision;
  // Backwards from before revision 0 is an empty slice; the read below only checks the stream exists.
  const emptySlice = options.direction === "backwards" && typeof from === "bigint" && from < 0n;
  const read = client.readStream(
    stream,
    emptySlice
      ? { direction: BACKWARDS, fromRevision: END, maxCount: 1 }
      : {
          ...toEsdbStreamRead(options),
          ...(maxCount !== undefined && Number.isFinite(maxCount) ? { maxCount: Math.floor(maxCount) } : {}),
        },
  );
  try {
    for await (const resolved of consumeRead(read)) {
      const event = resolved.event;
      // Links and system events are the server's, never ours.
      if (emptySlice || !event || event.type.startsWith("$")) continue;
      yield decodeEsdbEvent(codec, event, requirePosition(event.position, `${stream}@${event.revision}`));
    }
  } catch (error) {
    throw mapReadError(error, stream);
  }
}

/** The revision of a stream's last event, or "no_stream". */
export async function currentEsdbRevision(client: EsdbClient, stream: string): Promise<bigint | "no_stream"> {
  try {
    for await (const resolved of consumeRead(
      client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }),
    )) {
      if (resolved.event) return resolved.event.revision;
    }
    return "no_stream";
  } catch (error) {
    if (isEsdbStreamMissing(error)) return "no_stream";
    throw error;
  }
}
