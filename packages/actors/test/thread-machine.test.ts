import { describe, expect, it } from "vitest";
import { createActor, fromPromise, SimulatedClock } from "xstate";
import { type GenerationSummary, threadMachine } from "../src/thread-machine.ts";

interface Harness {
  readonly clock: SimulatedClock;
  readonly calls: {
    signal: AbortSignal;
    finish: (summary?: GenerationSummary) => void;
    fail: (error: Error) => void;
  }[];
  readonly recoveries: number[];
  readonly errors: unknown[];
  pending: number;
  actor: ReturnType<typeof createActor<typeof threadMachine>>;
}

/** The machine with fake effects: generations end when the test says so. */
function harness(
  options: { needsRecovery?: boolean; recoverFails?: boolean; pending?: number } = {},
): Harness {
  const clock = new SimulatedClock();
  const h = {
    clock,
    calls: [],
    recoveries: [],
    errors: [],
    pending: options.pending ?? 0,
  } as unknown as Harness;
  const machine = threadMachine.provide({
    actors: {
      generate: fromPromise<GenerationSummary, { signal: AbortSignal }>(
        ({ input }) =>
          new Promise<GenerationSummary>((resolve, reject) => {
            h.calls.push({
              signal: input.signal,
              finish: (summary = { generationId: "g", outcome: "completed" }) => {
                h.pending = 0;
                resolve(summary);
              },
              fail: reject,
            });
          }),
      ),
      recover: fromPromise<void, void>(async () => {
        h.recoveries.push(clock.now());
        if (options.recoverFails) throw new Error("recovery broke");
      }),
    },
    guards: {
      hasPending: () => h.pending > 0,
      needsRecovery: () => options.needsRecovery === true,
    },
    actions: {
      logGenerationError: ({ event }) => h.errors.push((event as { error?: unknown }).error),
      logRecoveryError: ({ event }) => h.errors.push((event as { error?: unknown }).error),
    },
  });
  h.actor = createActor(machine, {
    clock,
    input: { now: () => clock.now(), batchWindowMs: 150, maxBatchWaitMs: 1000, idleTimeoutMs: 60_000 },
  });
  h.actor.start();
  return h;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function message(h: Harness) {
  h.pending++;
  h.actor.send({ type: "MESSAGE_RECORDED" });
}

describe("given an idle thread actor", () => {
  it("when a message is recorded, then it waits the batching window before one generation starts", async () => {
    const h = harness();
    message(h);
    expect(h.actor.getSnapshot().value).toBe("batching");
    h.clock.increment(149);
    expect(h.calls).toHaveLength(0);
    h.clock.increment(1);
    expect(h.actor.getSnapshot().value).toBe("generating");
    expect(h.calls).toHaveLength(1);
  });

  it("when messages keep arriving within the window, then they form one batch, but never wait beyond the cap", () => {
    const h = harness();
    for (let i = 0; i < 5; i++) {
      message(h);
      h.clock.increment(100);
    }
    expect(h.calls).toHaveLength(0);
    for (let i = 0; i < 6; i++) {
      message(h);
      h.clock.increment(100);
    }
    expect(h.calls).toHaveLength(1);
    expect(h.clock.now()).toBeLessThanOrEqual(1100);
  });

  it("when /stop arrives during the batching window, then no answer starts and the messages stay pending", () => {
    const h = harness();
    message(h);
    h.actor.send({ type: "STOP", reason: "stop_command" });
    h.clock.increment(500);
    expect(h.calls).toHaveLength(0);
    expect(h.actor.getSnapshot().value).toBe("idle");
  });

  it("when nothing happens for the idle timeout, then the actor passivates", () => {
    const h = harness();
    h.clock.increment(60_000);
    expect(h.actor.getSnapshot().status).toBe("done");
  });
});

describe("given a running generation", () => {
  async function generating() {
    const h = harness();
    message(h);
    h.clock.increment(150);
    await tick();
    return h;
  }

  it("when a new message is recorded, then the generation is aborted as new_message and the new message is answered next", async () => {
    const h = await generating();
    message(h);
    expect(h.calls[0]?.signal.aborted).toBe(true);
    expect(h.calls[0]?.signal.reason).toBe("new_message");
    h.pending = 1; // the new message is still pending after the cancelled answer
    const first = h.calls[0];
    first?.finish({ generationId: "g1", outcome: "cancelled" });
    h.pending = 1;
    await tick();
    expect(h.actor.getSnapshot().value).toBe("batching");
    h.clock.increment(150);
    expect(h.calls).toHaveLength(2);
    expect(h.calls[1]?.signal.aborted).toBe(false);
  });

  it("when /stop or the stop button arrives, then the generation is aborted with that reason and the actor goes idle", async () => {
    const h = await generating();
    h.actor.send({ type: "STOP", reason: "stop_button" });
    expect(h.calls[0]?.signal.reason).toBe("stop_button");
    h.calls[0]?.finish({ generationId: "g1", outcome: "cancelled" });
    await tick();
    expect(h.actor.getSnapshot().value).toBe("idle");
  });

  it("when the generation throws, then the error is logged and the actor survives", async () => {
    const h = await generating();
    h.calls[0]?.fail(new Error("boom"));
    await tick();
    expect(h.actor.getSnapshot().value).toBe("idle");
    expect(h.actor.getSnapshot().status).toBe("active");
    expect(String(h.errors[0])).toContain("boom");
  });

  it("when several messages arrive, then the abort reason stays the first one", async () => {
    const h = await generating();
    message(h);
    h.actor.send({ type: "STOP", reason: "stop_command" });
    expect(h.calls[0]?.signal.reason).toBe("new_message");
  });
});

describe("given a thread rehydrated with an open generation", () => {
  it("when the actor starts, then recovery runs first and pending messages are answered after it", async () => {
    const h = harness({ needsRecovery: true, pending: 1 });
    await tick();
    expect(h.recoveries).toHaveLength(1);
    expect(h.actor.getSnapshot().value).toBe("batching");
  });

  it("when recovery fails, then it is logged and the actor carries on", async () => {
    const h = harness({ needsRecovery: true, recoverFails: true });
    await tick();
    expect(h.actor.getSnapshot().value).toBe("idle");
    expect(String(h.errors[0])).toContain("recovery broke");
  });
});
