import { describe, expect, it } from "vitest";
import {
  buildContext,
  type ContextInput,
  type ConversationTurn,
  cutCandidates,
  INTERRUPTED_NOTE,
  LlmError,
  type LlmRequest,
  loadModelRegistry,
  systemParts,
} from "../src/index.ts";

/** A tiny model so a few turns fill the window: 1,000 tokens, up to 100 out. */
const tiny = loadModelRegistry([
  {
    priceTableVersion: "anthropic-2026-11-26",
    provider: "anthropic",
    source: "test",
    models: [
      {
        id: "tiny",
        displayName: "Tiny",
        contextWindow: 1_000,
        maxOutputTokens: 100,
        pricesPerMTokUsd: {
          input: "1",
          output: "5",
          cacheWrite5m: "1.25",
          cacheWrite1h: "2",
          cacheRead: "0.10",
        },
        capabilities: { thinking: "none", effort: false, vision: false },
        default: true,
        pricesTakenOn: "2026-11-26",
      },
    ],
  },
]).getModel("tiny");

function textOf(request: LlmRequest): string[] {
  return request.messages.map((message) =>
    message.content.map((part) => (part.type === "text" ? part.text : `<${part.type}>`)).join("|"),
  );
}

/** A deterministic "provider" counter: chars/4 per text plus 8 per message, recording calls. */
function counter() {
  const calls: LlmRequest[] = [];
  const count = async (request: LlmRequest) => {
    calls.push(request);
    const system = request.system.reduce((sum, part) => sum + Math.ceil(part.text.length / 4), 0);
    const tools = request.tools === undefined ? 0 : Math.ceil(JSON.stringify(request.tools).length / 4);
    return system + tools + textOf(request).reduce((sum, text) => sum + Math.ceil(text.length / 4) + 8, 0);
  };
  return { calls, count };
}

/** `exchanges` user/assistant pairs of `size` characters each, then one final user turn. */
function conversation(exchanges: number, size = 100): ConversationTurn[] {
  const turns: ConversationTurn[] = [];
  for (let index = 0; index < exchanges; index++) {
    turns.push({ role: "user", text: `u${index}`.padEnd(size, ".") });
    turns.push({ role: "assistant", text: `a${index}`.padEnd(size, ".") });
  }
  turns.push({ role: "user", text: "now".padEnd(size, ".") });
  return turns;
}

function input(turns: readonly ConversationTurn[], overrides: Partial<ContextInput> = {}): ContextInput {
  return {
    model: tiny,
    systemPrompt: { global: "You are a helpful bot.", personality: "Be brief.", thread: "Topic: cats." },
    turns,
    reserveOutputTokens: 100,
    ...overrides,
  };
}

describe("given a short conversation", () => {
  it("when built, then nothing is dropped and the counter is not asked", async () => {
    const { calls, count } = counter();
    const built = await buildContext(input(conversation(1)), count);
    expect(calls).toEqual([]);
    expect(built.droppedTurns).toBe(0);
    expect(built.inputTokensCounted).toBe(false);
    expect(textOf(built.request)).toHaveLength(3);
    expect(built.request).toMatchObject({ model: "tiny", maxTokens: 100 });
  });

  it("when built, then the system prompt is global (1h cache), personality, thread (5m cache)", async () => {
    const built = await buildContext(input(conversation(1)), counter().count);
    expect(built.request.system).toEqual([
      { text: "You are a helpful bot.", cache: "1h" },
      { text: "Be brief." },
      { text: "Topic: cats.", cache: "5m" },
    ]);
  });

  it("when built, then the rolling breakpoint sits on the previous turn's last message", async () => {
    const built = await buildContext(input(conversation(2)), counter().count);
    expect(built.request.messages.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
    ]);
    expect(built.request.cacheBreakpoints).toEqual([3]);
  });

  it("when it is the first message of the thread, then there is no message breakpoint", async () => {
    const built = await buildContext(input(conversation(0)), counter().count);
    expect(built.request).not.toHaveProperty("cacheBreakpoints");
  });

  it("when more output is reserved than the model can produce, then maxTokens is capped", async () => {
    const built = await buildContext(input(conversation(1), { reserveOutputTokens: 5_000 }), counter().count);
    expect(built.request.maxTokens).toBe(100);
  });

  it("when thinking, effort, tools and metadata are given, then they pass through", async () => {
    const built = await buildContext(
      input(conversation(1), {
        thinking: { mode: "adaptive" },
        effort: "low",
        tools: [{ type: "web_search" }],
        metadata: { userId: "u1" },
      }),
      counter().count,
    );
    expect(built.request).toMatchObject({
      thinking: { mode: "adaptive" },
      effort: "low",
      tools: [{ type: "web_search" }],
      metadata: { userId: "u1" },
    });
  });
});

describe("given turns that need normalising", () => {
  it("when roles repeat and an answer was interrupted, then messages alternate and the cut is marked", async () => {
    const built = await buildContext(
      input([
        { role: "user", text: "hi", senderLabel: "Ann" },
        { role: "user", text: "hello", senderLabel: "Bob" },
        { role: "assistant", text: "Once upon", interrupted: true },
        { role: "user", text: "go on" },
      ]),
      counter().count,
    );
    expect(textOf(built.request)).toEqual([
      "**Ann**:\nhi\n\n**Bob**:\nhello",
      `Once upon\n\n${INTERRUPTED_NOTE}`,
      "go on",
    ]);
  });

  it("when the history starts with an assistant message, then it is dropped so a user message leads", async () => {
    const built = await buildContext(
      input([
        { role: "assistant", text: "Welcome!" },
        { role: "user", text: "thanks" },
      ]),
      counter().count,
    );
    expect(textOf(built.request)).toEqual(["thanks"]);
    expect(built.droppedTurns).toBe(1);
  });

  it("when there is no user turn at all, then the input is invalid", async () => {
    const error = await buildContext(input([{ role: "assistant", text: "hi" }]), counter().count).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(LlmError);
    expect((error as LlmError).kind).toBe("invalid_request");
  });
});

describe("given a conversation longer than the window", () => {
  // 20 exchanges of 100 chars: about 1,400 counted tokens against a 900-token budget.
  const long = conversation(20);

  it("when built, then the oldest turns go, the prompt fits, and the counter confirmed it", async () => {
    const { calls, count } = counter();
    const built = await buildContext(input(long), count, { trimStep: 2 });
    expect(calls.length).toBeGreaterThan(0);
    expect(built.inputTokensCounted).toBe(true);
    expect(built.inputTokens).toBeLessThanOrEqual(900);
    expect(await count(built.request)).toBe(built.inputTokens);
    expect(built.request.messages[0]?.role).toBe("user");
    expect(textOf(built.request).at(-1)?.startsWith("now")).toBe(true);
  });

  it("when built with step 2, then the cut is minimal: keeping one more exchange would not fit", async () => {
    const { count } = counter();
    const built = await buildContext(input(long), count, { trimStep: 2 });
    const kept = built.request.messages.length;
    const biggerCut = long.length - built.droppedTurns + 2;
    expect(kept).toBe(long.length - built.droppedTurns);
    const oneMore = {
      ...built.request,
      messages: long.slice(long.length - biggerCut).map((turn) => ({
        role: turn.role,
        content: [{ type: "text" as const, text: turn.text }],
      })),
    };
    expect(await count(oneMore)).toBeGreaterThan(900);
  });

  it("when the thread keeps growing, then a coarse trim step moves the cut far less often (cache stays warm)", async () => {
    const { count } = counter();
    const cutMoves = async (trimStep: number) => {
      const firsts: string[] = [];
      for (let exchanges = 20; exchanges < 28; exchanges++) {
        const built = await buildContext(input(conversation(exchanges)), count, { trimStep });
        firsts.push(textOf(built.request)[0] ?? "");
      }
      return firsts.filter((text, index) => index > 0 && text !== firsts[index - 1]).length;
    };
    expect(await cutMoves(2)).toBe(7);
    expect(await cutMoves(8)).toBeLessThanOrEqual(2);
  });

  it("when the estimate is within 10% of the budget, then the counter confirms and nothing is dropped", async () => {
    const { calls, count } = counter();
    // 11 messages of 195 chars: estimated 818 tokens (over 90% of 900), counted 639.
    const built = await buildContext(input(conversation(5, 195)), count);
    expect(calls).toHaveLength(1);
    expect(built).toMatchObject({ droppedTurns: 0, inputTokens: 639, inputTokensCounted: true });
  });

  it("when even the newest user turn does not fit, then context_window_exceeded", async () => {
    const huge = [{ role: "user" as const, text: "x".repeat(5_000) }];
    const error = await buildContext(input(huge), counter().count).catch((e) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind: "context_window_exceeded", beforeFirstToken: true });
  });

  it("when the counter fails, then its error propagates", async () => {
    const failing = async () => {
      throw new LlmError("connection", "down", { beforeFirstToken: true });
    };
    await expect(buildContext(input(long), failing)).rejects.toMatchObject({ kind: "connection" });
  });
});

describe("given the helpers", () => {
  it("when the personality and thread are empty, then only the global part remains, uncached locally", () => {
    expect(systemParts({ global: "g", personality: "", thread: "" })).toEqual([{ text: "g", cache: "1h" }]);
    expect(systemParts({ global: "g", personality: "p" })).toEqual([
      { text: "g", cache: "1h" },
      { text: "p", cache: "5m" },
    ]);
  });

  it("when listing cut candidates, then they sit on user messages, every step, ending at the last user", () => {
    const roles = ["user", "assistant", "user", "assistant", "user", "assistant", "user"] as const;
    expect(cutCandidates(roles, 2)).toEqual([0, 2, 4, 6]);
    expect(cutCandidates(roles, 4)).toEqual([0, 4, 6]);
    expect(cutCandidates(roles, 3)).toEqual([0, 4, 6]);
    expect(cutCandidates(["assistant", "user", "assistant", "user"], 8)).toEqual([1, 3]);
    expect(cutCandidates(["assistant"], 8)).toEqual([]);
  });
});
