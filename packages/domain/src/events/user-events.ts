import { z } from "zod";
import { defineEvent, type EventOf } from "../event-registry.ts";

/** Shortest personality prompt accepted (characters, after trimming). */
export const PERSONALITY_MIN_LENGTH = 10;
/** Longest personality prompt accepted (characters, after trimming). */
export const PERSONALITY_MAX_LENGTH = 4000;

/** The user's default model for threads without an override. */
export const ModelPreferenceSet = defineEvent({
  type: "ModelPreferenceSet",
  schema: z.strictObject({
    modelId: z.string().min(1),
    previousModelId: z.string().min(1).nullable(),
  }),
});
export type ModelPreferenceSet = EventOf<typeof ModelPreferenceSet>;

/** The user's personality prompt, added to the system prompt of their threads from the next turn. */
export const PersonalitySet = defineEvent({
  type: "PersonalitySet",
  schema: z.strictObject({
    text: z.string().min(PERSONALITY_MIN_LENGTH).max(PERSONALITY_MAX_LENGTH),
  }),
});
export type PersonalitySet = EventOf<typeof PersonalitySet>;

/** The user removed their personality prompt. */
export const PersonalityCleared = defineEvent({
  type: "PersonalityCleared",
  schema: z.strictObject({}),
});
export type PersonalityCleared = EventOf<typeof PersonalityCleared>;

/** Every user-stream event definition. */
export const userEventDefinitions = [ModelPreferenceSet, PersonalitySet, PersonalityCleared] as const;

/** Any event of a user stream. */
export type UserEvent = EventOf<(typeof userEventDefinitions)[number]>;
