import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ChargeDraft,
  decideThread,
  domainEvents,
  evolveThread,
  foldThread,
  initialThreadState,
  type MessageReceived,
  stampEvents,
  type ThreadCommand,
  type ThreadEvent,
  ThreadRuleViolation,
  tokenQuantities,
} from "../src/index.ts";
import { modelCharge, threadRunner } from "./support/run-thread.ts";

const key = { chatId: 42, topicId: null, userId: 42 };
const thread = threadRunner(key);
const { stream, source, run } = thread;
const GEN = "11111111-1111-4111-8111-111111111111";
const GEN2 = "22222222-2222-4222-8222-222222222222";

function message(
  messageId: number,
  text = `hello ${messageId}`,
  updateId = 1000 + messageId,
): MessageReceived["data"] {
  return thread.message({
    messageId,
    updateId,
    text,
    from: { username: "ann", firstName: "Ann", languageCode: "en" },
  });
}

const zeroUsage = tokenQuantities();

function charge(callIndex = 0, userAmount = 1500): ChargeDraft {
  return modelCharge(callIndex, userAmount, { inputTokens: 100, outputTokens: 50 });
}

const start = (generationId = GEN): ThreadCommand => ({
  type: "StartGeneration",
  generationId,
  modelId: "claude-sonnet-4-6",
  priceTableVersion: "test-1",
  delivery: "draft",
});

describe("given a new thread", () => {
  it("when a message arrives, then MessageReceived is decided and the message is pending", () => {
    const { state, events } = run([{ type: "ReceiveMessage", message: message(1) }]);
    expect(events.map((event) => event.type)).toEqual(["MessageReceived"]);
    expect(state.pending).toEqual([1]);
    expect(state.turns).toEqual([
      {
        kind: "user",
        messageId: 1,
        updateId: 1001,
        languageCode: "en",
        text: "hello 1",
        senderLabel: "Ann (@ann)",
        edited: false,
        fileIds: [],
      },
    ]);
    expect(state.key).toEqual(key);
  });

  it("when the same update or the same message id arrives again, then nothing is decided", () => {
    const { state } = run([{ type: "ReceiveMessage", message: message(1) }]);
    expect(decideThread({ type: "ReceiveMessage", message: message(1) }, state)).toEqual([]);
    expect(
      decideThread({ type: "ReceiveMessage", message: { ...message(2), updateId: 1001 } }, state),
    ).toEqual([]);
  });

  it("when a generation is started with nothing pending, then the rule is violated", () => {
    expect(() => decideThread(start(), initialThreadState)).toThrow(ThreadRuleViolation);
  });
});

describe("given two pending messages", () => {
  const given = run([
    { type: "ReceiveMessage", message: message(1) },
    { type: "ReceiveMessage", message: message(2) },
  ]).state;

  it("when a generation starts, then it takes both as its batch and nothing stays pending", () => {
    const { state, events } = run([start()], given);
    expect(events[0]).toMatchObject({
      type: "GenerationStarted",
      data: { batchMessageIds: [1, 2], generationId: GEN },
    });
    expect(state.pending).toEqual([]);
    expect(state.generation?.generationId).toBe(GEN);
  });

  it("when the balance does not allow an answer, then GenerationRefused takes both off the pending list and keeps them in the history", () => {
    const refuse: ThreadCommand = { type: "RefuseGeneration", reason: "insufficient_balance", balance: -5 };
    const { state, events } = run([refuse], given);
    expect(events[0]).toMatchObject({
      type: "GenerationRefused",
      data: { batchMessageIds: [1, 2], reason: "insufficient_balance", balance: -5 },
    });
    expect(state.pending).toEqual([]);
    expect(state.turns.map((turn) => turn.kind)).toEqual(["user", "user"]);
    expect(decideThread(refuse, state)).toEqual([]);
    expect(() => decideThread(refuse, run([start()], given).state)).toThrow(ThreadRuleViolation);
  });

  it("when a second generation starts while one is open, then the rule is violated", () => {
    const { state } = run([start(), { type: "ReceiveMessage", message: message(3) }], given);
    expect(() => decideThread(start(GEN2), state)).toThrow(/already open/);
  });
});

describe("given an open generation with streamed chunks", () => {
  const given = run([
    { type: "ReceiveMessage", message: message(1) },
    start(),
    { type: "RecordChunk", generationId: GEN, text: "Hel", thinking: "hmm" },
    { type: "RecordChunk", generationId: GEN, text: "lo!", thinking: "" },
  ]).state;

  it("when chunks are recorded, then they are numbered and the text accumulates", () => {
    expect(given.generation).toMatchObject({ text: "Hello!", thinking: "hmm", chunks: 2 });
  });

  it("when it completes with a charge, then GenerationCompleted and one UsageCharged follow and the answer is a turn awaiting delivery", () => {
    const { state, events } = run(
      [
        {
          type: "CompleteGeneration",
          generationId: GEN,
          stopReason: "end_turn",
          model: "claude-sonnet-4-6",
          usage: { ...zeroUsage, inputTokens: 100, outputTokens: 50 },
          charges: [charge()],
        },
      ],
      given,
    );
    expect(events.map((event) => event.type)).toEqual(["GenerationCompleted", "UsageCharged"]);
    expect(events[1]).toMatchObject({
      data: { userId: 42, userAmount: 1500, generationId: GEN, callIndex: 0 },
    });
    expect(state.generation).toBeNull();
    expect(state.turns.at(-1)).toEqual({
      kind: "assistant",
      generationId: GEN,
      text: "Hello!",
      interrupted: false,
    });
    expect(state.undelivered).toEqual([
      {
        generationId: GEN,
        outcome: "completed",
        text: "Hello!",
        stopReason: "end_turn",
        replyToMessageId: 1,
        previewMessageId: null,
        sentParts: 0,
      },
    ]);
    expect(state.userCost).toBe(1500);
  });

  it("when it is cancelled, then the partial answer stays in the context marked interrupted and is charged once", () => {
    const { state, events } = run(
      [
        {
          type: "CancelGeneration",
          generationId: GEN,
          reason: "stop_command",
          charges: [charge(0, 700), charge(0, 700)],
        },
      ],
      given,
    );
    expect(events.map((event) => event.type)).toEqual(["GenerationCancelled", "UsageCharged"]);
    expect(state.turns.at(-1)).toMatchObject({ kind: "assistant", text: "Hello!", interrupted: true });
    expect(state.userCost).toBe(700);
  });

  it("when a message arrives and the answer is then cancelled, then the partial answer precedes the new message in the context", () => {
    const { state } = run(
      [
        { type: "ReceiveMessage", message: message(2, "actually, something else") },
        { type: "ReceiveMessage", message: message(3, "and quickly") },
        { type: "CancelGeneration", generationId: GEN, reason: "new_message", charges: [charge(0, 700)] },
      ],
      given,
    );
    expect(state.turns.map((turn) => [turn.kind, turn.text])).toEqual([
      ["user", "hello 1"],
      ["assistant", "Hello!"],
      ["user", "actually, something else"],
      ["user", "and quickly"],
    ]);
    expect(state.pending).toEqual([2, 3]);
  });

  it("when a failure is reported after text was streamed, then the rule asks for an interruption instead", () => {
    expect(() =>
      decideThread(
        {
          type: "FailGeneration",
          generationId: GEN,
          errorKind: "overloaded",
          retryAfterSeconds: null,
          detail: null,
          charges: [],
        },
        given,
      ),
    ).toThrow(/interrupt/);
  });

  it("when the answer is delivered twice, then only the first delivery is recorded", () => {
    const ended = run(
      [
        {
          type: "InterruptGeneration",
          generationId: GEN,
          reason: "process_restart",
          errorKind: null,
          detail: null,
          charges: [charge()],
        },
      ],
      given,
    ).state;
    const delivery: ThreadCommand = {
      type: "RecordDelivery",
      generationId: GEN,
      telegramMessageIds: [77],
      interrupted: true,
    };
    const { state, events } = run([delivery, delivery], ended);
    expect(events.map((event) => event.type)).toEqual(["AnswerDelivered"]);
    expect(state.undelivered).toEqual([]);
  });

  it("when the context is reset while it runs, then the rule asks to stop it first", () => {
    expect(() => decideThread({ type: "ResetContext", reason: "command" }, given)).toThrow(
      /stop the open generation/,
    );
  });

  it("when a chunk for another generation arrives, then the rule is violated", () => {
    expect(() =>
      decideThread({ type: "RecordChunk", generationId: GEN2, text: "x", thinking: "" }, given),
    ).toThrow(ThreadRuleViolation);
  });
});

describe("given a finished conversation", () => {
  const given = run([
    { type: "ReceiveMessage", message: message(1) },
    start(),
    { type: "RecordChunk", generationId: GEN, text: "answer", thinking: "" },
    {
      type: "CompleteGeneration",
      generationId: GEN,
      stopReason: "end_turn",
      model: "m",
      usage: zeroUsage,
      charges: [],
    },
  ]).state;

  it("when the user edits their message, then the edit is recorded and the context shows the new text", () => {
    const { state, events } = run(
      [
        {
          type: "EditMessage",
          messageId: 1,
          updateId: 5000,
          text: "hello, edited",
          editedAt: "2026-11-26T10:01:00.000Z",
        },
      ],
      given,
    );
    expect(events.map((event) => event.type)).toEqual(["MessageEdited"]);
    expect(state.turns[0]).toMatchObject({ text: "hello, edited", edited: true });
    expect(state.pending).toEqual([]);
  });

  it("when an unknown message is edited, then nothing is decided", () => {
    expect(
      decideThread(
        {
          type: "EditMessage",
          messageId: 99,
          updateId: 5001,
          text: "x",
          editedAt: "2026-11-26T10:01:00.000Z",
        },
        given,
      ),
    ).toEqual([]);
  });

  it("when the context is reset, then the turns leave the context but the counters remain", () => {
    const { state } = run([{ type: "ResetContext", reason: "command" }], given);
    expect(state.turns).toEqual([]);
    expect(state.messageCount).toBe(1);
    expect(state.generationCount).toBe(1);
  });

  it("when a model is selected, then it is recorded once and can be removed again", () => {
    const selected = run([{ type: "SelectModel", modelId: "claude-opus-4-8" }], given);
    expect(selected.events[0]).toMatchObject({ data: { modelId: "claude-opus-4-8", previousModelId: null } });
    expect(decideThread({ type: "SelectModel", modelId: "claude-opus-4-8" }, selected.state)).toEqual([]);
    const removed = run([{ type: "SelectModel", modelId: null }], selected.state);
    expect(removed.state.modelOverride).toBeNull();
  });
});

describe("given any sequence of commands the actor could issue", () => {
  type Step =
    | "message"
    | "start"
    | "chunk"
    | "complete"
    | "cancel"
    | "interrupt"
    | "fail"
    | "deliver"
    | "reset";
  const steps = fc.array(
    fc.constantFrom<Step>(
      "message",
      "start",
      "chunk",
      "complete",
      "cancel",
      "interrupt",
      "fail",
      "deliver",
      "reset",
    ),
    { maxLength: 60 },
  );

  it("when they are decided and folded, then every call is charged at most once and replay equals incremental state", () => {
    fc.assert(
      fc.property(steps, (plan) => {
        let state = initialThreadState;
        const events: ThreadEvent[] = [];
        let nextMessage = 1;
        let generation = 0;
        for (const step of plan) {
          const open = state.generation?.generationId;
          const id = `00000000-0000-4000-8000-${String(generation).padStart(12, "0")}`;
          let command: ThreadCommand | null = null;
          if (step === "message") command = { type: "ReceiveMessage", message: message(nextMessage++) };
          else if (step === "start" && !open && state.pending.length > 0) {
            generation++;
            command = {
              ...start(`00000000-0000-4000-8000-${String(generation).padStart(12, "0")}`),
            } as ThreadCommand;
          } else if (step === "chunk" && open)
            command = { type: "RecordChunk", generationId: open, text: "t", thinking: "" };
          else if (step === "complete" && open)
            command = {
              type: "CompleteGeneration",
              generationId: open,
              stopReason: "end_turn",
              model: "m",
              usage: zeroUsage,
              charges: [charge(), charge()],
            };
          else if (step === "cancel" && open)
            command = {
              type: "CancelGeneration",
              generationId: open,
              reason: "new_message",
              charges: [charge()],
            };
          else if (step === "interrupt" && open)
            command = {
              type: "InterruptGeneration",
              generationId: open,
              reason: "provider_error",
              errorKind: "overloaded",
              detail: null,
              charges: [charge()],
            };
          else if (step === "fail" && open && state.generation?.text === "")
            command = {
              type: "FailGeneration",
              generationId: open,
              errorKind: "rate_limited",
              retryAfterSeconds: 3,
              detail: null,
              charges: [],
            };
          else if (step === "deliver" && state.undelivered[0])
            command = {
              type: "RecordDelivery",
              generationId: state.undelivered[0].generationId,
              telegramMessageIds: [1],
              interrupted: false,
            };
          else if (step === "reset" && !open) command = { type: "ResetContext", reason: "command" };
          void id;
          if (!command) continue;
          const drafts = decideThread(command, state);
          const stamped = stampEvents(domainEvents, drafts, source, {
            correlationId: "p",
            userId: 42,
          }) as ThreadEvent[];
          for (const event of stamped) state = evolveThread(state, event, stream);
          events.push(...stamped);
        }
        const charges = events.filter((event) => event.type === "UsageCharged");
        const keys = charges.map((event) =>
          event.type === "UsageCharged" ? `${event.data.generationId}#${event.data.callIndex}` : "",
        );
        expect(new Set(keys).size).toBe(keys.length);
        const replayed = foldThread(events, initialThreadState, stream);
        expect({ ...replayed, chargedCalls: [...replayed.chargedCalls] }).toEqual({
          ...state,
          chargedCalls: [...state.chargedCalls],
        });
        expect(state.userCost).toBe(charges.length * 1500);
      }),
      { numRuns: 300 },
    );
  });
});
