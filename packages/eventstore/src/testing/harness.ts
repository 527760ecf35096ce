import type { AnyEvent, EventCodec } from "@bot/domain";
import type { EventStore } from "../types.ts";

/** What a contract test asks of an adapter. */
export interface OpenStoreOptions<E extends AnyEvent> {
  readonly codec: EventCodec<E>;
  /**
   * Delay inside the append's transaction before it commits (adapters without
   * client-side transactions run it just before the append instead).
   */
  readonly insideAppendTransaction?: (stream: string) => Promise<void>;
}

/**
 * Opens stores of one adapter over one shared backing database. Tests isolate
 * themselves by unique stream-name prefixes, so the same harness works for a
 * fresh PGlite, a shared server Postgres and an EventStoreDB node.
 */
export interface ContractHarness {
  /** Adapter name shown in test titles. */
  readonly name: string;
  /**
   * Whether an event id is unique across the whole log. PostgreSQL enforces it with
   * a unique index; EventStoreDB only recognises ids within the target stream
   * (docs/decisions/0003-eventstoredb-adapter.md), so that one test is adapter-specific.
   */
  readonly uniqueEventIdsAcrossStreams: boolean;
  /** Opens a store on the shared backing database; closed by {@link close}. */
  open<E extends AnyEvent>(options: OpenStoreOptions<E>): Promise<EventStore<E>>;
  /** Closes every store opened and the backing connections. */
  close(): Promise<void>;
}
