import { z } from "zod";
import { defineEvent, type EventOf } from "../event-registry.ts";

const telegramId = z.number().int();
const positiveId = z.number().int().positive();

/**
 * A user's message reached the bot. De-duplicated by the Telegram `updateId` and by
 * (chatId, messageId): the same update delivered twice appends nothing.
 */
export const MessageReceived = defineEvent({
  type: "MessageReceived",
  schema: z.strictObject({
    chatId: telegramId,
    topicId: positiveId.nullable(),
    userId: positiveId,
    chatType: z.enum(["private", "group", "supergroup"]),
    messageId: positiveId,
    updateId: z.number().int().nonnegative(),
    text: z.string(),
    /** When Telegram says the message was sent (its `date`), ISO-8601. */
    sentAt: z.iso.datetime({ offset: true }),
    replyToMessageId: positiveId.nullable(),
    from: z.strictObject({
      username: z.string().nullable(),
      firstName: z.string(),
      languageCode: z.string().nullable(),
    }),
  }),
});
export type MessageReceived = EventOf<typeof MessageReceived>;

/** The thread's model was overridden (per-thread choice; the user default is a user event). */
export const ModelSelected = defineEvent({
  type: "ModelSelected",
  schema: z.strictObject({
    modelId: z.string().min(1),
    previousModelId: z.string().min(1).nullable(),
  }),
});
export type ModelSelected = EventOf<typeof ModelSelected>;

/** The thread starts a fresh context; earlier messages stay in the log but leave the prompt. */
export const ContextReset = defineEvent({
  type: "ContextReset",
  schema: z.strictObject({
    reason: z.enum(["command", "operator"]),
  }),
});
export type ContextReset = EventOf<typeof ContextReset>;

/** Every thread event definition. */
export const threadEventDefinitions = [MessageReceived, ModelSelected, ContextReset] as const;

/** Any event of a thread stream. */
export type ThreadEvent = EventOf<(typeof threadEventDefinitions)[number]>;
