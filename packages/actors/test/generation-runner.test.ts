import { fixedClock, type ThreadKey } from "@bot/domain";
import { LlmError, type LlmErrorKind, modelRegistry, priceUsage, type StopReason } from "@bot/llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CancelReason,
  type GenerationEnvironment,
  recoverThread,
  runGeneration,
  ThreadSession,
  UserAccountStore,
} from "../src/index.ts";
import { type Backend, backends } from "./support/backends.ts";
import {
  capturingLogger,
  contextFor,
  done,
  environment,
  eventSource,
  FakeBalanceGate,
  gate,
  globalPrompt,
  groupThread,
  logReader,
  message,
  ofType,
  pause,
  privateThread,
  RecordingRenderer,
  readThread,
  requestText,
  ScriptedProvider,
  type Step,
  text,
  thinking,
  typesOf,
  usage,
  usageDelta,
} from "./support/fakes.ts";

const source = eventSource();
const defaultModel = modelRegistry.defaultModel();

for (const { name, create } of backends) {
  describe(`given the generation runner over the ${name} event store`, () => {
    let backend: Backend;
    let users: UserAccountStore;
    beforeAll(async () => {
      backend = await create();
      users = new UserAccountStore(backend.store, source);
    });
    afterAll(async () => {
      await backend?.close();
    });

    interface Setup {
      readonly key: ThreadKey;
      readonly session: ThreadSession;
      readonly provider: ScriptedProvider;
      readonly renderer: RecordingRenderer;
      readonly env: GenerationEnvironment;
      readonly logLines: () => { level: string; msg: string }[];
    }

    /** A thread with `messages` received, a provider playing `scripts`, a renderer reading the log. */
    async function setup(
      options: {
        key?: ThreadKey;
        messages?: readonly string[];
        scripts?: Step[][];
        cacheWriteSubsidy?: boolean;
        clock?: ReturnType<typeof fixedClock>;
        flushMs?: number;
        balances?: FakeBalanceGate;
      } = {},
    ): Promise<Setup> {
      const key = options.key ?? privateThread();
      const session = await ThreadSession.load(key, backend.store, source);
      const messages = options.messages ?? ["What is event sourcing?"];
      for (const [index, body] of messages.entries()) {
        await session.execute(
          { type: "ReceiveMessage", message: message(key, index + 1, body) },
          contextFor(key),
        );
      }
      const provider = new ScriptedProvider().enqueue(...(options.scripts ?? []));
      const renderer = new RecordingRenderer(logReader(backend.store, key));
      renderer.flushMs = options.flushMs ?? 0;
      const { logger, lines } = capturingLogger();
      const env = environment({
        provider,
        renderer,
        users,
        logger,
        ...(options.balances ? { balances: options.balances } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.cacheWriteSubsidy !== undefined ? { cacheWriteSubsidy: options.cacheWriteSubsidy } : {}),
      });
      return { key, session, provider, renderer, env, logLines: lines };
    }

    const run = (s: Setup, signal: AbortSignal = new AbortController().signal) =>
      runGeneration(s.env, s.session, signal);

    describe("given a model call that completes", () => {
      it("when the answer streams, then the log holds GenerationStarted, the chunks in sequence, GenerationCompleted, the priced charge and AnswerDelivered, in that order", async () => {
        const finalUsage = usage({
          inputTokens: 1200,
          outputTokens: 340,
          cacheReadTokens: 5000,
          cacheWrite5mTokens: 800,
        });
        let s: Setup | undefined;
        // Pause after every delta until the renderer's log reads are done: nothing is appended meanwhile,
        // so each read shows the log exactly as it was when update() was called.
        const settled: Step = { type: "await", until: () => (s as Setup).renderer.settleReads() };
        s = await setup({
          scripts: [
            [
              usageDelta({ inputTokens: 1200, outputTokens: 1 }),
              thinking("Let me think."),
              settled,
              text("Event sourcing "),
              settled,
              text("stores facts."),
              settled,
              done("end_turn", finalUsage, "claude-sonnet-5-5-20261120"),
            ],
          ],
        });

        const summary = await run(s);

        expect(summary.outcome).toBe("completed");
        const log = await readThread(backend.store, s.key);
        expect(typesOf(log)).toEqual([
          "MessageReceived",
          "GenerationStarted",
          "ChunkStreamed",
          "ChunkStreamed",
          "ChunkStreamed",
          "GenerationCompleted",
          "UsageCharged",
          "AnswerDelivered",
        ]);
        const [started] = ofType(log, "GenerationStarted");
        expect(started?.data).toMatchObject({
          generationId: summary.generationId,
          modelId: defaultModel.id,
          priceTableVersion: defaultModel.priceTableVersion,
          batchMessageIds: [1],
          delivery: "draft",
        });
        expect(ofType(log, "ChunkStreamed").map((event) => event.data)).toEqual([
          { generationId: summary.generationId, sequence: 0, text: "", thinking: "Let me think." },
          { generationId: summary.generationId, sequence: 1, text: "Event sourcing ", thinking: "" },
          { generationId: summary.generationId, sequence: 2, text: "stores facts.", thinking: "" },
        ]);
        expect(ofType(log, "GenerationCompleted")[0]?.data).toEqual({
          generationId: summary.generationId,
          stopReason: "end_turn",
          model: "claude-sonnet-5-5-20261120",
          usage: finalUsage,
        });
        const priced = priceUsage(defaultModel, finalUsage, { cacheWriteSubsidy: false });
        expect(ofType(log, "UsageCharged").map((event) => event.data)).toEqual([
          {
            generationId: summary.generationId,
            callIndex: 0,
            userId: s.key.userId,
            modelId: defaultModel.id,
            priceTableVersion: defaultModel.priceTableVersion,
            estimated: false,
            quantities: finalUsage,
            amount: priced.amount,
            userAmount: priced.amount,
            cacheWriteSubsidised: false,
          },
        ]);
        expect(priced.amount).toBeGreaterThan(0);
        const finishIds = [1000, 1001];
        expect(ofType(log, "AnswerDelivered")[0]?.data).toEqual({
          generationId: summary.generationId,
          telegramMessageIds: finishIds,
          interrupted: false,
        });
        // The causal chain: follow-up events are caused by the generation.
        expect(log.slice(2).every((event) => event.metadata.causationId === summary.generationId)).toBe(true);
        expect(s.session.state).toMatchObject({ generation: null, undelivered: [], pending: [] });
        expect(s.session.state.turns.at(-1)).toMatchObject({
          kind: "assistant",
          text: "Event sourcing stores facts.",
        });
      });

      it("when a piece is shown, then its ChunkStreamed was already in the log (append first, then act)", async () => {
        let s: Setup | undefined;
        const settled: Step = { type: "await", until: () => (s as Setup).renderer.settleReads() };
        s = await setup({
          scripts: [[text("One "), settled, text("two "), settled, text("three."), settled, done()]],
        });

        await run(s);

        expect(s.renderer.updates.map((update) => update.view.answer)).toEqual([
          "One ",
          "One two ",
          "One two three.",
        ]);
        for (const [index, update] of s.renderer.updates.entries()) {
          const chunks = (await update.log).filter((event) => event.type === "ChunkStreamed");
          // Exactly the chunks flushed so far: this one was appended before it was shown.
          expect(chunks.map((chunk) => (chunk.data as { sequence: number }).sequence)).toEqual(
            Array.from({ length: index + 1 }, (_, sequence) => sequence),
          );
        }
        const [finish] = s.renderer.finishes;
        // The end and its charge are recorded before the final message is sent; the delivery after it.
        expect(typesOf(finish?.log ?? [])).toContain("GenerationCompleted");
        expect(typesOf(finish?.log ?? [])).toContain("UsageCharged");
        expect(typesOf(finish?.log ?? [])).not.toContain("AnswerDelivered");
        expect(finish?.answer).toEqual({ answer: "One two three.", interrupted: false, notice: null });
        expect(s.renderer.begins).toMatchObject([
          {
            target: { chatId: s.key.chatId, topicId: null, chatType: "private", replyToMessageId: null },
            delivery: "draft",
            language: "en",
          },
        ]);
      });

      it("when the renderer flushes at a cadence, then text arriving between flushes is recorded as one chunk", async () => {
        const clock = fixedClock("2026-12-01T10:00:00Z");
        const s = await setup({
          clock,
          flushMs: 1000,
          scripts: [
            [
              text("a"),
              text("b"),
              text("c"),
              { type: "run", effect: () => clock.advance(1000) },
              text("d"),
              text("e"),
              done(),
            ],
          ],
        });

        await run(s);

        const log = await readThread(backend.store, s.key);
        // The first words at once, then one flush per interval, then the rest at the end.
        expect(ofType(log, "ChunkStreamed").map((event) => event.data.text)).toEqual(["a", "bcd", "e"]);
        expect(s.renderer.updates.map((update) => update.view.answer)).toEqual(["a", "abcd", "abcde"]);
      });

      it("when the owner subsidises cache writes, then the user amount leaves them out", async () => {
        const finalUsage = usage({ inputTokens: 100, outputTokens: 50, cacheWrite1hTokens: 4000 });
        const s = await setup({
          cacheWriteSubsidy: true,
          scripts: [[text("Hi"), done("end_turn", finalUsage)]],
        });

        await run(s);

        const [charge] = ofType(await readThread(backend.store, s.key), "UsageCharged");
        const priced = priceUsage(defaultModel, finalUsage, { cacheWriteSubsidy: true });
        expect(charge?.data).toMatchObject({
          amount: priced.amount,
          userAmount: priced.userAmount,
          cacheWriteSubsidised: true,
          estimated: false,
        });
        expect(priced.userAmount).toBeLessThan(priced.amount);
      });

      it("when it runs in a group, then the answer is edited in place and replies to the newest message of the batch", async () => {
        const key = groupThread();
        const s = await setup({
          key,
          messages: ["first", "second"],
          scripts: [[text("Hello group"), done()]],
        });

        await run(s);

        expect(s.renderer.begins[0]).toMatchObject({
          target: { chatId: key.chatId, chatType: "supergroup", replyToMessageId: 2 },
          delivery: "edit",
        });
        const [started] = ofType(await readThread(backend.store, key), "GenerationStarted");
        expect(started?.data).toMatchObject({ batchMessageIds: [1, 2], delivery: "edit" });
        expect(requestText(s.provider.requests[0])).toContain("**Alice (@alice)**:\nfirst");
      });

      it("when there is nothing pending, then nothing is started and the model is not called", async () => {
        const s = await setup({ scripts: [[text("first answer"), done()]] });
        await run(s);
        const before = await readThread(backend.store, s.key);

        const summary = await run(s);

        expect(summary).toEqual({ generationId: null, outcome: "nothing_to_do" });
        expect(s.provider.requests).toHaveLength(1);
        expect(await readThread(backend.store, s.key)).toHaveLength(before.length);
      });
    });

    describe("given the balance policy", () => {
      it("when the user's balance is zero, then the pending messages are refused, the model is not called, and the user is told once", async () => {
        const balances = new FakeBalanceGate();
        const s = await setup({ messages: ["one", "two"], scripts: [[text("never"), done()]], balances });
        balances.balances.set(s.key.userId, 0);

        const summary = await run(s);

        expect(summary).toEqual({ generationId: null, outcome: "refused" });
        expect(s.provider.requests).toHaveLength(0);
        const log = await readThread(backend.store, s.key);
        expect(ofType(log, "GenerationRefused").map((event) => event.data)).toEqual([
          { batchMessageIds: [1, 2], reason: "insufficient_balance", balance: 0 },
        ]);
        expect(s.session.state.pending).toEqual([]);
        expect(balances.refusals).toHaveLength(1);
        expect(balances.refusals[0]?.target.chatId).toBe(s.key.chatId);
      });

      it("when the balance is positive, then the request runs; its charge is the position the next balance read waits for", async () => {
        const balances = new FakeBalanceGate();
        const s = await setup({
          scripts: [
            [text("hello"), done()],
            [text("again"), done()],
          ],
          balances,
        });
        balances.balances.set(s.key.userId, 1);

        expect((await run(s)).outcome).toBe("completed");
        expect(balances.asked[0]).toEqual({ userId: s.key.userId, after: null });
        await s.session.execute(
          { type: "ReceiveMessage", message: message(s.key, 2, "more") },
          contextFor(s.key),
        );
        await run(s);

        const charge = ofType(await readThread(backend.store, s.key), "UsageCharged")[0];
        expect(balances.asked[1]?.after).toEqual(charge?.position);
      });

      it("when the balance is negative but the user is privileged, then the request runs", async () => {
        const balances = new FakeBalanceGate();
        const s = await setup({ scripts: [[text("for the operator"), done()]], balances });
        balances.balances.set(s.key.userId, -5_000_000);
        balances.privileged.add(s.key.userId);
        expect((await run(s)).outcome).toBe("completed");
        expect(balances.refusals).toEqual([]);
      });
    });

    describe("given model preferences", () => {
      async function modelUsed(options: { override?: string; userDefault?: string }) {
        const key = privateThread();
        if (options.userDefault) {
          await users.execute(
            key.userId,
            { type: "SetModelPreference", modelId: options.userDefault },
            contextFor(key),
          );
        }
        const session = await ThreadSession.load(key, backend.store, source);
        if (options.override) {
          await session.execute({ type: "SelectModel", modelId: options.override }, contextFor(key));
        }
        await session.execute(
          { type: "ReceiveMessage", message: message(key, 1, "Which model?") },
          contextFor(key),
        );
        const provider = new ScriptedProvider().enqueue([
          text("me"),
          done("end_turn", usage({ inputTokens: 10, outputTokens: 1000 })),
        ]);
        const env = environment({ provider, renderer: new RecordingRenderer(), users });
        await runGeneration(env, session, new AbortController().signal);
        const log = await readThread(backend.store, key);
        return {
          started: ofType(log, "GenerationStarted")[0]?.data.modelId,
          requested: provider.requests[0]?.model,
          charged: ofType(log, "UsageCharged")[0]?.data,
        };
      }

      it("when nothing is chosen, then the registry default answers", async () => {
        expect(await modelUsed({})).toMatchObject({ started: defaultModel.id, requested: defaultModel.id });
      });

      it("when the user has a default, then it answers", async () => {
        const used = await modelUsed({ userDefault: "claude-haiku-5-5" });
        expect(used).toMatchObject({ started: "claude-haiku-5-5", requested: "claude-haiku-5-5" });
        // Priced with the model that answered.
        const haiku = modelRegistry.getModel("claude-haiku-5-5");
        expect(used.charged?.amount).toBe(
          priceUsage(haiku, usage({ inputTokens: 10, outputTokens: 1000 }), { cacheWriteSubsidy: false })
            .amount,
        );
      });

      it("when the thread overrides the model, then the override wins over the user default", async () => {
        expect(
          await modelUsed({ override: "claude-opus-5-5", userDefault: "claude-haiku-5-5" }),
        ).toMatchObject({
          started: "claude-opus-5-5",
          requested: "claude-opus-5-5",
        });
      });

      it("when the override is unknown, then the user default answers", async () => {
        expect(await modelUsed({ override: "retired-model", userDefault: "claude-haiku-5-5" })).toMatchObject(
          {
            started: "claude-haiku-5-5",
          },
        );
      });

      it("when both are unknown, then the registry default answers", async () => {
        expect(
          await modelUsed({ override: "retired-model", userDefault: "another-retired-model" }),
        ).toMatchObject({
          started: defaultModel.id,
          requested: defaultModel.id,
        });
      });

      it("when the user has a personality, then it goes into the system prompt after the global prompt", async () => {
        const key = privateThread();
        const personality = "Answer like a pirate, always.";
        await users.execute(key.userId, { type: "SetPersonality", text: personality }, contextFor(key));
        const s = await setup({ key, scripts: [[text("Arr"), done()]] });

        await run(s);

        const system = s.provider.requests[0]?.system.map((part) => part.text);
        expect(system).toEqual([globalPrompt("private"), personality]);
      });

      it("when the user has no personality, then the system prompt is the global prompt alone", async () => {
        const s = await setup({ scripts: [[text("Hi"), done()]] });
        await run(s);
        expect(s.provider.requests[0]?.system.map((part) => part.text)).toEqual([globalPrompt("private")]);
      });
    });

    describe("given an answer that is stopped while it streams", () => {
      const reasons: readonly CancelReason[] = [
        "stop_command",
        "stop_button",
        "new_message",
        "context_reset",
      ];

      it.each(reasons)(
        "when it is stopped with %s, then GenerationCancelled is recorded, charged once by estimate and the partial answer delivered as interrupted",
        async (reason) => {
          const paused = gate();
          const streamed = "A partial answer that was cut";
          const s = await setup({
            scripts: [
              [
                usageDelta({ inputTokens: 900, outputTokens: 2 }),
                thinking("hmm "),
                text(streamed),
                pause(paused),
                text("never"),
                done(),
              ],
            ],
          });
          const controller = new AbortController();

          const running = run(s, controller.signal);
          await paused.reached;
          controller.abort(reason);
          const summary = await running;

          expect(summary.outcome).toBe("cancelled");
          const log = await readThread(backend.store, s.key);
          expect(typesOf(log).slice(1)).toEqual([
            "GenerationStarted",
            "ChunkStreamed",
            "ChunkStreamed",
            "GenerationCancelled",
            "UsageCharged",
            "AnswerDelivered",
          ]);
          expect(ofType(log, "GenerationCancelled")[0]?.data).toEqual({
            generationId: summary.generationId,
            reason,
          });
          const charges = ofType(log, "UsageCharged");
          expect(charges).toHaveLength(1);
          const charge = charges[0]?.data;
          expect(charge?.estimated).toBe(true);
          // At least what was reported and what was streamed (chars/4).
          expect(charge?.quantities.inputTokens).toBe(900);
          expect(charge?.quantities.outputTokens).toBeGreaterThanOrEqual(
            Math.ceil(streamed.length / 4) + Math.ceil("hmm ".length / 4),
          );
          expect(charge?.quantities.thinkingTokens).toBeGreaterThanOrEqual(1);
          expect(charge?.amount).toBe(
            priceUsage(defaultModel, usage(charge?.quantities), { cacheWriteSubsidy: false }).amount,
          );
          expect(ofType(log, "AnswerDelivered")[0]?.data).toMatchObject({ interrupted: true });
          expect(s.renderer.finishes.map((finish) => finish.answer)).toEqual([
            { answer: streamed, interrupted: true, notice: null },
          ]);
          expect(s.session.state.turns.at(-1)).toMatchObject({
            kind: "assistant",
            text: streamed,
            interrupted: true,
          });
        },
      );

      it("when the process shuts down, then GenerationInterrupted (process_restart) is recorded, charged once by estimate and the partial delivered", async () => {
        const paused = gate();
        const s = await setup({ scripts: [[text("Half of it"), pause(paused), done()]] });
        const controller = new AbortController();

        const running = run(s, controller.signal);
        await paused.reached;
        controller.abort("shutdown");
        const summary = await running;

        expect(summary.outcome).toBe("interrupted");
        const log = await readThread(backend.store, s.key);
        expect(ofType(log, "GenerationCancelled")).toEqual([]);
        expect(ofType(log, "GenerationInterrupted")[0]?.data).toEqual({
          generationId: summary.generationId,
          reason: "process_restart",
          errorKind: null,
          detail: expect.any(String),
        });
        const charges = ofType(log, "UsageCharged");
        expect(charges).toHaveLength(1);
        expect(charges[0]?.data.estimated).toBe(true);
        expect(charges[0]?.data.quantities.outputTokens).toBeGreaterThanOrEqual(
          Math.ceil("Half of it".length / 4),
        );
        expect(ofType(log, "AnswerDelivered")[0]?.data.interrupted).toBe(true);
        expect(s.renderer.finishes[0]?.answer).toEqual({
          answer: "Half of it",
          interrupted: true,
          notice: null,
        });
      });

      it("when text arrived after the last flush, then it is recorded before the cancellation and counted in the charge", async () => {
        const clock = fixedClock("2026-12-01T10:00:00Z");
        const paused = gate();
        const s = await setup({
          clock,
          flushMs: 60_000,
          scripts: [[text("first "), text("second "), text("third"), pause(paused), done()]],
        });
        const controller = new AbortController();

        const running = run(s, controller.signal);
        await paused.reached;
        controller.abort("stop_command");
        await running;

        const log = await readThread(backend.store, s.key);
        expect(
          ofType(log, "ChunkStreamed")
            .map((event) => event.data.text)
            .join(""),
        ).toBe("first second third");
        expect(typesOf(log).indexOf("ChunkStreamed", 3)).toBeLessThan(
          typesOf(log).indexOf("GenerationCancelled"),
        );
        expect(s.renderer.finishes[0]?.answer.answer).toBe("first second third");
      });

      it("when no usage was reported before the stop, then the estimate still charges the prompt and what was streamed", async () => {
        const paused = gate();
        const question = "Tell me a long story about a lighthouse keeper.";
        const s = await setup({
          messages: [question],
          scripts: [[text("Once upon"), pause(paused), done()]],
        });
        const controller = new AbortController();

        const running = run(s, controller.signal);
        await paused.reached;
        controller.abort("stop_button");
        await running;

        const [charge] = ofType(await readThread(backend.store, s.key), "UsageCharged");
        expect(charge?.data.estimated).toBe(true);
        expect(charge?.data.quantities.inputTokens).toBe(Math.ceil(question.length / 4));
        expect(charge?.data.quantities.cacheReadTokens).toBe(Math.ceil(globalPrompt("private").length / 4));
        expect(charge?.data.quantities.outputTokens).toBe(Math.ceil("Once upon".length / 4));
        expect(charge?.data.amount).toBeGreaterThan(0);
      });
    });

    describe("given a provider that fails", () => {
      const failures: readonly {
        kind: LlmErrorKind;
        retryAfterSeconds?: number;
        expectedRetry: number | null;
      }[] = [
        { kind: "rate_limited", retryAfterSeconds: 2.5, expectedRetry: 3 },
        { kind: "overloaded", expectedRetry: null },
        { kind: "context_window_exceeded", expectedRetry: null },
      ];

      it.each(failures)(
        "when it fails with $kind before the first token, then GenerationFailed is recorded, nothing is delivered and the error notice is shown",
        async ({ kind, retryAfterSeconds, expectedRetry }) => {
          const error = new LlmError(kind, `${kind}!`, {
            beforeFirstToken: true,
            ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
          });
          const s = await setup({ scripts: [[{ type: "throw", error }]] });

          const summary = await run(s);

          expect(summary.outcome).toBe("failed");
          const log = await readThread(backend.store, s.key);
          expect(typesOf(log)).toEqual(["MessageReceived", "GenerationStarted", "GenerationFailed"]);
          expect(ofType(log, "GenerationFailed")[0]?.data).toMatchObject({
            generationId: summary.generationId,
            errorKind: kind,
            retryAfterSeconds: expectedRetry,
          });
          expect(s.renderer.fails.map((fail) => fail.notice)).toEqual([
            `[error:${kind}|retry=${expectedRetry}|en]`,
          ]);
          // The failure was recorded before the user was told.
          expect(typesOf(s.renderer.fails[0]?.log ?? [])).toContain("GenerationFailed");
          expect(s.renderer.finishes).toEqual([]);
          expect(s.session.state).toMatchObject({ generation: null, undelivered: [] });
          expect(s.session.state.turns.filter((turn) => turn.kind === "assistant")).toEqual([]);
        },
      );

      it("when it fails with something that is not an LlmError, then it is recorded as a server failure", async () => {
        const s = await setup({ scripts: [[{ type: "throw", error: new TypeError("boom") }]] });
        const summary = await run(s);
        expect(summary.outcome).toBe("failed");
        expect(ofType(await readThread(backend.store, s.key), "GenerationFailed")[0]?.data.errorKind).toBe(
          "server",
        );
        expect(s.renderer.fails[0]?.notice).toBe("[error:server|retry=null|en]");
      });

      it("when it fails after text arrived, then GenerationInterrupted (provider_error) is recorded, charged by estimate and the partial delivered with the error note", async () => {
        const error = new LlmError("overloaded", "overloaded mid-stream", { beforeFirstToken: false });
        const s = await setup({
          scripts: [
            [
              usageDelta({ inputTokens: 300, outputTokens: 1 }),
              text("The first half"),
              { type: "throw", error },
            ],
          ],
        });

        const summary = await run(s);

        expect(summary.outcome).toBe("interrupted");
        const log = await readThread(backend.store, s.key);
        expect(typesOf(log).slice(1)).toEqual([
          "GenerationStarted",
          "ChunkStreamed",
          "GenerationInterrupted",
          "UsageCharged",
          "AnswerDelivered",
        ]);
        expect(ofType(log, "GenerationInterrupted")[0]?.data).toMatchObject({
          reason: "provider_error",
          errorKind: "overloaded",
        });
        const [charge] = ofType(log, "UsageCharged");
        expect(charge?.data).toMatchObject({ estimated: true, quantities: { inputTokens: 300 } });
        expect(charge?.data.quantities.outputTokens).toBeGreaterThanOrEqual(
          Math.ceil("The first half".length / 4),
        );
        expect(ofType(log, "AnswerDelivered")[0]?.data.interrupted).toBe(true);
        expect(s.renderer.finishes.map((finish) => finish.answer)).toEqual([
          { answer: "The first half", interrupted: true, notice: "[cut-by-error:overloaded|en]" },
        ]);
        expect(s.renderer.fails).toEqual([]);
      });

      it("when the stream ends without a final message after text, then it is interrupted as a connection error", async () => {
        const s = await setup({ scripts: [[text("Cut off")]] });
        const summary = await run(s);
        expect(summary.outcome).toBe("interrupted");
        expect(
          ofType(await readThread(backend.store, s.key), "GenerationInterrupted")[0]?.data,
        ).toMatchObject({
          reason: "provider_error",
          errorKind: "connection",
        });
        expect(s.renderer.finishes[0]?.answer.notice).toBe("[cut-by-error:connection|en]");
      });
    });

    describe("given a renderer that cannot send the final answer", () => {
      it("when finish throws, then the answer stays undelivered and a later recovery delivers it exactly once", async () => {
        const s = await setup({ scripts: [[text("An answer Telegram did not take"), done()]] });
        s.renderer.finishError = new Error("telegram is down");

        const summary = await run(s);

        expect(summary.outcome).toBe("completed");
        expect(ofType(await readThread(backend.store, s.key), "AnswerDelivered")).toEqual([]);
        expect(s.session.state.undelivered).toEqual([
          {
            generationId: summary.generationId,
            outcome: "completed",
            text: "An answer Telegram did not take",
            stopReason: "end_turn",
            replyToMessageId: expect.any(Number),
            previewMessageId: null,
            sentParts: 0,
          },
        ]);
        expect(s.logLines().some((line) => line.level === "error" && /undelivered/.test(line.msg))).toBe(
          true,
        );

        await recoverThread(s.env, s.session);
        await recoverThread(s.env, s.session);
        const fresh = await ThreadSession.load(s.key, backend.store, source);
        await recoverThread(s.env, fresh);

        expect(s.renderer.deliveries.map((delivery) => delivery.answer)).toEqual([
          { answer: "An answer Telegram did not take", interrupted: false, notice: null },
        ]);
        const log = await readThread(backend.store, s.key);
        expect(ofType(log, "AnswerDelivered").map((event) => event.data)).toEqual([
          {
            generationId: summary.generationId,
            telegramMessageIds: s.renderer.deliveries[0]?.messageIds,
            interrupted: false,
          },
        ]);
        expect(ofType(log, "UsageCharged")).toHaveLength(1);
        expect(fresh.state.undelivered).toEqual([]);
      });
    });

    describe("given stop reasons and empty answers", () => {
      const stops: readonly StopReason[] = ["max_tokens", "refusal"];

      it.each(stops)(
        "when the model stops with %s, then the answer carries the stop notice",
        async (stopReason) => {
          const s = await setup({ scripts: [[text("Some text"), done(stopReason)]] });

          await run(s);

          expect(s.renderer.finishes[0]?.answer).toEqual({
            answer: "Some text",
            interrupted: false,
            notice: `[stop:${stopReason}|en]`,
          });
          expect(
            ofType(await readThread(backend.store, s.key), "GenerationCompleted")[0]?.data.stopReason,
          ).toBe(stopReason);
        },
      );

      it("when the model returns no text, then the empty-answer notice is shown and the call is still charged", async () => {
        const s = await setup({
          scripts: [
            [usageDelta({ inputTokens: 50 }), done("end_turn", usage({ inputTokens: 50, outputTokens: 3 }))],
          ],
        });

        const summary = await run(s);

        expect(summary.outcome).toBe("completed");
        expect(s.renderer.finishes[0]?.answer).toEqual({
          answer: "",
          interrupted: false,
          notice: "[empty|en]",
        });
        const log = await readThread(backend.store, s.key);
        expect(ofType(log, "ChunkStreamed")).toEqual([]);
        expect(ofType(log, "UsageCharged")[0]?.data.estimated).toBe(false);
        expect(ofType(log, "AnswerDelivered")).toHaveLength(1);
      });

      it("when the model refuses without text, then the refusal notice is shown rather than the empty-answer one", async () => {
        const s = await setup({ scripts: [[done("refusal")]] });
        await run(s);
        expect(s.renderer.finishes[0]?.answer.notice).toBe("[stop:refusal|en]");
      });
    });
  });
}
