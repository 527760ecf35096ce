import {
  type AllStreamRecordedEvent,
  type AllStreamSubscription,
  START as ESDB_START,
  type Position as EsdbPosition,
  type SubscribeToAllOptions,
} from "@eventstore/db-client";
import { describe, expect, it } from "vitest";
import { createEsdbEventStore } from "../src/esdb/index.ts";
import { FakeEsdbClient, fakeResolved } from "../src/esdb/testing/fake-esdb-client.ts";
import type { FakeSubscription } from "../src/esdb/testing/fake-subscription.ts";
import type { Position } from "../src/position.ts";
import { itemAdded, type TestEvent, testEvents } from "../src/testing/test-events.ts";
import type { AllFilter, AllPage, RecordedEvent } from "../src/types.ts";

type Batches = AsyncIterator<AllPage<TestEvent>>;

const skus = (events: readonly RecordedEvent<TestEvent>[]) =>
  events.map((event) => (event.type === "ItemAdded" ? event.data.sku : event.type));

/** An event of ours at a given log position (the fake subscription does not read the fake log). */
function ours(stream: string, sku: string, at: bigint, type: "ItemAdded" | "ItemRemoved" = "ItemAdded") {
  const event = itemAdded(sku);
  const recorded: AllStreamRecordedEvent = {
    streamId: stream,
    id: event.metadata.eventId,
    isJson: true,
    revision: 0n,
    type,
    created: new Date("2024-01-01T00:00:00.000Z"),
    data: type === "ItemAdded" ? { ...event.data } : { sku },
    metadata: { ...event.metadata },
    position: { commit: at, prepare: at },
  };
  return fakeResolved(recorded);
}

function system(at: bigint) {
  const recorded: AllStreamRecordedEvent = {
    streamId: "$stats-node",
    id: "00000000-0000-4000-8000-000000000001",
    isJson: true,
    revision: 0n,
    type: "$statsCollected",
    created: new Date(0),
    data: {},
    metadata: undefined,
    position: { commit: at, prepare: at },
  };
  return fakeResolved(recorded);
}

/** Starts a batch subscription and returns it with the fake server side. */
function subscribe(
  options: { filter?: AllFilter; after?: Position; maxBatch?: number; checkpointInterval?: number } = {},
) {
  const client = new FakeEsdbClient();
  const controller = new AbortController();
  const store = createEsdbEventStore<TestEvent>({
    client,
    codec: testEvents,
    ...(options.checkpointInterval ? { checkpointInterval: options.checkpointInterval } : {}),
  });
  const batches: Batches = store
    .subscribeAllBatches({
      signal: controller.signal,
      ...(options.filter ? { filter: options.filter } : {}),
      ...(options.after ? { after: options.after } : {}),
      ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}),
    })
    [Symbol.asyncIterator]();
  // The generator subscribes when first pulled.
  const first = batches.next();
  const entry = client.subscriptions[0];
  if (!entry) throw new Error("expected subscribeToAll to be called on the first pull");
  const checkpoint = (position: EsdbPosition) => {
    const reached = entry.options.filter?.checkpointReached;
    if (!reached) throw new Error("expected a checkpointReached callback");
    return reached(entry.subscription as unknown as AllStreamSubscription, position);
  };
  return {
    client,
    controller,
    store,
    batches,
    first,
    sub: entry.subscription,
    options: entry.options,
    checkpoint,
  };
}

async function value(result: Promise<IteratorResult<AllPage<TestEvent>>>): Promise<AllPage<TestEvent>> {
  const next = await result;
  if (next.done) throw new Error("expected a batch, the subscription ended");
  return next.value;
}

function filterOf(options: SubscribeToAllOptions) {
  const { checkpointReached: _callback, ...rest } = options.filter ?? { checkpointReached: undefined };
  return rest;
}

describe("given a subscription's filter", () => {
  it("when stream prefixes are given, then the server filters by stream name with our checkpoint callback", async () => {
    const { options, controller, first } = subscribe({
      filter: { streamPrefixes: ["thread-", "user-"], eventTypes: ["ItemAdded"] },
      checkpointInterval: 3,
    });
    expect(filterOf(options)).toEqual({
      filterOn: "streamName",
      prefixes: ["thread-", "user-"],
      checkpointInterval: 3,
    });
    expect(typeof options.filter?.checkpointReached).toBe("function");
    controller.abort();
    await first;
  });

  it("when only event types are given, then the server filters by event type", async () => {
    const { options, controller, first } = subscribe({ filter: { eventTypes: ["ItemRemoved"] } });
    expect(filterOf(options)).toEqual({
      filterOn: "eventType",
      prefixes: ["ItemRemoved"],
      checkpointInterval: 1,
    });
    controller.abort();
    await first;
  });

  it("when no filter is given, then the server excludes its own events", async () => {
    const { options, controller, first } = subscribe();
    expect(filterOf(options)).toMatchObject({ filterOn: "eventType", regex: "^[^$].*" });
    expect(options.fromPosition).toBe(ESDB_START);
    controller.abort();
    await first;
  });

  it("when `after` is given, then the subscription starts from that log position", async () => {
    const { options, controller, first } = subscribe({ after: { commit: 500n, prepare: 400n } });
    expect(options.fromPosition).toEqual({ commit: 500n, prepare: 400n });
    controller.abort();
    await first;
  });
});

describe("given a running subscription", () => {
  it("when events arrive together, then they come as one batch, at the end once the buffer is drained", async () => {
    const { sub, first, controller } = subscribe({ filter: { streamPrefixes: ["b-"] } });
    sub.push(ours("b-1", "a", 100n), ours("b-1", "b", 200n), ours("b-2", "c", 300n)).deliver();
    const batch = await value(first);
    expect(skus(batch.events)).toEqual(["a", "b", "c"]);
    expect(batch.next).toEqual({ commit: 300n, prepare: 300n });
    expect(batch.isEnd).toBe(true);
    expect(batch.events[2]).toMatchObject({ stream: "b-2", position: { commit: 300n, prepare: 300n } });
    controller.abort();
  });

  it("when more than maxBatch events wait, then batches are split and only the last is at the end", async () => {
    const { sub, first, batches, controller } = subscribe({ maxBatch: 2 });
    sub.push(ours("b-1", "a", 100n), ours("b-1", "b", 200n), ours("b-1", "c", 300n)).deliver();
    const one = await value(first);
    const two = await value(batches.next());
    expect([skus(one.events), skus(two.events)]).toEqual([["a", "b"], ["c"]]);
    expect([one.isEnd, two.isEnd]).toEqual([false, true]);
    controller.abort();
  });

  it("when a checkpoint arrives with no events pending, then an empty batch moves next to it", async () => {
    const { first, checkpoint, controller } = subscribe({ filter: { streamPrefixes: ["b-"] } });
    await checkpoint({ commit: 900n, prepare: 900n });
    expect(await value(first)).toEqual({ events: [], next: { commit: 900n, prepare: 900n }, isEnd: true });
    controller.abort();
  });

  it("when a checkpoint is reached while earlier events are still buffered, then it does not overtake them", async () => {
    const { sub, first, checkpoint, controller } = subscribe({ filter: { streamPrefixes: ["b-"] } });
    sub.push(ours("b-1", "a", 100n));
    await checkpoint({ commit: 700n, prepare: 700n });
    sub.deliver();
    const batch = await value(first);
    expect(skus(batch.events)).toEqual(["a"]);
    expect(batch.next).toEqual({ commit: 700n, prepare: 700n });
    controller.abort();
  });

  it("when events at or before `after` or of the server arrive, then they are skipped", async () => {
    const { sub, first, controller } = subscribe({ after: { commit: 200n, prepare: 200n } });
    sub.push(ours("b-1", "old", 200n), system(300n), ours("b-1", "new", 400n)).deliver();
    const batch = await value(first);
    expect(skus(batch.events)).toEqual(["new"]);
    controller.abort();
  });

  it("when both filters are given, then event types are checked here and skipped events still move next", async () => {
    const { sub, first, controller } = subscribe({
      filter: { streamPrefixes: ["b-"], eventTypes: ["ItemRemoved"] },
    });
    sub.push(ours("b-1", "a", 100n, "ItemRemoved"), ours("b-1", "b", 200n)).deliver();
    const batch = await value(first);
    expect(batch.events.map((event) => event.type)).toEqual(["ItemRemoved"]);
    expect(batch.next).toEqual({ commit: 200n, prepare: 200n });
    controller.abort();
  });

  it("when the server says it fell behind, then drained batches are not at the end until it catches up", async () => {
    const { sub, first, batches, controller } = subscribe();
    sub.emit("fellBehind");
    sub.push(ours("b-1", "a", 100n)).deliver();
    expect((await value(first)).isEnd).toBe(false);
    sub.emit("caughtUp");
    sub.push(ours("b-1", "b", 200n)).deliver();
    expect((await value(batches.next())).isEnd).toBe(true);
    controller.abort();
  });

  it("when many events wait unread, then the subscription is paused and resumed as they are taken", async () => {
    const { sub, first, batches, controller } = subscribe({ maxBatch: 100 });
    const events = Array.from({ length: 600 }, (_, i) => ours("b-1", `s${i}`, BigInt(100 * (i + 1))));
    sub.push(...events).deliver();
    expect(sub.paused).toBe(true);
    let seen = (await value(first)).events.length;
    while (seen < 600) seen += (await value(batches.next())).events.length;
    expect(seen).toBe(600);
    expect(sub.paused).toBe(false);
    controller.abort();
  });
});

describe("given a subscription that ends", () => {
  it("when the signal aborts while waiting, then the iterator returns and the server subscription is cancelled", async () => {
    const { first, controller, sub } = subscribe();
    controller.abort();
    expect(await first).toEqual({ done: true, value: undefined });
    expect(sub.unsubscribed).toBe(true);
  });

  it("when the consumer stops, then the server subscription is cancelled", async () => {
    const { first, batches, sub } = subscribe();
    sub.push(ours("b-1", "a", 100n)).deliver();
    await first;
    await batches.return?.();
    expect(sub.unsubscribed).toBe(true);
  });

  it("when the subscription fails, then buffered events come first and the error reaches the iterator", async () => {
    const { first, batches, sub } = subscribe();
    const failure = new Error("connection reset");
    sub.push(ours("b-1", "a", 100n)).deliver();
    sub.emit("error", failure);
    expect(skus((await value(first)).events)).toEqual(["a"]);
    await expect(batches.next()).rejects.toBe(failure);
    expect(sub.unsubscribed).toBe(true);
  });

  it("when the server ends the subscription, then the iterator fails instead of ending quietly", async () => {
    const { first, sub } = subscribe();
    sub.emit("end");
    await expect(first).rejects.toThrow(/ended unexpectedly/);
  });

  it("when subscribeAll is used, then single events are yielded and empty batches dropped", async () => {
    const client = new FakeEsdbClient();
    const controller = new AbortController();
    const store = createEsdbEventStore<TestEvent>({ client, codec: testEvents });
    const events = store.subscribeAll({ signal: controller.signal })[Symbol.asyncIterator]();
    const first = events.next();
    const sub: FakeSubscription | undefined = client.subscriptions[0]?.subscription;
    if (!sub) throw new Error("expected a subscription");
    await client.subscriptions[0]?.options.filter?.checkpointReached?.(
      sub as unknown as AllStreamSubscription,
      {
        commit: 50n,
        prepare: 50n,
      },
    );
    sub.push(ours("b-1", "a", 100n)).deliver();
    const result = await first;
    expect(result.done).toBe(false);
    expect(result.value).toMatchObject({ stream: "b-1", data: { sku: "a" } });
    controller.abort();
  });
});
