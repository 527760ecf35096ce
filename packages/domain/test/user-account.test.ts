import { describe, expect, it } from "vitest";
import {
  decideUser,
  domainEvents,
  evolveUser,
  fixedClock,
  initialUserAccount,
  PERSONALITY_MAX_LENGTH,
  PersonalityLengthError,
  sequentialIds,
  stampEvents,
  type UserAccountState,
  type UserCommand,
  type UserEvent,
} from "../src/index.ts";

const source = { clock: fixedClock("2026-11-26T10:00:00.000Z"), ids: sequentialIds() };

function apply(commands: readonly UserCommand[], from: UserAccountState = initialUserAccount) {
  let state = from;
  const events: UserEvent[] = [];
  for (const command of commands) {
    const stamped = stampEvents(domainEvents, decideUser(command, state), source, {
      correlationId: "t",
      userId: 7,
    }) as UserEvent[];
    for (const event of stamped) state = evolveUser(state, event);
    events.push(...stamped);
  }
  return { state, events };
}

describe("given a new user", () => {
  it("when a default model is chosen, then ModelPreferenceSet records it with the previous one", () => {
    const { state, events } = apply([{ type: "SetModelPreference", modelId: "claude-sonnet-5" }]);
    expect(events[0]).toMatchObject({
      type: "ModelPreferenceSet",
      data: { modelId: "claude-sonnet-5", previousModelId: null },
    });
    expect(state.defaultModelId).toBe("claude-sonnet-5");
  });

  it("when the same model is chosen again, then nothing is decided", () => {
    const { state } = apply([{ type: "SetModelPreference", modelId: "claude-sonnet-5" }]);
    expect(decideUser({ type: "SetModelPreference", modelId: "claude-sonnet-5" }, state)).toEqual([]);
  });

  it("when a personality is set, then it is stored trimmed", () => {
    const { state } = apply([{ type: "SetPersonality", text: "   Answer like a pirate, always.  " }]);
    expect(state.personality).toBe("Answer like a pirate, always.");
  });

  it("when a personality is too short or too long, then PersonalityLengthError says which and the limit", () => {
    expect(() => decideUser({ type: "SetPersonality", text: "  short  " }, initialUserAccount)).toThrow(
      PersonalityLengthError,
    );
    try {
      decideUser(
        { type: "SetPersonality", text: "x".repeat(PERSONALITY_MAX_LENGTH + 1) },
        initialUserAccount,
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        problem: "too_long",
        limit: PERSONALITY_MAX_LENGTH,
        length: PERSONALITY_MAX_LENGTH + 1,
      });
    }
  });

  it("when a personality is cleared, then it is gone, and clearing again decides nothing", () => {
    const { state, events } = apply([
      { type: "SetPersonality", text: "Be brief and kind." },
      { type: "ClearPersonality" },
    ]);
    expect(events.map((event) => event.type)).toEqual(["PersonalitySet", "PersonalityCleared"]);
    expect(state.personality).toBeNull();
    expect(decideUser({ type: "ClearPersonality" }, state)).toEqual([]);
  });
});
