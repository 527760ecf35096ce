import {
  type DomainEvent,
  decideUser,
  type EventClock,
  type EventContext,
  evolveUser,
  initialUserAccount,
  type UserAccountState,
  type UserCommand,
  type UserEvent,
  userEventDefinitions,
  userStream,
} from "@bot/domain";
import type { EventStore } from "@bot/eventstore";
import { DeciderStore, type ExecuteResult, type LoadedStream } from "./decider-store.ts";
import type { UserAccounts } from "./ports.ts";

const userDecider = {
  initialState: initialUserAccount,
  eventTypes: new Set<string>(userEventDefinitions.map((definition) => definition.type)),
  decide: decideUser,
  evolve: evolveUser,
};

/**
 * Users' accounts, read by folding their `user-<id>` stream and changed through the
 * user decider. The stream moves money, so every append states its expected revision
 * and a conflict re-reads and decides again.
 */
export class UserAccountStore implements UserAccounts {
  readonly #streams: DeciderStore<UserAccountState, UserCommand, UserEvent>;

  constructor(store: EventStore<DomainEvent>, source: EventClock) {
    this.#streams = new DeciderStore(store, source, userDecider);
  }

  /** The user's account as of now. */
  async account(userId: number): Promise<UserAccountState> {
    return (await this.#streams.load(userStream(userId))).state;
  }

  /** The account with the revision and log position it was read at. */
  load(userId: number): Promise<LoadedStream<UserAccountState>> {
    return this.#streams.load(userStream(userId));
  }

  /**
   * Decides and appends a user command; throws the decider's errors
   * (PersonalityLengthError, RefundRefusedError, ...).
   */
  execute(
    userId: number,
    command: UserCommand,
    context: EventContext,
  ): Promise<ExecuteResult<UserAccountState, UserEvent>> {
    // A registration is almost always the stream's first event: one round trip, not two.
    return this.#streams.execute(userStream(userId), command, context, {
      likelyNew: command.type === "Register",
    });
  }
}
