import {
  type DomainEvent,
  domainEvents,
  fixedClock,
  initialThreadState,
  sequentialIds,
  type ThreadEvent,
  threadStream,
} from "@bot/domain";
import { type RecordedEvent, StreamNotFoundError } from "@bot/eventstore";
import { describe, expect, it } from "vitest";
import { parseReplayArgs } from "../src/replay/replay-args.ts";
import { replayToJson } from "../src/replay/replay-json.ts";
import { quote } from "../src/replay/text.ts";
import { loadThreadReplay, type ThreadEventSource } from "../src/replay/thread-replay.ts";
import { parseThreadTarget } from "../src/replay/thread-target.ts";
import { formatTimeline } from "../src/replay/timeline.ts";

const STREAM = threadStream({ chatId: 5, topicId: null, userId: 5 });
const source = { clock: fixedClock("2024-09-01T10:00:00.000Z"), ids: sequentialIds() };

function recorded(events: readonly ThreadEvent[]): RecordedEvent<DomainEvent>[] {
  return events.map((event, index) => ({
    ...event,
    stream: STREAM,
    revision: BigInt(index),
    position: { commit: 7n, prepare: BigInt(100 + index) },
    recordedAt: event.metadata.occurredAt,
  })) as RecordedEvent<DomainEvent>[];
}

function chunk(generationId: string, text: string): ThreadEvent {
  return domainEvents.create("ChunkStreamed", { generationId, sequence: 0, text, thinking: "" }, source, {
    correlationId: "c",
  }) as ThreadEvent;
}

const GEN_A = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const GEN_B = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

describe("given thread arguments", () => {
  it.each([
    [["thread--100123-0-42"], "thread--100123-0-42"],
    [["thread-42-00-7"], "thread-42-0-7"],
    [["-100123/9/42"], "thread--100123-9-42"],
    [["chat=-100123", "topic=9", "user=42"], "thread--100123-9-42"],
    [["user=42", "chat=42"], "thread-42-0-42"],
  ])("when they are %j, then the stream is %s", (args, stream) => {
    expect(parseThreadTarget(args)).toMatchObject({ ok: true, stream });
  });

  it.each([
    [["thread-42-0"], "not a thread stream name"],
    [["42/0/7/1"], "is not a thread"],
    [["chat=1", "chat=2", "user=3"], "chat= given twice"],
    [["chat=1", "room=2", "user=3"], 'unknown part "room=2"'],
    [["chat=1"], "chat= and user= are required"],
    [["1/-2/3"], "topic id must be 0 (no topic) or positive"],
    [["99999999999999999/0/1"], "is not an integer"],
    [["a", "b"], "expected one thread"],
  ])("when they are %j, then the problem says %s", (args, problem) => {
    const target = parseThreadTarget(args);
    expect(target.ok).toBe(false);
    expect(target.ok ? "" : target.problem).toContain(problem);
  });

  it("when options surround a negative chat id after --, then they are all understood", () => {
    expect(parseReplayArgs(["--json", "--", "-5/0/5", "--at=3", "--full"])).toEqual({
      kind: "run",
      request: { stream: "thread--5-0-5", at: 3n, json: true, full: true },
    });
    expect(parseReplayArgs(["-5/0/5", "--help"])).toEqual({ kind: "help" });
    expect(parseReplayArgs(["-5/0/5", "--at"])).toMatchObject({ kind: "usage" });
  });
});

describe("given chunks in the timeline", () => {
  it("when chunks of one generation follow each other, then they are one line; another event or generation starts a new one", () => {
    const lines = formatTimeline(
      recorded([
        chunk(GEN_A, "a1 "),
        chunk(GEN_A, "a2"),
        chunk(GEN_B, "b1"),
        domainEvents.create("ContextReset", { reason: "operator" }, source, {
          correlationId: "c",
        }) as ThreadEvent,
        chunk(GEN_B, "b2"),
      ]),
      false,
    );
    expect(lines).toEqual([
      `0-1  2024-09-01T10:00:00.000Z  ChunkStreamed  gen ${GEN_A} 2 chunks: "a1 a2"`,
      `  2  2024-09-01T10:00:00.000Z  ChunkStreamed  gen ${GEN_B} 1 chunk: "b1"`,
      "  3  2024-09-01T10:00:00.000Z  ContextReset   context reset (operator)",
      `  4  2024-09-01T10:00:00.000Z  ChunkStreamed  gen ${GEN_B} 1 chunk: "b2"`,
    ]);
  });

  it("when a text is long or spans lines, then it stays on one line, cut at a whole emoji", () => {
    expect(quote("one\ntwo", false)).toBe('"one\\ntwo"');
    expect(quote(`${"x".repeat(79)}😀!`, false)).toBe(`"${"x".repeat(79)}"… (82 chars)`);
    expect(quote(`${"x".repeat(79)}😀!`, true)).toBe(`"${"x".repeat(79)}😀!"`);
  });
});

describe("given a replay as JSON", () => {
  it("when it holds bigints and Sets, then they become strings and arrays", async () => {
    const events = recorded([chunk(GEN_A, "a")]);
    const stream: ThreadEventSource = {
      async *readStream() {
        yield* events;
      },
    };
    const replay = await loadThreadReplay(stream, STREAM);
    if (!replay) throw new Error("no replay");
    const document = JSON.parse(
      replayToJson({ ...replay, state: { ...initialThreadState, chargedCalls: new Set(["g#0"]) } }),
    );
    expect(document.events[0]).toMatchObject({ revision: "0", position: { commit: "7", prepare: "100" } });
    expect(document.lastRevision).toBe("0");
    expect(document.state.chargedCalls).toEqual(["g#0"]);
  });

  it("when the source has no such stream, then there is no replay", async () => {
    const empty: ThreadEventSource = {
      async *readStream() {
        // An empty stream.
      },
    };
    expect(await loadThreadReplay(empty, STREAM)).toBeNull();
    // EventStoreDB (like the store port) reports a missing stream by throwing.
    const missing: ThreadEventSource = {
      // biome-ignore lint/correctness/useYield: the stream is missing before the first event
      async *readStream(name) {
        throw new StreamNotFoundError(name);
      },
    };
    expect(await loadThreadReplay(missing, STREAM)).toBeNull();
  });
});
