import {
  type DomainEvent,
  decideThread,
  domainEvents,
  type EventClock,
  type EventContext,
  evolveThread,
  initialThreadState,
  stampEvents,
  type ThreadCommand,
  type ThreadEvent,
  type ThreadKey,
  type ThreadState,
  threadEventDefinitions,
  threadStream,
} from "@bot/domain";
import {
  type EventStore,
  type Position,
  type RecordedEvent,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from "@bot/eventstore";

/** What a command appended (nothing for a command that was already satisfied). */
export interface CommitResult {
  readonly events: readonly ThreadEvent[];
  readonly state: ThreadState;
  /** Global position of the last appended event, or null when nothing was appended. */
  readonly position: Position | null;
}

/** A conflict persisted after re-deciding this many times. */
export class ThreadConflictError extends Error {
  override readonly name = "ThreadConflictError";
  constructor(
    readonly stream: string,
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    super(`${stream}: still conflicting after ${attempts} attempts`, options);
  }
}

const MAX_ATTEMPTS = 5;

const THREAD_EVENT_TYPES = new Set<string>(threadEventDefinitions.map((definition) => definition.type));

function isThreadEvent(event: RecordedEvent<DomainEvent>): event is RecordedEvent<DomainEvent> & ThreadEvent {
  return THREAD_EVENT_TYPES.has(event.type);
}

/**
 * The write side of one thread: its state folded from the stream and the
 * revision it was folded at. `execute` decides a command against that state,
 * appends the events with the expected revision, and on a conflict (another
 * writer got there first) reloads and decides again. Calls are serialised, so
 * one live session is the single writer of its stream in this process.
 */
export class ThreadSession {
  #state: ThreadState = initialThreadState;
  #revision: bigint | "no_stream" = "no_stream";
  #lastChargePosition: Position | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly key: ThreadKey,
    readonly stream: string,
    private readonly store: EventStore<DomainEvent>,
    private readonly source: EventClock,
  ) {}

  /** Loads a thread by folding its events (never by restoring a snapshot of a live actor). */
  static async load(
    key: ThreadKey,
    store: EventStore<DomainEvent>,
    source: EventClock,
  ): Promise<ThreadSession> {
    const session = new ThreadSession(key, threadStream(key), store, source);
    await session.#reload();
    return session;
  }

  /** The thread's current state. */
  get state(): ThreadState {
    return this.#state;
  }

  /**
   * Where the thread's last charge (UsageCharged) is in the log, or null if it has none:
   * a balance read for this thread's next request must include it.
   */
  get lastChargePosition(): Position | null {
    return this.#lastChargePosition;
  }

  /** The revision of the last event folded, or "no_stream". */
  get revision(): bigint | "no_stream" {
    return this.#revision;
  }

  async #reload(): Promise<void> {
    let state = initialThreadState;
    let revision: bigint | "no_stream" = "no_stream";
    let lastCharge: Position | null = null;
    try {
      for await (const event of this.store.readStream(this.stream)) {
        if (isThreadEvent(event)) state = evolveThread(state, event, this.stream);
        if (event.type === "UsageCharged") lastCharge = event.position;
        revision = event.revision;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    this.#state = { ...state, key: state.key ?? this.key };
    this.#revision = revision;
    this.#lastChargePosition = lastCharge;
  }

  /**
   * Decides and appends, serialised with every other call on this session.
   * Throws the decider's ThreadRuleViolation for commands the state refuses.
   */
  execute(command: ThreadCommand, context: EventContext): Promise<CommitResult> {
    const run = this.#queue.then(() => this.#execute(command, context));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #execute(command: ThreadCommand, context: EventContext): Promise<CommitResult> {
    for (let attempt = 1; ; attempt++) {
      const drafts = decideThread(command, this.#state);
      if (drafts.length === 0) return { events: [], state: this.#state, position: null };
      const events = stampEvents(domainEvents, drafts, this.source, context) as ThreadEvent[];
      try {
        const result = await this.store.append(this.stream, events, { expectedRevision: this.#revision });
        let state = this.#state;
        for (const event of events) state = evolveThread(state, event, this.stream);
        this.#state = state;
        this.#revision = result.nextRevision;
        if (events.some((event) => event.type === "UsageCharged")) this.#lastChargePosition = result.position;
        return { events, state, position: result.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (attempt >= MAX_ATTEMPTS) throw new ThreadConflictError(this.stream, attempt, { cause: error });
        // Another writer appended first: fold what it wrote and decide again.
        await this.#reload();
      }
    }
  }
}
