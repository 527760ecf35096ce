/**
 * pnpm bench:store — event store and projection figures for PGlite and server
 * PostgreSQL on this machine. Prints a table per backend and, as the last line,
 * one JSON object `{"pglite": {...}, "postgres": {...}}`.
 *
 * Server Postgres comes from DATABASE_URL (skipped when unset). Each run uses a
 * private schema (or a temporary PGlite directory) and removes it afterwards.
 *
 * Options (env): BENCH_EVENTS (default 100000) events for readAll and catch-up,
 * BENCH_APPENDS (default 2000) single-event appends for the 1-writer latency,
 * BENCH_APPENDS_PER_WRITER (default 1000) for the 8-writer run.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { type DomainEvent, domainEvents, type MessageReceived, threadStream } from "@bot/domain";
import { randomIds, systemClock } from "@bot/domain/system";
import { type EventStore, START } from "@bot/eventstore";
import { createPostgresEventStore } from "@bot/eventstore/postgres";
import { createLogger } from "@bot/observability";
import { defineProjection, ProjectionRunner, readCheckpoint } from "@bot/projection-runner";
import { threadsProjection } from "@bot/projection-threads";
import { createPgliteClient, createPostgresClient, type SqlClient } from "@bot/sql";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const APPENDS_1W = Number(process.env.BENCH_APPENDS ?? 2000);
const APPENDS_PER_WRITER = Number(process.env.BENCH_APPENDS_PER_WRITER ?? 1000);
const WRITERS = 8;
const SEED_BATCH = 100;

interface Figures {
  append_p50_ms_1w: number;
  append_p99_ms_1w: number;
  append_p99_ms_8w: number;
  appends_per_s_8w: number;
  read_all_per_s: number;
  catchup_per_s: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

let messageCounter = 0;
function message(userId: number): MessageReceived {
  messageCounter++;
  return domainEvents.create(
    "MessageReceived",
    {
      chatId: userId,
      topicId: null,
      userId,
      chatType: "private",
      messageId: messageCounter,
      updateId: messageCounter,
      text: `benchmark message ${messageCounter} with a few words of ordinary length`,
      sentAt: new Date().toISOString(),
      replyToMessageId: null,
      from: { username: "bench", firstName: "Bench", languageCode: "en" },
    },
    { clock: systemClock, ids: randomIds },
    { correlationId: `bench-${messageCounter}`, userId },
  ) as MessageReceived;
}

/** Appends `count` single-event appends to one stream and returns each latency in ms. */
async function appendLoop(store: EventStore<DomainEvent>, userId: number, count: number): Promise<number[]> {
  const stream = threadStream({ chatId: userId, topicId: null, userId });
  const latencies: number[] = [];
  let expected: bigint | "no_stream" = "no_stream";
  for (let i = 0; i < count; i++) {
    const event = message(userId);
    const started = performance.now();
    expected = (await store.append(stream, [event], { expectedRevision: expected })).nextRevision;
    latencies.push(performance.now() - started);
  }
  return latencies;
}

async function benchBackend(label: string, sql: SqlClient, schema: string): Promise<Figures> {
  const store = await createPostgresEventStore({ sql, codec: domainEvents, schema });
  const say = (text: string) => process.stderr.write(`[${label}] ${text}\n`);
  const userBase = Math.floor(Math.random() * 1e9);

  await appendLoop(store, userBase, 200);
  const one = (await appendLoop(store, userBase + 1, APPENDS_1W)).sort((a, b) => a - b);
  say(
    `1 writer: ${APPENDS_1W} appends, p50 ${round(percentile(one, 50), 3)} ms, p99 ${round(percentile(one, 99), 3)} ms`,
  );

  const started8 = performance.now();
  const perWriter = await Promise.all(
    Array.from({ length: WRITERS }, (_, writer) =>
      appendLoop(store, userBase + 10 + writer, APPENDS_PER_WRITER),
    ),
  );
  const seconds8 = (performance.now() - started8) / 1000;
  const eight = perWriter.flat().sort((a, b) => a - b);
  const appendsPerSecond = eight.length / seconds8;
  say(
    `${WRITERS} writers: ${eight.length} appends in ${round(seconds8)} s = ${Math.round(appendsPerSecond)}/s, ` +
      `p50 ${round(percentile(eight, 50), 3)} ms, p99 ${round(percentile(eight, 99), 3)} ms`,
  );

  const already = 200 + APPENDS_1W + WRITERS * APPENDS_PER_WRITER;
  const toSeed = Math.max(0, EVENTS - already);
  const seedStarted = performance.now();
  const streams = 1000;
  const revisions = new Map<number, bigint>();
  for (let appended = 0, i = 0; appended < toSeed; i++) {
    const user = userBase + 100 + (i % streams);
    const size = Math.min(SEED_BATCH, toSeed - appended);
    const events = Array.from({ length: size }, () => message(user));
    const stream = threadStream({ chatId: user, topicId: null, userId: user });
    const result = await store.append(stream, events, {
      expectedRevision: revisions.get(user) ?? "no_stream",
    });
    revisions.set(user, result.nextRevision);
    appended += size;
  }
  say(
    `seeded ${toSeed} more events in batches of ${SEED_BATCH} in ${round((performance.now() - seedStarted) / 1000)} s`,
  );

  const readStarted = performance.now();
  let read = 0;
  for await (const _event of store.readAll()) read++;
  const readSeconds = (performance.now() - readStarted) / 1000;
  const readPerSecond = read / readSeconds;
  say(
    `readAll: ${read} events in ${round(readSeconds)} s = ${Math.round(readPerSecond)}/s (decoded and validated)`,
  );

  const projection = defineProjection({
    ...threadsProjection,
    name: `bench_threads_${randomUUID().slice(0, 8)}`,
  });
  const runner = new ProjectionRunner({
    store,
    sql,
    projections: [projection],
    logger: createLogger({ level: "warn", name: "bench" }),
  });
  const head = (await store.headPosition()) ?? START;
  const catchupStarted = performance.now();
  runner.start();
  await runner.waitFor(projection.name, head, { timeoutMs: 600_000 });
  const catchupSeconds = (performance.now() - catchupStarted) / 1000;
  await runner.stop();
  const applied = Number((await readCheckpoint(sql, projection.name))?.eventsApplied ?? 0n);
  const catchupPerSecond = applied / catchupSeconds;
  say(
    `catch-up (threads projection): ${applied} events in ${round(catchupSeconds)} s = ${Math.round(catchupPerSecond)}/s`,
  );
  await sql.exec(`DROP SCHEMA IF EXISTS ${projection.name} CASCADE`);
  await store.close();

  return {
    append_p50_ms_1w: round(percentile(one, 50), 3),
    append_p99_ms_1w: round(percentile(one, 99), 3),
    append_p99_ms_8w: round(percentile(eight, 99), 3),
    appends_per_s_8w: Math.round(appendsPerSecond),
    read_all_per_s: Math.round(readPerSecond),
    catchup_per_s: Math.round(catchupPerSecond),
  };
}

async function benchPglite(): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), "bench-pglite-"));
  const sql = await createPgliteClient({ dataDir: dir });
  try {
    return await benchBackend("pglite", sql, "es");
  } finally {
    await sql.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(url: string): Promise<Figures> {
  const sql = createPostgresClient({
    connectionString: url,
    maxConnections: 16,
    applicationName: "bench-store",
  });
  const schema = `bench_es_${randomUUID().replaceAll("-", "").slice(0, 8)}`;
  try {
    const { rows } = await sql.query<{ server_version: string }>("SHOW server_version");
    process.stderr.write(`[postgres] server ${rows[0]?.server_version ?? "?"}\n`);
    return await benchBackend("postgres", sql, schema);
  } finally {
    await sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.close();
  }
}

const cpu = cpus();
process.stderr.write(
  `machine: ${cpu.length} x ${cpu[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; ` +
    `${EVENTS} events, ${APPENDS_1W} appends (1 writer), ${WRITERS} x ${APPENDS_PER_WRITER} appends\n`,
);
const result: Record<string, unknown> = {};
result.pglite = await benchPglite();
const url = process.env.DATABASE_URL;
if (url) result.postgres = await benchPostgres(url);
else process.stderr.write("[postgres] skipped: set DATABASE_URL to benchmark server PostgreSQL\n");
process.stdout.write(`${JSON.stringify(result)}\n`);
