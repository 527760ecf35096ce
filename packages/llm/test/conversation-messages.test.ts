import { describe, expect, it } from "vitest";
import {
  type ConversationTurn,
  EMPTY_TURN_TEXT,
  INTERRUPTED_NOTE,
  toAlternatingMessages,
  turnText,
} from "../src/index.ts";

describe("given stored turns", () => {
  it("when an assistant turn was interrupted, then it keeps its text with a trailing note", () => {
    expect(turnText({ role: "assistant", text: "Half an ans", interrupted: true })).toBe(
      `Half an ans\n\n${INTERRUPTED_NOTE}`,
    );
    expect(turnText({ role: "assistant", text: "", interrupted: true })).toBe(INTERRUPTED_NOTE);
  });

  it("when a turn has a sender label, then the text is prefixed with it", () => {
    expect(turnText({ role: "user", text: "hello", senderLabel: "Ann" })).toBe("**Ann**:\nhello");
  });

  it("when a turn is empty, then a placeholder stands in (the API rejects empty text)", () => {
    expect(turnText({ role: "user", text: "" })).toBe(EMPTY_TURN_TEXT);
  });

  it("when consecutive turns share a role, then they merge into one single-block message", () => {
    const turns: ConversationTurn[] = [
      { role: "user", text: "one", senderLabel: "Ann" },
      { role: "user", text: "two", senderLabel: "Bob" },
      { role: "assistant", text: "reply" },
      { role: "user", text: "three" },
    ];
    expect(toAlternatingMessages(turns)).toEqual([
      {
        message: { role: "user", content: [{ type: "text", text: "**Ann**:\none\n\n**Bob**:\ntwo" }] },
        turnCount: 2,
      },
      { message: { role: "assistant", content: [{ type: "text", text: "reply" }] }, turnCount: 1 },
      { message: { role: "user", content: [{ type: "text", text: "three" }] }, turnCount: 1 },
    ]);
  });

  it("when there are no turns, then there are no messages", () => {
    expect(toAlternatingMessages([])).toEqual([]);
  });
});
