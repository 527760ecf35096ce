import type { ThreadKey } from "@bot/domain";
import type { SqlClient } from "@bot/sql";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findThread, listMessages } from "../src/index.ts";
import {
  applyInBatches,
  applyOneByOne,
  backends,
  chunks,
  freshSchema,
  snapshot,
} from "./support/backends.ts";
import { charge, quantities, TestLog, ThreadDriver } from "./support/thread-driver.ts";

type Action =
  | { readonly kind: "receive"; readonly text: string }
  | { readonly kind: "edit"; readonly pick: number; readonly text: string }
  | { readonly kind: "start"; readonly modelId: string }
  | { readonly kind: "chunk"; readonly text: string; readonly thinking: string }
  | { readonly kind: "complete" | "cancel" | "interrupt" | "fail"; readonly charges: readonly Charge[] }
  | { readonly kind: "deliver"; readonly pick: number; readonly messages: number }
  | { readonly kind: "select"; readonly modelId: string | null }
  | { readonly kind: "reset" };

interface Charge {
  readonly userAmount: number;
  readonly extra: number;
  readonly estimated: boolean;
  readonly tokens: number;
}

interface Step {
  readonly thread: number;
  readonly advanceMs: number;
  readonly action: Action;
}

const text = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom("", "Hello\nworld", "😀 emoji", "x".repeat(90)),
);
const chargeArb: fc.Arbitrary<Charge> = fc.record({
  userAmount: fc.integer({ min: 0, max: 5_000_000 }),
  extra: fc.integer({ min: 0, max: 1_000 }),
  estimated: fc.boolean(),
  tokens: fc.nat({ max: 10_000 }),
});
const charges = fc.array(chargeArb, { maxLength: 2 });
// Weighted so that generations start often and get chunks before they end.
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("receive" as const), text }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("edit" as const), pick: fc.nat(), text }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("start" as const), modelId: fc.constantFrom("claude", "gpt") }),
  },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant("chunk" as const), text, thinking: fc.constantFrom("", "hmm") }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom("complete" as const, "cancel" as const, "interrupt" as const, "fail" as const),
      charges,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("deliver" as const),
      pick: fc.nat(),
      messages: fc.nat({ max: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("select" as const),
      modelId: fc.constantFrom("claude", "gpt", null),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reset" as const) }) },
);
// Mostly forward, sometimes the same instant or backwards (clock skew between processes).
const advanceMs = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 60_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: -30_000, max: 0 }) },
);
const stepArb: fc.Arbitrary<Step> = fc.record({ thread: fc.nat({ max: 2 }), advanceMs, action: actionArb });

/**
 * Plays the steps through `decideThread`: an action the thread's state does not
 * allow at that point (start with nothing pending, end with nothing open, ...) is
 * skipped, so every recorded sequence is one the bot could write.
 */
function play(log: TestLog, threads: readonly ThreadDriver[], steps: readonly Step[]): void {
  let telegramId = 10_000;
  for (const step of steps) {
    const thread = threads[step.thread] as ThreadDriver;
    const state = thread.state;
    const action = step.action;
    log.clock.advance(step.advanceMs);
    const drafts = (list: readonly Charge[]) =>
      list.map((c, callIndex) =>
        charge(c.userAmount, {
          callIndex,
          amount: c.userAmount + c.extra,
          estimated: c.estimated,
          quantities: quantities({
            inputTokens: c.tokens,
            outputTokens: c.tokens % 97,
            cacheWrite1hTokens: 3,
          }),
        }),
      );
    switch (action.kind) {
      case "receive":
        thread.receive(action.text);
        break;
      case "edit": {
        const users = state.turns.flatMap((turn) => (turn.kind === "user" ? [turn.messageId] : []));
        const target = users[action.pick % Math.max(users.length, 1)];
        if (target !== undefined) thread.edit(target, action.text);
        break;
      }
      case "start":
        if (!state.generation && state.pending.length > 0) thread.start(action.modelId);
        break;
      case "chunk":
        if (state.generation) thread.chunk(action.text, action.thinking);
        break;
      case "complete":
        if (state.generation) thread.complete(drafts(action.charges));
        break;
      case "cancel":
        if (state.generation) thread.cancel(drafts(action.charges));
        break;
      case "interrupt":
        if (state.generation) thread.interrupt(drafts(action.charges));
        break;
      case "fail":
        if (state.generation && state.generation.text.length === 0) thread.fail(drafts(action.charges));
        break;
      case "deliver": {
        const answer = state.undelivered[action.pick % Math.max(state.undelivered.length, 1)];
        if (answer) {
          const ids = Array.from({ length: action.messages }, () => telegramId++);
          thread.deliver(answer.generationId, ids, answer.outcome !== "completed");
        }
        break;
      }
      case "select":
        thread.select(action.modelId);
        break;
      case "reset":
        if (!state.generation) thread.reset();
        break;
      default: {
        const unknown: never = action;
        throw new Error(`unknown action ${JSON.stringify(unknown)}`);
      }
    }
  }
}

describe.each(backends)("given valid thread histories on $name", ({ server, open }) => {
  let sql: SqlClient;
  const schemas: string[] = [];
  let run = 0;

  beforeAll(async () => {
    sql = await open();
  });

  afterAll(async () => {
    if (!sql) return;
    for (const schema of schemas) await sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.close();
  });

  it("when the events are applied one by one and in random batches, then the rows are the same and agree with foldThread", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 1, maxLength: 80, size: "max" }),
        fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 30 }),
        async (steps, batchSizes) => {
          run++;
          const log = new TestLog();
          const keys: ThreadKey[] = [
            { chatId: -100_000 - run, topicId: null, userId: 7 },
            { chatId: -100_000 - run, topicId: 3, userId: 7 },
            { chatId: 8, topicId: null, userId: 8 },
          ];
          const threads = keys.map((key) => new ThreadDriver(log, key));
          play(log, threads, steps);

          const oneByOne = await freshSchema(sql, "seq_one");
          const batched = await freshSchema(sql, "seq_batch");
          schemas.push(oneByOne, batched);
          try {
            await applyOneByOne(sql, oneByOne, log.events);
            await applyInBatches(sql, batched, chunks(log.events, batchSizes));
            const single = await snapshot(sql, oneByOne);
            expect(await snapshot(sql, batched)).toEqual(single);

            for (const thread of threads) {
              const state = thread.state;
              const row = await findThread(sql, thread.stream, oneByOne);
              if (log.of(thread.stream).length === 0) {
                expect(row).toBeNull();
                continue;
              }
              expect(row).toMatchObject({
                messageCount: state.messageCount,
                contextMessageCount: state.turns.filter((turn) => turn.kind === "user").length,
                generationCount: state.generationCount,
                openGenerationId: state.generation?.generationId ?? null,
                undeliveredCount: state.undelivered.length,
                totalCostNano: BigInt(state.userCost),
                modelId: state.modelOverride,
                lastRevision: BigInt(log.of(thread.stream).length - 1),
              });

              const rows = await listMessages(sql, thread.stream, { schema: oneByOne, limit: 10_000 });
              for (const turn of state.turns) {
                if (turn.kind === "user") {
                  const user = rows.find((r) => r.role === "user" && r.telegramMessageId === turn.messageId);
                  expect(user).toMatchObject({ text: turn.text, edited: turn.edited });
                } else {
                  const answer = rows.find((r) => r.generationId === turn.generationId);
                  expect(answer).toMatchObject({ text: turn.text, interrupted: turn.interrupted });
                }
              }
              if (state.generation) {
                const open = rows.find((r) => r.generationId === state.generation?.generationId);
                expect(open).toMatchObject({ status: "streaming", text: state.generation.text });
              }
              const undelivered = rows
                .filter((r) => r.role === "assistant" && r.status !== "streaming" && r.status !== "failed")
                .filter((r) => r.deliveredAt === null)
                .map((r) => r.generationId);
              expect(undelivered).toEqual(state.undelivered.map((answer) => answer.generationId));
            }
          } finally {
            await sql.exec(`DROP SCHEMA ${oneByOne} CASCADE; DROP SCHEMA ${batched} CASCADE`);
          }
        },
      ),
      { numRuns: server ? 15 : 40 },
    );
  }, 300_000);
});
