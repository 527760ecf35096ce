import {
  type DomainEvent,
  decideUser,
  domainEvents,
  type EventClock,
  type EventContext,
  evolveUser,
  initialUserAccount,
  stampEvents,
  type UserAccountState,
  type UserCommand,
  type UserEvent,
  userStream,
} from "@bot/domain";
import { type EventStore, StreamNotFoundError, WrongExpectedVersionError } from "@bot/eventstore";
import type { UserAccounts } from "./ports.ts";

const USER_EVENT_TYPES = new Set<string>(["ModelPreferenceSet", "PersonalitySet", "PersonalityCleared"]);
const MAX_ATTEMPTS = 5;

/**
 * Users' accounts, read by folding their `user-<id>` stream and changed through the
 * user decider. The stream moves money (later issues), so every append states its
 * expected revision and a conflict re-reads and decides again.
 */
export class UserAccountStore implements UserAccounts {
  constructor(
    private readonly store: EventStore<DomainEvent>,
    private readonly source: EventClock,
  ) {}

  async #load(userId: number): Promise<{ state: UserAccountState; revision: bigint | "no_stream" }> {
    let state = initialUserAccount;
    let revision: bigint | "no_stream" = "no_stream";
    try {
      for await (const event of this.store.readStream(userStream(userId))) {
        if (USER_EVENT_TYPES.has(event.type)) state = evolveUser(state, event as unknown as UserEvent);
        revision = event.revision;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return { state, revision };
  }

  /** The user's account as of now. */
  async account(userId: number): Promise<UserAccountState> {
    return (await this.#load(userId)).state;
  }

  /** Decides and appends a user command; throws the decider's errors (e.g. PersonalityLengthError). */
  async execute(userId: number, command: UserCommand, context: EventContext): Promise<UserAccountState> {
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.#load(userId);
      const drafts = decideUser(command, state);
      if (drafts.length === 0) return state;
      const events = stampEvents(domainEvents, drafts, this.source, context) as UserEvent[];
      try {
        await this.store.append(userStream(userId), events, { expectedRevision: revision });
        return events.reduce(evolveUser, state);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
