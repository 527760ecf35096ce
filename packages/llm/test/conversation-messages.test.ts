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

describe("given user turns with files", () => {
  const image = { type: "image" as const, base64: { mediaType: "image/png", data: "AAAA" } };
  const label = { type: "text" as const, text: "[file f1: a.png]" };

  it("when a turn has a caption, then its attachments come before its text in the same message", () => {
    const [merged] = toAlternatingMessages([
      { role: "user", text: "What is it?", attachments: [label, image] },
    ]);
    expect(merged?.message.content).toEqual([label, image, { type: "text", text: "What is it?" }]);
    expect(merged?.turnCount).toBe(1);
  });

  it("when a file comes without a caption and a question follows, then no empty-message stand-in is added and both turns are counted", () => {
    const [merged] = toAlternatingMessages([
      { role: "user", text: "", attachments: [label, image] },
      { role: "user", text: "Describe it" },
    ]);
    expect(merged?.message.content).toEqual([label, image, { type: "text", text: "Describe it" }]);
    expect(merged?.turnCount).toBe(2);
  });
});
