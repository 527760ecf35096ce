import { priceToolUse, type ThreadKey, type ToolChargeDraft } from "@bot/domain";
import type { ContentPart, DoneDelta, LlmRequest, TokenUsage } from "@bot/llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GenerationEnvironment,
  runGeneration,
  ThreadSession,
  type ToolBox,
  type ToolInvocation,
  type ToolOutcome,
  type ToolRunContext,
  UserAccountStore,
} from "../src/index.ts";
import { type Backend, backends } from "./support/backends.ts";
import {
  contextFor,
  environment,
  eventSource,
  FakeBalanceGate,
  logReader,
  message,
  ofType,
  privateThread,
  RecordingRenderer,
  readThread,
  ScriptedProvider,
  type Step,
  text,
  typesOf,
  usage,
  usageDelta,
} from "./support/fakes.ts";

const source = eventSource();
const PRICES = { sandboxSeconds: { nanoUsd: 30_000, per: 1 } } as const;
const sandboxCharge = (seconds: number): ToolChargeDraft => {
  const amount = priceToolUse({ sandboxSeconds: seconds }, PRICES);
  return {
    priceTableVersion: "test-1",
    quantities: { sandboxSeconds: seconds },
    unitPrices: PRICES,
    amount,
    userAmount: amount,
  };
};

/** A finished model call that asks for `calls`, after a thinking block that must come back unchanged. */
function asksFor(
  calls: readonly { id: string; name: string; input: unknown }[],
  callUsage: TokenUsage,
): DoneDelta {
  const content: ContentPart[] = [
    { type: "thinking", thinking: "I should use tools.", signature: "sig-123" },
    ...calls.map((call) => ({ type: "tool_use" as const, id: call.id, name: call.name, input: call.input })),
  ];
  return {
    type: "done",
    stopReason: "tool_use",
    content,
    usage: callUsage,
    model: "claude-test",
    messageId: "msg_1",
  };
}

const finalCall = (answer: string, callUsage: TokenUsage): Step[] => [
  usageDelta({ inputTokens: callUsage.inputTokens, outputTokens: 1 }),
  text(answer),
  {
    type: "done",
    stopReason: "end_turn",
    content: [{ type: "text", text: answer }],
    usage: callUsage,
    model: "claude-test",
    messageId: "msg_2",
  },
];

/** Tools for tests: `calc` is free, `python` is paid; each records what it saw. */
class FakeTools implements ToolBox {
  readonly runs: { call: ToolInvocation; startedAt: number; endedAt: number }[] = [];
  running = 0;
  maxRunning = 0;
  constructor(
    private readonly behaviour: (call: ToolInvocation, context: ToolRunContext) => Promise<ToolOutcome>,
  ) {}
  specs() {
    return [
      { type: "function" as const, name: "calc", description: "adds", inputSchema: { type: "object" } },
      {
        type: "function" as const,
        name: "python",
        description: "runs code",
        inputSchema: { type: "object" },
      },
    ];
  }
  isPaid(name: string) {
    return name === "python";
  }
  async run(call: ToolInvocation, context: ToolRunContext): Promise<ToolOutcome> {
    const startedAt = performance.now();
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      return await this.behaviour(call, context);
    } finally {
      this.running -= 1;
      this.runs.push({ call, startedAt, endedAt: performance.now() });
    }
  }
}

const ok = (result: unknown, charge: ToolChargeDraft | null = null): ToolOutcome => ({
  ok: true,
  content: JSON.stringify(result),
  errorKind: null,
  summary: JSON.stringify(result),
  charge,
});
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const { name, create } of backends) {
  describe(`given the tool loop over the ${name} event store`, () => {
    let backend: Backend;
    let users: UserAccountStore;
    beforeAll(async () => {
      backend = await create();
      users = new UserAccountStore(backend.store, source);
    });
    afterAll(async () => {
      await backend?.close();
    });

    async function setup(
      scripts: Step[][],
      tools: ToolBox,
      extra: Partial<{ balances: FakeBalanceGate; maxToolIterations: number }> = {},
    ) {
      const key: ThreadKey = privateThread();
      const session = await ThreadSession.load(key, backend.store, source);
      await session.execute(
        { type: "ReceiveMessage", message: message(key, 1, "Add and run") },
        contextFor(key),
      );
      const provider = new ScriptedProvider().enqueue(...scripts);
      const renderer = new RecordingRenderer(logReader(backend.store, key));
      const env: GenerationEnvironment = environment({ provider, renderer, users, tools, ...extra });
      return { key, session, provider, renderer, env };
    }

    it("when a call asks for two tools, then both run at once, their results go back as tool_result blocks after the unchanged assistant turn, and every model call and the paid tool are charged once", async () => {
      const tools = new FakeTools(async (call) => {
        await wait(30);
        return call.name === "calc" ? ok({ sum: 5 }) : ok({ stdout: "hi\n" }, sandboxCharge(3));
      });
      const first = usage({ inputTokens: 500, outputTokens: 60 });
      const second = usage({ inputTokens: 700, outputTokens: 20 });
      const s = await setup(
        [
          [
            usageDelta({ inputTokens: 500, outputTokens: 1 }),
            text("Let me check."),
            asksFor(
              [
                { id: "toolu_a", name: "calc", input: { a: 2, b: 3 } },
                { id: "toolu_b", name: "python", input: { code: "print('hi')" } },
              ],
              first,
            ),
          ],
          finalCall("The sum is 5 and it printed hi.", second),
        ],
        tools,
      );

      const summary = await runGeneration(s.env, s.session, new AbortController().signal);

      expect(summary.outcome).toBe("completed");
      expect(tools.maxRunning).toBe(2);
      const followUp = s.provider.requests[1] as LlmRequest;
      expect(followUp.tools?.map((tool) => (tool.type === "function" ? tool.name : tool.type))).toEqual([
        "calc",
        "python",
      ]);
      const [assistant, results] = followUp.messages.slice(-2);
      expect(assistant).toEqual({
        role: "assistant",
        content: [
          { type: "thinking", thinking: "I should use tools.", signature: "sig-123" },
          { type: "tool_use", id: "toolu_a", name: "calc", input: { a: 2, b: 3 } },
          { type: "tool_use", id: "toolu_b", name: "python", input: { code: "print('hi')" } },
        ],
      });
      expect(results).toEqual({
        role: "user",
        content: [
          { type: "tool_result", toolUseId: "toolu_a", content: '{"sum":5}' },
          { type: "tool_result", toolUseId: "toolu_b", content: '{"stdout":"hi\\n"}' },
        ],
      });
      const log = await readThread(backend.store, s.key);
      const types = typesOf(log).filter((type) => type !== "ChunkStreamed");
      expect(types).toEqual([
        "MessageReceived",
        "GenerationStarted",
        "UsageCharged",
        "ToolCalled",
        "ToolCalled",
        ...types.slice(5, 8),
        "GenerationCompleted",
        "UsageCharged",
        "AnswerDelivered",
      ]);
      expect(types.slice(5, 8).sort()).toEqual(["ToolCharged", "ToolCompleted", "ToolCompleted"]);
      const charges = ofType(log, "UsageCharged").map((event) => event.data);
      expect(charges.map((charge) => [charge.callIndex, charge.quantities.inputTokens])).toEqual([
        [0, 500],
        [1, 700],
      ]);
      const toolCharges = ofType(log, "ToolCharged").map((event) => event.data);
      expect(toolCharges).toEqual([
        expect.objectContaining({
          toolUseId: "toolu_b",
          name: "python",
          amount: 90_000,
          quantities: { sandboxSeconds: 3 },
        }),
      ]);
      const total = [...charges, ...toolCharges].reduce((sum, charge) => sum + charge.userAmount, 0);
      expect(s.session.state.userCost).toBe(total);
      expect(s.session.state.turns.at(-1)).toMatchObject({
        text: "Let me check.\n\nThe sum is 5 and it printed hi.",
      });
      expect(s.renderer.updates.some((update) => update.view.status === "[tools:calc,python|en]")).toBe(true);
    });

    it("when the balance is below zero at a paid tool, then it does not run and the model is told to ask for /pay, free tools still run", async () => {
      const tools = new FakeTools(async () => ok({ sum: 5 }, null));
      const balances = new FakeBalanceGate();
      const s = await setup(
        [
          [
            asksFor(
              [
                { id: "toolu_p", name: "python", input: {} },
                { id: "toolu_c", name: "calc", input: {} },
              ],
              usage({ inputTokens: 10, outputTokens: 5 }),
            ),
          ],
          finalCall("Please top up.", usage({ inputTokens: 20, outputTokens: 5 })),
        ],
        tools,
        { balances },
      );
      balances.balances.set(s.key.userId, 1000);
      const started = balances.standing.bind(balances);
      let asked = 0;
      balances.standing = async (userId, after) => {
        asked += 1;
        // Positive when the request starts, below zero by the time the tool is asked for.
        if (asked > 1) balances.balances.set(userId, -25_000_000);
        return started(userId, after);
      };

      await runGeneration(s.env, s.session, new AbortController().signal);

      expect(tools.runs.map((run) => run.call.name)).toEqual(["calc"]);
      const results = (s.provider.requests[1] as LlmRequest).messages.at(-1)?.content ?? [];
      const refused = results.find((part) => part.type === "tool_result" && part.toolUseId === "toolu_p");
      expect(refused).toMatchObject({ type: "tool_result", isError: true });
      const body = JSON.parse(String((refused as { content: string }).content)) as Record<string, string>;
      expect(body).toMatchObject({ error: "insufficient_balance", balance_usd: "-$0.0250" });
      expect(body.message).toContain("/pay");
      const log = await readThread(backend.store, s.key);
      expect(
        ofType(log, "ToolCompleted").find((event) => event.data.toolUseId === "toolu_p")?.data,
      ).toMatchObject({
        ok: false,
        errorKind: "insufficient_balance",
      });
      expect(ofType(log, "ToolCharged")).toEqual([]);
    });

    it("when the model keeps asking for tools, then the loop stops at the limit with a notice and every call made is charged once", async () => {
      const tools = new FakeTools(async () => ok({ again: true }));
      const again = (index: number): Step[] => [
        asksFor(
          [{ id: `toolu_${index}`, name: "calc", input: {} }],
          usage({ inputTokens: 10 + index, outputTokens: 5 }),
        ),
      ];
      const s = await setup([again(0), again(1), again(2)], tools, { maxToolIterations: 2 });

      const summary = await runGeneration(s.env, s.session, new AbortController().signal);

      expect(summary.outcome).toBe("completed");
      expect(tools.runs).toHaveLength(1);
      expect(s.provider.requests).toHaveLength(2);
      const log = await readThread(backend.store, s.key);
      expect(ofType(log, "UsageCharged").map((event) => event.data.callIndex)).toEqual([0, 1]);
      expect(s.renderer.finishes.at(-1)?.answer.notice).toBe("[tool-limit:2|en]");
    });

    it("when /stop comes while a paid tool runs, then the tool's use is still charged, no further model call is made or estimated, and the answer so far is delivered as interrupted", async () => {
      const controller = new AbortController();
      const tools = new FakeTools(async (_call, context) => {
        await new Promise<void>((resolve) =>
          context.signal.addEventListener("abort", () => resolve(), { once: true }),
        );
        return {
          ok: false,
          content: '{"error":"cancelled"}',
          errorKind: "cancelled",
          summary: "stopped after 2 s",
          charge: sandboxCharge(2),
        };
      });
      const s = await setup(
        [
          [
            text("Running it."),
            asksFor(
              [{ id: "toolu_x", name: "python", input: {} }],
              usage({ inputTokens: 40, outputTokens: 9 }),
            ),
          ],
        ],
        tools,
      );
      const running = runGeneration(s.env, s.session, controller.signal);
      while (tools.running === 0) await wait(5);
      controller.abort("stop_command");

      const summary = await running;

      expect(summary.outcome).toBe("cancelled");
      expect(s.provider.requests).toHaveLength(1);
      const log = await readThread(backend.store, s.key);
      expect(typesOf(log).filter((type) => type !== "ChunkStreamed")).toEqual([
        "MessageReceived",
        "GenerationStarted",
        "UsageCharged",
        "ToolCalled",
        "ToolCompleted",
        "ToolCharged",
        "GenerationCancelled",
        "AnswerDelivered",
      ]);
      expect(ofType(log, "ToolCharged")[0]?.data.amount).toBe(60_000);
      expect(s.renderer.finishes.at(-1)?.answer).toMatchObject({ answer: "Running it.", interrupted: true });
    });

    it("when a tool throws or the model names an unknown tool, then each call gets an error result and the loop goes on", async () => {
      const tools = new FakeTools(async () => {
        throw new Error("disk full");
      });
      const s = await setup(
        [
          [
            asksFor(
              [
                { id: "toolu_1", name: "calc", input: {} },
                { id: "toolu_2", name: "nope", input: {} },
              ],
              usage({ inputTokens: 10, outputTokens: 5 }),
            ),
          ],
          finalCall("Sorry.", usage({ inputTokens: 10, outputTokens: 5 })),
        ],
        {
          ...tools,
          specs: () => tools.specs(),
          isPaid: () => false,
          run: (call, context) =>
            call.name === "nope"
              ? Promise.resolve({
                  ok: false,
                  content: '{"error":"unknown_tool"}',
                  errorKind: "unknown_tool",
                  summary: "unknown tool nope",
                  charge: null,
                })
              : tools.run(call, context),
        },
      );

      const summary = await runGeneration(s.env, s.session, new AbortController().signal);

      expect(summary.outcome).toBe("completed");
      const results = (s.provider.requests[1] as LlmRequest).messages.at(-1)?.content ?? [];
      expect(
        results.map((part) => (part.type === "tool_result" ? [part.toolUseId, part.isError] : null)),
      ).toEqual([
        ["toolu_1", true],
        ["toolu_2", true],
      ]);
      const log = await readThread(backend.store, s.key);
      expect(
        Object.fromEntries(
          ofType(log, "ToolCompleted").map((event) => [event.data.toolUseId, event.data.errorKind]),
        ),
      ).toEqual({ toolu_1: "failed", toolu_2: "unknown_tool" });
    });
  });
}
