import {
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  ANY,
  type AppendToStreamOptions,
  BACKWARDS,
  type AppendResult as EsdbAppendResult,
  type ReadAllOptions as EsdbReadAllOptions,
  type ReadStreamOptions as EsdbReadStreamOptions,
  StreamNotFoundError as EsdbStreamNotFoundError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
  type EventData,
  type JSONType,
  NO_STREAM,
  type ResolvedEvent,
  STREAM_EXISTS,
  type SubscribeToAllOptions,
} from "@eventstore/db-client";
import type { EsdbClient, EsdbRead } from "../client-port.ts";
import { FakeSubscription } from "./fake-subscription.ts";

/** Fields of an event put straight into the fake log. */
export interface FakeEventFields {
  readonly streamId: string;
  readonly type: string;
  readonly id?: string;
  readonly data?: unknown;
  readonly metadata?: unknown;
  readonly created?: Date;
}

/** The client's event shape, as the fake serves it. */
export function fakeResolved(event: AllStreamRecordedEvent): AllStreamResolvedEvent {
  return { event };
}

/**
 * An in-memory EventStoreDB with the server behaviours the adapter relies on:
 * inclusive `fromPosition` on `$all` reads, StreamNotFoundError raised while
 * iterating a missing stream, WrongExpectedVersionError (the client's class) on
 * a failed expectation. Every call is recorded for assertions.
 */
export class FakeEsdbClient implements EsdbClient {
  readonly log: AllStreamRecordedEvent[] = [];
  readonly appendCalls: { streamName: string; events: EventData[]; options: AppendToStreamOptions }[] = [];
  readonly readAllCalls: EsdbReadAllOptions[] = [];
  readonly readStreamCalls: { streamName: string; options: EsdbReadStreamOptions }[] = [];
  readonly subscriptions: { options: SubscribeToAllOptions; subscription: FakeSubscription }[] = [];
  cancelledReads = 0;
  disposed = 0;
  /** Replaces the simulated append (e.g. to throw a given error). */
  appendOverride: ((streamName: string, events: EventData[]) => Promise<EsdbAppendResult>) | undefined;
  /** Answer appends without a position, as some servers do for idempotent retries. */
  omitAppendPosition = false;

  /** Adds an event to the log at the next position (commit = prepare = 100 × n). */
  add(fields: FakeEventFields): AllStreamRecordedEvent {
    const position = BigInt(100 * (this.log.length + 1));
    const event = {
      streamId: fields.streamId,
      id: fields.id ?? `00000000-0000-4000-8000-${String(this.log.length).padStart(12, "0")}`,
      isJson: true as const,
      revision: BigInt(this.#streamEvents(fields.streamId).length),
      type: fields.type,
      created: fields.created ?? new Date("2024-01-01T00:00:00.000Z"),
      data: (fields.data ?? {}) as JSONType,
      metadata: fields.metadata as JSONType | undefined,
      position: { commit: position, prepare: position },
    };
    this.log.push(event);
    return event;
  }

  async appendToStream(
    streamName: string,
    events: EventData[],
    options: AppendToStreamOptions,
  ): Promise<EsdbAppendResult> {
    this.appendCalls.push({ streamName, events, options });
    if (this.appendOverride) return this.appendOverride(streamName, events);
    const current = this.#streamEvents(streamName).at(-1)?.revision ?? NO_STREAM;
    const expected = options.expectedRevision ?? ANY;
    const refused =
      (expected === NO_STREAM && current !== NO_STREAM) ||
      (expected === STREAM_EXISTS && current === NO_STREAM) ||
      (typeof expected === "bigint" && expected !== current);
    if (refused) throw new EsdbWrongExpectedVersionError(undefined, { streamName, expected, current });
    let last: AllStreamRecordedEvent | undefined;
    for (const event of events) {
      last = this.add({
        streamId: streamName,
        type: event.type,
        id: event.id,
        data: event.data,
        metadata: event.metadata,
      });
    }
    if (!last) throw new Error("fake: empty append");
    return {
      success: true,
      nextExpectedRevision: last.revision,
      ...(this.omitAppendPosition ? {} : { position: last.position }),
    };
  }

  readStream(streamName: string, options: EsdbReadStreamOptions): EsdbRead<ResolvedEvent> {
    this.readStreamCalls.push({ streamName, options });
    return this.#read(() => {
      const events = this.#streamEvents(streamName);
      if (events.length === 0) throw new EsdbStreamNotFoundError(undefined, streamName);
      const backwards = options.direction === BACKWARDS;
      const from = options.fromRevision ?? "start";
      const ordered = backwards ? [...events].reverse() : events;
      const sliced = ordered.filter((event) => {
        if (typeof from !== "bigint") return from === "start" ? true : backwards;
        return backwards ? event.revision <= from : event.revision >= from;
      });
      return sliced.slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER)).map(fakeResolved);
    });
  }

  readAll(options: EsdbReadAllOptions): EsdbRead<AllStreamResolvedEvent> {
    this.readAllCalls.push(options);
    return this.#read(() => {
      const backwards = options.direction === BACKWARDS;
      const from = options.fromPosition ?? "start";
      const ordered = backwards ? [...this.log].reverse() : this.log;
      const sliced = ordered.filter((event) => {
        if (typeof from === "string") return from === "start" ? !backwards : backwards;
        const at = event.position;
        const cmp = at.commit === from.commit ? at.prepare - from.prepare : at.commit - from.commit;
        return backwards ? cmp <= 0n : cmp >= 0n;
      });
      return sliced.slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER)).map(fakeResolved);
    });
  }

  subscribeToAll(options: SubscribeToAllOptions): FakeSubscription {
    const subscription = new FakeSubscription();
    this.subscriptions.push({ options, subscription });
    return subscription;
  }

  async dispose(): Promise<void> {
    this.disposed++;
  }

  #streamEvents(streamName: string): AllStreamRecordedEvent[] {
    return this.log.filter((event) => event.streamId === streamName);
  }

  /** A read that runs `produce` on first iteration, like the client's lazy gRPC reads. */
  #read<T>(produce: () => T[]): EsdbRead<T> {
    const onCancel = () => {
      this.cancelledReads++;
    };
    return {
      async *[Symbol.asyncIterator]() {
        for (const item of produce()) yield item;
      },
      async cancel() {
        onCancel();
      },
    };
  }
}
