import { describe, expect, it } from "vitest";
import { createActor, fromPromise, SimulatedClock } from "xstate";
import { type GenerationSummary, threadMachine } from "../src/thread-machine.ts";

/**
 * The machine with fake effects whose guards read a mutable fake state, as the
 * host's guards read the thread session.
 */
function harness() {
  const clock = new SimulatedClock();
  const state = { pending: 0, started: false };
  const calls: { signal: AbortSignal; finish: (summary: GenerationSummary) => void }[] = [];
  const machine = threadMachine.provide({
    actors: {
      generate: fromPromise<GenerationSummary, { signal: AbortSignal }>(
        ({ input }) =>
          new Promise<GenerationSummary>((resolve) => {
            calls.push({ signal: input.signal, finish: resolve });
          }),
      ),
      recover: fromPromise<void, void>(async () => undefined),
    },
    guards: {
      hasPending: () => state.pending > 0,
      needsRecovery: () => false,
      generationStarted: () => state.started,
    },
  });
  const actor = createActor(machine, {
    clock,
    input: { now: () => clock.now(), batchWindowMs: 150, maxBatchWaitMs: 1000, idleTimeoutMs: 60_000 },
  });
  actor.start();
  return { clock, state, calls, actor };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function generating() {
  const h = harness();
  h.state.pending = 1;
  h.actor.send({ type: "MESSAGE_RECORDED" });
  h.clock.increment(150);
  await tick();
  expect(h.actor.getSnapshot().value).toBe("generating");
  return h;
}

describe("given a generation that has not recorded GenerationStarted yet", () => {
  it("when a message is recorded, then it does not cancel the generation (it joins the batch being started)", async () => {
    const h = await generating();
    h.state.pending = 2;

    h.actor.send({ type: "MESSAGE_RECORDED" });

    expect(h.calls[0]?.signal.aborted).toBe(false);
    expect(h.actor.getSnapshot().value).toBe("generating");
  });

  it("when a message is recorded after GenerationStarted, then it cancels the generation as new_message", async () => {
    const h = await generating();
    h.state.started = true;

    h.actor.send({ type: "MESSAGE_RECORDED" });

    expect(h.calls[0]?.signal.reason).toBe("new_message");
  });
});

describe("given a generation that found nothing to do", () => {
  it("when messages are still pending (another process's answer is open), then the actor goes idle instead of batching again", async () => {
    const h = await generating();

    h.calls[0]?.finish({ generationId: null, outcome: "nothing_to_do" });
    await tick();
    h.clock.increment(1_000);
    await tick();

    expect(h.actor.getSnapshot().value).toBe("idle");
    expect(h.calls).toHaveLength(1);
  });

  it("when a generation completed and messages are pending, then the next batch still starts", async () => {
    const h = await generating();

    h.calls[0]?.finish({ generationId: "g", outcome: "completed" });
    await tick();
    h.clock.increment(150);

    expect(h.calls).toHaveLength(2);
  });
});
