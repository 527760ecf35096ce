import type { ThreadKey } from "@bot/domain";
import { modelRegistry, priceUsage } from "@bot/llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chargeFor,
  type GenerationEnvironment,
  recoverThread,
  ThreadSession,
  UserAccountStore,
} from "../src/index.ts";
import { type Backend, backends } from "./support/backends.ts";
import {
  contextFor,
  environment,
  eventSource,
  globalPrompt,
  groupThread,
  logReader,
  message,
  ofType,
  privateThread,
  RecordingRenderer,
  readThread,
  ScriptedProvider,
  typesOf,
  usage,
} from "./support/fakes.ts";

const source = eventSource();
const generationId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

for (const { name, create } of backends) {
  describe(`given threads left behind by a crash, over the ${name} event store`, () => {
    let backend: Backend;
    let users: UserAccountStore;
    let nextGeneration = 100;
    beforeAll(async () => {
      backend = await create();
      users = new UserAccountStore(backend.store, source);
    });
    afterAll(async () => {
      await backend?.close();
    });

    /** Writes what a process wrote before it died: a message, GenerationStarted and some chunks. */
    async function crashedMidAnswer(key: ThreadKey, chunks: readonly string[]): Promise<string> {
      const crashed = await ThreadSession.load(key, backend.store, source);
      const id = generationId(nextGeneration++);
      const model = modelRegistry.defaultModel();
      await crashed.execute(
        { type: "ReceiveMessage", message: message(key, 1, "Explain the CAP theorem in detail.") },
        contextFor(key),
      );
      await crashed.execute(
        {
          type: "StartGeneration",
          generationId: id,
          modelId: model.id,
          priceTableVersion: model.priceTableVersion,
          delivery: "draft",
        },
        contextFor(key),
      );
      for (const chunk of chunks) {
        await crashed.execute(
          { type: "RecordChunk", generationId: id, text: chunk, thinking: "" },
          contextFor(key),
        );
      }
      return id;
    }

    function recoveryEnvironment(key: ThreadKey): {
      env: GenerationEnvironment;
      renderer: RecordingRenderer;
      provider: ScriptedProvider;
    } {
      const renderer = new RecordingRenderer(logReader(backend.store, key));
      const provider = new ScriptedProvider();
      return { env: environment({ provider, renderer, users }), renderer, provider };
    }

    describe("given a group answer whose preview and first part were sent before the crash", () => {
      it("when the thread is recovered, then the delivery resumes: the preview is edited and the sent part is skipped", async () => {
        const key = groupThread();
        const id = await crashedMidAnswer(key, ["First part. ", "Second part, cut"]);
        const crashed = await ThreadSession.load(key, backend.store, source);
        await crashed.execute(
          {
            type: "RecordMessageSent",
            generationId: id,
            telegramMessageId: 700,
            kind: "preview",
            partIndex: null,
          },
          contextFor(key),
        );
        await crashed.execute(
          { type: "RecordMessageSent", generationId: id, telegramMessageId: 701, kind: "part", partIndex: 0 },
          contextFor(key),
        );
        const { env, renderer } = recoveryEnvironment(key);
        await recoverThread(env, await ThreadSession.load(key, backend.store, source));

        expect(renderer.deliveries).toHaveLength(1);
        expect(renderer.deliveries[0]?.resume).toEqual({ sentParts: 1, previewMessageId: 700 });
        const log = await readThread(backend.store, key);
        const recorded = ofType(log, "AnswerMessageSent").map((event) => event.data);
        expect(recorded.at(-1)).toMatchObject({ kind: "part", partIndex: 1 });
        expect(ofType(log, "AnswerDelivered")).toHaveLength(1);
      });
    });

    describe("given a generation still open in the log", () => {
      it("when the thread is recovered, then it is interrupted (process_restart), charged once by estimate and the partial delivered once, without calling the model", async () => {
        const key = privateThread();
        const id = await crashedMidAnswer(key, ["Consistency, ", "availability and"]);
        const { env, renderer, provider } = recoveryEnvironment(key);
        const session = await ThreadSession.load(key, backend.store, source);
        const before = (await readThread(backend.store, key)).length;

        await recoverThread(env, session);

        const log = await readThread(backend.store, key);
        expect(typesOf(log.slice(before))).toEqual([
          "GenerationInterrupted",
          "UsageCharged",
          "AnswerMessageSent",
          "AnswerDelivered",
        ]);
        expect(ofType(log, "GenerationInterrupted")[0]?.data).toMatchObject({
          generationId: id,
          reason: "process_restart",
          errorKind: null,
        });
        const [charge] = ofType(log, "UsageCharged");
        const partial = "Consistency, availability and";
        expect(charge?.data).toMatchObject({
          generationId: id,
          callIndex: 0,
          estimated: true,
          userId: key.userId,
        });
        expect(charge?.data.quantities).toMatchObject({
          outputTokens: Math.ceil(partial.length / 4),
          inputTokens: Math.ceil("Explain the CAP theorem in detail.".length / 4),
          cacheReadTokens: Math.ceil(globalPrompt("private").length / 4),
        });
        expect(charge?.data.amount).toBe(
          priceUsage(modelRegistry.defaultModel(), usage(charge?.data.quantities), {
            cacheWriteSubsidy: false,
          }).amount,
        );
        expect(renderer.deliveries.map((delivery) => delivery.answer)).toEqual([
          { answer: partial, interrupted: true, notice: null },
        ]);
        expect(renderer.deliveries[0]?.target).toEqual({
          chatId: key.chatId,
          topicId: null,
          chatType: "private",
          replyToMessageId: null,
        });
        expect(renderer.deliveries[0]?.language).toBe("en");
        // The interruption and its charge were recorded before the partial answer was sent.
        expect(typesOf(renderer.deliveries[0]?.log ?? [])).toContain("UsageCharged");
        expect(typesOf(renderer.deliveries[0]?.log ?? [])).not.toContain("AnswerDelivered");
        expect(ofType(log, "AnswerDelivered")[0]?.data).toEqual({
          generationId: id,
          telegramMessageIds: renderer.deliveries[0]?.messageIds,
          interrupted: true,
        });
        expect(provider.requests).toEqual([]);
        expect(session.state).toMatchObject({ generation: null, undelivered: [] });
        expect(session.state.turns.at(-1)).toMatchObject({
          kind: "assistant",
          text: partial,
          interrupted: true,
        });
      });

      it("when the thread is a group member's, then the partial answer replies to the message it answers", async () => {
        const key = groupThread();
        await crashedMidAnswer(key, ["Partition ", "tolerance"]);
        const { env, renderer } = recoveryEnvironment(key);

        await recoverThread(env, await ThreadSession.load(key, backend.store, source));

        expect(renderer.deliveries.map((delivery) => delivery.target)).toEqual([
          { chatId: key.chatId, topicId: null, chatType: "supergroup", replyToMessageId: 1 },
        ]);
      });

      it("when recovery runs again (same session, or after another restart), then nothing is appended and nothing delivered", async () => {
        const key = privateThread();
        await crashedMidAnswer(key, ["partial"]);
        const { env, renderer } = recoveryEnvironment(key);
        await recoverThread(env, await ThreadSession.load(key, backend.store, source));
        const after = await readThread(backend.store, key);

        const sameSession = await ThreadSession.load(key, backend.store, source);
        await recoverThread(env, sameSession);
        await recoverThread(env, sameSession);
        await recoverThread(env, await ThreadSession.load(key, backend.store, source));

        expect(await readThread(backend.store, key)).toHaveLength(after.length);
        expect(renderer.deliveries).toHaveLength(1);
      });

      it("when the first recovery could not deliver, then the next one delivers once and does not charge again", async () => {
        const key = privateThread();
        await crashedMidAnswer(key, ["Half ", "an answer"]);
        const { env, renderer } = recoveryEnvironment(key);
        renderer.deliverError = new Error("telegram is down");

        await expect(
          recoverThread(env, await ThreadSession.load(key, backend.store, source)),
        ).rejects.toThrow("telegram is down");
        renderer.deliverError = null;
        await recoverThread(env, await ThreadSession.load(key, backend.store, source));
        await recoverThread(env, await ThreadSession.load(key, backend.store, source));

        const log = await readThread(backend.store, key);
        expect(ofType(log, "GenerationInterrupted")).toHaveLength(1);
        expect(ofType(log, "UsageCharged")).toHaveLength(1);
        expect(ofType(log, "AnswerDelivered")).toHaveLength(1);
        expect(renderer.deliveries.filter((delivery) => delivery.messageIds.length > 0)).toHaveLength(1);
        expect(renderer.deliveries.at(-1)?.answer).toEqual({
          answer: "Half an answer",
          interrupted: true,
          notice: null,
        });
      });

      it("when nothing had been streamed, then an empty interrupted answer is closed and charged for the prompt", async () => {
        const key = privateThread();
        await crashedMidAnswer(key, []);
        const { env, renderer } = recoveryEnvironment(key);

        await recoverThread(env, await ThreadSession.load(key, backend.store, source));

        const [charge] = ofType(await readThread(backend.store, key), "UsageCharged");
        expect(charge?.data.quantities.outputTokens).toBe(0);
        expect(charge?.data.quantities.inputTokens).toBeGreaterThan(0);
        expect(renderer.deliveries.map((delivery) => delivery.answer)).toEqual([
          { answer: "", interrupted: true, notice: null },
        ]);
      });
    });

    describe("given a completed answer that was never delivered", () => {
      it("when the thread is recovered, then it is delivered once with its stop notice, not interrupted and not charged again", async () => {
        const key = privateThread();
        const id = await crashedMidAnswer(key, ["A long answer that hit the limit"]);
        const model = modelRegistry.defaultModel();
        const crashed = await ThreadSession.load(key, backend.store, source);
        const final = usage({ inputTokens: 40, outputTokens: 4096 });
        await crashed.execute(
          {
            type: "CompleteGeneration",
            generationId: id,
            stopReason: "max_tokens",
            model: model.id,
            usage: final,
            charges: [chargeFor(model, final, { callIndex: 0, estimated: false, cacheWriteSubsidy: false })],
          },
          contextFor(key),
        );
        const { env, renderer } = recoveryEnvironment(key);
        const before = (await readThread(backend.store, key)).length;

        await recoverThread(env, await ThreadSession.load(key, backend.store, source));
        await recoverThread(env, await ThreadSession.load(key, backend.store, source));

        const log = await readThread(backend.store, key);
        expect(typesOf(log.slice(before))).toEqual(["AnswerMessageSent", "AnswerDelivered"]);
        expect(ofType(log, "AnswerDelivered")[0]?.data).toMatchObject({
          generationId: id,
          interrupted: false,
        });
        expect(ofType(log, "UsageCharged")).toHaveLength(1);
        expect(ofType(log, "GenerationInterrupted")).toEqual([]);
        expect(renderer.deliveries.map((delivery) => delivery.answer)).toEqual([
          { answer: "A long answer that hit the limit", interrupted: false, notice: "[stop:max_tokens|en]" },
        ]);
      });
    });

    describe("given a thread with nothing left open", () => {
      it("when it is recovered, then nothing happens", async () => {
        const key = privateThread();
        const session = await ThreadSession.load(key, backend.store, source);
        await session.execute(
          { type: "ReceiveMessage", message: message(key, 1, "Just a message") },
          contextFor(key),
        );
        const { env, renderer } = recoveryEnvironment(key);

        await recoverThread(env, session);

        expect(typesOf(await readThread(backend.store, key))).toEqual(["MessageReceived"]);
        expect(renderer.deliveries).toEqual([]);
      });
    });
  });
}
