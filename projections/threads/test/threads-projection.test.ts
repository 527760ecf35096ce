import {
  type Clock,
  type DomainEvent,
  domainEvents,
  fixedClock,
  type IdGenerator,
  type ThreadEvent,
  type ThreadKey,
  threadStream,
} from "@bot/domain";
import { randomIds } from "@bot/domain/system";
import { comparePositions, type EventStore, type Position, type RecordedEvent } from "@bot/eventstore";
import { createPostgresEventStore } from "@bot/eventstore/postgres";
import { createLogger } from "@bot/observability";
import { defineProjection, ProjectionRunner, readCheckpoint } from "@bot/projection-runner";
import type { SqlClient } from "@bot/sql";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  findThread,
  listAllThreads,
  listMessages,
  listUserThreads,
  type ThreadRow,
  threadsProjection,
  titleOf,
} from "../src/index.ts";
import {
  applyInBatches,
  applyOneByOne,
  backends,
  chunks,
  freshSchema as createFreshSchema,
  snapshot,
  uniqueName,
} from "./support/backends.ts";
import { charge, TestLog, ThreadDriver } from "./support/thread-driver.ts";

/** Appends events one stream at a time, tracking each stream's revision. */
class Writer {
  readonly #revisions = new Map<string, bigint>();
  last: Position | null = null;
  constructor(
    readonly store: EventStore<DomainEvent>,
    readonly clock: Clock & { advance(ms: number): void; set(at: Date | string): void },
    readonly ids: IdGenerator = randomIds,
  ) {}

  async append(stream: string, event: DomainEvent): Promise<Position> {
    const revision = this.#revisions.get(stream);
    const result = await this.store.append(stream, [event], {
      expectedRevision: revision === undefined ? "no_stream" : revision,
    });
    this.#revisions.set(stream, result.nextRevision);
    this.last = result.position;
    return result.position;
  }

  message(key: ThreadKey, text: string, messageId: number): Promise<Position> {
    const event = domainEvents.create(
      "MessageReceived",
      {
        chatId: key.chatId,
        topicId: key.topicId,
        userId: key.userId,
        chatType: key.chatId < 0 ? "supergroup" : "private",
        messageId,
        updateId: messageId,
        text,
        sentAt: this.clock.now().toISOString(),
        replyToMessageId: null,
        from: { username: null, firstName: "Test", languageCode: null },
      },
      { clock: this.clock, ids: this.ids },
      { correlationId: `update-${messageId}`, userId: key.userId },
    );
    return this.append(threadStream(key), event);
  }

  model(key: ThreadKey, modelId: string | null): Promise<Position> {
    const event = domainEvents.create(
      "ModelSelected",
      { modelId, previousModelId: null },
      { clock: this.clock, ids: this.ids },
      { correlationId: "model", userId: key.userId },
    );
    return this.append(threadStream(key), event);
  }

  reset(key: ThreadKey): Promise<Position> {
    const event = domainEvents.create(
      "ContextReset",
      { reason: "command" },
      { clock: this.clock, ids: this.ids },
      { correlationId: "reset", userId: key.userId },
    );
    return this.append(threadStream(key), event);
  }
}

type Step =
  | { readonly kind: "message"; readonly thread: number; readonly text: string; readonly advanceMs: number }
  | {
      readonly kind: "model";
      readonly thread: number;
      readonly modelId: string | null;
      readonly advanceMs: number;
    }
  | { readonly kind: "reset"; readonly thread: number; readonly advanceMs: number };

const thread = fc.nat({ max: 2 });
// Mostly forward, sometimes backwards (clock skew between writers), sometimes the same instant.
const advanceMs = fc.oneof(fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: -60_000, max: 0 }));
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("", "   ", "Hello\n\nworld", "😀".repeat(50), `${"a".repeat(79)}😀 tail`, "x ".repeat(60)),
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("message" as const), thread, text, advanceMs }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("model" as const),
      thread,
      // null: the override is removed, which must clear the row's model.
      modelId: fc.constantFrom("gpt-4o", "claude-sonnet", "gemini-pro", null),
      advanceMs,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reset" as const), thread, advanceMs }) },
);

/** What the rows should be after the steps, replaying each event by hand. */
function expectedRows(
  keys: readonly ThreadKey[],
  steps: readonly Step[],
  times: readonly string[],
): ThreadRow[] {
  const rows = new Map<string, ThreadRow>();
  steps.forEach((step, index) => {
    const key = keys[step.thread] as ThreadKey;
    const stream = threadStream(key);
    const at = times[index] as string;
    const row: ThreadRow = rows.get(stream) ?? {
      stream,
      chatId: key.chatId,
      topicId: key.topicId,
      userId: key.userId,
      chatType: null,
      title: null,
      modelId: null,
      messageCount: 0,
      contextMessageCount: 0,
      contextResets: 0,
      generationCount: 0,
      openGenerationId: null,
      undeliveredCount: 0,
      totalCostNano: 0n,
      firstActivityAt: at,
      lastActivityAt: at,
      lastRevision: -1n,
    };
    const next = {
      ...row,
      firstActivityAt: Date.parse(at) < Date.parse(row.firstActivityAt) ? at : row.firstActivityAt,
      lastActivityAt: Date.parse(at) > Date.parse(row.lastActivityAt) ? at : row.lastActivityAt,
      lastRevision: row.lastRevision + 1n,
    };
    if (step.kind === "message") {
      next.chatType = key.chatId < 0 ? "supergroup" : "private";
      next.messageCount += 1;
      next.contextMessageCount += 1;
      next.title = row.title ?? titleOf(step.text);
    } else if (step.kind === "model") {
      next.modelId = step.modelId;
    } else {
      next.contextResets += 1;
      next.contextMessageCount = 0;
      next.title = null;
    }
    rows.set(stream, next);
  });
  return [...rows.values()].sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
}

/**
 * Global reads wait for every older open transaction on the server, including
 * those of other test files sharing it; give them longer than one read's patience.
 */
async function retryWhileBlocked<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if ((error as Error).name !== "GlobalReadBlockedError" || Date.now() > deadline) throw error;
    }
  }
}

async function waitUntilVisible(store: EventStore<DomainEvent>, position: Position): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const head = await retryWhileBlocked(() => store.headPosition());
    if (head && comparePositions(head, position) >= 0) return;
    if (Date.now() > deadline) throw new Error("appended events did not become visible to global readers");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(backends)("given the threads projection on $name", ({ server, open }) => {
  let sql: SqlClient;
  let store: EventStore<DomainEvent>;
  const schemas: string[] = [];
  let run = 0;

  beforeAll(async () => {
    sql = await open();
    const eventSchema = server ? uniqueName("t_es") : "es";
    if (server) schemas.push(eventSchema);
    store = await createPostgresEventStore({ sql, codec: domainEvents, schema: eventSchema, idlePollMs: 50 });
  });

  afterAll(async () => {
    await store?.close();
    if (!sql) return;
    for (const schema of schemas) await sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.close();
  });

  async function freshSchema(label: string): Promise<string> {
    const schema = await createFreshSchema(sql, label);
    schemas.push(schema);
    return schema;
  }

  it("when random thread events are applied one by one and in random batches, then both give the same rows, as replayed by hand", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 1, maxLength: 25 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 25 }),
        async (steps, batchSizes) => {
          run++;
          const chatId = -(1_000_000_000 + run);
          const keys: ThreadKey[] = [
            { chatId, topicId: null, userId: 11 },
            { chatId, topicId: 5, userId: 11 },
            { chatId, topicId: null, userId: 12 },
          ];
          const clock = fixedClock("2024-07-01T08:00:00.000Z");
          const writer = new Writer(store, clock);
          const times: string[] = [];
          let messageId = 1;
          for (const step of steps) {
            clock.advance(step.advanceMs);
            times.push(clock.now().toISOString());
            const key = keys[step.thread] as ThreadKey;
            if (step.kind === "message") await writer.message(key, step.text, messageId++);
            else if (step.kind === "model") await writer.model(key, step.modelId);
            else await writer.reset(key);
          }
          await waitUntilVisible(store, writer.last as Position);

          const events = await retryWhileBlocked(async () => {
            const read: RecordedEvent<ThreadEvent>[] = [];
            for await (const event of store.readAll({ filter: { streamPrefixes: [`thread-${chatId}-`] } })) {
              read.push(event as RecordedEvent<ThreadEvent>);
            }
            return read;
          });
          expect(events).toHaveLength(steps.length);

          const oneByOne = await freshSchema("one");
          const batched = await freshSchema("batch");
          try {
            await applyOneByOne(sql, oneByOne, events);
            await applyInBatches(sql, batched, chunks(events, batchSizes));

            const expected = expectedRows(keys, steps, times);
            const single = await snapshot(sql, oneByOne);
            expect(single.threads).toEqual(expected);
            expect(single.messages.map((row) => row.text).sort()).toEqual(
              steps.flatMap((step) => (step.kind === "message" ? [step.text] : [])).sort(),
            );
            expect(await snapshot(sql, batched)).toEqual(single);
          } finally {
            await sql.exec(`DROP SCHEMA ${oneByOne} CASCADE; DROP SCHEMA ${batched} CASCADE`);
          }
        },
      ),
      { numRuns: server ? 30 : 60 },
    );
  }, 240_000);

  it("when a ProjectionRunner follows the log, then findThread and listUserThreads return the expected threads", async () => {
    // On a shared server the live schema "threads" could collide with other test files.
    const projection = server
      ? defineProjection({ ...threadsProjection, name: uniqueName("threads") })
      : threadsProjection;
    const schema = projection.name;
    if (server) schemas.push(schema);

    const clock = fixedClock("2024-08-01T09:00:00.000Z");
    const writer = new Writer(store, clock);
    const chatId = -(2_000_000_000 + Math.floor(Math.random() * 1_000_000));
    const userA = 500_001 + Math.floor(Math.random() * 1000) * 2;
    const userB = userA + 1;
    const main: ThreadKey = { chatId, topicId: null, userId: userA };
    const topic: ThreadKey = { chatId, topicId: 9, userId: userA };
    const dm: ThreadKey = { chatId: userA, topicId: null, userId: userA };
    const other: ThreadKey = { chatId, topicId: null, userId: userB };
    const longText = `  ${"word ".repeat(30)}😀 end`;

    await writer.message(main, "  How do\n\nI   bake bread? ", 1);
    clock.advance(60_000);
    await writer.message(main, "And rye?", 2);
    clock.advance(60_000);
    await writer.model(main, "claude-sonnet");
    clock.advance(60_000);
    await writer.reset(main);
    clock.advance(60_000);
    await writer.message(main, longText, 3);
    clock.advance(60_000);
    await writer.model(topic, "gpt-4o");
    clock.advance(60_000);
    await writer.message(dm, "private hello", 4);
    clock.advance(60_000);
    // A thread with an answer, as the bot writes it: the runner must pick up every thread event type.
    const log = new TestLog();
    const answered = new ThreadDriver(log, {
      chatId: userA + 1_000_000,
      topicId: null,
      userId: userA + 1_000_000,
    });
    answered.receive("Tell me a joke");
    const generationId = answered.start();
    answered.chunk("Why did ");
    answered.chunk("the chicken…");
    answered.complete([charge(2_500)]);
    answered.deliver(generationId, [31]);
    await store.append(
      answered.stream,
      log.events.map(({ type, data, metadata }) => ({ type, data, metadata }) as DomainEvent),
      { expectedRevision: "no_stream" },
    );
    await writer.message(other, "someone else", 5);

    const runner = new ProjectionRunner({
      store,
      sql,
      projections: [projection],
      logger: createLogger({ level: "silent" }),
      batchSize: 3,
    });
    runner.start();
    try {
      await runner.waitFor(schema, writer.last as Position, { timeoutMs: 60_000 });

      const mainRow = await findThread(sql, threadStream(main), schema);
      expect(mainRow).toEqual({
        stream: threadStream(main),
        chatId,
        topicId: null,
        userId: userA,
        chatType: "supergroup",
        title: titleOf(longText),
        modelId: "claude-sonnet",
        messageCount: 3,
        contextMessageCount: 1,
        contextResets: 1,
        generationCount: 0,
        openGenerationId: null,
        undeliveredCount: 0,
        totalCostNano: 0n,
        firstActivityAt: "2024-08-01T09:00:00.000Z",
        lastActivityAt: "2024-08-01T09:04:00.000Z",
        lastRevision: 4n,
      });
      expect(mainRow?.title).toHaveLength(80);
      expect(mainRow?.title?.endsWith("…")).toBe(true);

      expect(await findThread(sql, answered.stream, schema)).toMatchObject({
        messageCount: 1,
        generationCount: 1,
        openGenerationId: null,
        undeliveredCount: 0,
        totalCostNano: 2_500n,
        lastRevision: 6n,
      });
      expect(
        (await listMessages(sql, answered.stream, { schema })).map(
          ({ role, text, status, telegramMessageId }) => ({
            role,
            text,
            status,
            telegramMessageId,
          }),
        ),
      ).toEqual([
        { role: "user", text: "Tell me a joke", status: null, telegramMessageId: 1 },
        { role: "assistant", text: "Why did the chicken…", status: "completed", telegramMessageId: 31 },
      ]);

      const topicRow = await findThread(sql, threadStream(topic), schema);
      expect(topicRow).toMatchObject({
        topicId: 9,
        chatType: null,
        title: null,
        modelId: "gpt-4o",
        messageCount: 0,
        contextMessageCount: 0,
        contextResets: 0,
        lastRevision: 0n,
      });
      expect(await findThread(sql, threadStream(dm), schema)).toMatchObject({
        chatId: userA,
        chatType: "private",
        title: "private hello",
        messageCount: 1,
      });
      expect(await findThread(sql, threadStream({ chatId, topicId: 77, userId: userA }), schema)).toBeNull();

      const mine = await listUserThreads(sql, userA, { schema });
      expect(mine.map((row) => row.stream)).toEqual([
        threadStream(dm),
        threadStream(topic),
        threadStream(main),
      ]);
      const recent = await listUserThreads(sql, userA, { schema, limit: 2 });
      expect(recent.map((row) => row.stream)).toEqual([threadStream(dm), threadStream(topic)]);
      const theirs = await listUserThreads(sql, userB, { schema });
      expect(theirs.map((row) => [row.stream, row.title])).toEqual([[threadStream(other), "someone else"]]);

      if (!server) {
        // The live schema is the default of every query.
        expect(await findThread(sql, threadStream(main))).toEqual(mainRow);
        expect(await listUserThreads(sql, userA)).toEqual(mine);
        expect((await listAllThreads(sql)).length).toBeGreaterThanOrEqual(4);
      }

      // Live: an event appended while the runner runs shows up after waitFor.
      clock.advance(60_000);
      const live = await writer.message(topic, "Now a question in the topic", 6);
      await runner.waitFor(schema, live, { timeoutMs: 60_000 });
      expect(await findThread(sql, threadStream(topic), schema)).toMatchObject({
        chatType: "supergroup",
        title: "Now a question in the topic",
        modelId: "gpt-4o",
        messageCount: 1,
        contextMessageCount: 1,
        lastActivityAt: "2024-08-01T09:08:00.000Z",
        lastRevision: 1n,
      });
      const reordered = await listUserThreads(sql, userA, { schema });
      expect(reordered[0]?.stream).toBe(threadStream(topic));

      const checkpoint = await readCheckpoint(sql, schema);
      expect(checkpoint?.status).toBe("live");
      expect(checkpoint && comparePositions(checkpoint.position, live)).toBeGreaterThanOrEqual(0);
      expect(runner.status()).toEqual([
        expect.objectContaining({ name: schema, state: "running", error: null }),
      ]);
    } finally {
      await runner.stop();
    }
  }, 180_000);
});
