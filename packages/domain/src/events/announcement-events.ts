import { z } from "zod";
import { defineEvent, type EventOf } from "../event-registry.ts";
import { count, positiveId, telegramId } from "./fields.ts";

/** How many user ids an announcement event lists at most (the report file has them all). */
export const ANNOUNCEMENT_LIST_LIMIT = 1000;

const announcementId = z.uuid();
const userIds = z.array(positiveId).max(ANNOUNCEMENT_LIST_LIMIT);

/** An administrator confirmed a broadcast; sending starts after this is recorded. */
export const AnnouncementStarted = defineEvent({
  type: "AnnouncementStarted",
  schema: z.strictObject({
    announcementId,
    adminId: positiveId,
    /** "all" users, or the listed ones. */
    audience: z.enum(["all", "listed"]),
    recipients: count,
    /** The admin's message that is copied to every recipient. */
    sourceChatId: telegramId,
    sourceMessageId: positiveId,
  }),
});
export type AnnouncementStarted = EventOf<typeof AnnouncementStarted>;

/** A broadcast ended: how many got it, who has blocked the bot, who failed otherwise. */
export const AnnouncementCompleted = defineEvent({
  type: "AnnouncementCompleted",
  schema: z.strictObject({
    announcementId,
    delivered: count,
    blocked: count,
    failed: count,
    /** The first {@link ANNOUNCEMENT_LIST_LIMIT} blocked and failed user ids. */
    blockedUserIds: userIds,
    failedUserIds: userIds,
    /** Stopped early: by the process shutting down (the rest were not sent). */
    stoppedEarly: z.boolean(),
  }),
});
export type AnnouncementCompleted = EventOf<typeof AnnouncementCompleted>;

/** Every event definition of the `announcements` stream. */
export const announcementEventDefinitions = [AnnouncementStarted, AnnouncementCompleted] as const;

/** Any event of the `announcements` stream. */
export type AnnouncementEvent = EventOf<(typeof announcementEventDefinitions)[number]>;
