import { itemAdded, uniquePrefix } from "@bot/eventstore/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createProjectionSchema,
  noRunnerMetrics,
  pauseLiveWorkers,
  RebuildInProgressError,
  readCheckpoint,
  rebuildProjection,
  rebuildSchemaName,
  resumeLiveWorkers,
  schemaExists,
  type WorkerProgress,
} from "../src/index.ts";
import {
  appliedCount,
  type Backing,
  backings,
  itemQuantities,
  itemsProjection,
  memoryLogger,
  projectionName,
  runnerFor,
  seed,
} from "./support.ts";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe.each(backings)("blue/green rebuild on $name", ({ create }) => {
  let backing: Backing;
  beforeAll(async () => {
    backing = await create();
  });
  afterAll(async () => {
    await backing?.cleanup();
  });

  function newName(label: string) {
    const name = projectionName(label);
    backing.schemas.push(name);
    return name;
  }

  async function totalQuantity(schema: string): Promise<number> {
    const { rows } = await backing.sql.query<{ total: string | null }>(
      `SELECT sum(quantity)::text AS total FROM ${schema}.items`,
    );
    return Number(rows[0]?.total ?? 0);
  }

  it("when a live projection is rebuilt while events keep arriving and readers keep reading, then readers never fail or step back and the result is exact", async () => {
    const name = newName("bluegreen");
    const prefix = uniquePrefix("bluegreen");
    const projection = itemsProjection(name);
    await seed(backing.store, prefix, 500, 5);
    const runner = runnerFor(backing, [projection], { batchSize: 25 });
    runner.start();
    const head = await backing.store.headPosition();
    await runner.waitFor(name, head ?? { commit: 0n, prepare: 0n }, { timeoutMs: 15_000 });

    let appending = true;
    let appended = 0;
    let lastPosition = head;
    const appender = (async () => {
      let revision: bigint | "no_stream" = "no_stream";
      while (appending) {
        const result = await backing.store.append(`${prefix}live`, [itemAdded("live", 1)], {
          expectedRevision: revision,
        });
        revision = result.nextRevision;
        lastPosition = result.position;
        appended++;
        await sleep(3);
      }
    })();
    let reading = true;
    const readerErrors: unknown[] = [];
    const seen: number[] = [];
    const reader = (async () => {
      while (reading) {
        try {
          seen.push(await totalQuantity(name));
        } catch (error) {
          readerErrors.push(error);
        }
        await sleep(2);
      }
    })();

    const progress: WorkerProgress[] = [];
    const appendedBefore = appended;
    const result = await runner.rebuild(name, { onProgress: (p) => progress.push(p) });
    const appendedDuring = appended - appendedBefore;
    await sleep(50);
    appending = false;
    await appender;
    await runner.waitFor(name, lastPosition ?? { commit: 0n, prepare: 0n }, { timeoutMs: 15_000 });
    reading = false;
    await reader;
    await runner.stop();

    expect(result.outcome).toBe("swapped");
    expect(appendedDuring).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(0);
    expect(readerErrors).toEqual([]);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] as number);
    expect(await appliedCount(backing.sql, name)).toBe(500 + appended);
    expect((await itemQuantities(backing.sql, name)).live).toBe(appended);
    expect(await schemaExists(backing.sql, rebuildSchemaName(name))).toBe(false);
    expect(await schemaExists(backing.sql, `${name}__retired`)).toBe(false);
    expect((await readCheckpoint(backing.sql, name))?.status).toBe("live");
  });

  it("when the runner starts with a new projection version, then it rebuilds blue/green and serves the new schema", async () => {
    const name = newName("versioned");
    const prefix = uniquePrefix("versioned");
    const { quantities } = await seed(backing.store, prefix, 30);
    const v1 = runnerFor(backing, [itemsProjection(name)]);
    v1.start();
    let head = await backing.store.headPosition();
    await v1.waitFor(name, head ?? { commit: 0n, prepare: 0n }, { timeoutMs: 15_000 });
    await v1.stop();

    const v2projection = itemsProjection(name, {
      version: 2,
      extraSql: "CREATE TABLE notes (id integer PRIMARY KEY);",
    });
    const { logger, lines } = memoryLogger();
    const v2 = runnerFor(backing, [v2projection], { logger });
    v2.start();
    try {
      head = await backing.store.headPosition();
      const deadline = Date.now() + 15_000;
      while ((await readCheckpoint(backing.sql, name))?.version !== 2 && Date.now() < deadline)
        await sleep(20);
      await v2.waitFor(name, head ?? { commit: 0n, prepare: 0n }, { timeoutMs: 15_000 });
      const checkpoint = await readCheckpoint(backing.sql, name);
      expect(checkpoint?.version).toBe(2);
      expect(checkpoint?.status).toBe("live");
      const { rows } = await backing.sql.query(`SELECT count(*) FROM ${name}.notes`);
      expect(rows).toHaveLength(1);
      const rowsNow = await itemQuantities(backing.sql, name);
      for (const [sku, quantity] of Object.entries(quantities))
        expect(rowsNow[sku]).toBeGreaterThanOrEqual(quantity);
      expect(lines().some((line) => String(line.msg).includes("version changed"))).toBe(true);
    } finally {
      await v2.stop();
    }
  });

  it("when a rebuild pauses the live workers to close its last gap, then they hold off until the lease ends", async () => {
    const name = newName("paused");
    const prefix = uniquePrefix("paused");
    const runner = runnerFor(backing, [itemsProjection(name)]);
    runner.start();
    try {
      const first = await backing.store.append(`${prefix}s`, [itemAdded("before")], {
        expectedRevision: "no_stream",
      });
      await runner.waitFor(name, first.position, { timeoutMs: 10_000 });
      await pauseLiveWorkers(backing.sql, name, 30);
      const second = await backing.store.append(`${prefix}s`, [itemAdded("during")], {
        expectedRevision: 0n,
      });
      await sleep(300);
      expect((await itemQuantities(backing.sql, name)).during).toBeUndefined();
      await resumeLiveWorkers(backing.sql, name);
      await runner.waitFor(name, second.position, { timeoutMs: 10_000 });
      expect((await itemQuantities(backing.sql, name)).during).toBe(1);
    } finally {
      await runner.stop();
    }
  });

  it("when another rebuild of the same projection is running, then a second one is refused", async () => {
    const name = newName("busy");
    const projection = itemsProjection(name);
    await backing.sql.transaction((tx) =>
      createProjectionSchema(tx, rebuildSchemaName(name), projection, "building"),
    );
    const error = await rebuildProjection({
      store: backing.store,
      sql: backing.sql,
      projection,
      logger: memoryLogger().logger,
      metrics: noRunnerMetrics,
      signal: new AbortController().signal,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RebuildInProgressError);
    await backing.sql.exec(`DROP SCHEMA ${rebuildSchemaName(name)} CASCADE`);
  });

  it("when a rebuild left behind by a crash is stale, then a new rebuild replaces it and swaps", async () => {
    const name = newName("stale");
    const projection = itemsProjection(name);
    const target = rebuildSchemaName(name);
    await backing.sql.transaction(async (tx) => {
      await createProjectionSchema(tx, target, projection, "building");
      await tx.query(`UPDATE ${target}._projection SET updated_at = now() - interval '10 minutes'`);
      await tx.query(`INSERT INTO ${target}.items (sku, quantity) VALUES ('garbage', 999)`);
    });
    const result = await rebuildProjection({
      store: backing.store,
      sql: backing.sql,
      projection,
      logger: memoryLogger().logger,
      metrics: noRunnerMetrics,
      signal: new AbortController().signal,
    });
    expect(result.outcome).toBe("swapped");
    expect((await itemQuantities(backing.sql, name)).garbage).toBeUndefined();
  });

  it("when a rebuild is aborted, then the live schema is untouched", async () => {
    const name = newName("aborted");
    const projection = itemsProjection(name, { beforeApply: () => sleep(1) });
    await seed(backing.store, uniquePrefix("aborted"), 20);
    const live = runnerFor(backing, [itemsProjection(name)]);
    live.start();
    const head = await backing.store.headPosition();
    await live.waitFor(name, head ?? { commit: 0n, prepare: 0n }, { timeoutMs: 15_000 });
    await live.stop();
    const before = await itemQuantities(backing.sql, name);

    const controller = new AbortController();
    const result = await rebuildProjection({
      store: backing.store,
      sql: backing.sql,
      projection,
      logger: memoryLogger().logger,
      metrics: noRunnerMetrics,
      signal: controller.signal,
      batchSize: 5,
      onProgress: () => controller.abort(),
    });
    expect(result.outcome).toBe("aborted");
    expect(await itemQuantities(backing.sql, name)).toEqual(before);
    expect((await readCheckpoint(backing.sql, name))?.status).toBe("live");
  });
});
