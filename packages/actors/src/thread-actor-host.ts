import type {
  DomainEvent,
  EventClock,
  EventContext,
  MessageReceived,
  ThreadKey,
  ThreadState,
} from "@bot/domain";
import { type FileReceived, type ProviderFileDeleted, threadStream } from "@bot/domain";
import type { EventStore } from "@bot/eventstore";
import type { Logger } from "@bot/observability";
import { type Actor, createActor, fromPromise, waitFor } from "xstate";
import {
  type CancelReason,
  defaultThreadTimings,
  type GenerationSummary,
  type ThreadTimings,
  threadMachine,
} from "./thread-machine.ts";
import { type CommitResult, ThreadSession } from "./thread-session.ts";

/**
 * Where a turn spent its time in this process before its generation began, on a
 * monotonic clock in milliseconds. The batching window is deliberately not part of it.
 */
export interface TurnTiming {
  /** From the batch's first message reaching the host to it being in the log. */
  readonly recordMs: number;
  /** When the batching window ended and the generation was invoked. */
  readonly windowEndedAt: number;
}

/** The side effects of one thread's actor, bound to its session by the host. */
export interface ThreadEffects {
  /**
   * Answers the pending messages. `signal` aborts with the {@link CancelReason};
   * the effect records the cancellation and delivers the partial answer itself.
   * `timing` is null when the pending messages were not received by this process
   * (a restart found them).
   */
  generate(signal: AbortSignal, timing: TurnTiming | null): Promise<GenerationSummary>;
  /** Closes a generation left open by a crash and delivers answers not yet delivered. */
  recover(): Promise<void>;
}

/** What the host needs. */
export interface ThreadActorHostDeps {
  readonly store: EventStore<DomainEvent>;
  /** Clock and ids for the events the host stamps. */
  readonly source: EventClock;
  readonly logger: Logger;
  readonly timings?: Partial<ThreadTimings>;
  /** Builds the effects of a thread's actor. */
  readonly effects: (session: ThreadSession) => ThreadEffects;
  /** Called when a live actor starts or stops (metrics). */
  readonly onLiveActorsChanged?: (count: number) => void;
  /** Monotonic milliseconds for {@link TurnTiming}; default `performance.now`. */
  readonly monotonicNow?: () => number;
}

interface LiveThread {
  readonly session: ThreadSession;
  actor: Actor<typeof threadMachine>;
  readonly batch: BatchTiming;
}

/** Time to record the first message of the batch being gathered; null when none. */
interface BatchTiming {
  recordMs: number | null;
}

/** The result of a stop request. */
export type StopOutcome = "stopping" | "nothing_to_stop";

/**
 * Hosts one live actor per thread stream in this process. Routes inputs to it,
 * rehydrates a thread by folding its events when it is first addressed (never by
 * restoring a snapshot with live invocations), lets idle actors passivate, and
 * restarts an actor that passivated between a commit and its notification.
 */
export class ThreadActorHost {
  readonly #deps: ThreadActorHostDeps;
  readonly #timings: ThreadTimings;
  readonly #live = new Map<string, LiveThread>();
  readonly #loading = new Map<string, Promise<LiveThread>>();
  #closed = false;
  readonly #now: () => number;

  constructor(deps: ThreadActorHostDeps) {
    this.#deps = deps;
    this.#timings = { ...defaultThreadTimings, ...deps.timings };
    this.#now = deps.monotonicNow ?? (() => performance.now());
  }

  /** Number of live actors. */
  get liveCount(): number {
    return this.#live.size;
  }

  async #thread(key: ThreadKey): Promise<LiveThread> {
    if (this.#closed) throw new Error("the thread host is shutting down");
    const stream = threadStream(key);
    const live = this.#live.get(stream);
    if (live) return live;
    const loading = this.#loading.get(stream);
    if (loading) return loading;
    const created = (async () => {
      const session = await ThreadSession.load(key, this.#deps.store, this.#deps.source);
      const batch: BatchTiming = { recordMs: null };
      const thread: LiveThread = { session, batch, actor: this.#spawn(session, batch) };
      this.#live.set(stream, thread);
      this.#deps.onLiveActorsChanged?.(this.#live.size);
      return thread;
    })().finally(() => this.#loading.delete(stream));
    this.#loading.set(stream, created);
    return created;
  }

  #spawn(session: ThreadSession, batch: BatchTiming): Actor<typeof threadMachine> {
    const effects = this.#deps.effects(session);
    const logger = this.#deps.logger.child({ threadKey: session.stream });
    const machine = threadMachine.provide({
      actors: {
        generate: fromPromise<GenerationSummary, { signal: AbortSignal }>(({ input }) => {
          const { recordMs } = batch;
          // Messages arriving from now on form the next batch.
          batch.recordMs = null;
          const timing = recordMs === null ? null : { recordMs, windowEndedAt: this.#now() };
          return effects.generate(input.signal, timing);
        }),
        recover: fromPromise<void, void>(() => effects.recover()),
      },
      guards: {
        hasPending: () => session.state.pending.length > 0,
        needsRecovery: () => session.state.generation !== null || session.state.undelivered.length > 0,
        generationStarted: () => session.state.generation !== null,
      },
      actions: {
        logGenerationError: ({ event }) =>
          logger.error({ err: (event as { error?: unknown }).error }, "generation failed unexpectedly"),
        logRecoveryError: ({ event }) =>
          logger.error({ err: (event as { error?: unknown }).error }, "recovery failed"),
      },
    });
    const actor = createActor(machine, { input: this.#timings });
    actor.subscribe({
      complete: () => {
        const current = this.#live.get(session.stream);
        if (current?.actor === actor) {
          this.#live.delete(session.stream);
          this.#deps.onLiveActorsChanged?.(this.#live.size);
          logger.debug("thread actor passivated");
        }
      },
      error: (error) => logger.error({ err: error }, "thread actor crashed"),
    });
    actor.start();
    return actor;
  }

  /** Makes sure the thread's actor runs (a passivated one is replaced) and returns it. */
  #running(thread: LiveThread): Actor<typeof threadMachine> {
    if (thread.actor.getSnapshot().status !== "active") {
      thread.actor = this.#spawn(thread.session, thread.batch);
      this.#live.set(thread.session.stream, thread);
      this.#deps.onLiveActorsChanged?.(this.#live.size);
    }
    return thread.actor;
  }

  /**
   * Records a user message (nothing for a duplicate update or message) and lets the
   * actor answer it. Resolves once the message is in the log.
   */
  async receiveMessage(
    message: MessageReceived["data"],
    context: EventContext,
    files: readonly FileReceived["data"][] = [],
  ): Promise<"recorded" | "duplicate"> {
    const receivedAt = this.#now();
    const key = { chatId: message.chatId, topicId: message.topicId, userId: message.userId };
    const thread = await this.#thread(key);
    const result = await thread.session.execute(
      { type: "ReceiveMessage", message, ...(files.length > 0 ? { files } : {}) },
      context,
    );
    if (result.events.length === 0) return "duplicate";
    thread.batch.recordMs ??= this.#now() - receivedAt;
    this.#running(thread).send({ type: "MESSAGE_RECORDED" });
    return "recorded";
  }

  /**
   * Records that a provider-side copy of one of the thread's files is gone (the clean-up
   * job), through the thread's single writer, so the next answer uploads it again.
   */
  async recordProviderFileDeleted(
    key: ThreadKey,
    deletion: ProviderFileDeleted["data"],
    context: EventContext,
  ): Promise<CommitResult> {
    const thread = await this.#thread(key);
    return thread.session.execute({ type: "RecordProviderFileDeleted", deletion }, context);
  }

  /** Records an edit of a message the thread holds (no new answer). */
  async editMessage(
    key: ThreadKey,
    edit: { messageId: number; updateId: number; text: string; editedAt: string },
    context: EventContext,
  ): Promise<CommitResult> {
    const thread = await this.#thread(key);
    return thread.session.execute({ type: "EditMessage", ...edit }, context);
  }

  /** Stops the thread's running answer, if any (/stop, the stop button). */
  async stop(key: ThreadKey, reason: CancelReason): Promise<StopOutcome> {
    const live = this.#live.get(threadStream(key));
    if (!live) return "nothing_to_stop";
    const snapshot = live.actor.getSnapshot();
    if (snapshot.status !== "active" || !(snapshot.matches("generating") || snapshot.matches("batching"))) {
      return "nothing_to_stop";
    }
    // Still "generating" while a finished answer is being delivered: the generation is
    // closed in the log and no batch waits, so there is nothing left to stop.
    const { state } = live.session;
    if (snapshot.matches("generating") && state.generation === null && state.pending.length === 0) {
      return "nothing_to_stop";
    }
    live.actor.send({ type: "STOP", reason });
    return "stopping";
  }

  /** Starts a fresh context (/new): a running answer is stopped first and kept in the log. */
  async resetContext(key: ThreadKey, context: EventContext): Promise<CommitResult> {
    const thread = await this.#thread(key);
    const actor = this.#running(thread);
    if (actor.getSnapshot().matches("generating") || actor.getSnapshot().matches("batching")) {
      actor.send({ type: "STOP", reason: "context_reset" });
      await waitFor(actor, (snapshot) => !snapshot.matches("generating"), { timeout: 60_000 });
    }
    return thread.session.execute({ type: "ResetContext", reason: "command" }, context);
  }

  /** Sets (or with null removes) the thread's model override. */
  async selectModel(key: ThreadKey, modelId: string | null, context: EventContext): Promise<CommitResult> {
    const thread = await this.#thread(key);
    return thread.session.execute({ type: "SelectModel", modelId }, context);
  }

  /** The thread's current state (rehydrating it if it is not live). */
  async state(key: ThreadKey): Promise<ThreadState> {
    return (await this.#thread(key)).session.state;
  }

  /**
   * Wakes the actor of a thread found with an open generation or an undelivered
   * answer (after a crash); its start runs recovery.
   */
  async recover(key: ThreadKey): Promise<void> {
    const thread = await this.#thread(key);
    this.#running(thread);
  }

  /** Resolves when the thread's actor is idle or passivated (tests, shutdown). */
  async settled(key: ThreadKey, timeoutMs = 30_000): Promise<void> {
    const live = this.#live.get(threadStream(key));
    if (!live) return;
    await waitFor(live.actor, (snapshot) => snapshot.status !== "active" || snapshot.matches("idle"), {
      timeout: timeoutMs,
    });
  }

  /**
   * Stops accepting inputs, stops running answers (their partial text is delivered
   * and charged) and waits for every actor to settle, up to `timeoutMs`.
   */
  async shutdown(timeoutMs = 15_000): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#loading.values()]);
    const threads = [...this.#live.values()];
    for (const thread of threads) thread.actor.send({ type: "STOP", reason: "shutdown" });
    await Promise.allSettled(
      threads.map((thread) =>
        waitFor(thread.actor, (snapshot) => snapshot.status !== "active" || !snapshot.matches("generating"), {
          timeout: timeoutMs,
        }),
      ),
    );
    for (const thread of threads) thread.actor.stop();
    this.#live.clear();
    this.#deps.onLiveActorsChanged?.(0);
  }
}
