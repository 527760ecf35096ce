import type { AnyEvent } from "@bot/domain";
import { describe } from "vitest";
import { createEsdbClient, createEsdbEventStore } from "../src/esdb/index.ts";
import { describeEventStoreContract } from "../src/testing/contract-suite.ts";
import type { ContractHarness, OpenStoreOptions } from "../src/testing/harness.ts";
import type { EventStore } from "../src/types.ts";

const url = process.env.EVENTSTORE_URL;

/**
 * Stores over one shared client to the node at `connectionString`. Tests isolate
 * themselves by unique stream prefixes, so the node needs no cleanup; closing
 * disposes the shared client.
 */
async function esdbHarness(connectionString: string): Promise<ContractHarness> {
  const client = createEsdbClient(connectionString);
  const closers: (() => Promise<void>)[] = [];
  return {
    name: "eventstoredb",
    uniqueEventIdsAcrossStreams: false,
    async open<E extends AnyEvent>(options: OpenStoreOptions<E>): Promise<EventStore<E>> {
      const store = createEsdbEventStore<E>({
        client,
        codec: options.codec,
        ...(options.insideAppendTransaction
          ? { insideAppendTransaction: options.insideAppendTransaction }
          : {}),
      });
      closers.push(() => store.close());
      return store;
    },
    async close() {
      for (const close of closers) await close();
      await client.dispose();
    },
  };
}

// Runs whenever EVENTSTORE_URL is set (esdb:// or kurrentdb://); otherwise reported as skipped.
describe.runIf(url)("event store contract: EventStoreDB (EVENTSTORE_URL)", () => {
  describeEventStoreContract(() => esdbHarness(url as string));
});
