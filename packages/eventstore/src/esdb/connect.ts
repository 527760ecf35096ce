import type { AnyEvent } from "@bot/domain";
import { EventStoreDBClient } from "@eventstore/db-client";
import type { EventStore } from "../types.ts";
import type { EsdbClient } from "./client-port.ts";
import { createEsdbEventStore, type EsdbEventStoreOptions } from "./esdb-event-store.ts";

/**
 * The connection string as the 6.2 client parses it. KurrentDB speaks the same
 * protocol, but the client only knows the `esdb` schemes, so `kurrentdb://` and
 * `kurrentdb+discover://` (accepted by our config) are renamed.
 */
export function toEsdbConnectionString(connectionString: string): string {
  return connectionString.replace(/^kurrentdb(\+discover)?:\/\//i, (_match, discover: string | undefined) => {
    return `esdb${discover ?? ""}://`;
  });
}

/** A client for an `esdb://`, `esdb+discover://` or `kurrentdb://` connection string. */
export function createEsdbClient(connectionString: string): EsdbClient {
  return EventStoreDBClient.connectionString(toEsdbConnectionString(connectionString));
}

/**
 * An event store over a client built from a connection string. The store owns
 * that client (disposed on close) unless `ownsClient` is false. The client
 * connects lazily: a wrong address surfaces on the first operation.
 */
export function connectEsdbEventStore<E extends AnyEvent>(
  connectionString: string,
  options: Omit<EsdbEventStoreOptions<E>, "client">,
): EventStore<E> {
  return createEsdbEventStore({
    ...options,
    client: createEsdbClient(connectionString),
    ownsClient: options.ownsClient ?? true,
  });
}
