import {
  type DomainEvent,
  domainEvents,
  type EventClock,
  type EventContext,
  type EventDraft,
  stampEvents,
} from "@bot/domain";
import {
  type EventStore,
  type Position,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from "@bot/eventstore";

/** The pure core of one kind of stream: how commands become events and events fold into state. */
export interface StreamDecider<S, C, E extends DomainEvent> {
  readonly initialState: S;
  /** The event types the fold understands; others in the stream are skipped. */
  readonly eventTypes: ReadonlySet<string>;
  decide(command: C, state: S): EventDraft<E>[];
  evolve(state: S, event: E): S;
}

/** A stream folded: its state, the revision it was read at, and the position of its last event. */
export interface LoadedStream<S> {
  readonly state: S;
  readonly revision: bigint | "no_stream";
  readonly position: Position | null;
}

/** What a command did: the new state, the events appended ([] when already satisfied) and where. */
export interface ExecuteResult<S, E> {
  readonly state: S;
  readonly events: readonly E[];
  /** The log position of the last appended event, or null when nothing was appended. */
  readonly position: Position | null;
}

const MAX_ATTEMPTS = 5;

/**
 * Reads and changes streams through a pure decider: load folds the stream; execute
 * decides on the folded state and appends with the expected revision, reading and
 * deciding again on a conflict (another process or update wrote first). Used for the
 * streams that move money or rules (user accounts, settings), where `any` is refused.
 */
export class DeciderStore<S, C, E extends DomainEvent> {
  constructor(
    private readonly store: EventStore<DomainEvent>,
    private readonly source: EventClock,
    private readonly decider: StreamDecider<S, C, E>,
  ) {}

  /** Folds the stream (an absent stream is the initial state). */
  async load(stream: string): Promise<LoadedStream<S>> {
    let state = this.decider.initialState;
    let revision: bigint | "no_stream" = "no_stream";
    let position: Position | null = null;
    try {
      for await (const event of this.store.readStream(stream)) {
        if (this.decider.eventTypes.has(event.type)) state = this.decider.evolve(state, event as E);
        revision = event.revision;
        position = event.position;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return { state, revision, position };
  }

  /**
   * Decides and appends; the decider's errors propagate unchanged. `likelyNew` skips the
   * first read for a stream that usually does not exist yet (a new user's registration):
   * the command is decided on the initial state and appended with `no_stream`; if the
   * stream exists after all, that append conflicts and the usual read-decide-append runs.
   */
  async execute(
    stream: string,
    command: C,
    context: EventContext,
    options: { readonly likelyNew?: boolean } = {},
  ): Promise<ExecuteResult<S, E>> {
    for (let attempt = 1; ; attempt++) {
      const { state, revision } =
        attempt === 1 && options.likelyNew
          ? { state: this.decider.initialState, revision: "no_stream" as const }
          : await this.load(stream);
      const drafts = this.decider.decide(command, state);
      if (drafts.length === 0) return { state, events: [], position: null };
      const events = stampEvents(domainEvents, drafts, this.source, context) as E[];
      try {
        const result = await this.store.append(stream, events, { expectedRevision: revision });
        return { state: events.reduce(this.decider.evolve, state), events, position: result.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
