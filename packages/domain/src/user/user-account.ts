import { PERSONALITY_MAX_LENGTH, PERSONALITY_MIN_LENGTH, type UserEvent } from "../events/user-events.ts";
import type { EventDraft } from "../thread/decide-thread.ts";

/** The parts of a user's account the conversation needs (balance comes with the money issue). */
export interface UserAccountState {
  readonly defaultModelId: string | null;
  readonly personality: string | null;
}

/** A user with no events. */
export const initialUserAccount: UserAccountState = Object.freeze({
  defaultModelId: null,
  personality: null,
});

/** A user-stream event before metadata. */
export type UserEventDraft = EventDraft<UserEvent>;

/** What can be asked of a user's account now. */
export type UserCommand =
  | { readonly type: "SetModelPreference"; readonly modelId: string }
  | { readonly type: "SetPersonality"; readonly text: string }
  | { readonly type: "ClearPersonality" };

/** A personality text that is too short or too long. */
export class PersonalityLengthError extends Error {
  override readonly name = "PersonalityLengthError";
  constructor(
    readonly problem: "too_short" | "too_long",
    readonly length: number,
    readonly limit: number,
  ) {
    super(
      `personality is ${problem === "too_short" ? "shorter" : "longer"} than ${limit} characters (${length})`,
    );
  }
}

/** Folds one user event. */
export function evolveUser(state: UserAccountState, event: UserEvent): UserAccountState {
  switch (event.type) {
    case "ModelPreferenceSet":
      return { ...state, defaultModelId: event.data.modelId };
    case "PersonalitySet":
      return { ...state, personality: event.data.text };
    case "PersonalityCleared":
      return { ...state, personality: null };
    default: {
      const unknown: never = event;
      throw new Error(`evolveUser: unhandled event ${(unknown as { type: string }).type}`);
    }
  }
}

/**
 * Decides a user command. The personality is trimmed and must be
 * {@link PERSONALITY_MIN_LENGTH}–{@link PERSONALITY_MAX_LENGTH} characters
 * ({@link PersonalityLengthError} otherwise); commands that change nothing return [].
 */
export function decideUser(command: UserCommand, state: UserAccountState): UserEventDraft[] {
  switch (command.type) {
    case "SetModelPreference":
      if (state.defaultModelId === command.modelId) return [];
      return [
        {
          type: "ModelPreferenceSet",
          data: { modelId: command.modelId, previousModelId: state.defaultModelId },
        },
      ];
    case "SetPersonality": {
      const text = command.text.trim();
      const length = [...text].length;
      if (length < PERSONALITY_MIN_LENGTH)
        throw new PersonalityLengthError("too_short", length, PERSONALITY_MIN_LENGTH);
      if (text.length > PERSONALITY_MAX_LENGTH) {
        throw new PersonalityLengthError("too_long", length, PERSONALITY_MAX_LENGTH);
      }
      if (state.personality === text) return [];
      return [{ type: "PersonalitySet", data: { text } }];
    }
    case "ClearPersonality":
      return state.personality === null ? [] : [{ type: "PersonalityCleared", data: {} }];
    default: {
      const unknown: never = command;
      throw new Error(`decideUser: unhandled command ${(unknown as { type: string }).type}`);
    }
  }
}
