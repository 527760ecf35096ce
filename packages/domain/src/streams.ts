/**
 * Stream names are part of the public contract (docs/event-catalogue.md): tools,
 * projections and operators address streams by these names.
 *
 * - `thread-<chatId>-<topicId or 0>-<userId>`: one conversation. In groups each
 *   member has their own thread; in private chats with topics, each topic is one.
 * - `user-<userId>`: the user's account (balance, preferences, personality).
 * - `settings`: operator settings (margin, cache subsidy).
 * - `announcements`: administrators' broadcasts.
 */

/** Identifies one conversation thread. `topicId` is null outside topics. */
export interface ThreadKey {
  readonly chatId: number;
  readonly topicId: number | null;
  readonly userId: number;
}

/** Prefix of every thread stream. */
export const THREAD_STREAM_PREFIX = "thread-";
/** Prefix of every user account stream. */
export const USER_STREAM_PREFIX = "user-";
/** The operator settings stream. */
export const SETTINGS_STREAM = "settings";
/** The administrators' broadcasts. */
export const ANNOUNCEMENTS_STREAM = "announcements";

const THREAD_STREAM = /^thread-(-?\d+)-(\d+)-(\d+)$/;
const USER_STREAM = /^user-(\d+)$/;

/** The stream name of a thread. */
export function threadStream(key: ThreadKey): string {
  return `${THREAD_STREAM_PREFIX}${key.chatId}-${key.topicId ?? 0}-${key.userId}`;
}

/** Parses a thread stream name, or returns null if `stream` is not one. */
export function parseThreadStream(stream: string): ThreadKey | null {
  const match = THREAD_STREAM.exec(stream);
  if (!match) return null;
  const topicId = Number(match[2]);
  return { chatId: Number(match[1]), topicId: topicId === 0 ? null : topicId, userId: Number(match[3]) };
}

/** The stream name of a user's account. */
export function userStream(userId: number): string {
  return `${USER_STREAM_PREFIX}${userId}`;
}

/** Parses a user stream name into the user id, or null. */
export function parseUserStream(stream: string): number | null {
  const match = USER_STREAM.exec(stream);
  return match ? Number(match[1]) : null;
}

/**
 * Streams whose events move money or money rules. Appends to them must state the
 * expected revision: `any` is refused by every event store adapter.
 */
export function isMoneyStream(stream: string): boolean {
  return stream.startsWith(USER_STREAM_PREFIX) || stream === SETTINGS_STREAM;
}
