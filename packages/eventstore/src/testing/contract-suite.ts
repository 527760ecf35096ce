import { EventValidationError } from "@bot/domain";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CorruptEventError,
  DuplicateEventIdError,
  ExpectedRevisionRequiredError,
  InvalidAppendError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from "../errors.ts";
import { comparePositions, type Position } from "../position.ts";
import type { EventStore, RecordedEvent } from "../types.ts";
import { caught, collect } from "./async-helpers.ts";
import type { ContractHarness } from "./harness.ts";
import {
  itemAdded,
  laxTestEvents,
  makeEvent,
  type OlderTestEvent,
  olderTestEvents,
  type TestEvent,
  testEvents,
  uniquePrefix,
} from "./test-events.ts";

function skus(events: readonly RecordedEvent<TestEvent>[]): string[] {
  return events.map((event) =>
    event.type === "ItemAdded" || event.type === "ItemRemoved" ? event.data.sku : "?",
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The behaviour every event store adapter must have. Each adapter's test file
 * calls this with a harness; the same assertions run against PGlite, server
 * PostgreSQL and (when EVENTSTORE_URL is set) EventStoreDB.
 */
export function describeEventStoreContract(createHarness: () => Promise<ContractHarness>): void {
  let harness: ContractHarness;
  let store: EventStore<TestEvent>;

  beforeAll(async () => {
    harness = await createHarness();
    store = await harness.open({ codec: testEvents });
  });
  afterAll(async () => {
    await harness?.close();
  });

  describe("given a new stream", () => {
    it("when events are appended with no_stream, then they are read back in order with revisions 0..n-1", async () => {
      const stream = `${uniquePrefix("new")}basket`;
      const events = [
        itemAdded("apple", 2),
        itemAdded("pear", 1),
        makeEvent<TestEvent>("ItemRemoved", { sku: "apple" }),
      ];
      const result = await store.append(stream, events, { expectedRevision: "no_stream" });
      expect(result.nextRevision).toBe(2n);

      const read = await collect(store.readStream(stream));
      expect(read.map((event) => event.revision)).toEqual([0n, 1n, 2n]);
      expect(read.map((event) => event.type)).toEqual(["ItemAdded", "ItemAdded", "ItemRemoved"]);
      expect(read[0]?.data).toEqual({ sku: "apple", quantity: 2 });
      expect(read.map((event) => event.metadata.eventId)).toEqual(
        events.map((event) => event.metadata.eventId),
      );
      expect(read[0]?.metadata.correlationId).toBe("contract-test");
      expect(read.every((event) => event.stream === stream)).toBe(true);
      expect(comparePositions(read[2]?.position as Position, result.position)).toBe(0);
      for (let i = 1; i < read.length; i++) {
        expect(
          comparePositions(read[i - 1]?.position as Position, read[i]?.position as Position),
        ).toBeLessThan(0);
      }
    });

    it("when it is read, then StreamNotFoundError names it", async () => {
      const stream = `${uniquePrefix("missing")}nothing`;
      const error = await caught(collect(store.readStream(stream)));
      expect(error).toBeInstanceOf(StreamNotFoundError);
      expect((error as StreamNotFoundError).stream).toBe(stream);
    });

    it("when stream_exists is expected, then WrongExpectedVersionError says there is no stream", async () => {
      const stream = `${uniquePrefix("exists")}s`;
      const error = await caught(
        store.append(stream, [itemAdded("a")], { expectedRevision: "stream_exists" }),
      );
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect((error as WrongExpectedVersionError).actual).toBe("no_stream");
      expect((error as WrongExpectedVersionError).expected).toBe("stream_exists");
    });

    it("when an exact revision is expected, then it is refused with the actual 'no stream'", async () => {
      const stream = `${uniquePrefix("exact")}s`;
      const error = await caught(store.append(stream, [itemAdded("a")], { expectedRevision: 0n }));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect((error as WrongExpectedVersionError).actual).toBe("no_stream");
    });
  });

  describe("given a stream at revision 1", () => {
    async function streamAtRevisionOne() {
      const stream = `${uniquePrefix("rev1")}s`;
      await store.append(stream, [itemAdded("a"), itemAdded("b")], { expectedRevision: "no_stream" });
      return stream;
    }

    it("when appending at expected revision 1, then it succeeds and moves to revision 2", async () => {
      const stream = await streamAtRevisionOne();
      const result = await store.append(stream, [itemAdded("c")], { expectedRevision: 1n });
      expect(result.nextRevision).toBe(2n);
    });

    it("when appending at a stale revision, then WrongExpectedVersionError carries expected and actual", async () => {
      const stream = await streamAtRevisionOne();
      const error = await caught(store.append(stream, [itemAdded("c")], { expectedRevision: 0n }));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ stream, expected: 0n, actual: 1n });
      expect((error as Error).message).toContain(stream);
      expect(skus(await collect(store.readStream(stream)))).toEqual(["a", "b"]);
    });

    it("when appending with no_stream, then it is refused with the actual revision", async () => {
      const stream = await streamAtRevisionOne();
      const error = await caught(store.append(stream, [itemAdded("c")], { expectedRevision: "no_stream" }));
      expect(error).toMatchObject({ name: "WrongExpectedVersionError", actual: 1n });
    });

    it("when appending with stream_exists or any, then it succeeds", async () => {
      const stream = await streamAtRevisionOne();
      expect(
        (await store.append(stream, [itemAdded("c")], { expectedRevision: "stream_exists" })).nextRevision,
      ).toBe(2n);
      expect((await store.append(stream, [itemAdded("d")], { expectedRevision: "any" })).nextRevision).toBe(
        3n,
      );
    });

    it("when reading backwards, from a revision, or with maxCount, then exactly that slice comes back", async () => {
      const stream = await streamAtRevisionOne();
      await store.append(stream, [itemAdded("c"), itemAdded("d")], { expectedRevision: 1n });
      expect(skus(await collect(store.readStream(stream, { direction: "backwards" })))).toEqual([
        "d",
        "c",
        "b",
        "a",
      ]);
      expect(skus(await collect(store.readStream(stream, { fromRevision: 2n })))).toEqual(["c", "d"]);
      expect(
        skus(
          await collect(store.readStream(stream, { direction: "backwards", fromRevision: 2n, maxCount: 2 })),
        ),
      ).toEqual(["c", "b"]);
      expect(skus(await collect(store.readStream(stream, { maxCount: 1 })))).toEqual(["a"]);
      expect(await collect(store.readStream(stream, { fromRevision: 10n }))).toEqual([]);
    });
  });

  describe("given a stream longer than one page", () => {
    it("when it is read forwards and backwards, then every event comes back once, in order", async () => {
      const stream = `${uniquePrefix("long")}s`;
      const total = 1234;
      let expected: bigint | "no_stream" = "no_stream";
      for (let start = 0; start < total; start += 250) {
        const batch = Array.from({ length: Math.min(250, total - start) }, (_, i) =>
          itemAdded(`sku${start + i}`),
        );
        expected = (await store.append(stream, batch, { expectedRevision: expected })).nextRevision;
      }
      const forwards = await collect(store.readStream(stream));
      expect(forwards.map((event) => Number(event.revision))).toEqual(
        Array.from({ length: total }, (_, i) => i),
      );
      const backwards = await collect(store.readStream(stream, { direction: "backwards" }));
      expect(backwards.map((event) => Number(event.revision))).toEqual(
        Array.from({ length: total }, (_, i) => total - 1 - i),
      );
    });
  });

  describe("given invalid appends", () => {
    it("when an event fails its schema, then EventValidationError is thrown and nothing is written", async () => {
      const stream = `${uniquePrefix("invalid")}s`;
      const bad = makeEvent<TestEvent>("ItemAdded", { sku: "x", quantity: -1 });
      const error = await caught(
        store.append(stream, [itemAdded("ok"), bad], { expectedRevision: "no_stream" }),
      );
      expect(error).toBeInstanceOf(EventValidationError);
      expect((error as Error).message).toContain("quantity");
      expect(await caught(collect(store.readStream(stream)))).toBeInstanceOf(StreamNotFoundError);
    });

    it("when 'any' is used on a money stream, then ExpectedRevisionRequiredError is thrown", async () => {
      const stream = `user-${Date.now()}${Math.floor(Math.random() * 1e6)}`;
      const error = await caught(store.append(stream, [itemAdded("a")], { expectedRevision: "any" }));
      expect(error).toBeInstanceOf(ExpectedRevisionRequiredError);
      expect(await caught(collect(store.readStream(stream)))).toBeInstanceOf(StreamNotFoundError);
      await store.append(stream, [itemAdded("a")], { expectedRevision: "no_stream" });
    });

    it("when the batch is empty or repeats an id, then InvalidAppendError is thrown", async () => {
      const stream = `${uniquePrefix("empty")}s`;
      expect(await caught(store.append(stream, [], { expectedRevision: "any" }))).toBeInstanceOf(
        InvalidAppendError,
      );
      const event = itemAdded("a");
      expect(await caught(store.append(stream, [event, event], { expectedRevision: "any" }))).toBeInstanceOf(
        InvalidAppendError,
      );
    });
  });

  describe("given an append whose outcome the writer did not learn", () => {
    it("when it is retried with the same ids and expected revision, then the first result is returned and nothing is duplicated", async () => {
      const stream = `${uniquePrefix("retry")}s`;
      await store.append(stream, [itemAdded("first")], { expectedRevision: "no_stream" });
      const batch = [itemAdded("a"), itemAdded("b")];
      const first = await store.append(stream, batch, { expectedRevision: 0n });
      const retried = await store.append(stream, batch, { expectedRevision: 0n });
      expect(retried.nextRevision).toBe(first.nextRevision);
      expect(comparePositions(retried.position, first.position)).toBe(0);
      expect(skus(await collect(store.readStream(stream)))).toEqual(["first", "a", "b"]);
    });

    it("when a first append is retried with no_stream, then it is idempotent too", async () => {
      const stream = `${uniquePrefix("retry-new")}s`;
      const batch = [itemAdded("a")];
      const first = await store.append(stream, batch, { expectedRevision: "no_stream" });
      const retried = await store.append(stream, batch, { expectedRevision: "no_stream" });
      expect(retried.nextRevision).toBe(first.nextRevision);
      expect(skus(await collect(store.readStream(stream)))).toEqual(["a"]);
    });

    it("when it is retried with 'any', then it is idempotent", async () => {
      const stream = `${uniquePrefix("retry-any")}s`;
      const batch = [itemAdded("a"), itemAdded("b")];
      const first = await store.append(stream, batch, { expectedRevision: "any" });
      const retried = await store.append(stream, batch, { expectedRevision: "any" });
      expect(retried.nextRevision).toBe(first.nextRevision);
      expect(skus(await collect(store.readStream(stream)))).toEqual(["a", "b"]);
    });

    it("when an id already used in another stream is appended, then DuplicateEventIdError is thrown (where the adapter indexes ids globally)", async () => {
      const prefix = uniquePrefix("dup");
      const event = itemAdded("a");
      await store.append(`${prefix}one`, [event], { expectedRevision: "no_stream" });
      const attempt = store.append(`${prefix}two`, [event], { expectedRevision: "no_stream" });
      if (!harness.uniqueEventIdsAcrossStreams) {
        await attempt;
        return;
      }
      const error = await caught(attempt);
      expect(error).toBeInstanceOf(DuplicateEventIdError);
      expect(await caught(collect(store.readStream(`${prefix}two`)))).toBeInstanceOf(StreamNotFoundError);
    });

    it("when a retry reuses some ids of an earlier append but not all, then DuplicateEventIdError is thrown", async () => {
      const stream = `${uniquePrefix("partial")}s`;
      const first = itemAdded("a");
      await store.append(stream, [first, itemAdded("b")], { expectedRevision: "no_stream" });
      const error = await caught(
        store.append(stream, [first, itemAdded("c")], { expectedRevision: "no_stream" }),
      );
      expect(error).toBeInstanceOf(DuplicateEventIdError);
      expect(skus(await collect(store.readStream(stream)))).toEqual(["a", "b"]);
    });
  });

  describe("given writers racing on one stream", () => {
    it("when 8 writers each try to take every revision, then exactly one wins each revision and losers learn the actual revision", async () => {
      const stream = `${uniquePrefix("race")}s`;
      await store.append(stream, [itemAdded("seed")], { expectedRevision: "no_stream" });
      const winsByRevision = new Map<bigint, number>();
      const rounds = 12;
      for (let round = 0; round < rounds; round++) {
        const expected = BigInt(round);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 8 }, (_, writer) =>
            store.append(stream, [itemAdded(`r${round}w${writer}`)], { expectedRevision: expected }),
          ),
        );
        const winners = outcomes.filter((outcome) => outcome.status === "fulfilled");
        const losers = outcomes.filter((outcome) => outcome.status === "rejected");
        expect(winners).toHaveLength(1);
        winsByRevision.set(expected + 1n, winners.length);
        for (const loser of losers) {
          expect(loser.reason).toBeInstanceOf(WrongExpectedVersionError);
          expect((loser.reason as WrongExpectedVersionError).actual).toBe(expected + 1n);
          expect((loser.reason as WrongExpectedVersionError).expected).toBe(expected);
        }
      }
      const read = await collect(store.readStream(stream));
      expect(read).toHaveLength(rounds + 1);
      expect(read.map((event) => Number(event.revision))).toEqual(
        Array.from({ length: rounds + 1 }, (_, i) => i),
      );
    });

    it("when 10 writers race to create the stream, then one wins and the others get WrongExpectedVersionError at revision 0", async () => {
      const stream = `${uniquePrefix("create-race")}s`;
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, writer) =>
          store.append(stream, [itemAdded(`w${writer}`)], { expectedRevision: "no_stream" }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") {
          expect(outcome.reason).toBeInstanceOf(WrongExpectedVersionError);
          expect((outcome.reason as WrongExpectedVersionError).actual).toBe(0n);
        }
      }
    });
  });

  describe("given the global log", () => {
    it("when reading after a position with filters, then only matching later events come back, in order", async () => {
      const prefix = uniquePrefix("global");
      const before = await store.append(`${prefix}a`, [itemAdded("a0")], { expectedRevision: "no_stream" });
      await store.append(
        `${prefix}b`,
        [itemAdded("b0"), makeEvent<TestEvent>("ItemRemoved", { sku: "b0" })],
        {
          expectedRevision: "no_stream",
        },
      );
      await store.append(`${prefix}a`, [itemAdded("a1")], { expectedRevision: 0n });
      await store.append(`${uniquePrefix("other")}x`, [itemAdded("x")], { expectedRevision: "no_stream" });

      const all = await collect(store.readAll({ filter: { streamPrefixes: [prefix] } }));
      expect(skus(all)).toEqual(["a0", "b0", "b0", "a1"]);
      const after = await collect(
        store.readAll({ after: before.position, filter: { streamPrefixes: [prefix] } }),
      );
      expect(skus(after)).toEqual(["b0", "b0", "a1"]);
      const removals = await collect(
        store.readAll({ filter: { streamPrefixes: [prefix], eventTypes: ["ItemRemoved"] } }),
      );
      expect(removals.map((event) => event.type)).toEqual(["ItemRemoved"]);
      const limited = await collect(store.readAll({ filter: { streamPrefixes: [prefix] }, maxCount: 2 }));
      expect(skus(limited)).toEqual(["a0", "b0"]);
      for (let i = 1; i < all.length; i++) {
        expect(comparePositions(all[i - 1]?.position as Position, all[i]?.position as Position)).toBeLessThan(
          0,
        );
      }
    });

    it("when a filtered page reaches the end, then `next` moves past the events it skipped", async () => {
      const prefix = uniquePrefix("horizon");
      const wanted = await store.append(`${prefix}wanted`, [itemAdded("w")], {
        expectedRevision: "no_stream",
      });
      const skipped = await store.append(`${uniquePrefix("skipped")}s`, [itemAdded("s1"), itemAdded("s2")], {
        expectedRevision: "no_stream",
      });
      let page = await store.readAllPage({
        after: wanted.position,
        filter: { streamPrefixes: [prefix] },
        maxCount: 10,
      });
      // A reader that follows `next` until the end has scanned past the skipped events.
      while (!page.isEnd) {
        page = await store.readAllPage({
          after: page.next,
          filter: { streamPrefixes: [prefix] },
          maxCount: 10,
        });
      }
      expect(page.events).toEqual([]);
      expect(comparePositions(page.next, skipped.position)).toBeGreaterThanOrEqual(0);
    });

    it("when the head position is asked after an append, then it is at or after that append", async () => {
      const result = await store.append(`${uniquePrefix("head")}s`, [itemAdded("h")], {
        expectedRevision: "no_stream",
      });
      const head = await store.headPosition();
      expect(head).not.toBeNull();
      expect(comparePositions(head as Position, result.position)).toBeGreaterThanOrEqual(0);
    });
  });

  describe("given a live subscription", () => {
    it("when events are appended before and after it starts, then it catches up, follows live, and stops on abort", async () => {
      const prefix = uniquePrefix("sub");
      await store.append(`${prefix}s`, [itemAdded("before")], { expectedRevision: "no_stream" });
      const controller = new AbortController();
      const seen: string[] = [];
      const done = (async () => {
        for await (const event of store.subscribeAll({
          filter: { streamPrefixes: [prefix] },
          signal: controller.signal,
        })) {
          seen.push(...skus([event]));
          if (seen.length === 3) controller.abort();
        }
      })();
      await sleep(50);
      await store.append(`${prefix}s`, [itemAdded("live1")], { expectedRevision: 0n });
      await store.append(`${prefix}t`, [itemAdded("live2")], { expectedRevision: "no_stream" });
      await Promise.race([
        done,
        sleep(10_000).then(() => {
          throw new Error(`subscription stalled after ${JSON.stringify(seen)}`);
        }),
      ]);
      expect(seen).toEqual(["before", "live1", "live2"]);
    });

    it("when 24 writers on different streams hold their transactions open for random times, then every event is delivered exactly once and per-stream order holds", async () => {
      const prefix = uniquePrefix("late");
      const slowStore = await harness.open({
        codec: testEvents,
        insideAppendTransaction: async () => {
          await sleep(Math.random() * 40);
        },
      });
      const writers = 24;
      const appendsPerWriter = 4;
      const eventsPerAppend = 2;
      const expectedTotal = writers * appendsPerWriter * eventsPerAppend;
      const controller = new AbortController();
      const delivered: RecordedEvent<TestEvent>[] = [];
      const subscriber = (async () => {
        for await (const event of store.subscribeAll({
          filter: { streamPrefixes: [prefix] },
          signal: controller.signal,
        })) {
          delivered.push(event);
          if (delivered.length >= expectedTotal) break;
        }
      })();
      await Promise.all(
        Array.from({ length: writers }, async (_, writer) => {
          let expected: bigint | "no_stream" = "no_stream";
          for (let append = 0; append < appendsPerWriter; append++) {
            await sleep(Math.random() * 10);
            const batch = Array.from({ length: eventsPerAppend }, (_, i) =>
              itemAdded(`w${writer}-${append * eventsPerAppend + i}`),
            );
            expected = (await slowStore.append(`${prefix}w${writer}`, batch, { expectedRevision: expected }))
              .nextRevision;
          }
        }),
      );
      await Promise.race([
        subscriber,
        sleep(15_000).then(() => {
          controller.abort();
          throw new Error(`subscription delivered ${delivered.length} of ${expectedTotal}`);
        }),
      ]);
      controller.abort();

      const ids = delivered.map((event) => event.metadata.eventId);
      expect(new Set(ids).size).toBe(expectedTotal);
      expect(delivered).toHaveLength(expectedTotal);
      for (let i = 1; i < delivered.length; i++) {
        expect(
          comparePositions(delivered[i - 1]?.position as Position, delivered[i]?.position as Position),
        ).toBeLessThan(0);
      }
      const byStream = new Map<string, bigint[]>();
      for (const event of delivered)
        byStream.set(event.stream, [...(byStream.get(event.stream) ?? []), event.revision]);
      expect(byStream.size).toBe(writers);
      for (const revisions of byStream.values()) {
        expect(revisions).toEqual(
          Array.from({ length: appendsPerWriter * eventsPerAppend }, (_, i) => BigInt(i)),
        );
      }
      // A reader starting afterwards sees the same order.
      const replayed = await collect(store.readAll({ filter: { streamPrefixes: [prefix] } }));
      expect(replayed.map((event) => event.metadata.eventId)).toEqual(ids);
    });
  });

  describe("given events written by older code", () => {
    it("when a v1 event is read by code at v2, then it is upcast", async () => {
      const older = await harness.open<OlderTestEvent>({ codec: olderTestEvents });
      const stream = `${uniquePrefix("upcast")}s`;
      await older.append(stream, [makeEvent<OlderTestEvent>("NoteWritten", { note: "hello" })], {
        expectedRevision: "no_stream",
      });
      const [read] = await collect(store.readStream(stream));
      expect(read?.type).toBe("NoteWritten");
      expect(read?.data).toEqual({ text: "hello", tags: [] });
      expect(read?.metadata.schemaVersion).toBe(2);
    });

    it("when a stored event no longer matches its schema, then reads fail with CorruptEventError naming stream and revision", async () => {
      const lax = await harness.open({ codec: laxTestEvents });
      const prefix = uniquePrefix("corrupt");
      const stream = `${prefix}s`;
      await store.append(stream, [itemAdded("fine")], { expectedRevision: "no_stream" });
      await lax.append(stream, [makeEvent("ItemAdded", { sku: "bad", quantity: 1.5 })], {
        expectedRevision: 0n,
      });

      const fromStream = await caught(collect(store.readStream(stream)));
      expect(fromStream).toBeInstanceOf(CorruptEventError);
      expect(fromStream).toMatchObject({ stream, revision: 1n, eventType: "ItemAdded" });
      expect((fromStream as Error).message).toContain(`${stream}@1`);

      const fromAll = await caught(collect(store.readAll({ filter: { streamPrefixes: [prefix] } })));
      expect(fromAll).toBeInstanceOf(CorruptEventError);
      expect(fromAll).toMatchObject({ stream, revision: 1n });
    });
  });

  describe("given random sequences of appends and reads", () => {
    it("when compared with an in-memory model, then the store agrees on every outcome and every read", async () => {
      type Command =
        | { kind: "append"; stream: number; count: number; stale: boolean }
        | { kind: "readStream"; stream: number; backwards: boolean; from: number }
        | { kind: "readAll" };
      const command: fc.Arbitrary<Command> = fc.oneof(
        fc.record({
          kind: fc.constant("append" as const),
          stream: fc.integer({ min: 0, max: 3 }),
          count: fc.integer({ min: 1, max: 3 }),
          stale: fc.boolean(),
        }),
        fc.record({
          kind: fc.constant("readStream" as const),
          stream: fc.integer({ min: 0, max: 3 }),
          backwards: fc.boolean(),
          from: fc.integer({ min: 0, max: 6 }),
        }),
        fc.constant({ kind: "readAll" as const }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
          const prefix = uniquePrefix("model");
          const model = new Map<number, string[]>();
          const globalOrder: string[] = [];
          for (const step of commands) {
            if (step.kind === "append") {
              const stream = `${prefix}${step.stream}`;
              const current = model.get(step.stream) ?? [];
              const batch = Array.from({ length: step.count }, () => itemAdded(`s${step.stream}`));
              const actual = current.length === 0 ? "no_stream" : BigInt(current.length - 1);
              const expected = step.stale ? (current.length === 0 ? 0n : "no_stream") : actual;
              if (step.stale) {
                const error = await caught(store.append(stream, batch, { expectedRevision: expected }));
                expect(error).toBeInstanceOf(WrongExpectedVersionError);
                expect((error as WrongExpectedVersionError).actual).toBe(actual);
              } else {
                const result = await store.append(stream, batch, { expectedRevision: expected });
                const ids = batch.map((event) => event.metadata.eventId);
                model.set(step.stream, [...current, ...ids]);
                globalOrder.push(...ids);
                expect(result.nextRevision).toBe(BigInt(current.length + ids.length - 1));
              }
            } else if (step.kind === "readStream") {
              const stream = `${prefix}${step.stream}`;
              const ids = model.get(step.stream);
              if (!ids) {
                expect(await caught(collect(store.readStream(stream)))).toBeInstanceOf(StreamNotFoundError);
                continue;
              }
              const read = await collect(
                store.readStream(stream, {
                  direction: step.backwards ? "backwards" : "forwards",
                  fromRevision: BigInt(step.from),
                }),
              );
              const expected = step.backwards ? ids.slice(0, step.from + 1).reverse() : ids.slice(step.from);
              expect(read.map((event) => event.metadata.eventId)).toEqual(expected);
            } else {
              const read = await collect(store.readAll({ filter: { streamPrefixes: [prefix] } }));
              expect(read.map((event) => event.metadata.eventId)).toEqual(globalOrder);
            }
          }
        }),
        { numRuns: 15 },
      );
    });
  });
}
