import {
  AccessDeniedError,
  ANY,
  BACKWARDS,
  END,
  START as ESDB_START,
  StreamDeletedError as EsdbStreamDeletedError,
  StreamNotFoundError as EsdbStreamNotFoundError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
  FORWARDS,
  NO_STREAM,
  STREAM_EXISTS,
} from "@eventstore/db-client";
import { describe, expect, it } from "vitest";
import {
  CorruptEventError,
  DuplicateEventIdError,
  EventStoreError,
  ExpectedRevisionRequiredError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from "../src/errors.ts";
import {
  createEsdbEventStore,
  fromEsdbCurrentRevision,
  fromEsdbExpectedRevision,
  fromEsdbPosition,
  mapAppendError,
  mapReadError,
  requirePosition,
  toEsdbConnectionString,
  toEsdbExpectedRevision,
  toEsdbReadPosition,
  toEsdbStreamRead,
} from "../src/esdb/index.ts";
import { FakeEsdbClient } from "../src/esdb/testing/fake-esdb-client.ts";
import { START } from "../src/position.ts";
import { caught, collect } from "../src/testing/async-helpers.ts";
import { itemAdded, type TestEvent, testEvents } from "../src/testing/test-events.ts";
import type { RecordedEvent } from "../src/types.ts";

function storeOver(client: FakeEsdbClient, hook?: (stream: string) => Promise<void>) {
  return createEsdbEventStore<TestEvent>({
    client,
    codec: testEvents,
    ...(hook ? { insideAppendTransaction: hook } : {}),
  });
}

/** An event as our codec writes it (for seeding the fake log directly). */
function stored(stream: string, sku: string) {
  const event = itemAdded(sku);
  return {
    streamId: stream,
    type: event.type,
    id: event.metadata.eventId,
    data: event.data,
    metadata: event.metadata,
  };
}

const skus = (events: readonly RecordedEvent<TestEvent>[]) =>
  events.map((event) => (event.type === "ItemAdded" ? event.data.sku : event.type));

describe("given our expected revisions", () => {
  it("when mapped to the client's, then each keeps its meaning", () => {
    expect(toEsdbExpectedRevision("no_stream")).toBe(NO_STREAM);
    expect(toEsdbExpectedRevision("stream_exists")).toBe(STREAM_EXISTS);
    expect(toEsdbExpectedRevision("any")).toBe(ANY);
    expect(toEsdbExpectedRevision(7n)).toBe(7n);
  });

  it("when the client's are mapped back, then they round-trip and legacy numbers are understood", () => {
    for (const expected of ["no_stream", "stream_exists", "any", 0n, 41n] as const) {
      expect(fromEsdbExpectedRevision(toEsdbExpectedRevision(expected))).toBe(expected);
    }
    expect(fromEsdbExpectedRevision(-1n)).toBe("no_stream");
    expect(fromEsdbExpectedRevision(-2n)).toBe("any");
    expect(fromEsdbExpectedRevision(-4n)).toBe("stream_exists");
  });

  it("when the server's current revision is mapped, then 'no stream' in either encoding becomes ours", () => {
    expect(fromEsdbCurrentRevision(NO_STREAM)).toBe("no_stream");
    expect(fromEsdbCurrentRevision(-1n)).toBe("no_stream");
    expect(fromEsdbCurrentRevision(0n)).toBe(0n);
    expect(fromEsdbCurrentRevision(12n)).toBe(12n);
  });
});

describe("given positions", () => {
  it("when no position or START is the start of a read, then the client's START is used", () => {
    expect(toEsdbReadPosition(undefined)).toBe(ESDB_START);
    expect(toEsdbReadPosition(START)).toBe(ESDB_START);
  });

  it("when a log position is mapped either way, then commit and prepare are kept 1:1", () => {
    expect(toEsdbReadPosition({ commit: 300n, prepare: 250n })).toEqual({ commit: 300n, prepare: 250n });
    const server = { commit: 9n, prepare: 8n };
    const ours = fromEsdbPosition(server);
    expect(ours).toEqual({ commit: 9n, prepare: 8n });
    expect(ours).not.toBe(server);
  });

  it("when a required position is missing, then a clear EventStoreError names what lacked it", () => {
    expect(requirePosition({ commit: 1n, prepare: 1n }, "x")).toEqual({ commit: 1n, prepare: 1n });
    expect(() => requirePosition(undefined, "basket@3")).toThrow(EventStoreError);
    expect(() => requirePosition(undefined, "basket@3")).toThrow(/basket@3.*22\.6/);
  });
});

describe("given stream read options", () => {
  it("when they are mapped, then direction and start revision match the PostgreSQL adapter's meaning", () => {
    expect(toEsdbStreamRead({})).toEqual({ direction: FORWARDS, fromRevision: ESDB_START });
    expect(toEsdbStreamRead({ direction: "backwards" })).toEqual({ direction: BACKWARDS, fromRevision: END });
    expect(toEsdbStreamRead({ direction: "backwards", fromRevision: "start" })).toEqual({
      direction: BACKWARDS,
      fromRevision: 0n,
    });
    expect(toEsdbStreamRead({ fromRevision: "end" })).toEqual({ direction: FORWARDS, fromRevision: END });
    expect(toEsdbStreamRead({ fromRevision: 5n })).toEqual({ direction: FORWARDS, fromRevision: 5n });
    expect(toEsdbStreamRead({ fromRevision: -3n })).toEqual({
      direction: FORWARDS,
      fromRevision: ESDB_START,
    });
  });
});

describe("given errors of the client", () => {
  it("when a WrongExpectedVersionError is mapped, then ours keeps the caller's expectation and the server's revision", () => {
    const esdb = new EsdbWrongExpectedVersionError(undefined, {
      streamName: "basket-1",
      expected: 0n,
      current: 1n,
    });
    const mapped = mapAppendError(esdb, "basket-1", 0n);
    expect(mapped).toBeInstanceOf(WrongExpectedVersionError);
    expect(mapped).toMatchObject({ stream: "basket-1", expected: 0n, actual: 1n, cause: esdb });
  });

  it("when the server says there is no stream, then actual is 'no_stream'", () => {
    const esdb = new EsdbWrongExpectedVersionError(undefined, {
      streamName: "s",
      expected: STREAM_EXISTS,
      current: NO_STREAM,
    });
    expect(mapAppendError(esdb, "s", "stream_exists")).toMatchObject({
      expected: "stream_exists",
      actual: "no_stream",
    });
  });

  it("when the error comes from the server's WrongExpectedVersion details, then its current revision is used", () => {
    const details = {
      hasExpectedStreamPosition: () => true,
      getExpectedStreamPosition: () => "4",
      hasExpectedStreamExists: () => false,
      hasExpectedNoStream: () => false,
      hasCurrentStreamRevision: () => true,
      getCurrentStreamRevision: () => "7",
    } as unknown as Parameters<typeof EsdbWrongExpectedVersionError.fromWrongExpectedVersion>[0];
    const esdb = EsdbWrongExpectedVersionError.fromWrongExpectedVersion(details, "s");
    expect(mapAppendError(esdb, "s", 4n)).toMatchObject({ expected: 4n, actual: 7n });
  });

  it("when the error was built without its constructor, then it is still recognised", () => {
    const esdb = Object.create(EsdbWrongExpectedVersionError.prototype) as EsdbWrongExpectedVersionError;
    Object.assign(esdb, { streamName: "s", expectedVersion: 2n, actualVersion: 5n });
    expect(mapAppendError(esdb, "s", 2n)).toMatchObject({ name: "WrongExpectedVersionError", actual: 5n });
  });

  it("when an unrelated error is mapped, then it passes through unchanged", () => {
    const denied = new AccessDeniedError();
    const plain = new Error("socket closed");
    expect(mapAppendError(denied, "s", "any")).toBe(denied);
    expect(mapAppendError(plain, "s", "any")).toBe(plain);
    expect(mapReadError(denied, "s")).toBe(denied);
    expect(mapReadError(plain, "s")).toBe(plain);
  });

  it("when a read reports a missing or deleted stream, then ours names the stream", () => {
    const missing = new EsdbStreamNotFoundError(undefined, "basket-9");
    expect(mapReadError(missing, "basket-9")).toBeInstanceOf(StreamNotFoundError);
    expect(mapReadError(missing, "basket-9")).toMatchObject({ stream: "basket-9", cause: missing });
    expect(mapReadError(EsdbStreamDeletedError.fromStreamName("gone"), "gone")).toMatchObject({
      name: "StreamNotFoundError",
      stream: "gone",
    });
  });
});

describe("given an append through the adapter", () => {
  it("when 'any' is used on a money stream, then it is refused and nothing reaches the client", async () => {
    const client = new FakeEsdbClient();
    const store = storeOver(client);
    for (const stream of ["user-42", "settings"]) {
      const error = await caught(store.append(stream, [itemAdded("a")], { expectedRevision: "any" }));
      expect(error).toBeInstanceOf(ExpectedRevisionRequiredError);
    }
    expect(client.appendCalls).toEqual([]);
  });

  it("when a money stream states its revision, then the client receives exactly that, never ANY", async () => {
    const client = new FakeEsdbClient();
    const store = storeOver(client);
    await store.append("user-42", [itemAdded("a")], { expectedRevision: "no_stream" });
    await store.append("user-42", [itemAdded("b")], { expectedRevision: 0n });
    await store.append("user-42", [itemAdded("c")], { expectedRevision: "stream_exists" });
    expect(client.appendCalls.map((call) => call.options.expectedRevision)).toEqual([
      NO_STREAM,
      0n,
      STREAM_EXISTS,
    ]);
  });

  it("when events are appended, then our event ids, types, data and metadata are sent as JSON events", async () => {
    const client = new FakeEsdbClient();
    const store = storeOver(client);
    const events = [itemAdded("apple", 2), itemAdded("pear")];
    await store.append("basket-1", events, { expectedRevision: "any" });
    const [call] = client.appendCalls;
    expect(call?.streamName).toBe("basket-1");
    expect(call?.options.expectedRevision).toBe(ANY);
    expect(call?.events).toEqual(
      events.map((event) => ({
        id: event.metadata.eventId,
        contentType: "application/json",
        type: event.type,
        data: event.data,
        metadata: event.metadata,
      })),
    );
  });

  it("when the server answers, then the result is its next revision and log position", async () => {
    const client = new FakeEsdbClient();
    client.add(stored("other", "x"));
    const result = await storeOver(client).append("basket-1", [itemAdded("a"), itemAdded("b")], {
      expectedRevision: "no_stream",
    });
    expect(result).toEqual({ nextRevision: 1n, position: { commit: 300n, prepare: 300n } });
  });

  it("when the server's answer has no position, then it is read back from the appended event", async () => {
    const client = new FakeEsdbClient();
    client.omitAppendPosition = true;
    const result = await storeOver(client).append("basket-1", [itemAdded("a")], {
      expectedRevision: "no_stream",
    });
    expect(result.position).toEqual({ commit: 100n, prepare: 100n });
  });

  it("when there is no position and the event read back is not ours, then a clear error is thrown", async () => {
    const client = new FakeEsdbClient();
    client.add(stored("basket-1", "someone-else"));
    client.appendOverride = async () => ({ success: true, nextExpectedRevision: 0n });
    const error = await caught(
      storeOver(client).append("basket-1", [itemAdded("a")], { expectedRevision: "any" }),
    );
    expect(error).toBeInstanceOf(EventStoreError);
    expect((error as Error).message).toMatch(/no log position.*basket-1/);
  });

  it("when the stream is elsewhere, then WrongExpectedVersionError carries expected and actual", async () => {
    const client = new FakeEsdbClient();
    client.add(stored("basket-1", "a"));
    client.add(stored("basket-1", "b"));
    const store = storeOver(client);
    const stale = await caught(store.append("basket-1", [itemAdded("c")], { expectedRevision: 0n }));
    expect(stale).toBeInstanceOf(WrongExpectedVersionError);
    expect(stale).toMatchObject({ stream: "basket-1", expected: 0n, actual: 1n });
    expect((stale as Error).cause).toBeInstanceOf(EsdbWrongExpectedVersionError);
    const missing = await caught(
      store.append("basket-2", [itemAdded("c")], { expectedRevision: "stream_exists" }),
    );
    expect(missing).toMatchObject({
      name: "WrongExpectedVersionError",
      expected: "stream_exists",
      actual: "no_stream",
    });
  });

  it("when a successful append is retried after the stream moved on, then the first result is returned", async () => {
    const client = new FakeEsdbClient();
    const store = storeOver(client);
    await store.append("basket-1", [itemAdded("first")], { expectedRevision: "no_stream" });
    const batch = [itemAdded("a"), itemAdded("b")];
    const first = await store.append("basket-1", batch, { expectedRevision: 0n });
    await store.append("basket-1", [itemAdded("later")], { expectedRevision: 2n });
    const retried = await store.append("basket-1", batch, { expectedRevision: 0n });
    expect(retried).toEqual(first);
    expect(client.log).toHaveLength(4);
  });

  it("when some ids are already stored where the append would land, then DuplicateEventIdError names them", async () => {
    const client = new FakeEsdbClient();
    const store = storeOver(client);
    const reused = itemAdded("a");
    await store.append("basket-1", [reused], { expectedRevision: "no_stream" });
    const error = await caught(
      store.append("basket-1", [reused, itemAdded("b")], { expectedRevision: "no_stream" }),
    );
    expect(error).toBeInstanceOf(DuplicateEventIdError);
    expect(error).toMatchObject({ stream: "basket-1", eventIds: [reused.metadata.eventId] });
  });

  it("when the client reports a refusal in its result instead of throwing, then the actual revision is read", async () => {
    const client = new FakeEsdbClient();
    client.add(stored("basket-1", "a"));
    client.appendOverride = async () => ({ success: false, nextExpectedRevision: 1n });
    const error = await caught(
      storeOver(client).append("basket-1", [itemAdded("b")], { expectedRevision: 5n }),
    );
    expect(error).toMatchObject({ name: "WrongExpectedVersionError", expected: 5n, actual: 0n });
  });

  it("when a hook is given, then it runs before the append is sent", async () => {
    const client = new FakeEsdbClient();
    const seen: string[] = [];
    const store = storeOver(client, async (stream) => {
      seen.push(`${stream}:${client.appendCalls.length}`);
    });
    await store.append("basket-1", [itemAdded("a")], { expectedRevision: "no_stream" });
    expect(seen).toEqual(["basket-1:0"]);
  });
});

describe("given stream reads through the adapter", () => {
  it("when the stream does not exist, then the first iteration fails with our StreamNotFoundError", async () => {
    const client = new FakeEsdbClient();
    const error = await caught(collect(storeOver(client).readStream("basket-404")));
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect(error).toMatchObject({ stream: "basket-404" });
    expect((error as Error).cause).toBeInstanceOf(EsdbStreamNotFoundError);
  });

  it("when a stream is read, then events carry stream, revision, position and the server's time", async () => {
    const client = new FakeEsdbClient();
    client.add(stored("other", "x"));
    client.add({ ...stored("basket-1", "a"), created: new Date("2024-05-06T07:08:09.010Z") });
    const [event] = await collect(storeOver(client).readStream("basket-1"));
    expect(event).toMatchObject({
      stream: "basket-1",
      revision: 0n,
      position: { commit: 200n, prepare: 200n },
      recordedAt: "2024-05-06T07:08:09.010Z",
      data: { sku: "a", quantity: 1 },
    });
  });

  it("when options are given, then the client is asked for that slice", async () => {
    const client = new FakeEsdbClient();
    for (const sku of ["a", "b", "c"]) client.add(stored("basket-1", sku));
    const store = storeOver(client);
    expect(
      skus(await collect(store.readStream("basket-1", { direction: "backwards", maxCount: 2 }))),
    ).toEqual(["c", "b"]);
    expect(
      skus(await collect(store.readStream("basket-1", { direction: "backwards", fromRevision: "start" }))),
    ).toEqual(["a"]);
    expect(client.readStreamCalls.map((call) => call.options)).toEqual([
      { direction: BACKWARDS, fromRevision: END, maxCount: 2 },
      { direction: BACKWARDS, fromRevision: 0n },
    ]);
  });

  it("when maxCount is 0, then nothing is read", async () => {
    const client = new FakeEsdbClient();
    expect(await collect(storeOver(client).readStream("basket-404", { maxCount: 0 }))).toEqual([]);
    expect(client.readStreamCalls).toEqual([]);
  });

  it("when a stream holds a server link event, then it is skipped", async () => {
    const client = new FakeEsdbClient();
    client.add(stored("basket-1", "a"));
    client.add({ streamId: "basket-1", type: "$>", data: "0@basket-0" });
    expect(skus(await collect(storeOver(client).readStream("basket-1")))).toEqual(["a"]);
  });

  it("when an event no longer decodes, then CorruptEventError names stream and revision and the read is cancelled", async () => {
    const client = new FakeEsdbClient();
    client.add(stored("basket-1", "a"));
    client.add({ ...stored("basket-1", "b"), data: { sku: "b", quantity: 1.5 } });
    client.add(stored("basket-1", "c"));
    const error = await caught(collect(storeOver(client).readStream("basket-1")));
    expect(error).toBeInstanceOf(CorruptEventError);
    expect(error).toMatchObject({ stream: "basket-1", revision: 1n, eventType: "ItemAdded" });
    expect(client.cancelledReads).toBe(1);
  });

  it("when the reader stops early, then the read is cancelled", async () => {
    const client = new FakeEsdbClient();
    for (const sku of ["a", "b"]) client.add(stored("basket-1", sku));
    for await (const _event of storeOver(client).readStream("basket-1")) break;
    expect(client.cancelledReads).toBe(1);
  });
});

describe("given a global log with the server's own events", () => {
  function logWithSystemEvents() {
    const client = new FakeEsdbClient();
    client.add({ streamId: "$stats-127.0.0.1:2113", type: "$statsCollected" }); // 100
    const a = client.add(stored("pfx-a", "a")); // 200
    client.add({ streamId: "pfx-a", type: "$metadata" }); // 300: a system type in our namespace
    const b = client.add(stored("other-b", "b")); // 400
    const c = client.add(stored("pfx-c", "c")); // 500
    const last = client.add({ streamId: "$$pfx-a", type: "$metadata" }); // 600
    return { client, a, b, c, last };
  }

  it("when a filtered page reaches the end, then system and filtered-out events are skipped and next is the last scanned", async () => {
    const { client, last } = logWithSystemEvents();
    const page = await storeOver(client).readAllPage({ filter: { streamPrefixes: ["pfx-"] }, maxCount: 10 });
    expect(skus(page.events)).toEqual(["a", "c"]);
    expect(page.next).toEqual(last.position);
    expect(page.isEnd).toBe(true);
    // One look-ahead event tells whether the page ends the log.
    expect(client.readAllCalls).toEqual([{ fromPosition: ESDB_START, direction: FORWARDS, maxCount: 11 }]);
  });

  it("when reading after a position, then the event at it is not returned and one more event is asked for", async () => {
    const { client, a } = logWithSystemEvents();
    const page = await storeOver(client).readAllPage({ after: a.position, maxCount: 2 });
    expect(skus(page.events)).toEqual(["b"]);
    expect(page.next).toEqual({ commit: 400n, prepare: 400n });
    expect(page.isEnd).toBe(false);
    expect(client.readAllCalls).toEqual([{ fromPosition: a.position, direction: FORWARDS, maxCount: 4 }]);
  });

  it("when pages are followed to the end, then every event of ours comes once and the last page is the end", async () => {
    const { client, last } = logWithSystemEvents();
    const store = storeOver(client);
    const seen: string[] = [];
    let page = await store.readAllPage({ maxCount: 2 });
    seen.push(...skus(page.events));
    let pages = 1;
    while (!page.isEnd) {
      page = await store.readAllPage({ after: page.next, maxCount: 2 });
      seen.push(...skus(page.events));
      pages++;
    }
    expect(seen).toEqual(["a", "b", "c"]);
    expect(pages).toBe(3);
    expect(page.next).toEqual(last.position);
  });

  it("when both filters are given, then both must hold", async () => {
    const { client } = logWithSystemEvents();
    client.add({ ...stored("pfx-d", "d"), type: "ItemRemoved", data: { sku: "d" } });
    const page = await storeOver(client).readAllPage({
      filter: { streamPrefixes: ["pfx-"], eventTypes: ["ItemRemoved"] },
      maxCount: 100,
    });
    expect(page.events.map((event) => event.stream)).toEqual(["pfx-d"]);
  });

  it("when nothing follows `after`, then the page is empty, at the end, and next stays at `after`", async () => {
    const { client, last } = logWithSystemEvents();
    const page = await storeOver(client).readAllPage({ after: last.position, maxCount: 5 });
    expect(page).toEqual({ events: [], next: last.position, isEnd: true });
  });

  it("when readAll is used, then it yields our events only, in order", async () => {
    const { client } = logWithSystemEvents();
    expect(skus(await collect(storeOver(client).readAll()))).toEqual(["a", "b", "c"]);
  });

  it("when the head is asked, then it is the last event of ours, not the server's", async () => {
    const { client, c } = logWithSystemEvents();
    expect(await storeOver(client).headPosition()).toEqual(c.position);
  });

  it("when more server events than one step follow ours, then the head is still found", async () => {
    const client = new FakeEsdbClient();
    const ours = client.add(stored("basket-1", "a"));
    for (let i = 0; i < 250; i++) client.add({ streamId: "$stats-node", type: "$statsCollected" });
    expect(await storeOver(client).headPosition()).toEqual(ours.position);
    expect(client.readAllCalls.length).toBeGreaterThan(1);
  });

  it("when the log holds no event of ours, then the head is null", async () => {
    const empty = new FakeEsdbClient();
    expect(await storeOver(empty).headPosition()).toBeNull();
    const systemOnly = new FakeEsdbClient();
    systemOnly.add({ streamId: "$stats-node", type: "$statsCollected" });
    expect(await storeOver(systemOnly).headPosition()).toBeNull();
  });
});

describe("given connection strings and ownership", () => {
  it("when a kurrentdb URL is given, then the 6.2 client gets the esdb scheme", () => {
    expect(toEsdbConnectionString("kurrentdb://es:2113?tls=false")).toBe("esdb://es:2113?tls=false");
    expect(toEsdbConnectionString("kurrentdb+discover://a:2113,b:2113")).toBe(
      "esdb+discover://a:2113,b:2113",
    );
    expect(toEsdbConnectionString("esdb://es:2113")).toBe("esdb://es:2113");
  });

  it("when the store is closed, then the client is disposed only if the store owns it, once", async () => {
    const shared = new FakeEsdbClient();
    await storeOver(shared).close();
    expect(shared.disposed).toBe(0);
    const owned = new FakeEsdbClient();
    const store = createEsdbEventStore({ client: owned, codec: testEvents, ownsClient: true });
    await store.close();
    await store.close();
    expect(owned.disposed).toBe(1);
  });
});
