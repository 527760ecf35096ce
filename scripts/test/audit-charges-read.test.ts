import { type DomainEvent, domainEvents, tokenQuantities } from "@bot/domain";
import { comparePositions, type EventStore, type Position } from "@bot/eventstore";
import { createPostgresEventStore } from "@bot/eventstore/postgres";
import { createLogger } from "@bot/observability";
import { balancesProjection } from "@bot/projection-balances";
import { type Projection, ProjectionRunner } from "@bot/projection-runner";
import { createPgliteClient, type SqlClient } from "@bot/sql";
import { afterEach, describe, expect, it } from "vitest";
import { NO_FILTER } from "../src/audit/audit-filter.ts";
import { readAudit } from "../src/audit/read-audit.ts";
import { ANN, ANN_THREAD, appendAuditLog, EXPECTED_BALANCES, type SeedEvent } from "./support/audit-log.ts";

interface Seeded {
  readonly sql: SqlClient;
  readonly store: EventStore<DomainEvent>;
  readonly runner: ProjectionRunner<DomainEvent>;
}

const opened: Seeded[] = [];

afterEach(async () => {
  for (const { runner, store, sql } of opened.splice(0)) {
    await runner.stop();
    await store.close();
    await sql.close();
  }
});

/** An in-memory store holding the seeded log; with `project`, a balances read model built to its head. */
async function seed(project: boolean): Promise<Seeded> {
  const sql = await createPgliteClient();
  const store = await createPostgresEventStore({ sql, codec: domainEvents });
  const runner = new ProjectionRunner<DomainEvent>({
    store,
    sql,
    projections: [balancesProjection as Projection<DomainEvent>],
    logger: createLogger({ level: "silent" }),
  });
  const seeded = { sql, store, runner };
  opened.push(seeded);
  await appendAuditLog(store);
  if (project) {
    runner.start();
    await runner.waitFor("balances", (await store.headPosition()) as Position, { timeoutMs: 20_000 });
  }
  return seeded;
}

/** A charge of Ann's, after the seeded log (`index` tells them apart). */
function lateCharge(index: number, userAmount: number): SeedEvent {
  return {
    at: `2024-09-04T10:00:0${index}.000Z`,
    stream: ANN_THREAD,
    type: "UsageCharged",
    data: {
      generationId: `00000000-0000-4000-8000-00000000f00${index}`,
      callIndex: 0,
      userId: ANN,
      modelId: "claude-haiku",
      priceTableVersion: "2024-09",
      estimated: false,
      quantities: tokenQuantities({ inputTokens: 10, outputTokens: 10 }),
      amount: userAmount,
      userAmount,
      cacheWriteSubsidised: false,
    },
  };
}

/** Appends charges to Ann's thread after the seeded log's two. */
async function appendCharges(
  store: EventStore<DomainEvent>,
  charges: readonly SeedEvent[],
): Promise<Position> {
  let revision = 1n;
  let position: Position | null = null;
  for (const [index, charge] of charges.entries()) {
    const event = domainEvents.create(
      "UsageCharged",
      charge.data as never,
      {
        clock: { now: () => new Date(charge.at) },
        ids: { uuid: () => `00000000-0000-4000-8000-0000000ff00${index}` },
      },
      { correlationId: "late" },
    );
    const result = await store.append(charge.stream, [event], { expectedRevision: revision });
    revision = result.nextRevision;
    position = result.position;
  }
  return position as Position;
}

describe("given the seeded log and its balances read model", () => {
  it("when the read model has applied the whole log, then every line is read and every balance matches", async () => {
    const { sql, store } = await seed(true);
    const read = await readAudit({ store, readModels: sql }, { filter: NO_FILTER, waitSeconds: 5 });
    expect(read.kind).toBe("report");
    if (read.kind !== "report") return;
    expect(read.report.lines).toHaveLength(14);
    expect(read.report.reconciliation.usersChecked).toBe(EXPECTED_BALANCES.size);
    expect(read.report.reconciliation.mismatches).toEqual([]);
    const head = (await store.headPosition()) as Position;
    expect(comparePositions(read.report.reconciliation.position, head)).toBeGreaterThanOrEqual(0);
  });

  it("when a charge was appended that the read model has not applied, then the audit says it is behind instead of reporting a mismatch", async () => {
    const { sql, store, runner } = await seed(true);
    await runner.stop();
    const late = await appendCharges(store, [lateCharge(1, 7_000)]);
    const read = await readAudit({ store, readModels: sql }, { filter: NO_FILTER, waitSeconds: 0 });
    expect(read.kind).toBe("behind");
    if (read.kind !== "behind") return;
    expect(read.logPosition).toEqual(late);
    expect(comparePositions(read.checkpoint.position, late)).toBeLessThan(0);
    expect(read.waitedSeconds).toBe(0);
  });

  it("when the projector catches up within --wait, then the audit waits for it and reconciles", async () => {
    const { sql, store, runner } = await seed(true);
    await runner.stop();
    await appendCharges(store, [lateCharge(1, 7_000)]);
    const reading = readAudit({ store, readModels: sql }, { filter: NO_FILTER, waitSeconds: 20 });
    runner.start();
    const read = await reading;
    expect(read.kind).toBe("report");
    if (read.kind !== "report") return;
    expect(read.report.lines).toHaveLength(15);
    expect(read.report.reconciliation.mismatches).toEqual([]);
  });

  it("when charges are appended and projected while the audit reads the log, then they are audited up to the read model's checkpoint", async () => {
    const { sql, store, runner } = await seed(true);
    let appended: Position | null = null;
    // After the first full read of the log, two more charges land and are projected
    // before the read model is read: the read model is then ahead of what was read.
    const racing: EventStore<DomainEvent> = {
      ...store,
      async readAllPage(options) {
        const page = await store.readAllPage(options);
        if (page.isEnd && appended === null) {
          appended = await appendCharges(store, [lateCharge(1, 7_000), lateCharge(2, 11_000)]);
          await runner.waitFor("balances", appended, { timeoutMs: 20_000 });
        }
        return page;
      },
    };
    const read = await readAudit({ store: racing, readModels: sql }, { filter: NO_FILTER, waitSeconds: 5 });
    expect(read.kind).toBe("report");
    if (read.kind !== "report") return;
    expect(read.report.reconciliation.mismatches).toEqual([]);
    expect(read.report.lines.slice(-2).map((line) => line.amountNano)).toEqual([-7_000n, -11_000n]);
    expect(
      comparePositions(read.report.reconciliation.position, appended as unknown as Position),
    ).toBeGreaterThanOrEqual(0);
    expect(read.report.totals.byUser.find((user) => user.userId === ANN)?.netNano).toBe(
      (EXPECTED_BALANCES.get(ANN) as bigint) - 18_000n,
    );
  });
});

describe("given a log without a balances read model", () => {
  it("when audited, then it says there is no read model", async () => {
    const { sql, store } = await seed(false);
    const read = await readAudit({ store, readModels: sql }, { filter: NO_FILTER, waitSeconds: 0 });
    expect(read).toEqual({ kind: "no_read_model" });
  });
});
