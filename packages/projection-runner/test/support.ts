import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import type { EventStore, RecordedEvent } from "@bot/eventstore";
import { createPostgresEventStore } from "@bot/eventstore/postgres";
import {
  itemAdded,
  type TestEvent,
  temporarySchemaName,
  testDatabaseUrl,
  testEvents,
} from "@bot/eventstore/testing";
import { createLogger, type Logger } from "@bot/observability";
import { createPgliteClient, createPostgresClient, type SqlClient, type SqlExecutor } from "@bot/sql";
import {
  defineProjection,
  type Projection,
  ProjectionRunner,
  type ProjectionRunnerDeps,
} from "../src/index.ts";

/** An event log plus a read-model database for one test file. */
export interface Backing {
  readonly name: string;
  readonly sql: SqlClient;
  readonly store: EventStore<TestEvent>;
  /** Schemas to drop at the end (projection schemas created by tests). */
  readonly schemas: string[];
  cleanup(): Promise<void>;
}

/** PGlite always; server Postgres when DATABASE_URL is set. */
export const backings: { name: string; create: () => Promise<Backing> }[] = [
  { name: "pglite", create: () => pgliteBacking() },
  ...(testDatabaseUrl()
    ? [{ name: "postgres", create: () => postgresBacking(testDatabaseUrl() as string) }]
    : []),
];

async function pgliteBacking(): Promise<Backing> {
  const sql = await createPgliteClient();
  const store = await createPostgresEventStore({ sql, codec: testEvents, idlePollMs: 50 });
  return {
    name: "pglite",
    sql,
    store,
    schemas: [],
    async cleanup() {
      await store.close();
      await sql.close();
    },
  };
}

async function postgresBacking(url: string): Promise<Backing> {
  const sql = createPostgresClient({
    connectionString: url,
    maxConnections: 12,
    applicationName: "runner-test",
  });
  const eventSchema = temporarySchemaName("es");
  const store = await createPostgresEventStore({ sql, codec: testEvents, schema: eventSchema });
  const schemas: string[] = [eventSchema];
  return {
    name: "postgres",
    sql,
    store,
    schemas,
    async cleanup() {
      await store.close();
      for (const schema of schemas) {
        for (const suffix of ["", "__rebuild", "__retired"]) {
          await sql.exec(`DROP SCHEMA IF EXISTS ${schema}${suffix} CASCADE`);
        }
      }
      await sql.close();
    },
  };
}

/** A unique projection name (projection names are schema names on a shared database). */
export function projectionName(label: string): string {
  return `${label}_${randomUUID().replaceAll("-", "").slice(0, 8)}`;
}

/** Options of {@link itemsProjection}. */
export interface ItemsOptions {
  readonly version?: number;
  /** Throw from apply for these events (a handler bug). */
  readonly failOn?: (event: RecordedEvent<TestEvent>) => boolean;
  /** Use the batch path (default true). */
  readonly batch?: boolean;
  /** Extra DDL (a version bump's new column). */
  readonly extraSql?: string;
  /** Called before each event is applied (slows a rebuild down, counts calls). */
  readonly beforeApply?: (event: RecordedEvent<TestEvent>) => Promise<void> | void;
}

/**
 * A test projection counting items per SKU. Every applied event id goes into a
 * table whose primary key makes a second application fail loudly.
 */
export function itemsProjection(name: string, options: ItemsOptions = {}): Projection<TestEvent> {
  async function apply(event: RecordedEvent<TestEvent>, tx: SqlExecutor) {
    await options.beforeApply?.(event);
    if (options.failOn?.(event)) throw new Error(`cannot apply ${event.type} for this sku`);
    await tx.query("INSERT INTO applied (event_id, stream, revision) VALUES ($1, $2, $3)", [
      event.metadata.eventId,
      event.stream,
      event.revision.toString(),
    ]);
    if (event.type === "ItemAdded") {
      await tx.query(
        `INSERT INTO items (sku, quantity) VALUES ($1, $2)
         ON CONFLICT (sku) DO UPDATE SET quantity = items.quantity + EXCLUDED.quantity`,
        [event.data.sku, event.data.quantity],
      );
    } else if (event.type === "ItemRemoved") {
      await tx.query("DELETE FROM items WHERE sku = $1", [event.data.sku]);
    }
  }
  return defineProjection<TestEvent>({
    name,
    version: options.version ?? 1,
    handles: ["ItemAdded", "ItemRemoved"],
    schemaSql: `CREATE TABLE items (sku text PRIMARY KEY, quantity integer NOT NULL);
                CREATE TABLE applied (event_id uuid PRIMARY KEY, stream text NOT NULL, revision bigint NOT NULL);
                ${options.extraSql ?? ""}`,
    apply,
    ...(options.batch === false
      ? {}
      : {
          async applyBatch(events: readonly RecordedEvent<TestEvent>[], tx: SqlExecutor) {
            for (const event of events) await apply(event, tx);
          },
        }),
  });
}

/** Quantities per SKU in a projection schema. */
export async function itemQuantities(sql: SqlExecutor, schema: string): Promise<Record<string, number>> {
  const { rows } = await sql.query<{ sku: string; quantity: number }>(
    `SELECT sku, quantity FROM ${schema}.items ORDER BY sku`,
  );
  return Object.fromEntries(rows.map((row) => [row.sku, row.quantity]));
}

/** Number of events recorded as applied in a projection schema. */
export async function appliedCount(sql: SqlExecutor, schema: string): Promise<number> {
  const { rows } = await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${schema}.applied`);
  return Number(rows[0]?.n ?? 0);
}

/** Appends `count` ItemAdded events spread over `streams` streams; returns the expected quantities. */
export async function seed(
  store: EventStore<TestEvent>,
  prefix: string,
  count: number,
  streams = 3,
): Promise<{ quantities: Record<string, number>; last: import("@bot/eventstore").Position }> {
  const revisions = new Map<number, bigint>();
  const quantities: Record<string, number> = {};
  let last: import("@bot/eventstore").Position | undefined;
  for (let i = 0; i < count; i++) {
    const streamIndex = i % streams;
    const sku = `sku${i % 5}`;
    const quantity = (i % 3) + 1;
    quantities[sku] = (quantities[sku] ?? 0) + quantity;
    const expected = revisions.get(streamIndex) ?? "no_stream";
    const result = await store.append(`${prefix}${streamIndex}`, [itemAdded(sku, quantity)], {
      expectedRevision: expected,
    });
    revisions.set(streamIndex, result.nextRevision);
    last = result.position;
  }
  if (!last) throw new Error("seed needs count > 0");
  return { quantities, last };
}

/** A logger that keeps its JSON lines for assertions. */
export function memoryLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ level: "info", destination });
  return {
    logger,
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** Polls `check` until it is true or `timeoutMs` passes. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  label = "condition",
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${label}`);
}

/** A runner over the backing's store and database, with a silent in-memory logger unless given one. */
export function runnerFor(
  backing: Backing,
  projections: readonly Projection<TestEvent>[],
  options: Partial<Pick<ProjectionRunnerDeps<TestEvent>, "logger" | "metrics" | "batchSize">> = {},
): ProjectionRunner<TestEvent> {
  return new ProjectionRunner({
    store: backing.store,
    sql: backing.sql,
    projections,
    logger: options.logger ?? memoryLogger().logger,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  });
}
