import {
  domainEvents,
  fixedClock,
  sequentialIds,
  type ThreadEvent,
  type ThreadKey,
  threadStream,
} from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { foldThreadPatches, type ThreadPatch, TITLE_LENGTH, titleOf } from "../src/index.ts";
import { charge, TestLog, ThreadDriver } from "./support/thread-driver.ts";

const KEY: ThreadKey = { chatId: -1001234567890, topicId: null, userId: 42 };
const STREAM = threadStream(KEY);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Builds recorded thread events with a controllable clock and per-stream revisions. */
function history(start = "2024-06-01T10:00:00.000Z") {
  const clock = fixedClock(start);
  const ids = sequentialIds();
  const revisions = new Map<string, bigint>();
  let position = 0n;
  let messageId = 1;
  const events: RecordedEvent<ThreadEvent>[] = [];

  function record(stream: string, event: ThreadEvent): RecordedEvent<ThreadEvent> {
    const revision = revisions.get(stream) ?? 0n;
    revisions.set(stream, revision + 1n);
    position += 1n;
    const recorded = {
      ...event,
      stream,
      revision,
      position: { commit: position, prepare: position },
      recordedAt: event.metadata.occurredAt,
    } as RecordedEvent<ThreadEvent>;
    events.push(recorded);
    return recorded;
  }

  const keyOf = (stream: string): ThreadKey => {
    const match = /^thread-(-?\d+)-(\d+)-(\d+)$/.exec(stream);
    if (!match) return KEY;
    return { chatId: Number(match[1]), topicId: Number(match[2]) || null, userId: Number(match[3]) };
  };

  return {
    events,
    clock,
    message(text: string, stream = STREAM, chatType: "private" | "group" | "supergroup" = "supergroup") {
      const key = keyOf(stream);
      const event = domainEvents.create(
        "MessageReceived",
        {
          chatId: key.chatId,
          topicId: key.topicId,
          userId: key.userId,
          chatType,
          messageId: messageId,
          updateId: messageId,
          text,
          sentAt: clock.now().toISOString(),
          replyToMessageId: null,
          from: { username: "ada", firstName: "Ada", languageCode: "en" },
        },
        { clock, ids },
        { correlationId: `update-${messageId}`, userId: key.userId },
      );
      messageId++;
      return record(stream, event);
    },
    model(modelId: string | null, stream = STREAM) {
      return record(
        stream,
        domainEvents.create(
          "ModelSelected",
          { modelId, previousModelId: null },
          { clock, ids },
          { correlationId: "m" },
        ),
      );
    },
    reset(stream = STREAM) {
      return record(
        stream,
        domainEvents.create("ContextReset", { reason: "command" }, { clock, ids }, { correlationId: "r" }),
      );
    },
  };
}

function onlyPatch(events: readonly RecordedEvent<ThreadEvent>[]): ThreadPatch {
  const patches = foldThreadPatches(events);
  expect(patches).toHaveLength(1);
  return patches[0] as ThreadPatch;
}

describe("given messages in one thread", () => {
  it("when the first message arrives, then it sets the title, the chat type and the counts", () => {
    const h = history();
    h.message("  Hello\n\tthere   world ");
    const patch = onlyPatch(h.events);
    expect(patch).toEqual({
      stream: STREAM,
      chatId: -1001234567890,
      topicId: null,
      userId: 42,
      chatType: "supergroup",
      title: "Hello there world",
      modelSet: false,
      modelId: null,
      messages: 1,
      contextMessages: 1,
      resets: 0,
      generations: 0,
      cost: "0",
      firstAt: "2024-06-01T10:00:00.000Z",
      lastAt: "2024-06-01T10:00:00.000Z",
      lastRevision: "0",
    });
  });

  it("when later messages arrive, then the title stays that of the first one and the counts grow", () => {
    const h = history();
    h.message("First question");
    h.clock.advance(1000);
    h.message("Second question");
    h.clock.advance(1000);
    h.message("Third");
    const patch = onlyPatch(h.events);
    expect(patch.title).toBe("First question");
    expect(patch.messages).toBe(3);
    expect(patch.contextMessages).toBe(3);
    expect(patch.lastRevision).toBe("2");
  });

  it("when the first message has no words, then the next message with words sets the title", () => {
    const h = history();
    h.message(" \n\t ");
    h.message("Now with words");
    expect(onlyPatch(h.events).title).toBe("Now with words");
  });
});

describe("given a context reset", () => {
  it("when the context is reset, then the title and context count are cleared but the totals kept", () => {
    const h = history();
    h.message("Old topic");
    h.message("More");
    h.reset();
    const patch = onlyPatch(h.events);
    expect(patch.title).toBeNull();
    expect(patch.contextMessages).toBe(0);
    expect(patch.resets).toBe(1);
    expect(patch.messages).toBe(2);
  });

  it("when a message follows the reset, then it sets the new title and the context count restarts", () => {
    const h = history();
    h.message("Old topic");
    h.reset();
    h.message("New topic");
    h.message("Follow-up");
    const patch = onlyPatch(h.events);
    expect(patch.title).toBe("New topic");
    expect(patch.contextMessages).toBe(2);
    expect(patch.messages).toBe(3);
    expect(patch.resets).toBe(1);
  });

  it("when the context is reset twice, then resets counts both", () => {
    const h = history();
    h.reset();
    h.message("a");
    h.reset();
    const patch = onlyPatch(h.events);
    expect(patch.resets).toBe(2);
    expect(patch.contextMessages).toBe(0);
    expect(patch.title).toBeNull();
  });
});

describe("given model choices", () => {
  it("when models are selected, then the last one is the thread's model and a reset keeps it", () => {
    const h = history();
    h.model("gpt-4o");
    h.model("claude-sonnet");
    h.reset();
    const patch = onlyPatch(h.events);
    expect(patch.modelId).toBe("claude-sonnet");
    expect(patch.messages).toBe(0);
    expect(patch.chatType).toBeNull();
    expect(patch.title).toBeNull();
  });
});

describe("given an override that is removed", () => {
  it("when the model is selected and then removed, then the patch replaces the row's model with null", () => {
    const h = history();
    h.model("gpt-4o");
    h.model(null);
    expect(onlyPatch(h.events)).toMatchObject({ modelSet: true, modelId: null });
  });

  it("when no model event is in the run, then the patch leaves the row's model alone", () => {
    const h = history();
    h.message("hi");
    expect(onlyPatch(h.events)).toMatchObject({ modelSet: false, modelId: null });
  });
});

describe("given generations and charges", () => {
  it("when two answers are generated and charged, then the patch counts the generations and sums what the user pays", () => {
    const log = new TestLog();
    const thread = new ThreadDriver(log, KEY);
    thread.receive("first");
    thread.start();
    thread.chunk("one");
    thread.complete([charge(1_500, { amount: 2_000 }), charge(250, { callIndex: 1 })]);
    thread.receive("second");
    thread.start();
    thread.cancel([charge(9_007_199_254_740_000)]);
    const patch = onlyPatch(log.events);
    expect(patch.generations).toBe(2);
    // userAmount, not amount; summed as bigint, beyond what a double holds exactly.
    expect(patch.cost).toBe((1_500n + 250n + 9_007_199_254_740_000n).toString());
    expect(patch.lastRevision).toBe(String(log.events.length - 1));
  });
});

describe("given activity at different times", () => {
  it("when events carry times out of order, then first and last activity are the earliest and latest", () => {
    const h = history("2024-06-01T10:00:00.000Z");
    h.message("middle");
    h.clock.set("2024-06-01T09:00:00.000Z");
    h.model("m1");
    h.clock.set("2024-06-01T11:30:00.000Z");
    h.message("latest");
    h.clock.set("2024-06-01T10:15:00.000Z");
    h.reset();
    const patch = onlyPatch(h.events);
    expect(patch.firstAt).toBe("2024-06-01T09:00:00.000Z");
    expect(patch.lastAt).toBe("2024-06-01T11:30:00.000Z");
    expect(patch.lastRevision).toBe("3");
  });

  it("when revisions arrive out of order, then lastRevision is the highest", () => {
    const h = history();
    h.message("a");
    h.message("b");
    const [first, second] = h.events as [RecordedEvent<ThreadEvent>, RecordedEvent<ThreadEvent>];
    expect(onlyPatch([second, first]).lastRevision).toBe("1");
  });
});

describe("given events of several streams", () => {
  it("when folded, then there is one patch per stream with its key parsed from the stream name", () => {
    const h = history();
    const topic = threadStream({ chatId: -100555, topicId: 7, userId: 9 });
    const privateChat = threadStream({ chatId: 9, topicId: null, userId: 9 });
    h.message("group", STREAM);
    h.message("topic", topic);
    h.message("dm", privateChat, "private");
    h.model("x", topic);
    h.message("group again", STREAM);
    const patches = foldThreadPatches(h.events);
    expect(patches.map((patch) => patch.stream)).toEqual([STREAM, topic, privateChat]);
    expect(patches.map(({ chatId, topicId, userId }) => ({ chatId, topicId, userId }))).toEqual([
      { chatId: -1001234567890, topicId: null, userId: 42 },
      { chatId: -100555, topicId: 7, userId: 9 },
      { chatId: 9, topicId: null, userId: 9 },
    ]);
    expect(patches.map((patch) => patch.messages)).toEqual([2, 1, 1]);
    expect(patches[1]?.modelId).toBe("x");
    expect(patches[2]?.chatType).toBe("private");
  });

  it("when the stream name says topic 0, then the topic is null", () => {
    const h = history();
    h.message("hi", "thread--42-0-7");
    expect(onlyPatch(h.events)).toMatchObject({ chatId: -42, topicId: null, userId: 7 });
  });

  it("when an event is not in a thread stream, then it is skipped", () => {
    const h = history();
    h.message("lost", "user-42");
    h.model("lost", "settings");
    expect(foldThreadPatches(h.events)).toEqual([]);
  });

  it("when there are no events, then there are no patches", () => {
    expect(foldThreadPatches([])).toEqual([]);
  });
});

type Step =
  | { kind: "message"; stream: number; text: string }
  | { kind: "model"; stream: number; modelId: string }
  | { kind: "reset"; stream: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("message" as const),
    stream: fc.nat({ max: 2 }),
    text: fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom("", "  ", "hello world", "x".repeat(100))),
  }),
  fc.record({
    kind: fc.constant("model" as const),
    stream: fc.nat({ max: 2 }),
    modelId: fc.constantFrom("a", "b", "c"),
  }),
  fc.record({ kind: fc.constant("reset" as const), stream: fc.nat({ max: 2 }) }),
);

describe("given any sequence of thread events", () => {
  it("when folded, then each patch matches replaying that stream's events one by one", () => {
    const streams = [
      threadStream({ chatId: -1, topicId: null, userId: 1 }),
      threadStream({ chatId: -1, topicId: 3, userId: 1 }),
      threadStream({ chatId: 2, topicId: null, userId: 2 }),
    ];
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const h = history();
        for (const s of steps) {
          const stream = streams[s.stream] as string;
          h.clock.advance(1000);
          if (s.kind === "message") h.message(s.text, stream);
          else if (s.kind === "model") h.model(s.modelId, stream);
          else h.reset(stream);
        }
        const patches = foldThreadPatches(h.events);
        for (const stream of streams) {
          const mine = steps.filter((s) => streams[s.stream] === stream);
          const patch = patches.find((p) => p.stream === stream);
          if (mine.length === 0) {
            expect(patch).toBeUndefined();
            continue;
          }
          let title: string | null = null;
          let modelId: string | null = null;
          let messages = 0;
          let contextMessages = 0;
          let resets = 0;
          for (const s of mine) {
            if (s.kind === "message") {
              messages++;
              contextMessages++;
              title ??= titleOf(s.text);
            } else if (s.kind === "model") {
              modelId = s.modelId;
            } else {
              resets++;
              contextMessages = 0;
              title = null;
            }
          }
          expect(patch).toMatchObject({ title, modelId, messages, contextMessages, resets });
          expect(patch?.lastRevision).toBe(String(mine.length - 1));
        }
        expect(patches).toHaveLength(new Set(steps.map((s) => s.stream)).size);
      }),
    );
  });
});

describe("given message text to turn into a title", () => {
  it("when the text has runs of whitespace, then they collapse to single spaces and the ends are trimmed", () => {
    expect(titleOf("  Hello \n\n\t world  ")).toBe("Hello world");
    expect(titleOf("a\u00a0\u00a0b")).toBe("a b");
  });

  it.each(["", " ", "\n\t  \r\n"])("when the text is %j, then there is no title", (text) => {
    expect(titleOf(text)).toBeNull();
  });

  it("when the text is exactly 80 characters, then it is kept whole", () => {
    const text = "x".repeat(TITLE_LENGTH);
    expect(titleOf(text)).toBe(text);
  });

  it("when the text is longer than 80 characters, then it is cut to 80 with an ellipsis", () => {
    const title = titleOf("y".repeat(TITLE_LENGTH + 1));
    expect(title).toBe(`${"y".repeat(TITLE_LENGTH - 1)}…`);
    expect(title).toHaveLength(TITLE_LENGTH);
  });

  it("when the cut falls inside a surrogate pair, then the whole emoji is dropped", () => {
    const text = `${"a".repeat(TITLE_LENGTH - 2)}😀 and more text`;
    const title = titleOf(text);
    expect(title).toBe(`${"a".repeat(TITLE_LENGTH - 2)}…`);
    expect(title).not.toMatch(LONE_SURROGATE);
  });

  it("when the cut falls right after a surrogate pair, then the emoji is kept", () => {
    const text = `${"a".repeat(TITLE_LENGTH - 3)}😀 and more text`;
    expect(titleOf(text)).toBe(`${"a".repeat(TITLE_LENGTH - 3)}😀…`);
  });

  it("when any text with emoji is turned into a title, then it is a well-formed prefix of at most 80 units", () => {
    const unit = fc.oneof(
      fc.constantFrom("😀", "👍🏽", "🇩🇪", "𝒳", "a", "é", " ", "\n", "\t", "字"),
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 120 }), (parts) => {
        const text = parts.join("");
        const collapsed = text.replace(/\s+/g, " ").trim();
        const title = titleOf(text);
        if (collapsed.length === 0) {
          expect(title).toBeNull();
          return;
        }
        expect(title).not.toBeNull();
        const shown = title as string;
        expect(shown).not.toMatch(LONE_SURROGATE);
        expect(shown.length).toBeLessThanOrEqual(TITLE_LENGTH);
        if (collapsed.length <= TITLE_LENGTH) {
          expect(shown).toBe(collapsed);
        } else {
          expect(shown.endsWith("…")).toBe(true);
          const kept = shown.slice(0, -1);
          expect(collapsed.startsWith(kept)).toBe(true);
          // Only a dangling high surrogate is ever dropped beyond the 79 kept units.
          expect(kept.length).toBeGreaterThanOrEqual(TITLE_LENGTH - 2);
        }
      }),
    );
  });
});
