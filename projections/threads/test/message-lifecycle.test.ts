import type { ThreadEvent } from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";
import type { SqlClient, SqlExecutor } from "@bot/sql";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findThread, listMessages, type MessageRow, threadsProjection } from "../src/index.ts";
import { applyInBatches, applyOneByOne, backends, freshSchema, inSchema } from "./support/backends.ts";
import { charge, quantities, TestLog, ThreadDriver } from "./support/thread-driver.ts";

const KEY = { chatId: 42, topicId: null, userId: 42 };

type Mode = "one by one" | "as one batch";

describe.each(backends)("given the threads projection on $name", ({ open }) => {
  let sql: SqlClient;
  const schemas: string[] = [];

  beforeAll(async () => {
    sql = await open();
  });

  afterAll(async () => {
    if (!sql) return;
    for (const schema of schemas) await sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.close();
  });

  describe.each<Mode>(["one by one", "as one batch"])("and events applied %s", (mode) => {
    let schema: string;
    let log: TestLog;
    let thread: ThreadDriver;
    let applied = 0;

    beforeEach(async () => {
      schema = await freshSchema(sql, "life");
      schemas.push(schema);
      log = new TestLog();
      thread = new ThreadDriver(log, KEY);
      applied = 0;
    });

    /** Applies the events recorded since the last sync. */
    async function sync(): Promise<void> {
      const fresh = log.events.slice(applied);
      applied = log.events.length;
      if (mode === "one by one") await applyOneByOne(sql, schema, fresh);
      else await applyInBatches(sql, schema, [fresh]);
    }

    const row = () => findThread(sql, thread.stream, schema);
    const messages = () => listMessages(sql, thread.stream, { schema });
    const answer = async (generationId: string): Promise<MessageRow> => {
      const found = (await messages()).find((message) => message.generationId === generationId);
      if (!found) throw new Error(`no answer row for ${generationId}`);
      return found;
    };

    it("when a message is answered, streamed, completed, charged and delivered, then each step shows in both tables", async () => {
      const messageId = thread.receive("How do I bake bread?");
      log.clock.advance(1000);
      const generationId = thread.start("claude-sonnet");
      await sync();
      expect(await row()).toMatchObject({
        openGenerationId: generationId,
        generationCount: 1,
        undeliveredCount: 0,
      });
      expect(await messages()).toEqual([
        expect.objectContaining({
          seq: 0n,
          role: "user",
          telegramMessageId: messageId,
          generationId: null,
          text: "How do I bake bread?",
          edited: false,
          status: null,
          inputTokens: null,
          costNano: null,
          createdAt: "2024-09-01T10:00:00.000Z",
        }),
        expect.objectContaining({
          seq: 1n,
          role: "assistant",
          generationId,
          text: "",
          status: "streaming",
          modelId: "claude-sonnet",
          inputTokens: 0,
          costNano: 0n,
          telegramMessageId: null,
          createdAt: "2024-09-01T10:00:01.000Z",
        }),
      ]);

      for (const piece of ["Mix ", "flour, ", "water ", "and salt."]) {
        log.clock.advance(500);
        thread.chunk(piece, "thinking…");
      }
      await sync();
      expect(await answer(generationId)).toMatchObject({
        text: "Mix flour, water and salt.",
        status: "streaming",
      });

      log.clock.advance(500);
      thread.complete(
        [
          charge(1_234_500, {
            amount: 1_500_000,
            quantities: quantities({
              inputTokens: 120,
              outputTokens: 45,
              cacheReadTokens: 7,
              cacheWrite5mTokens: 3,
              cacheWrite1hTokens: 2,
              thinkingTokens: 11,
            }),
          }),
          charge(100, { callIndex: 1, quantities: quantities({ inputTokens: 1, outputTokens: 1 }) }),
        ],
        "end_turn",
      );
      await sync();
      expect(await row()).toMatchObject({
        openGenerationId: null,
        undeliveredCount: 1,
        totalCostNano: 1_234_600n,
      });
      expect(await answer(generationId)).toMatchObject({
        status: "completed",
        stopReason: "end_turn",
        interrupted: false,
        inputTokens: 121,
        outputTokens: 46,
        cacheReadTokens: 7,
        cacheWriteTokens: 5,
        thinkingTokens: 11,
        costNano: 1_234_600n,
        estimated: false,
        deliveredAt: null,
      });

      log.clock.advance(500);
      thread.deliver(generationId, [901, 902]);
      await sync();
      expect(await row()).toMatchObject({
        undeliveredCount: 0,
        messageCount: 1,
        lastActivityAt: "2024-09-01T10:00:04.000Z",
        lastRevision: 9n,
      });
      expect(await answer(generationId)).toMatchObject({
        telegramMessageId: 901,
        deliveredAt: "2024-09-01T10:00:04.000Z",
        updatedAt: "2024-09-01T10:00:04.000Z",
      });
    });

    it("when the user stops the answer, then it is cancelled, cut short, charged, and undelivered until delivered", async () => {
      thread.receive("Write a long poem");
      const generationId = thread.start();
      thread.chunk("Roses are red,");
      thread.cancel([charge(300)]);
      await sync();
      expect(await answer(generationId)).toMatchObject({
        text: "Roses are red,",
        status: "cancelled",
        interrupted: true,
        stopReason: null,
        costNano: 300n,
      });
      expect(await row()).toMatchObject({ openGenerationId: null, undeliveredCount: 1, totalCostNano: 300n });

      thread.deliver(generationId, [77], true);
      await sync();
      expect(await answer(generationId)).toMatchObject({ telegramMessageId: 77, interrupted: true });
      expect(await row()).toMatchObject({ undeliveredCount: 0 });
    });

    it("when the process restarts mid-answer, then the answer is interrupted with an estimated charge", async () => {
      thread.receive("Explain monads");
      const generationId = thread.start();
      thread.chunk("A monad is");
      await sync();
      expect(await row()).toMatchObject({ openGenerationId: generationId });

      thread.interrupt([charge(50, { estimated: true })]);
      thread.deliver(generationId, [], true);
      await sync();
      expect(await answer(generationId)).toMatchObject({
        text: "A monad is",
        status: "interrupted",
        interrupted: true,
        estimated: true,
        costNano: 50n,
        // Delivered as no Telegram message (nothing new to send), but delivered all the same.
        telegramMessageId: null,
        deliveredAt: expect.any(String),
      });
      expect(await row()).toMatchObject({ openGenerationId: null, undeliveredCount: 0 });
    });

    it("when the provider fails before any text, then the answer is failed, empty, and nothing waits for delivery", async () => {
      thread.receive("Hello?");
      const generationId = thread.start();
      thread.fail();
      await sync();
      expect(await answer(generationId)).toMatchObject({
        text: "",
        status: "failed",
        interrupted: false,
        costNano: 0n,
      });
      expect(await row()).toMatchObject({
        openGenerationId: null,
        undeliveredCount: 0,
        generationCount: 1,
        totalCostNano: 0n,
      });
    });

    it("when the user edits a message twice, then its row holds the latest text, marked edited", async () => {
      const first = thread.receive("Helo");
      const second = thread.receive("untouched");
      log.clock.advance(1000);
      thread.edit(first, "Hello");
      log.clock.advance(1000);
      thread.edit(first, "Hello!");
      await sync();
      const rows = await messages();
      expect(
        rows.map(({ telegramMessageId, text, edited }) => ({ telegramMessageId, text, edited })),
      ).toEqual([
        { telegramMessageId: first, text: "Hello!", edited: true },
        { telegramMessageId: second, text: "untouched", edited: false },
      ]);
      expect(rows[0]?.updatedAt).toBe("2024-09-01T10:00:02.000Z");
    });

    it("when the override is selected and then removed, then the thread's model is null again", async () => {
      thread.select("gpt-4o");
      await sync();
      expect((await row())?.modelId).toBe("gpt-4o");
      thread.select(null);
      await sync();
      expect((await row())?.modelId).toBeNull();
    });

    it("when the thread is long, then listMessages pages backwards from the latest, oldest first", async () => {
      for (let index = 0; index < 7; index++) thread.receive(`m${index}`);
      await sync();
      const latest = await listMessages(sql, thread.stream, { schema, limit: 3 });
      expect(latest.map((message) => message.text)).toEqual(["m4", "m5", "m6"]);
      const before = await listMessages(sql, thread.stream, {
        schema,
        limit: 3,
        before: latest[0]?.seq ?? 0n,
      });
      expect(before.map((message) => message.text)).toEqual(["m1", "m2", "m3"]);
      const first = await listMessages(sql, thread.stream, { schema, before: 1n });
      expect(first.map((message) => message.text)).toEqual(["m0"]);
      expect(await listMessages(sql, "thread-1-0-1", { schema })).toEqual([]);
    });
  });

  it("when a batch holds hundreds of chunks, then it is written with a handful of statements, the text in one piece", async () => {
    const schema = await freshSchema(sql, "chunks");
    schemas.push(schema);
    const log = new TestLog();
    const thread = new ThreadDriver(log, KEY);
    thread.receive("Count to 300");
    const generationId = thread.start();
    const pieces = Array.from({ length: 300 }, (_, index) => `${index + 1} `);
    for (const piece of pieces) thread.chunk(piece);
    thread.complete([charge(10)]);

    let statements = 0;
    await sql.transaction(async (tx) => {
      await tx.query("SELECT set_config('search_path', $1, true)", [schema]);
      const counting: SqlExecutor = {
        query: (text, params) => {
          statements++;
          return tx.query(text, params);
        },
        exec: (script) => {
          statements++;
          return tx.exec(script);
        },
      };
      const applyBatch = threadsProjection.applyBatch;
      if (!applyBatch) throw new Error("threadsProjection has no batch path");
      await applyBatch(log.events as readonly RecordedEvent<ThreadEvent>[], counting);
    });
    expect(log.events.length).toBeGreaterThan(300);
    expect(statements).toBeLessThanOrEqual(5);
    const rows = await listMessages(sql, thread.stream, { schema });
    expect(rows.find((message) => message.generationId === generationId)?.text).toBe(pieces.join(""));

    // And a chunk applied after the answer ended changes nothing (the domain ignores it too).
    await inSchema(sql, schema, (tx) =>
      threadsProjection.apply(lateChunk(log, generationId, thread.stream), tx),
    );
    const after = await listMessages(sql, thread.stream, { schema });
    expect(after.find((message) => message.generationId === generationId)?.text).toBe(pieces.join(""));
  });
});

/** A ChunkStreamed for an ended generation: decideThread refuses it, so it is built by hand. */
function lateChunk(log: TestLog, generationId: string, stream: string): RecordedEvent<ThreadEvent> {
  const last = log.of(stream).at(-1);
  const event = {
    type: "ChunkStreamed",
    data: { generationId, sequence: 999, text: "late", thinking: "" },
    metadata: {
      ...(last?.metadata as ThreadEvent["metadata"]),
      eventId: "00000000-0000-4000-8000-0000000fffff",
    },
  } as ThreadEvent;
  return log.record(stream, [event], (last?.revision ?? -1n) + 1n)[0] as RecordedEvent<ThreadEvent>;
}
