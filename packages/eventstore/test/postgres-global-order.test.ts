import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { comparePositions } from "../src/position.ts";
import type { ContractHarness } from "../src/testing/harness.ts";
import { serverPostgresHarness, testDatabaseUrl } from "../src/testing/postgres-harness.ts";
import { itemAdded, type TestEvent, testEvents, uniquePrefix } from "../src/testing/test-events.ts";
import type { EventStore, RecordedEvent } from "../src/types.ts";

const url = testDatabaseUrl();

// Needs two connections with a transaction held open, so server Postgres only
// (PGlite runs one transaction at a time, where the question cannot arise).
describe.runIf(url)(
  "given a transaction that took its position first but commits last (server PostgreSQL)",
  () => {
    let harness: ContractHarness;
    let store: EventStore<TestEvent>;
    beforeAll(async () => {
      harness = await serverPostgresHarness(url as string);
      store = await harness.open({ codec: testEvents });
    });
    afterAll(async () => {
      await harness?.close();
    });

    it("when a later transaction commits first, then global readers wait for the earlier one and deliver both in order", async () => {
      const prefix = uniquePrefix("late-commit");
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let entered: () => void = () => undefined;
      const inside = new Promise<void>((resolve) => {
        entered = resolve;
      });
      const slow = await harness.open({
        codec: testEvents,
        insideAppendTransaction: async () => {
          entered();
          await held;
        },
      });

      const early = slow.append(`${prefix}early`, [itemAdded("early")], { expectedRevision: "no_stream" });
      await inside;
      const late = await store.append(`${prefix}late`, [itemAdded("late")], {
        expectedRevision: "no_stream",
      });

      // The late event is committed, but a live subscriber must not see it yet: one
      // that took it and checkpointed would skip the early event forever.
      const controller = new AbortController();
      const delivered: string[] = [];
      const positions: RecordedEvent<TestEvent>[] = [];
      const subscriber = (async () => {
        for await (const event of store.subscribeAll({
          filter: { streamPrefixes: [prefix] },
          signal: controller.signal,
        })) {
          delivered.push(event.stream.slice(prefix.length));
          positions.push(event);
          if (delivered.length === 2) controller.abort();
        }
      })();
      // A one-off read started now must include the late event (committed before the
      // call), so it waits for the early transaction instead of returning without it.
      let pageSettled = false;
      const page = store.readAllPage({ filter: { streamPrefixes: [prefix] }, maxCount: 10 }).finally(() => {
        pageSettled = true;
      });
      // Stream reads are not held back: the late stream is readable at once.
      const lateStream: RecordedEvent<TestEvent>[] = [];
      for await (const event of store.readStream(`${prefix}late`)) lateStream.push(event);
      expect(lateStream).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(delivered).toEqual([]);
      expect(pageSettled).toBe(false);

      release();
      const earlyResult = await early;
      await subscriber;
      expect(delivered).toEqual(["early", "late"]);
      expect((await page).events.map((event) => event.stream.slice(prefix.length))).toEqual([
        "early",
        "late",
      ]);
      // The early transaction took the smaller sequence number yet is ordered by its transaction id.
      expect(earlyResult.position.prepare).toBeLessThan(late.position.prepare);
      expect(
        comparePositions(
          positions[0]?.position ?? earlyResult.position,
          positions[1]?.position ?? late.position,
        ),
      ).toBe(-1);
    });
  },
);
