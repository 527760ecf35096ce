import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isMoneyStream,
  parseThreadStream,
  parseUserStream,
  SETTINGS_STREAM,
  THREAD_STREAM_PREFIX,
  type ThreadKey,
  threadStream,
  USER_STREAM_PREFIX,
  userStream,
} from "../src/index.ts";

const positiveId = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
/** Group and supergroup chats have negative ids (e.g. -1001234567890). */
const groupChatId = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: -1 });
const anyChatId = fc.oneof(groupChatId, positiveId);
const threadKey: fc.Arbitrary<ThreadKey> = fc.record({
  chatId: anyChatId,
  topicId: fc.option(positiveId, { nil: null }),
  userId: positiveId,
});

describe("given thread keys", () => {
  it("when a key is turned into a stream name and parsed back, then the same key comes out", () => {
    fc.assert(
      fc.property(threadKey, (key) => {
        const stream = threadStream(key);
        expect(stream.startsWith(THREAD_STREAM_PREFIX)).toBe(true);
        expect(parseThreadStream(stream)).toEqual(key);
      }),
    );
  });

  it("when the chat is a group (negative id), then the minus sign survives the round trip", () => {
    fc.assert(
      fc.property(
        groupChatId,
        fc.option(positiveId, { nil: null }),
        positiveId,
        (chatId, topicId, userId) => {
          const parsed = parseThreadStream(threadStream({ chatId, topicId, userId }));
          expect(parsed?.chatId).toBe(chatId);
          expect(parsed?.chatId).toBeLessThan(0);
        },
      ),
    );
  });

  it("when there is no topic, then the name carries 0 and parsing gives null", () => {
    const key = { chatId: -1001234567890, topicId: null, userId: 42 };
    expect(threadStream(key)).toBe("thread--1001234567890-0-42");
    expect(parseThreadStream("thread--1001234567890-0-42")).toEqual(key);
    expect(threadStream({ chatId: 5, topicId: 17, userId: 5 })).toBe("thread-5-17-5");
    expect(parseThreadStream("thread-5-17-5")).toEqual({ chatId: 5, topicId: 17, userId: 5 });
  });

  it("when two keys differ, then their stream names differ", () => {
    fc.assert(
      fc.property(threadKey, threadKey, (a, b) => {
        fc.pre(a.chatId !== b.chatId || a.topicId !== b.topicId || a.userId !== b.userId);
        expect(threadStream(a)).not.toBe(threadStream(b));
      }),
    );
  });

  it.each([
    "",
    "thread-",
    "thread-1-2",
    "thread-1-0-1-",
    "thread-1-0-1-9",
    "thread-a-0-1",
    "thread-1-b-1",
    "thread-1-0-c",
    "thread-1.5-0-1",
    "thread-1-0--1",
    "thread-1--1-2",
    "thread---1-0-1",
    "xthread-1-0-1",
    " thread-1-0-1",
    "thread-1-0-1 ",
    "thread-1-0-1\n",
    "Thread-1-0-1",
    "threads-1-0-1",
    "thread_1_0_1",
    "user-1",
    "settings",
  ])("when the name is %j, then parseThreadStream returns null", (name) => {
    expect(parseThreadStream(name)).toBeNull();
  });

  it("when random text is not of the form thread-<int>-<nat>-<nat>, then parseThreadStream returns null", () => {
    const shape = /^thread--?\d+-\d+-\d+$/;
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."thread-0123456789x -") }), (text) => {
        fc.pre(!shape.test(text));
        expect(parseThreadStream(text)).toBeNull();
      }),
    );
  });
});

describe("given user streams", () => {
  it("when a user id is turned into a stream name and parsed back, then the same id comes out", () => {
    fc.assert(
      fc.property(positiveId, (userId) => {
        const stream = userStream(userId);
        expect(stream).toBe(`${USER_STREAM_PREFIX}${userId}`);
        expect(parseUserStream(stream)).toBe(userId);
      }),
    );
  });

  it.each([
    "user-",
    "user--1",
    "user-abc",
    "user-1-2",
    "user-1.5",
    "users-1",
    "user-1 ",
    "User-1",
    "thread-1-0-1",
    "settings",
  ])("when the name is %j, then parseUserStream returns null", (name) => {
    expect(parseUserStream(name)).toBeNull();
  });
});

describe("given the money stream rule", () => {
  it("when the stream is a user account or the settings, then it is a money stream", () => {
    expect(isMoneyStream(SETTINGS_STREAM)).toBe(true);
    expect(isMoneyStream("settings")).toBe(true);
    fc.assert(
      fc.property(positiveId, (userId) => {
        expect(isMoneyStream(userStream(userId))).toBe(true);
      }),
    );
  });

  it("when the stream is a thread, then it is not a money stream", () => {
    fc.assert(
      fc.property(threadKey, (key) => {
        expect(isMoneyStream(threadStream(key))).toBe(false);
      }),
    );
  });

  it.each(["settings-1", "setting", "Settings", "users-1", "xuser-1", "", "thread-1-0-1"])(
    "when the stream is %j, then it is not a money stream",
    (stream) => {
      expect(isMoneyStream(stream)).toBe(false);
    },
  );
});
