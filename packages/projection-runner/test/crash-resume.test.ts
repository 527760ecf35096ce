import { comparePositions } from "@bot/eventstore";
import { uniquePrefix } from "@bot/eventstore/testing";
import type { SqlClient, SqlExecutor, SqlResult } from "@bot/sql";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProjectionRunner, readCheckpoint } from "../src/index.ts";
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

/** The process "dies" here: this statement and every later one fail like a lost connection. */
class SimulatedCrash extends Error {
  override readonly name = "SimulatedCrash";
  readonly code = "08006";
}

/**
 * Wraps a client so that statement number `crashAt` (counting every statement,
 * inside transactions too) and all later ones fail. The transaction in flight is
 * rolled back by the real client, exactly as when a process dies before COMMIT.
 */
function crashingClient(inner: SqlClient, crashAt: number) {
  let count = 0;
  const state = { dead: false, statements: () => count };
  const guard = () => {
    count++;
    if (count >= crashAt) state.dead = true;
    if (state.dead) throw new SimulatedCrash(`simulated crash at statement ${count}`);
  };
  const wrap = (executor: SqlExecutor): SqlExecutor => ({
    async query<R extends object>(text: string, params?: readonly unknown[]): Promise<SqlResult<R>> {
      guard();
      return executor.query<R>(text, params);
    },
    async exec(script: string) {
      guard();
      return executor.exec(script);
    },
  });
  const client: SqlClient = {
    dialect: inner.dialect,
    ...wrap(inner),
    transaction: (work) => {
      guard();
      return inner.transaction((tx) => work(wrap(tx)));
    },
    listen: (channel, onNotify) => inner.listen(channel, onNotify),
    close: async () => undefined,
  };
  return { client, state };
}

describe.each(backings)("projection crash and resume on $name", ({ create }) => {
  let backing: Backing;
  let prefix: string;
  let expected: Record<string, number>;
  const events = 24;

  beforeAll(async () => {
    backing = await create();
    // Each backing has a private event log, so the seeded events are the whole log.
    prefix = uniquePrefix("crash");
    expected = (await seed(backing.store, prefix, events, 4)).quantities;
  });
  afterAll(async () => {
    await backing?.cleanup();
  });

  it("when a runner dies at any statement and a new one resumes, then every event is applied exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(1, 3, 10, 1000),
        fc.boolean(),
        async (crashAt, batchSize, useBatchPath) => {
          const name = projectionName("crash");
          backing.schemas.push(name);
          const projection = itemsProjection(name, { batch: useBatchPath });
          const { client, state } = crashingClient(backing.sql, crashAt);
          const dying = new ProjectionRunner({
            store: backing.store,
            sql: client,
            projections: [projection],
            logger: memoryLogger().logger,
            batchSize,
          });
          dying.start();
          // Either it dies, or it caught up before reaching statement `crashAt`.
          const head = await backing.store.headPosition();
          await eventually(
            async () => {
              if (state.dead) return true;
              const checkpoint = await readCheckpoint(backing.sql, name).catch(() => null);
              return checkpoint !== null && head !== null && comparePositions(checkpoint.position, head) >= 0;
            },
            10_000,
            "the runner to crash or catch up",
          );
          await dying.stop();

          const resumed = runnerFor(backing, [projection], { batchSize });
          resumed.start();
          try {
            await resumed.waitFor(name, head ?? { commit: 0n, prepare: 0n }, { timeoutMs: 10_000 });
            expect(await appliedCount(backing.sql, name)).toBe(events);
            expect(await itemQuantities(backing.sql, name)).toEqual(expected);
            expect((await readCheckpoint(backing.sql, name))?.eventsApplied).toBe(BigInt(events));
            expect(resumed.status()[0]?.state).toBe("running");
          } finally {
            await resumed.stop();
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
