import type {
  AllStreamResolvedEvent,
  AppendToStreamOptions,
  AppendResult as EsdbAppendResult,
  ReadAllOptions as EsdbReadAllOptions,
  ReadStreamOptions as EsdbReadStreamOptions,
  EventData,
  ResolvedEvent,
  SubscribeToAllOptions,
} from "@eventstore/db-client";

/**
 * A read the adapter may stop before its end. The client's reads are Node streams
 * over a gRPC call with no deadline: leaving one early without `cancel` keeps the
 * call open on the server, so the adapter cancels when it stops early.
 */
export interface EsdbRead<T> extends AsyncIterable<T> {
  cancel?(): Promise<void>;
}

/**
 * The parts of a live `subscribeToAll` the adapter uses (a Node Readable in the
 * real client). Events arrive as `data`; `caughtUp`/`fellBehind` are sent by
 * servers that support them; `readableLength` counts events pushed but not yet
 * delivered, which orders checkpoints after the events before them.
 */
export interface EsdbSubscription {
  on(event: "data", listener: (resolved: AllStreamResolvedEvent) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "end" | "caughtUp" | "fellBehind", listener: () => void): unknown;
  pause(): unknown;
  resume(): unknown;
  readonly readableLength: number;
  unsubscribe(): Promise<void>;
}

/**
 * The methods of `EventStoreDBClient` (6.2) the adapter calls. The real client
 * satisfies it; tests pass a fake.
 */
export interface EsdbClient {
  appendToStream(
    streamName: string,
    events: EventData[],
    options: AppendToStreamOptions,
  ): Promise<EsdbAppendResult>;
  readStream(streamName: string, options: EsdbReadStreamOptions): EsdbRead<ResolvedEvent>;
  readAll(options: EsdbReadAllOptions): EsdbRead<AllStreamResolvedEvent>;
  subscribeToAll(options: SubscribeToAllOptions): EsdbSubscription;
  dispose(): Promise<void>;
}

/**
 * Iterates a client read; if the consumer stops early (break, return, a thrown
 * decode error), cancels the underlying gRPC call.
 */
export async function* consumeRead<T>(read: EsdbRead<T>): AsyncGenerator<T> {
  let completed = false;
  try {
    for await (const item of read) yield item;
    completed = true;
  } finally {
    if (!completed && read.cancel) {
      // Best-effort cleanup: the error or early return that got us here matters more.
      await read.cancel().catch(() => undefined);
    }
  }
}
