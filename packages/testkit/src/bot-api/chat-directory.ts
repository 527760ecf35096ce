import type { Chat, User, UserFromGetMe } from "@grammyjs/types";
import { badRequest, forbidden } from "./bot-api-error.ts";

/** Chats a user can write in to the bot (channels are out of scope). */
export type UserChat = Chat.PrivateChat | Chat.GroupChat | Chat.SupergroupChat;

/** What {@link ChatDirectory.user} needs; everything else gets a default. */
export interface UserSpec {
  id?: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** What {@link ChatDirectory.groupChat} needs; a forum is always a supergroup. */
export interface GroupSpec {
  id?: number;
  title?: string;
  forum?: boolean;
  type?: "group" | "supergroup";
  username?: string;
}

/** Ids far from each other so a test can tell users, groups and supergroups apart at a glance. */
const FIRST_USER_ID = 1_000_001;
const FIRST_GROUP_ID = -4_000_000_001;
const FIRST_SUPERGROUP_ID = -1_001_000_000_001;

/** The users and chats the fake knows; the bot can only talk to chats registered here. */
export class ChatDirectory {
  private readonly users = new Map<number, User>();
  private readonly chats = new Map<number, UserChat>();
  /** Ids of users who blocked the bot. */
  private readonly blockedBy = new Set<number>();
  private userCount = 0;
  private groupCount = 0;

  constructor(private readonly botInfo: UserFromGetMe) {}

  /** Returns the user with `spec.id` if known, else creates one with defaults filled in. */
  user(spec: UserSpec = {}): User {
    const known = spec.id === undefined ? undefined : this.users.get(spec.id);
    if (known !== undefined) return known;
    this.userCount += 1;
    const id = spec.id ?? FIRST_USER_ID + this.userCount - 1;
    const user: User = {
      id,
      is_bot: false,
      first_name: spec.first_name ?? `User ${this.userCount}`,
      language_code: spec.language_code ?? "en",
      ...(spec.last_name === undefined ? {} : { last_name: spec.last_name }),
      ...(spec.username === undefined ? {} : { username: spec.username }),
    };
    this.users.set(id, user);
    return user;
  }

  /** The private chat of the bot with `user` (its id is the user's id, as in Telegram). */
  privateChat(user: User): Chat.PrivateChat {
    this.users.set(user.id, user);
    const chat: Chat.PrivateChat = {
      id: user.id,
      type: "private",
      first_name: user.first_name,
      ...(user.last_name === undefined ? {} : { last_name: user.last_name }),
      ...(user.username === undefined ? {} : { username: user.username }),
    };
    this.chats.set(chat.id, chat);
    return chat;
  }

  /** A group or supergroup (default) with the bot in it; `forum: true` enables topics. */
  groupChat(spec: GroupSpec = {}): Chat.GroupChat | Chat.SupergroupChat {
    const type = spec.type ?? "supergroup";
    if (spec.forum === true && type !== "supergroup") throw new Error("only supergroups can be forums");
    this.groupCount += 1;
    const title = spec.title ?? `Group ${this.groupCount}`;
    const chat: Chat.GroupChat | Chat.SupergroupChat =
      type === "group"
        ? { id: spec.id ?? FIRST_GROUP_ID - this.groupCount + 1, type, title }
        : {
            id: spec.id ?? FIRST_SUPERGROUP_ID - this.groupCount + 1,
            type,
            title,
            ...(spec.forum === true ? { is_forum: true as const } : {}),
            ...(spec.username === undefined ? {} : { username: spec.username }),
          };
    this.chats.set(chat.id, chat);
    return chat;
  }

  /** Makes a chat built elsewhere (e.g. by hand in a test) known. */
  register(chat: UserChat): void {
    if (!this.chats.has(chat.id)) this.chats.set(chat.id, chat);
  }

  /** The chat a `chat_id` parameter names (id or `@username`), or "chat not found". */
  resolve(chatId: unknown): UserChat {
    if (chatId === undefined || chatId === null || chatId === "") throw badRequest("chat_id is empty");
    if (typeof chatId === "string" && chatId.startsWith("@")) {
      const username = chatId.slice(1).toLowerCase();
      for (const chat of this.chats.values()) {
        if (chat.username?.toLowerCase() === username) return chat;
      }
      throw badRequest("chat not found");
    }
    const id = typeof chatId === "number" ? chatId : Number(chatId);
    const chat = Number.isInteger(id) ? this.chats.get(id) : undefined;
    if (chat === undefined) throw badRequest("chat not found");
    return chat;
  }

  /** The user with this id blocked the bot (or unblocked it again with `blocked: false`). */
  setBlocked(userId: number, blocked: boolean): void {
    if (blocked) this.blockedBy.add(userId);
    else this.blockedBy.delete(userId);
  }

  /** Whether the user with this id has blocked the bot. */
  isBlocked(userId: number): boolean {
    return this.blockedBy.has(userId);
  }

  /**
   * Throws Telegram's 403 when the bot may not send to `chat` because the user of this
   * private chat blocked it. Groups never block: the bot is a member until removed.
   */
  assertCanSend(chat: UserChat): void {
    if (chat.type === "private" && this.blockedBy.has(chat.id))
      throw forbidden("bot was blocked by the user");
  }

  /**
   * The topic a `message_thread_id` parameter names in `chat`: forum supergroups and, when
   * the bot has topics enabled, private chats have topics; elsewhere Telegram answers
   * "message thread not found".
   */
  thread(chat: UserChat, threadId: unknown): number | undefined {
    if (threadId === undefined || threadId === null || threadId === 0) return undefined;
    const id = typeof threadId === "number" ? threadId : Number(threadId);
    if (!Number.isInteger(id) || id < 0) throw badRequest("message thread not found");
    const hasTopics =
      chat.type === "private" ? this.botInfo.has_topics_enabled : chat.type === "supergroup" && chat.is_forum;
    if (hasTopics !== true) throw badRequest("message thread not found");
    return id;
  }
}
