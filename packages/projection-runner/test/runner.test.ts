import { comparePositions, formatPosition } from "@bot/eventstore";
import { itemAdded, makeEvent, type TestEvent, uniquePrefix } from "@bot/eventstore/testing";
import { createMetrics } from "@bot/observability";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRunnerMetrics,
  ProjectionWaitTimeoutError,
  readCheckpoint,
  waitForCheckpoint,
} from "../src/index.ts";
import {
  appliedCount,
  type Backing,
  backings,
  eventually,
  itemQuantities,
  itemsProjection,
  memoryLogger,
  projectionName,
  runnerFor,
  seed,
} from "./support.ts";

describe.each(backings)("projection runner on $name", ({ create }) => {
  let backing: Backing;
  beforeAll(async () => {
    backing = await create();
  });
  afterAll(async () => {
    await backing?.cleanup();
  });

  function newProjection(label: string, options: Parameters<typeof itemsProjection>[1] = {}) {
    const name = projectionName(label);
    backing.schemas.push(name);
    return itemsProjection(name, options);
  }

  describe("given events already in the log", () => {
    it("when the runner starts, then it catches up exactly once and follows new events live", async () => {
      const prefix = uniquePrefix("catchup");
      const { quantities } = await seed(backing.store, prefix, 40);
      const projection = newProjection("catchup", { batch: true });
      const { logger } = memoryLogger();
      const runner = runnerFor(backing, [projection], { logger, batchSize: 7 });
      runner.start();
      try {
        const head = await backing.store.headPosition();
        await runner.waitFor(projection.name, head ?? { commit: 0n, prepare: 0n }, { timeoutMs: 10_000 });
        const later = await backing.store.append(`${prefix}later`, [itemAdded("late", 7)], {
          expectedRevision: "no_stream",
        });
        await runner.waitFor(projection.name, later.position, { timeoutMs: 10_000 });

        const rows = await itemQuantities(backing.sql, projection.name);
        for (const [sku, quantity] of Object.entries(quantities))
          expect(rows[sku]).toBeGreaterThanOrEqual(quantity);
        expect(rows.late).toBe(7);
        const checkpoint = await readCheckpoint(backing.sql, projection.name);
        expect(checkpoint?.status).toBe("live");
        expect(
          comparePositions(checkpoint?.position ?? { commit: -1n, prepare: -1n }, later.position),
        ).toBeGreaterThanOrEqual(0);
        // Every applied event id is unique (primary key) and all events of this test are in.
        const { rows: mine } = await backing.sql.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM ${projection.name}.applied WHERE stream LIKE $1`,
          [`${prefix}%`],
        );
        expect(Number(mine[0]?.n)).toBe(41);
      } finally {
        await runner.stop();
      }
    });
  });

  describe("given two runners for the same projection (two processes)", () => {
    it("when both run at once, then each event is applied exactly once", async () => {
      const prefix = uniquePrefix("twins");
      const projection = newProjection("twins");
      await seed(backing.store, prefix, 30);
      const first = runnerFor(backing, [projection], { batchSize: 4 });
      const second = runnerFor(backing, [projection], { batchSize: 3 });
      first.start();
      second.start();
      try {
        const more = await seed(backing.store, `${prefix}more`, 30);
        await waitForCheckpoint(backing.sql, projection.name, more.last, { timeoutMs: 15_000 });
        const { rows } = await backing.sql.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM ${projection.name}.applied WHERE stream LIKE $1`,
          [`${prefix}%`],
        );
        expect(Number(rows[0]?.n)).toBe(60);
        expect(first.status()[0]?.state).toBe("running");
        expect(second.status()[0]?.state).toBe("running");
      } finally {
        await Promise.all([first.stop(), second.stop()]);
      }
    });
  });

  describe("given a projection whose handler fails on one event", () => {
    it("when it reaches that event, then it stops there with stream and revision recorded, logged and counted, while another projection goes on", async () => {
      const prefix = uniquePrefix("poison");
      const failing = newProjection("failing", {
        failOn: (event) => event.type === "ItemAdded" && event.data.sku === "poison",
      });
      const healthy = newProjection("healthy");
      const { logger, lines } = memoryLogger();
      const metrics = createMetrics({ defaultMetrics: false });
      const runner = runnerFor(backing, [failing, healthy], {
        logger,
        metrics: createRunnerMetrics(metrics),
        batchSize: 50,
      });
      const stream = `${prefix}s`;
      await backing.store.append(
        stream,
        [itemAdded("a"), itemAdded("b"), itemAdded("poison"), itemAdded("c")],
        {
          expectedRevision: "no_stream",
        },
      );
      runner.start();
      try {
        await eventually(
          () => runner.status().find((s) => s.name === failing.name)?.state === "failed",
          10_000,
          "failure",
        );
        const tail = await backing.store.append(stream, [itemAdded("d")], { expectedRevision: 3n });
        await runner.waitFor(healthy.name, tail.position, { timeoutMs: 10_000 });

        const healthyRows = await itemQuantities(backing.sql, healthy.name);
        expect([healthyRows.a, healthyRows.c, healthyRows.d]).toEqual([1, 1, 1]);
        const failedRows = await itemQuantities(backing.sql, failing.name);
        expect(failedRows.a).toBe(1);
        expect(failedRows.b).toBe(1);
        expect(failedRows.c).toBeUndefined();
        expect(failedRows.d).toBeUndefined();

        const checkpoint = await readCheckpoint(backing.sql, failing.name);
        expect(checkpoint?.status).toBe("failed");
        expect(checkpoint?.failure).toMatchObject({ stream, revision: "2", eventType: "ItemAdded" });
        const status = runner.status().find((s) => s.name === failing.name);
        expect(status?.error).toContain(`${stream}@2`);

        const logged = lines().find((line) => line.msg === "projection stopped");
        expect(logged).toMatchObject({ projection: failing.name, stream, revision: "2", level: "error" });
        const text = await metrics.registry.getSingleMetricAsString("bot_projection_failures_total");
        expect(text).toContain(`projection="${failing.name}"} 1`);
      } finally {
        await runner.stop();
      }
    });

    it("when the runner restarts with the handler fixed, then it resumes from the failed event", async () => {
      const prefix = uniquePrefix("fixed");
      const name = projectionName("fixed");
      backing.schemas.push(name);
      const broken = itemsProjection(name, {
        failOn: (event) => event.type === "ItemAdded" && event.data.sku === "bad",
      });
      await backing.store.append(`${prefix}s`, [itemAdded("ok"), itemAdded("bad"), itemAdded("after")], {
        expectedRevision: "no_stream",
      });
      const first = runnerFor(backing, [broken]);
      first.start();
      await eventually(() => first.status()[0]?.state === "failed", 10_000, "failure");
      await first.stop();

      const fixed = itemsProjection(name);
      const second = runnerFor(backing, [fixed]);
      second.start();
      try {
        const head = await backing.store.headPosition();
        await second.waitFor(name, head ?? { commit: 0n, prepare: 0n }, { timeoutMs: 10_000 });
        const rows = await itemQuantities(backing.sql, name);
        expect(rows).toMatchObject({ ok: 1, bad: 1, after: 1 });
        expect((await readCheckpoint(backing.sql, name))?.status).toBe("live");
      } finally {
        await second.stop();
      }
    });
  });

  describe("given a read-your-writes wait", () => {
    it("when the position is never reached, then it times out naming the positions", async () => {
      const projection = newProjection("wait");
      const runner = runnerFor(backing, [projection]);
      runner.start();
      try {
        const far = { commit: 2n ** 62n, prepare: 1n };
        const error = await runner.waitFor(projection.name, far, { timeoutMs: 150 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ProjectionWaitTimeoutError);
        expect((error as Error).message).toContain(formatPosition(far));
        const polled = await waitForCheckpoint(backing.sql, projection.name, far, { timeoutMs: 100 }).catch(
          (e: unknown) => e,
        );
        expect(polled).toBeInstanceOf(ProjectionWaitTimeoutError);
      } finally {
        await runner.stop();
      }
    });

    it("when an event the projection does not handle is appended, then the wait still ends", async () => {
      const projection = newProjection("unhandled");
      const runner = runnerFor(backing, [projection]);
      runner.start();
      try {
        const note = makeEvent<TestEvent>(
          "NoteWritten",
          { text: "not for items", tags: [] },
          { schemaVersion: 2 },
        );
        const result = await backing.store.append(`${uniquePrefix("note")}s`, [note], {
          expectedRevision: "no_stream",
        });
        await runner.waitFor(projection.name, result.position, { timeoutMs: 10_000 });
        expect(await appliedCount(backing.sql, projection.name)).toBeGreaterThanOrEqual(0);
      } finally {
        await runner.stop();
      }
    });
  });
});
