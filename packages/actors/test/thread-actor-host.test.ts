import { type DomainEvent, type IdGenerator, sequentialIds, type ThreadKey } from "@bot/domain";
import type { EventStore, RecordedEvent } from "@bot/eventstore";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type GenerationEnvironment,
  ThreadActorHost,
  ThreadSession,
  type ThreadTimings,
  type TurnTiming,
  threadEffects,
  UserAccountStore,
  type UserAccounts,
} from "../src/index.ts";
import { type Backend, backends } from "./support/backends.ts";
import {
  answer,
  capturingLogger,
  contextFor,
  done,
  environment,
  eventSource,
  eventually,
  gate,
  message,
  ofType,
  pause,
  privateThread,
  RecordingRenderer,
  readThread,
  requestText,
  ScriptedProvider,
  type Step,
  sleep,
  text,
  typesOf,
  usageDelta,
} from "./support/fakes.ts";

const source = eventSource();
const timings: Partial<ThreadTimings> = { batchWindowMs: 30, maxBatchWaitMs: 1_000, idleTimeoutMs: 300 };

interface HostUnderTest {
  readonly host: ThreadActorHost;
  readonly provider: ScriptedProvider;
  readonly renderer: RecordingRenderer;
  readonly env: GenerationEnvironment;
  readonly liveCounts: number[];
  /** The timing each `generate` call was given, in order. */
  readonly turnTimings: (TurnTiming | null)[];
  /** How many times an actor of this host invoked `generate`. */
  readonly generateCalls: () => number;
  readonly errors: () => string[];
}

/**
 * Checks what must hold for any thread log: generations never overlap, every message
 * is answered by exactly one generation (none lost, none twice), every generation
 * ends once, is charged once and (unless it failed) delivered once.
 */
function expectConsistentLog(log: readonly RecordedEvent<DomainEvent>[]): void {
  let open: string | null = null;
  const batched = new Map<number, string>();
  for (const event of log) {
    switch (event.type) {
      case "GenerationStarted":
        expect(open, `GenerationStarted at revision ${event.revision} while ${open} is open`).toBeNull();
        open = event.data.generationId;
        for (const id of event.data.batchMessageIds) {
          expect(batched.has(id), `message ${id} is in two batches`).toBe(false);
          batched.set(id, event.data.generationId);
        }
        break;
      case "GenerationCompleted":
      case "GenerationCancelled":
      case "GenerationInterrupted":
      case "GenerationFailed":
        expect(event.data.generationId).toBe(open);
        open = null;
        break;
      default:
        break;
    }
  }
  expect(open, "a generation is still open").toBeNull();
  const received = ofType(log, "MessageReceived").map((event) => event.data.messageId);
  expect(new Set(received).size, "a message was recorded twice").toBe(received.length);
  expect([...batched.keys()].sort((a, b) => a - b)).toEqual([...received].sort((a, b) => a - b));
  const generations = ofType(log, "GenerationStarted").map((event) => event.data.generationId);
  for (const id of generations) {
    const charges = ofType(log, "UsageCharged").filter((event) => event.data.generationId === id);
    const failedWithoutUsage = ofType(log, "GenerationFailed").some(
      (event) => event.data.generationId === id,
    );
    if (!failedWithoutUsage) expect(charges, `charges of ${id}`).toHaveLength(1);
    const deliveries = ofType(log, "AnswerDelivered").filter((event) => event.data.generationId === id);
    expect(deliveries, `deliveries of ${id}`).toHaveLength(failedWithoutUsage ? 0 : 1);
  }
}

for (const { name, create } of backends) {
  describe(`given the thread actor host over the ${name} event store`, () => {
    let backend: Backend;
    let users: UserAccountStore;
    const hosts: ThreadActorHost[] = [];

    beforeAll(async () => {
      backend = await create();
      users = new UserAccountStore(backend.store, source);
    });
    afterEach(async () => {
      for (const host of hosts.splice(0)) await host.shutdown(5_000);
    });
    afterAll(async () => {
      await backend?.close();
    });

    function startHost(
      options: {
        store?: EventStore<DomainEvent>;
        provider?: ScriptedProvider;
        users?: UserAccounts;
        ids?: IdGenerator;
        timings?: Partial<ThreadTimings>;
      } = {},
    ): HostUnderTest {
      const provider = options.provider ?? new ScriptedProvider();
      const renderer = new RecordingRenderer();
      const { logger, lines } = capturingLogger();
      const env = environment({
        provider,
        renderer,
        users: options.users ?? users,
        logger,
        ...(options.ids ? { ids: options.ids } : {}),
      });
      const liveCounts: number[] = [];
      const turnTimings: (TurnTiming | null)[] = [];
      let generateCalls = 0;
      const effects = threadEffects(env);
      const host = new ThreadActorHost({
        store: options.store ?? backend.store,
        source,
        logger,
        timings: { ...timings, ...options.timings },
        effects: (session) => {
          const real = effects(session);
          return {
            generate: (signal, timing) => {
              generateCalls++;
              turnTimings.push(timing);
              return real.generate(signal, timing);
            },
            recover: () => real.recover(),
          };
        },
        onLiveActorsChanged: (count) => liveCounts.push(count),
      });
      hosts.push(host);
      const errors = () =>
        lines()
          .filter((line) => line.level === "error")
          .map((line) => line.msg);
      return {
        host,
        provider,
        renderer,
        env,
        liveCounts,
        turnTimings,
        generateCalls: () => generateCalls,
        errors,
      };
    }

    const receive = (h: HostUnderTest, key: ThreadKey, id: number, body: string) =>
      h.host.receiveMessage(message(key, id, body), contextFor(key, `update-${id}`));

    describe("given messages arriving close together", () => {
      it("when two arrive within the batching window, then one generation answers both", async () => {
        const h = startHost();
        h.provider.enqueue(answer("One answer for both"));
        const key = privateThread();

        const beforeFirst = performance.now();
        expect(await receive(h, key, 1, "Here is my question,")).toBe("recorded");
        const firstRecorded = performance.now();
        expect(await receive(h, key, 2, "and here is the rest of it.")).toBe("recorded");
        await h.host.settled(key);

        // The turn's timing covers recording the first message; the window is not in it.
        const [timing] = h.turnTimings;
        expect(h.turnTimings).toHaveLength(1);
        expect(timing?.recordMs).toBeGreaterThanOrEqual(0);
        expect(timing?.recordMs).toBeLessThanOrEqual(firstRecorded - beforeFirst);
        expect(timing?.windowEndedAt).toBeGreaterThanOrEqual(
          firstRecorded + (timings.batchWindowMs ?? 0) - 1,
        );

        const log = await readThread(backend.store, key);
        expect(ofType(log, "GenerationStarted").map((event) => event.data.batchMessageIds)).toEqual([[1, 2]]);
        expect(h.provider.requests).toHaveLength(1);
        expect(requestText(h.provider.requests[0])).toBe(
          "Here is my question,\n\nand here is the rest of it.",
        );
        expect(h.renderer.finishes.map((finish) => finish.answer.answer)).toEqual(["One answer for both"]);
        expectConsistentLog(log);
        expect(h.errors()).toEqual([]);
      });

      it("when the same update is received twice, then the second is a duplicate and nothing more is answered", async () => {
        const h = startHost();
        const key = privateThread();
        expect(await receive(h, key, 1, "once")).toBe("recorded");
        expect(await receive(h, key, 1, "once")).toBe("duplicate");
        await h.host.settled(key);
        expect(h.provider.requests).toHaveLength(1);
        expectConsistentLog(await readThread(backend.store, key));
      });
    });

    describe("given a running generation", () => {
      it("when a new message arrives, then the generation is cancelled (new_message), its partial kept, and the new message answered next", async () => {
        const h = startHost();
        const paused = gate();
        h.provider.enqueue(
          [usageDelta({ inputTokens: 10 }), text("Answer to the first"), pause(paused), text(" never")],
          answer("Answer to the second"),
        );
        const key = privateThread();

        await receive(h, key, 1, "First question");
        await paused.reached;
        await receive(h, key, 2, "Actually, a second question");
        await h.host.settled(key);

        const log = await readThread(backend.store, key);
        expect(typesOf(log)).toEqual([
          "MessageReceived",
          "GenerationStarted",
          "ChunkStreamed",
          "MessageReceived",
          "GenerationCancelled",
          "UsageCharged",
          "AnswerDelivered",
          "GenerationStarted",
          "ChunkStreamed",
          "GenerationCompleted",
          "UsageCharged",
          "AnswerDelivered",
        ]);
        expect(ofType(log, "GenerationCancelled")[0]?.data.reason).toBe("new_message");
        expect(ofType(log, "GenerationStarted").map((event) => event.data.batchMessageIds)).toEqual([
          [1],
          [2],
        ]);
        expect(h.renderer.finishes.map((finish) => finish.answer)).toEqual([
          { answer: "Answer to the first", interrupted: true, notice: null },
          { answer: "Answer to the second", interrupted: false, notice: null },
        ]);
        // The second call sees the cut answer, marked as interrupted, before the new question.
        expect(requestText(h.provider.requests[1])).toBe(
          "First question\nAnswer to the first\n\n[interrupted]\nActually, a second question",
        );
        expectConsistentLog(log);
      });

      it("when a message arrives while the generation is still being started, then that message is still answered", async () => {
        // The account read is the first thing a generation does; hold it so the next
        // message is recorded after the batch was closed but before GenerationStarted.
        const accountRead = gate();
        let reads = 0;
        const slowUsers: UserAccounts = {
          account: async (userId) => {
            if (++reads === 1) {
              accountRead.markReached();
              await accountRead.opened;
            }
            return users.account(userId);
          },
        };
        const h = startHost({ users: slowUsers });
        h.provider.enqueue(answer("First answer"), answer("Second answer"));
        const key = privateThread();

        await receive(h, key, 1, "First");
        await accountRead.reached;
        await receive(h, key, 2, "Second, sent just as the answer started");
        accountRead.open();
        await h.host.settled(key);
        await sleep(100);
        await h.host.settled(key);

        const log = await readThread(backend.store, key);
        const state = (await ThreadSession.load(key, backend.store, source)).state;
        // Message 2 must be answered by a generation that was not cancelled because of it.
        const cancelled = new Set(ofType(log, "GenerationCancelled").map((event) => event.data.generationId));
        const answeredBy = ofType(log, "GenerationStarted")
          .filter((event) => !cancelled.has(event.data.generationId))
          .flatMap((event) => event.data.batchMessageIds);
        expect(
          answeredBy,
          `message 2 was swallowed by a generation cancelled for it; log: ${typesOf(log).join(", ")}`,
        ).toContain(2);
        expect(state.pending).toEqual([]);
        expectConsistentLog(log);
      });

      it("when stop is asked, then it is stopping, the generation is cancelled with that reason, and a second stop has nothing to stop", async () => {
        const h = startHost();
        const paused = gate();
        h.provider.enqueue([text("Going on and on"), pause(paused)]);
        const key = privateThread();
        expect(await h.host.stop(key, "stop_command")).toBe("nothing_to_stop");

        await receive(h, key, 1, "Talk");
        await paused.reached;
        expect(await h.host.stop(key, "stop_button")).toBe("stopping");
        await h.host.settled(key);

        expect(await h.host.stop(key, "stop_command")).toBe("nothing_to_stop");
        const log = await readThread(backend.store, key);
        expect(ofType(log, "GenerationCancelled").map((event) => event.data.reason)).toEqual(["stop_button"]);
        expect(h.renderer.finishes.map((finish) => finish.answer)).toEqual([
          { answer: "Going on and on", interrupted: true, notice: null },
        ]);
        expect(h.provider.requests).toHaveLength(1);
        expectConsistentLog(log);
      });

      it("when stop is asked while a finished answer is being delivered, then there is nothing to stop and the answer stays complete", async () => {
        const h = startHost();
        const delivering = gate();
        h.renderer.finishGate = delivering;
        h.provider.enqueue(answer("All done"));
        const key = privateThread();

        await receive(h, key, 1, "Quick question");
        await delivering.reached;
        expect(await h.host.stop(key, "stop_command")).toBe("nothing_to_stop");
        delivering.open();
        await h.host.settled(key);

        const log = await readThread(backend.store, key);
        expect(ofType(log, "GenerationCompleted")).toHaveLength(1);
        expect(ofType(log, "GenerationCancelled")).toHaveLength(0);
        expect(h.renderer.finishes.map((finish) => finish.answer.interrupted)).toEqual([false]);
        expectConsistentLog(log);
      });

      it("when stop is asked during the batching window, then no answer starts and the message joins the next batch", async () => {
        const h = startHost();
        const key = privateThread();

        await receive(h, key, 1, "Wait, let me finish");
        expect(await h.host.stop(key, "stop_command")).toBe("stopping");
        await h.host.settled(key);
        await sleep(60);
        expect(h.provider.requests).toEqual([]);
        expect((await h.host.state(key)).pending).toEqual([1]);

        await receive(h, key, 2, "Now answer");
        await h.host.settled(key);

        const log = await readThread(backend.store, key);
        expect(ofType(log, "GenerationStarted").map((event) => event.data.batchMessageIds)).toEqual([[1, 2]]);
        expectConsistentLog(log);
      });

      it("when the context is reset, then the generation is stopped first (context_reset) and ContextReset follows", async () => {
        const h = startHost();
        const paused = gate();
        h.provider.enqueue([text("Partial before the reset"), pause(paused)]);
        const key = privateThread();

        await receive(h, key, 1, "Something long");
        await paused.reached;
        const reset = await h.host.resetContext(key, contextFor(key, "reset"));
        await h.host.settled(key);
        await sleep(60);

        expect(typesOf(reset.events)).toEqual(["ContextReset"]);
        const log = await readThread(backend.store, key);
        expect(typesOf(log)).toEqual([
          "MessageReceived",
          "GenerationStarted",
          "ChunkStreamed",
          "GenerationCancelled",
          "UsageCharged",
          "AnswerDelivered",
          "ContextReset",
        ]);
        expect(ofType(log, "GenerationCancelled")[0]?.data.reason).toBe("context_reset");
        expect(reset.state).toMatchObject({ turns: [], pending: [], generation: null, undelivered: [] });
        expect(h.provider.requests).toHaveLength(1);
        expectConsistentLog(log);
      });

      it("when the context is reset with nothing running, then only ContextReset is recorded", async () => {
        const h = startHost();
        const key = privateThread();
        await receive(h, key, 1, "Hello");
        await h.host.settled(key);
        const reset = await h.host.resetContext(key, contextFor(key, "reset"));
        expect(typesOf(reset.events)).toEqual(["ContextReset"]);
        expect(ofType(await readThread(backend.store, key), "GenerationCancelled")).toEqual([]);
      });
    });

    describe("given an idle thread", () => {
      it("when it stays idle, then its actor passivates, and the next message rehydrates it from the log without re-running anything", async () => {
        const h = startHost();
        h.provider.enqueue(answer("First answer"), answer("Second answer"));
        const key = privateThread();

        await receive(h, key, 1, "First question");
        await h.host.settled(key);
        expect(h.host.liveCount).toBe(1);
        await eventually(() => h.host.liveCount === 0, "the actor passivates", 3_000);
        expect(h.liveCounts).toEqual([1, 0]);

        await receive(h, key, 2, "Second question");
        expect(h.host.liveCount).toBe(1);
        await h.host.settled(key);

        const log = await readThread(backend.store, key);
        expect(ofType(log, "GenerationStarted").map((event) => event.data.batchMessageIds)).toEqual([
          [1],
          [2],
        ]);
        expect(h.provider.requests).toHaveLength(2);
        // The rehydrated state was folded from the log: the model sees the earlier exchange.
        expect(requestText(h.provider.requests[1])).toBe("First question\nFirst answer\nSecond question");
        expect(h.renderer.finishes).toHaveLength(2);
        expect(h.renderer.deliveries).toEqual([]);
        const state = await h.host.state(key);
        expect(state.turns.map((turn) => turn.text)).toEqual([
          "First question",
          "First answer",
          "Second question",
          "Second answer",
        ]);
        expectConsistentLog(log);
      });
    });

    describe("given a thread left with an open generation by a crash", () => {
      async function crashed(key: ThreadKey, later: readonly string[] = []): Promise<string> {
        const session = await ThreadSession.load(key, backend.store, source);
        await session.execute(
          { type: "ReceiveMessage", message: message(key, 1, "Before the crash") },
          contextFor(key),
        );
        const generationId = "00000000-0000-4000-8000-00000000c0de";
        await session.execute(
          {
            type: "StartGeneration",
            generationId,
            modelId: "claude-sonnet-5-5",
            priceTableVersion: "anthropic-2026-11-26",
            delivery: "draft",
          },
          contextFor(key),
        );
        await session.execute(
          { type: "RecordChunk", generationId, text: "Words streamed before the crash", thinking: "" },
          contextFor(key),
        );
        for (const [index, body] of later.entries()) {
          await session.execute(
            { type: "ReceiveMessage", message: message(key, index + 2, body) },
            contextFor(key),
          );
        }
        return generationId;
      }

      it("when the host recovers it, then the actor's start interrupts, charges and delivers the partial once, without calling the model", async () => {
        const key = privateThread();
        const generationId = await crashed(key);
        const h = startHost();

        await h.host.recover(key);
        await h.host.settled(key);
        await h.host.recover(key);
        await h.host.settled(key);

        const log = await readThread(backend.store, key);
        expect(typesOf(log).slice(3)).toEqual([
          "GenerationInterrupted",
          "UsageCharged",
          "AnswerMessageSent",
          "AnswerDelivered",
        ]);
        expect(ofType(log, "GenerationInterrupted")[0]?.data).toMatchObject({
          generationId,
          reason: "process_restart",
        });
        expect(ofType(log, "UsageCharged")[0]?.data.estimated).toBe(true);
        expect(h.renderer.deliveries.map((delivery) => delivery.answer)).toEqual([
          { answer: "Words streamed before the crash", interrupted: true, notice: null },
        ]);
        expect(h.provider.requests).toEqual([]);
        expectConsistentLog(log);
      });

      it("when messages arrived after the crashed generation started, then they are answered after recovery", async () => {
        const key = privateThread();
        await crashed(key, ["Are you still there?"]);
        const h = startHost();
        h.provider.enqueue(answer("Yes, I am back"));

        await h.host.recover(key);
        await eventually(
          async () => ofType(await readThread(backend.store, key), "GenerationCompleted").length === 1,
          "the pending message is answered",
        );
        await h.host.settled(key);

        const log = await readThread(backend.store, key);
        expect(typesOf(log).slice(4)).toEqual([
          "GenerationInterrupted",
          "UsageCharged",
          "AnswerMessageSent",
          "AnswerDelivered",
          "GenerationStarted",
          "ChunkStreamed",
          "GenerationCompleted",
          "UsageCharged",
          "AnswerDelivered",
        ]);
        expect(ofType(log, "GenerationStarted")[1]?.data.batchMessageIds).toEqual([2]);
        // Received by the crashed process, not this one: no turn timing to report.
        expect(h.turnTimings).toEqual([null]);
        expect(h.renderer.deliveries).toHaveLength(1);
        expect(h.provider.requests).toHaveLength(1);
        expectConsistentLog(log);
      });

      it("when a message arrives for it, then recovery runs before the new message is answered", async () => {
        const key = privateThread();
        await crashed(key);
        const h = startHost();

        await receive(h, key, 2, "Hello again");
        await eventually(
          async () => ofType(await readThread(backend.store, key), "GenerationCompleted").length === 1,
          "the message is answered",
        );
        await h.host.settled(key);

        const log = await readThread(backend.store, key);
        expect(typesOf(log).indexOf("GenerationInterrupted")).toBeLessThan(
          typesOf(log).lastIndexOf("GenerationStarted"),
        );
        expect(h.renderer.deliveries).toHaveLength(1);
        expectConsistentLog(log);
      });
    });

    describe("given answers running at shutdown", () => {
      it("when the host shuts down, then every running answer is interrupted (process_restart), charged, delivered, and the host settles", async () => {
        const h = startHost();
        const first = gate();
        const second = gate();
        h.provider.enqueue([text("Unfinished one"), pause(first)], [text("Unfinished two"), pause(second)]);
        const one = privateThread();
        const two = privateThread();

        await receive(h, one, 1, "Question one");
        await first.reached;
        await receive(h, two, 1, "Question two");
        await second.reached;
        expect(h.host.liveCount).toBe(2);

        await h.host.shutdown(5_000);

        expect(h.host.liveCount).toBe(0);
        for (const [key, partial] of [
          [one, "Unfinished one"],
          [two, "Unfinished two"],
        ] as const) {
          const log = await readThread(backend.store, key);
          expect(typesOf(log).slice(3)).toEqual(["GenerationInterrupted", "UsageCharged", "AnswerDelivered"]);
          expect(ofType(log, "GenerationInterrupted")[0]?.data.reason).toBe("process_restart");
          expect(ofType(log, "UsageCharged")[0]?.data.estimated).toBe(true);
          expect(ofType(log, "AnswerDelivered")[0]?.data.interrupted).toBe(true);
          expect(h.renderer.finishes.map((finish) => finish.answer.answer)).toContain(partial);
          expectConsistentLog(log);
        }
        await expect(receive(h, one, 2, "Too late")).rejects.toThrow(/shutting down/);
      });
    });

    describe("given two processes on one store", () => {
      it("when one process records a message while the other is answering, then the first does not start a second answer, settles, and the other answers the message next", async () => {
        const storeB = await backend.openStore();
        const paused = gate();
        const a = startHost({ ids: sequentialIds(1) });
        a.provider.enqueue([text("A is answering"), pause(paused), done()], answer("A answers message 2"));
        const b = startHost({ store: storeB, ids: sequentialIds(1_000_000) });
        const key = privateThread();
        // Both processes have the thread live before the answer starts.
        await b.host.state(key);
        await receive(a, key, 1, "Question for A");
        await paused.reached;

        expect(await receive(b, key, 2, "Question that reached B")).toBe("recorded");
        await sleep(300);

        // B sees A's open generation: it must not answer, and must not keep retrying either
        // (one look at the state is enough; a 30 ms batching loop would make ~10 in 300 ms).
        expect(b.generateCalls(), "B keeps re-batching a message it cannot answer").toBeLessThanOrEqual(1);
        await expect(b.host.settled(key, 1_000)).resolves.toBeUndefined();
        expect(b.provider.requests).toEqual([]);
        paused.open();
        await eventually(
          async () => ofType(await readThread(backend.store, key), "AnswerDelivered").length === 2,
          "A answers both messages",
        );
        await a.host.settled(key);
        await b.host.settled(key, 1_000);

        const log = await readThread(backend.store, key);
        expect(ofType(log, "GenerationStarted").map((event) => event.data.batchMessageIds)).toEqual([
          [1],
          [2],
        ]);
        expect(b.provider.requests).toEqual([]);
        expectConsistentLog(log);
      });

      it("when both receive messages for the same thread, then no second generation is ever open and no message is lost", async () => {
        const storeB = await backend.openStore();
        const slowAnswer = (label: string): Step[] => [
          usageDelta({ inputTokens: 10 }),
          text(`${label} says`),
          { type: "sleep", ms: 25 },
          text(" hello"),
          { type: "sleep", ms: 10 },
          done(),
        ];
        const a = startHost({
          provider: new ScriptedProvider(() => slowAnswer("A")),
          ids: sequentialIds(1),
          timings: { idleTimeoutMs: 10_000 },
        });
        const b = startHost({
          store: storeB,
          provider: new ScriptedProvider(() => slowAnswer("B")),
          ids: sequentialIds(1_000_000),
          timings: { idleTimeoutMs: 10_000 },
        });
        const key = privateThread();

        let next = 1;
        for (let round = 0; round < 8; round++) {
          const forA = next++;
          const forB = next++;
          const results = await Promise.all([
            receive(a, key, forA, `message ${forA}`),
            receive(b, key, forB, `message ${forB}`),
            // Telegram may hand the same update to both processes (a retried webhook).
            round % 3 === 0 ? receive(b, key, forA, `message ${forA}`) : Promise.resolve("recorded"),
          ]);
          expect(results.filter((result) => result === "recorded").length).toBeGreaterThanOrEqual(2);
          await sleep((round * 17) % 50);
        }

        await eventually(
          async () => {
            const state = (await ThreadSession.load(key, backend.store, source)).state;
            return state.pending.length === 0 && state.generation === null && state.undelivered.length === 0;
          },
          "every message is answered",
          15_000,
        );
        await Promise.all([a.host.settled(key, 5_000), b.host.settled(key, 5_000)]);

        const log = await readThread(backend.store, key);
        expect(ofType(log, "MessageReceived")).toHaveLength(next - 1);
        expectConsistentLog(log);
      });
    });
  });
}
