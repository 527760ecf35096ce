import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ChargeDraft,
  decideThread,
  initialThreadState,
  ledgerEntryOf,
  priceToolUse,
  type ThreadCommand,
  type ThreadEvent,
  ThreadRuleViolation,
  type ToolChargeDraft,
  tokenQuantities,
  UnpricedQuantityError,
} from "../src/index.ts";
import { modelCharge, threadRunner } from "./support/run-thread.ts";

const key = { chatId: 7, topicId: null, userId: 7 };
const thread = threadRunner(key);
const { stream, run } = thread;
const GEN = "33333333-3333-4333-8333-333333333333";

const charge = (callIndex: number, userAmount = 1000): ChargeDraft =>
  modelCharge(callIndex, userAmount, { inputTokens: 10, outputTokens: 5 });

const sandbox: ToolChargeDraft = {
  priceTableVersion: "test-1",
  quantities: { vcpuSeconds: 6, memoryMibSeconds: 1536 },
  unitPrices: { vcpuSeconds: { nanoUsd: 14_000, per: 1 }, memoryMibSeconds: { nanoUsd: 4_500, per: 1024 } },
  amount: priceToolUse(
    { vcpuSeconds: 6, memoryMibSeconds: 1536 },
    { vcpuSeconds: { nanoUsd: 14_000, per: 1 }, memoryMibSeconds: { nanoUsd: 4_500, per: 1024 } },
  ),
  userAmount: 90_750,
};

const open = run([
  {
    type: "ReceiveMessage",
    message: thread.message({ messageId: 1, updateId: 1, text: "plot it" }),
  },
  {
    type: "StartGeneration",
    generationId: GEN,
    modelId: "claude-sonnet-4-6",
    priceTableVersion: "test-1",
    delivery: "draft",
  },
]).state;

const calls = (callIndex: number, ...ids: string[]): ThreadCommand => ({
  type: "CallTools",
  generationId: GEN,
  callIndex,
  calls: ids.map((toolUseId) => ({ toolUseId, name: "execute_python", input: { code: "print(1)" } })),
});

const complete = (toolUseId: string, toolCharge: ToolChargeDraft | null, ok = true): ThreadCommand => ({
  type: "CompleteToolCall",
  generationId: GEN,
  toolUseId,
  name: "execute_python",
  ok,
  errorKind: ok ? null : "failed",
  durationMs: 1234.4,
  summary: "printed 1",
  charge: toolCharge,
});

describe("given an open generation whose model call asked for two tools", () => {
  it("when the call is charged and the tools are recorded, then each call has its own index and each tool call is recorded once", () => {
    const { state, events } = run(
      [{ type: "ChargeModelCall", generationId: GEN, charge: charge(0) }, calls(0, "t1", "t2")],
      open,
    );
    expect(events.map((event) => event.type)).toEqual(["UsageCharged", "ToolCalled", "ToolCalled"]);
    expect(state.generation?.modelCalls).toBe(1);
    expect(state.generation?.toolCalls).toEqual([
      { toolUseId: "t1", name: "execute_python" },
      { toolUseId: "t2", name: "execute_python" },
    ]);
    expect(decideThread(calls(0, "t1", "t3"), state).map((event) => event.data)).toEqual([
      {
        generationId: GEN,
        callIndex: 0,
        toolUseId: "t3",
        name: "execute_python",
        input: { code: "print(1)" },
      },
    ]);
  });

  it("when a paid tool completes, even with an error, then ToolCompleted and ToolCharged are recorded once, and the ledger debits the user", () => {
    const given = run([calls(0, "t1")], open).state;
    const { state, events } = run([complete("t1", sandbox, false)], given);
    expect(events.map((event) => event.type)).toEqual(["ToolCompleted", "ToolCharged"]);
    expect(events[0]?.data).toMatchObject({ ok: false, errorKind: "failed", durationMs: 1234 });
    expect(events[1]?.data).toMatchObject({
      userId: 7,
      name: "execute_python",
      amount: 90_750,
      userAmount: 90_750,
    });
    expect(ledgerEntryOf(events[1] as ThreadEvent, stream)).toEqual({
      userId: 7,
      kind: "tool",
      amount: -90_750,
      subject: "execute_python",
    });
    expect(decideThread(complete("t1", sandbox), state)).toEqual([]);
    expect(state.userCost).toBe(90_750);
  });

  it("when a free tool completes, then only ToolCompleted is recorded", () => {
    const given = run([calls(0, "t1")], open).state;
    expect(run([complete("t1", null)], given).events.map((event) => event.type)).toEqual(["ToolCompleted"]);
  });

  it("when a tool that was never called completes, or the generation is not open, then the rule is violated", () => {
    expect(() => decideThread(complete("nope", null), open)).toThrow(ThreadRuleViolation);
    expect(() => decideThread(calls(0, "t1"), initialThreadState)).toThrow(ThreadRuleViolation);
  });

  it("when the loop's second call ends the answer, then both calls are charged once each", () => {
    const { events } = run(
      [
        { type: "ChargeModelCall", generationId: GEN, charge: charge(0) },
        { type: "ChargeModelCall", generationId: GEN, charge: charge(0) },
        {
          type: "CompleteGeneration",
          generationId: GEN,
          stopReason: "end_turn",
          model: "claude-sonnet-4-6",
          usage: tokenQuantities(),
          charges: [charge(1)],
        },
      ],
      open,
    );
    const charged = events.filter((event) => event.type === "UsageCharged").map((event) => event.data);
    expect(charged.map((data) => (data as { callIndex: number }).callIndex)).toEqual([0, 1]);
  });
});

describe("priceToolUse", () => {
  it("given sandbox seconds and memory, when priced, then each quantity rounds up on its own to whole nano-USD", () => {
    // 6 vCPU-s x 14 000 + ceil(1536 MiB-s x 4500 / 1024) = 84 000 + 6 750
    expect(priceToolUse(sandbox.quantities, sandbox.unitPrices)).toBe(90_750);
    expect(priceToolUse({ memoryMibSeconds: 1 }, sandbox.unitPrices)).toBe(5);
  });

  it("given a quantity without a price, when priced, then it is refused rather than free", () => {
    expect(() => priceToolUse({ images: 1 }, sandbox.unitPrices)).toThrow(UnpricedQuantityError);
  });

  it("given any quantities, when priced, then the amount is within one nano-USD per quantity above the exact cost", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom("a", "b", "c"),
          fc.record({
            quantity: fc.nat({ max: 1_000_000 }),
            nanoUsd: fc.nat({ max: 1_000_000 }),
            per: fc.integer({ min: 1, max: 10_000 }),
          }),
        ),
        (items) => {
          const quantities = Object.fromEntries(
            Object.entries(items).map(([unit, item]) => [unit, item.quantity]),
          );
          const prices = Object.fromEntries(
            Object.entries(items).map(([unit, item]) => [unit, { nanoUsd: item.nanoUsd, per: item.per }]),
          );
          const exact = Object.values(items).reduce(
            (sum, item) => sum + (item.quantity * item.nanoUsd) / item.per,
            0,
          );
          const amount = priceToolUse(quantities, prices);
          expect(amount).toBeGreaterThanOrEqual(Math.floor(exact));
          expect(amount).toBeLessThanOrEqual(Math.ceil(exact) + Object.keys(items).length);
        },
      ),
    );
  });
});
