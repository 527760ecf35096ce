import type { AnyEvent, EventCodec } from "@bot/domain";
import type { StorePolicy } from "../codec.ts";
import { flattenBatches, readAllByPages } from "../global-reads.ts";
import type { AllPage, EventStore, ReadAllPageOptions, SubscribeAllOptions } from "../types.ts";
import { esdbHeadPosition, readEsdbAllPage } from "./all-reads.ts";
import { appendToEsdb } from "./append.ts";
import type { EsdbClient } from "./client-port.ts";
import { readEsdbStream } from "./stream-reads.ts";
import { subscribeEsdbBatches } from "./subscription.ts";

/** Options of {@link createEsdbEventStore}. */
export interface EsdbEventStoreOptions<E extends AnyEvent> {
  /** An `EventStoreDBClient` (or anything with the methods the adapter calls). */
  readonly client: EsdbClient;
  /** Validates on write, decodes (upcasts) on read. */
  readonly codec: EventCodec<E>;
  readonly policy?: StorePolicy;
  /** Dispose `client` in {@link EventStore.close} (default false: the caller owns it). */
  readonly ownsClient?: boolean;
  /**
   * Test seam of the contract suite. ESDB has no client-side transaction, so it
   * runs just before the append is sent.
   */
  readonly insideAppendTransaction?: (stream: string) => Promise<void>;
  /**
   * How often live subscriptions get a checkpoint while the server skips
   * filtered-out events, in units of the server's 32-event search window (default 1).
   */
  readonly checkpointInterval?: number;
}

/**
 * The event store over EventStoreDB / KurrentDB (client 6.2). Our event ids are
 * the server's event ids, our positions its commit/prepare log positions, and
 * live subscriptions use the server's filtered `$all` subscription. Events of
 * the server itself (`$`-prefixed streams and types) are never returned.
 */
export function createEsdbEventStore<E extends AnyEvent>(options: EsdbEventStoreOptions<E>): EventStore<E> {
  const { client, codec } = options;
  const appendContext = {
    client,
    codec,
    policy: options.policy ?? {},
    insideAppendTransaction: options.insideAppendTransaction,
  };
  const subscribeContext = {
    client,
    codec,
    checkpointInterval: Math.max(1, options.checkpointInterval ?? 1),
  };
  const readAllPage = (pageOptions: ReadAllPageOptions): Promise<AllPage<E>> =>
    readEsdbAllPage(client, codec, pageOptions);
  const subscribeAllBatches = (subscribeOptions: SubscribeAllOptions) =>
    subscribeEsdbBatches(subscribeContext, subscribeOptions);
  let closed = false;

  return {
    append: (stream, events, appendOptions) => appendToEsdb(appendContext, stream, events, appendOptions),
    readStream: (stream, readOptions) => readEsdbStream(client, codec, stream, readOptions),
    readAll: (readOptions) => readAllByPages(readAllPage, readOptions),
    readAllPage,
    subscribeAll: (subscribeOptions) => flattenBatches(subscribeAllBatches(subscribeOptions)),
    subscribeAllBatches,
    headPosition: () => esdbHeadPosition(client),
    async close() {
      if (closed) return;
      closed = true;
      if (options.ownsClient) await client.dispose();
    },
  };
}
