import { type DomainEvent, ThreadRuleViolation, threadStream } from "@bot/domain";
import { type EventStore, WrongExpectedVersionError } from "@bot/eventstore";
import { caught } from "@bot/eventstore/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ThreadConflictError, ThreadSession } from "../src/index.ts";
import { type Backend, backends } from "./support/backends.ts";
import {
  contextFor,
  eventSource,
  message,
  ofType,
  privateThread,
  readThread,
  typesOf,
  wrapStore,
} from "./support/fakes.ts";

const source = eventSource();

/** A store that counts stream reads and append attempts (and can refuse appends). */
function countingStore(inner: EventStore<DomainEvent>) {
  const counts = { reads: 0, appends: 0, conflictsToInject: 0, injected: 0 };
  const store = wrapStore(inner, {
    readStream: (stream, options) => {
      counts.reads++;
      return inner.readStream(stream, options);
    },
    append: async (stream, events, options) => {
      counts.appends++;
      if (counts.conflictsToInject > 0) {
        counts.conflictsToInject--;
        counts.injected++;
        throw new WrongExpectedVersionError(stream, options.expectedRevision, "no_stream");
      }
      return inner.append(stream, events, options);
    },
  });
  return { store, counts };
}

for (const { name, create } of backends) {
  describe(`given a thread session over the ${name} event store`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await create();
    });
    afterAll(async () => {
      await backend?.close();
    });

    describe("given one session", () => {
      it("when a message is executed, then it is appended at the expected revision and folded into the state", async () => {
        const key = privateThread();
        const session = await ThreadSession.load(key, backend.store, source);
        expect(session.revision).toBe("no_stream");

        const result = await session.execute(
          { type: "ReceiveMessage", message: message(key, 1, "Hello") },
          contextFor(key),
        );

        expect(typesOf(result.events)).toEqual(["MessageReceived"]);
        expect(result.position).not.toBeNull();
        expect(session.revision).toBe(0n);
        expect(session.state.pending).toEqual([1]);
        expect(session.state.key).toEqual(key);
        expect(session.state.turns).toMatchObject([{ kind: "user", messageId: 1, text: "Hello" }]);
        const log = await readThread(backend.store, key);
        expect(typesOf(log)).toEqual(["MessageReceived"]);
        expect(log[0]?.metadata.eventId).toBe(result.events[0]?.metadata.eventId);
        expect(log[0]?.metadata.correlationId).toBe(contextFor(key).correlationId);
        // The in-memory state is exactly what folding the log gives.
        const reloaded = await ThreadSession.load(key, backend.store, source);
        expect(reloaded.state).toEqual(session.state);
        expect(reloaded.revision).toBe(0n);
      });

      it("when the same update or the same message arrives again, then nothing is appended", async () => {
        const key = privateThread();
        const session = await ThreadSession.load(key, backend.store, source);
        await session.execute({ type: "ReceiveMessage", message: message(key, 5, "Once") }, contextFor(key));

        const sameUpdate = await session.execute(
          { type: "ReceiveMessage", message: message(key, 5, "Once") },
          contextFor(key),
        );
        const sameMessageNewUpdate = await session.execute(
          { type: "ReceiveMessage", message: message(key, 5, "Once", { updateId: 99_999 }) },
          contextFor(key),
        );

        expect(sameUpdate.events).toEqual([]);
        expect(sameUpdate.position).toBeNull();
        expect(sameMessageNewUpdate.events).toEqual([]);
        expect(session.revision).toBe(0n);
        expect(session.state.pending).toEqual([5]);
        expect(typesOf(await readThread(backend.store, key))).toEqual(["MessageReceived"]);
      });

      it("when a command the state refuses is executed, then ThreadRuleViolation is thrown, nothing is appended and the session carries on", async () => {
        const key = privateThread();
        const session = await ThreadSession.load(key, backend.store, source);
        const error = await caught(
          session.execute(
            {
              type: "StartGeneration",
              generationId: "00000000-0000-4000-8000-0000000000aa",
              modelId: "claude-sonnet-5-5",
              priceTableVersion: "v",
              delivery: "draft",
            },
            contextFor(key),
          ),
        );
        expect(error).toBeInstanceOf(ThreadRuleViolation);
        await session.execute({ type: "ReceiveMessage", message: message(key, 1, "After") }, contextFor(key));
        expect(typesOf(await readThread(backend.store, key))).toEqual(["MessageReceived"]);
      });
    });

    describe("given two sessions on the same stream (two processes)", () => {
      it("when the second appends after the first, then it reloads, decides again and appends after it", async () => {
        const key = privateThread();
        const first = await ThreadSession.load(key, backend.store, source);
        const { store, counts } = countingStore(backend.store);
        const second = await ThreadSession.load(key, store, source);
        expect(counts.reads).toBe(1);

        await first.execute({ type: "ReceiveMessage", message: message(key, 1, "From A") }, contextFor(key));
        const result = await second.execute(
          { type: "ReceiveMessage", message: message(key, 2, "From B") },
          contextFor(key),
        );

        // One refused append, one reload, one successful append.
        expect(counts.appends).toBe(2);
        expect(counts.reads).toBe(2);
        expect(typesOf(result.events)).toEqual(["MessageReceived"]);
        expect(second.revision).toBe(1n);
        expect(second.state.pending).toEqual([1, 2]);
        const log = await readThread(backend.store, key);
        expect(ofType(log, "MessageReceived").map((event) => event.data.messageId)).toEqual([1, 2]);
        expect(log.map((event) => event.revision)).toEqual([0n, 1n]);
      });

      it("when both record the same message, then the one that lost the race finds it recorded and appends nothing", async () => {
        const key = privateThread();
        const first = await ThreadSession.load(key, backend.store, source);
        const second = await ThreadSession.load(key, backend.store, source);
        const update = message(key, 7, "Delivered to both processes");

        const a = await first.execute({ type: "ReceiveMessage", message: update }, contextFor(key));
        // No ThreadRuleViolation and no second event: the re-decision sees a duplicate.
        const b = await second.execute({ type: "ReceiveMessage", message: update }, contextFor(key));

        expect(a.events).toHaveLength(1);
        expect(b.events).toEqual([]);
        expect(b.position).toBeNull();
        expect(second.revision).toBe(0n);
        expect(second.state.pending).toEqual([7]);
        expect(typesOf(await readThread(backend.store, key))).toEqual(["MessageReceived"]);
      });

      it("when both race to start a generation, then exactly one starts and the other is refused by the rules", async () => {
        const key = privateThread();
        const first = await ThreadSession.load(key, backend.store, source);
        await first.execute({ type: "ReceiveMessage", message: message(key, 1, "Hi") }, contextFor(key));
        const second = await ThreadSession.load(key, backend.store, source);
        const start = (generationId: string) => ({
          type: "StartGeneration" as const,
          generationId,
          modelId: "claude-sonnet-5-5",
          priceTableVersion: "v",
          delivery: "draft" as const,
        });

        await first.execute(start("00000000-0000-4000-8000-0000000000a1"), contextFor(key));
        const error = await caught(
          second.execute(start("00000000-0000-4000-8000-0000000000b1"), contextFor(key)),
        );

        expect(error).toBeInstanceOf(ThreadRuleViolation);
        expect(second.state.generation?.generationId).toBe("00000000-0000-4000-8000-0000000000a1");
        expect(ofType(await readThread(backend.store, key), "GenerationStarted")).toHaveLength(1);
      });

      it("when both write many messages concurrently, then every message is in the log exactly once, in revision order", async () => {
        const key = privateThread();
        const a = await ThreadSession.load(key, backend.store, source);
        const b = await ThreadSession.load(key, backend.store, source);
        const ids = [1, 2, 3, 4, 5, 6, 7, 8];
        // Each message is offered to both processes (a redelivered update), half first to A, half to B.
        const results = await Promise.all(
          ids.flatMap((id) => {
            const update = message(key, id, `message ${id}`);
            const [one, other] = id % 2 === 0 ? [a, b] : [b, a];
            return [
              one.execute({ type: "ReceiveMessage", message: update }, contextFor(key)),
              other.execute({ type: "ReceiveMessage", message: update }, contextFor(key)),
            ];
          }),
        );

        expect(results.reduce((sum, result) => sum + result.events.length, 0)).toBe(ids.length);
        const log = await readThread(backend.store, key);
        expect(
          ofType(log, "MessageReceived")
            .map((event) => event.data.messageId)
            .sort((x, y) => x - y),
        ).toEqual(ids);
        expect(log.map((event) => event.revision)).toEqual(ids.map((_, index) => BigInt(index)));
        const folded = await ThreadSession.load(key, backend.store, source);
        expect([...folded.state.pending].sort((x, y) => x - y)).toEqual(ids);
      });
    });

    describe("given a stream that keeps conflicting", () => {
      it("when every attempt is refused, then ThreadConflictError is thrown after five attempts and nothing is written", async () => {
        const key = privateThread();
        const { store, counts } = countingStore(backend.store);
        const session = await ThreadSession.load(key, store, source);
        counts.conflictsToInject = Number.POSITIVE_INFINITY;

        const error = await caught(
          session.execute({ type: "ReceiveMessage", message: message(key, 1, "Lost?") }, contextFor(key)),
        );

        expect(error).toBeInstanceOf(ThreadConflictError);
        expect(error).toMatchObject({ stream: threadStream(key), attempts: 5 });
        expect((error as ThreadConflictError).cause).toBeInstanceOf(WrongExpectedVersionError);
        expect(counts.appends).toBe(5);
        expect(await readThread(backend.store, key)).toEqual([]);
        expect(session.state.pending).toEqual([]);
      });

      it("when the fifth attempt succeeds, then the command is appended and the session is usable afterwards", async () => {
        const key = privateThread();
        const { store, counts } = countingStore(backend.store);
        const session = await ThreadSession.load(key, store, source);
        counts.conflictsToInject = Number.POSITIVE_INFINITY;
        await caught(
          session.execute({ type: "ReceiveMessage", message: message(key, 1, "Refused") }, contextFor(key)),
        );
        counts.conflictsToInject = 4;

        const result = await session.execute(
          { type: "ReceiveMessage", message: message(key, 2, "Accepted") },
          contextFor(key),
        );

        expect(result.events).toHaveLength(1);
        const log = await readThread(backend.store, key);
        expect(ofType(log, "MessageReceived").map((event) => event.data.messageId)).toEqual([2]);
      });

      it("when an append fails with another error, then it is not retried", async () => {
        const key = privateThread();
        let appends = 0;
        const store = wrapStore(backend.store, {
          append: async () => {
            appends++;
            throw new Error("connection reset");
          },
        });
        const session = await ThreadSession.load(key, store, source);
        const error = await caught(
          session.execute({ type: "ReceiveMessage", message: message(key, 1, "x") }, contextFor(key)),
        );
        expect((error as Error).message).toBe("connection reset");
        expect(appends).toBe(1);
      });
    });
  });
}
