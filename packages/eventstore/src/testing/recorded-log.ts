import type { AnyEvent } from "@bot/domain";
import type { RecordedEvent } from "../types.ts";

/**
 * An in-memory global log for projection tests: events of several streams recorded as the
 * store would return them (stream, revision, a growing position, `recordedAt` = domain time).
 */
export class RecordedLog<E extends AnyEvent> {
  readonly events: RecordedEvent<E>[] = [];
  #position = 0n;

  /** Records events of `stream` from `revision` on; returns them as recorded. */
  record(stream: string, events: readonly E[], revision: bigint): RecordedEvent<E>[] {
    return events.map((event, index) => {
      this.#position += 1n;
      const recorded = {
        ...event,
        stream,
        revision: revision + BigInt(index),
        position: { commit: this.#position, prepare: this.#position },
        recordedAt: event.metadata.occurredAt,
      } as RecordedEvent<E>;
      this.events.push(recorded);
      return recorded;
    });
  }

  /** The events of one stream, in order. */
  of(stream: string): RecordedEvent<E>[] {
    return this.events.filter((event) => event.stream === stream);
  }
}
