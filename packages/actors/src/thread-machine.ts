import { assign, fromPromise, setup } from "xstate";

/** Why a running generation is stopped. */
export type CancelReason = "stop_command" | "stop_button" | "new_message" | "context_reset" | "shutdown";

/** How a generation ended, as reported by the `generate` actor. */
export interface GenerationSummary {
  readonly generationId: string | null;
  readonly outcome: "completed" | "cancelled" | "interrupted" | "failed" | "refused" | "nothing_to_do";
}

/** Input of the `generate` actor. */
export interface GenerateInput {
  readonly signal: AbortSignal;
}

/** Events the thread machine accepts. */
export type ThreadMachineEvent =
  /** A user message was appended to the thread (duplicates never reach the machine). */
  | { readonly type: "MESSAGE_RECORDED" }
  /** /stop, the draft's stop button, a context reset or shutdown. */
  | { readonly type: "STOP"; readonly reason: CancelReason };

/** Timings of a thread actor. */
export interface ThreadTimings {
  /** The clock (ms since epoch); injected so tests can drive time. */
  readonly now: () => number;
  /** Wait this long after the last message before answering (Telegram splits long pastes and albums). */
  readonly batchWindowMs: number;
  /** Never hold a batch longer than this after its first message. */
  readonly maxBatchWaitMs: number;
  /** Stop the actor after this long without activity (it is rehydrated on the next message). */
  readonly idleTimeoutMs: number;
}

/** Defaults from the brief: 150 ms batching window, passivation after 10 minutes. */
export const defaultThreadTimings: ThreadTimings = {
  now: () => Date.now(),
  batchWindowMs: 150,
  maxBatchWaitMs: 2000,
  idleTimeoutMs: 10 * 60_000,
};

interface ThreadMachineContext extends ThreadTimings {
  /** When the current batch started collecting (ms since epoch, from the actor's clock). */
  batchStartedAt: number | null;
  abort: AbortController | null;
  cancelReason: CancelReason | null;
}

/**
 * The live process of one thread. It only orchestrates; every effect is a named
 * actor or guard provided by the host (`.provide()` swaps them in tests):
 *
 * - `recover` closes a generation left open by a crash and delivers undelivered answers;
 * - `generate` runs one generation for the pending messages (append first, then act);
 * - guard `hasPending` says whether messages wait for an answer;
 * - guard `needsRecovery` says whether the folded state has an open generation or undelivered answers.
 *
 * States: recovering → idle ⇄ batching → generating → (batching | idle) → passivated.
 * A message during a generation cancels it (its partial answer is kept) and forms
 * the next batch; /stop and the stop button cancel it; one generation at a time.
 */
export const threadMachine = setup({
  types: {
    context: {} as ThreadMachineContext,
    events: {} as ThreadMachineEvent,
    input: {} as ThreadTimings,
  },
  actors: {
    recover: fromPromise<void, void>(async () => {
      throw new Error("provide the recover actor");
    }),
    generate: fromPromise<GenerationSummary, GenerateInput>(async () => {
      throw new Error("provide the generate actor");
    }),
  },
  guards: {
    hasPending: () => false,
    needsRecovery: () => false,
    // Whether the running generation has recorded GenerationStarted. A message recorded
    // before that joins the batch being started, so it must not cancel it. The host
    // provides it; without it every message during a generation cancels it.
    generationStarted: () => true,
    batchDeadlinePassed: ({ context }) =>
      context.batchStartedAt !== null && context.now() - context.batchStartedAt >= context.maxBatchWaitMs,
  },
  actions: {
    startBatch: assign({ batchStartedAt: ({ context }) => context.batchStartedAt ?? context.now() }),
    clearBatch: assign({ batchStartedAt: null }),
    openAbortController: assign({ abort: () => new AbortController(), cancelReason: null }),
    rememberCancelReason: assign({
      cancelReason: ({ context }, params: { reason: CancelReason }) => context.cancelReason ?? params.reason,
    }),
    abortGeneration: ({ context }) => {
      // The generate actor sees the reason through its signal and records the cancellation.
      context.abort?.abort(context.cancelReason ?? "stop_command");
    },
    closeAbortController: assign({ abort: null }),
    logGenerationError: () => undefined,
    logRecoveryError: () => undefined,
  },
  delays: {
    batchWindow: ({ context }) => {
      if (context.batchStartedAt === null) return context.batchWindowMs;
      const left = context.maxBatchWaitMs - (context.now() - context.batchStartedAt);
      return Math.max(0, Math.min(context.batchWindowMs, left));
    },
    idleTimeout: ({ context }) => context.idleTimeoutMs,
  },
}).createMachine({
  id: "thread",
  context: ({ input }) => ({ ...input, batchStartedAt: null, abort: null, cancelReason: null }),
  on: {
    // Outside a generation there is nothing to stop.
    STOP: {},
  },
  initial: "starting",
  states: {
    starting: {
      always: [
        { guard: "needsRecovery", target: "recovering" },
        { guard: "hasPending", target: "batching" },
        { target: "idle" },
      ],
    },
    recovering: {
      invoke: {
        id: "recovery",
        src: "recover",
        onDone: [{ guard: "hasPending", target: "batching" }, { target: "idle" }],
        onError: [
          { guard: "hasPending", target: "batching", actions: "logRecoveryError" },
          { target: "idle", actions: "logRecoveryError" },
        ],
      },
    },
    idle: {
      on: { MESSAGE_RECORDED: { target: "batching" } },
      after: { idleTimeout: { target: "passivated" } },
    },
    batching: {
      entry: "startBatch",
      on: {
        MESSAGE_RECORDED: [
          { guard: "batchDeadlinePassed", target: "generating" },
          { target: "batching", reenter: true },
        ],
        // /stop before the answer started: do not answer this batch now (its messages
        // stay pending and join the next batch).
        STOP: { target: "idle", actions: "clearBatch" },
      },
      after: { batchWindow: { target: "generating" } },
    },
    generating: {
      entry: ["clearBatch", "openAbortController"],
      exit: "closeAbortController",
      invoke: {
        id: "generation",
        src: "generate",
        input: ({ context }) => ({ signal: (context.abort as AbortController).signal }),
        onDone: [
          // Nothing was started (the folded state shows another open generation): batching
          // again would spin; the open generation's owner, or recovery, takes the messages.
          { guard: ({ event }) => event.output.outcome === "nothing_to_do", target: "idle" },
          { guard: "hasPending", target: "batching" },
          { target: "idle" },
        ],
        // An unexpected failure (provider errors are handled inside `generate`) does not
        // retry the batch on its own, which could loop; the next message retries it.
        onError: { target: "idle", actions: "logGenerationError" },
      },
      on: {
        MESSAGE_RECORDED: {
          guard: "generationStarted",
          actions: [{ type: "rememberCancelReason", params: { reason: "new_message" } }, "abortGeneration"],
        },
        STOP: {
          actions: [
            { type: "rememberCancelReason", params: ({ event }) => ({ reason: event.reason }) },
            "abortGeneration",
          ],
        },
      },
    },
    passivated: { type: "final" },
  },
});
